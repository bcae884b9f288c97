"""The FLOOR for `load`: what a user would write by hand with plain Python + sqlite3.

Reads allocations.csv and transfers.csv into tables, then applies them in time order
(allocations before transfers at one instant, then row order) with a per-(holder, program)
balance check; a payment for more than the payer holds is refused whole. Balances and
statuses are written back with a commit every BATCH records. No events, no rules, no units,
no documents.  Usage: python benchmarks/floor.py FOLDER DB_PATH"""

from __future__ import annotations

import csv
import sqlite3
import sys
from datetime import datetime, timedelta, timezone

BATCH = 10_000
KZ = timezone(timedelta(hours=5))


def instant_us(text: str) -> int:
    d = datetime.fromisoformat(text)
    if d.tzinfo is None:
        d = d.replace(tzinfo=KZ)
    return int(d.timestamp() * 1_000_000)


def tiyn(text: str) -> int:
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def main(folder: str, db_path: str) -> None:
    con = sqlite3.connect(db_path)
    con.executescript(
        "CREATE TABLE allocations (id TEXT PRIMARY KEY, program TEXT, payer TEXT, recipient TEXT,"
        " amount INTEGER, at_us INTEGER);"
        "CREATE TABLE transfers (id TEXT PRIMARY KEY, program TEXT, payer TEXT, payee TEXT,"
        " amount INTEGER, at_us INTEGER, purpose_ref TEXT, status TEXT);"
        "CREATE TABLE balances (holder TEXT, program TEXT, amount INTEGER,"
        " PRIMARY KEY (holder, program));"
    )
    with open(f"{folder}/allocations.csv", newline="", encoding="utf-8-sig") as f:
        allocs = [
            (
                r["allocation_id"],
                r["program_id"],
                r["payer"],
                r["recipient"],
                tiyn(r["amount"]),
                instant_us(r["allocated_at"]),
            )
            for r in csv.DictReader(f)
        ]
    with open(f"{folder}/transfers.csv", newline="", encoding="utf-8-sig") as f:
        transfers = [
            (
                r["transfer_id"],
                r["program_id"],
                r["payer"],
                r["payee"],
                tiyn(r["amount"]),
                instant_us(r["at"]),
                r.get("purpose_ref") or None,
                None,
            )
            for r in csv.DictReader(f)
        ]
    con.executemany("INSERT INTO allocations VALUES (?,?,?,?,?,?)", allocs)
    con.executemany("INSERT INTO transfers VALUES (?,?,?,?,?,?,?,?)", transfers)
    con.commit()

    order = [(a[5], 0, i) for i, a in enumerate(allocs)]
    order += [(t[5], 1, i) for i, t in enumerate(transfers)]
    order.sort()
    bal: dict[tuple[str, str], int] = {}
    touched: set[tuple[str, str]] = set()
    status: list[tuple[str, str]] = []

    def flush() -> None:
        con.executemany(
            "INSERT INTO balances VALUES (?,?,?) ON CONFLICT (holder, program) "
            "DO UPDATE SET amount = excluded.amount",
            [(h, p, bal[(h, p)]) for h, p in touched],
        )
        con.executemany("UPDATE transfers SET status = ? WHERE id = ?", status)
        con.commit()
        touched.clear()
        status.clear()

    for n, (_, kind, i) in enumerate(order, 1):
        if kind == 0:
            _, program, _, recipient, amount, _ = allocs[i]
            key = (recipient, program)
            bal[key] = bal.get(key, 0) + amount
            touched.add(key)
        else:
            tid, program, payer, payee, amount, _, _, _ = transfers[i]
            src = (payer, program)
            if bal.get(src, 0) < amount:
                status.append(("refused", tid))
            else:
                dst = (payee, program)
                bal[src] -= amount
                bal[dst] = bal.get(dst, 0) + amount
                touched.add(src)
                touched.add(dst)
                status.append(("applied", tid))
        if n % BATCH == 0:
            flush()
    flush()
    con.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
