"""The FLOOR for `rebuild`: what a user would write by hand with plain Python + sqlite3 to
replay the ledger's log into tables.

`fold_floor.py DB OUT_DB` (the floor the benchmark's ratio is taken against since 2026-12-06):
reads every stored event from `stored_events`, json-decodes its state, and writes every record
it carries as one row of a table in OUT_DB: a page's movements (`movements`, keyed by id) and
accepted acts (`acts`), a registry extract's rows (`registry`), and every other event as its
state (`facts`, topic and JSON); folds balances per (holder, program) in a dict and writes the
changed ones with a commit every BATCH records. This is to the log what `floor.py` is to the
folder: every record read into a table, balances kept, no rules, no documents judged, no
indexes beyond the keys.

`fold_floor.py DB` (the floor before 2026-12-06, kept for comparison): the same read and decode,
holdings folded in a dict, nothing written.  Usage: python benchmarks/fold_floor.py DB [OUT_DB]"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterator
from typing import Any

BATCH = 10_000


def _move(holdings: dict[tuple[str, str], int], prog: str, entry: list[Any]) -> list[Any]:
    """A page entry `[kind, seq, id, payer, payee, amount, ...]` moved in the dict; the
    (program, holder) keys it changed."""
    kind, _, _, payer, payee, amount, *rest = entry
    outcome = rest[2] if kind == "allocated" else rest[4] if kind == "transferred" else None
    changed = []
    if kind == "transferred":
        k = (prog, payer)
        holdings[k] = holdings.get(k, 0) - amount
        changed.append(k)
    if outcome == "held":
        k = (prog, payee)
        holdings[k] = holdings.get(k, 0) + amount
        changed.append(k)
    return changed


def _events(con: sqlite3.Connection) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    for topic, state in con.execute("SELECT topic, state FROM stored_events ORDER BY rowid"):
        yield topic, state, json.loads(state)


def fold_only(db_path: str) -> None:
    con = sqlite3.connect(db_path)
    holdings: dict[tuple[str, str], int] = {}
    n = 0
    for topic, _, d in _events(con):
        n += 1
        if topic.endswith(".PaymentsRecorded"):
            for entry in d["entries"]:
                _move(holdings, d["program_id"], entry)
        elif topic.endswith(".UnitsAllocated") or topic.endswith(".UnitsTransferred"):
            outcome = d.get("outcome")
            if outcome == "refused":
                continue
            prog, amount = d["program_id"], d["amount"]
            if topic.endswith(".UnitsTransferred"):
                k = (prog, d["payer"])
                holdings[k] = holdings.get(k, 0) - amount
            if outcome == "held":
                k = (prog, d.get("payee") or d.get("recipient"))
                holdings[k] = holdings.get(k, 0) + amount
    con.close()
    print(json.dumps({"events": n, "holders": sum(1 for v in holdings.values() if v > 0)}))


def fold_rows(db_path: str, out_path: str) -> None:
    con = sqlite3.connect(db_path)
    out = sqlite3.connect(out_path)
    out.executescript(
        "CREATE TABLE movements (id TEXT PRIMARY KEY, program TEXT, kind TEXT, payer TEXT, "
        "payee TEXT, amount INTEGER, at_us INTEGER, seq INTEGER);"
        "CREATE TABLE acts (id TEXT PRIMARY KEY, contract TEXT, amount INTEGER, at_us INTEGER);"
        "CREATE TABLE registry (seq INTEGER, animal_id TEXT, species TEXT, event TEXT, "
        "owner TEXT, at_us INTEGER, at_offset INTEGER);"
        "CREATE TABLE facts (topic TEXT, state TEXT);"
        "CREATE TABLE balances (holder TEXT, program TEXT, amount INTEGER, "
        "PRIMARY KEY (holder, program));"
    )
    holdings: dict[tuple[str, str], int] = {}
    touched: set[tuple[str, str]] = set()
    moves: list[tuple[Any, ...]] = []
    acts: list[tuple[Any, ...]] = []
    registry: list[list[Any]] = []
    other: list[tuple[str, str]] = []  # the state as stored
    records = 0
    n = 0

    def flush() -> None:
        out.executemany("INSERT INTO movements VALUES (?,?,?,?,?,?,?,?)", moves)
        out.executemany("INSERT INTO acts VALUES (?,?,?,?)", acts)
        out.executemany("INSERT INTO registry VALUES (?,?,?,?,?,?,?)", registry)
        out.executemany("INSERT INTO facts VALUES (?,?)", other)
        out.executemany(
            "INSERT INTO balances VALUES (?,?,?) ON CONFLICT (holder, program) "
            "DO UPDATE SET amount = excluded.amount",
            [(h, p, holdings[(p, h)]) for p, h in touched],
        )
        out.commit()
        for rows in (moves, acts, registry, other):
            rows.clear()
        touched.clear()

    for topic, state, d in _events(con):
        n += 1
        if topic.endswith(".PaymentsRecorded"):
            prog = d["program_id"]
            for entry in d["entries"]:
                kind, seq, rid, payer, payee, amount, at_us = entry[:7]
                if kind == "accepted":  # [kind, seq, act, contract, amount, at_us, offset]
                    acts.append((rid, payer, payee, amount))
                    continue
                moves.append((rid, prog, kind, payer, payee, amount, at_us, seq))
                touched.update(_move(holdings, prog, entry))
            records += len(d["entries"])
        elif topic.endswith(".Recorded"):
            registry.extend(d["rows"])
            records += len(d["rows"])
        else:
            other.append((topic, bytes(state).decode()))
            records += 1
        if records >= BATCH:
            flush()
            records = 0
    flush()
    out.close()
    con.close()
    print(json.dumps({"events": n, "holders": sum(1 for v in holdings.values() if v > 0)}))


if __name__ == "__main__":
    if len(sys.argv) > 2:
        fold_rows(sys.argv[1], sys.argv[2])
    else:
        fold_only(sys.argv[1])
