"""The FLOOR for `load`: what a user would write by hand with plain Python + sqlite3.

Reads EVERY CSV file of the folder into a table of its own (`csv_<name>`, all columns as
text, the registry included, as ../shared/bench/floor.py does), so that a folder with a large
registry extract costs the floor what it costs us to read it. Then applies allocations and
transfers from those tables in time order (allocations before transfers at one instant, then
row order) with a per-(holder, program) balance check; a payment for more than the payer holds
is refused whole. Balances and statuses are written back with a commit every BATCH records. No
events, no rules, no units, no documents.  Usage: python benchmarks/floor.py FOLDER DB_PATH"""

from __future__ import annotations

import csv
import itertools
import sqlite3
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

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
    for path in sorted(Path(folder).glob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = csv.reader(f)
            header = next(rows)
            table = f'"csv_{path.stem}"'
            con.execute(f"CREATE TABLE {table} ({', '.join(f'{c!r} TEXT' for c in header)})")
            marks = ",".join("?" * len(header))
            while batch := list(itertools.islice(rows, BATCH)):
                con.executemany(f"INSERT INTO {table} VALUES ({marks})", batch)
            con.commit()
    allocs = [
        (i, p, a, r, tiyn(m), instant_us(t))
        for i, p, a, r, m, t in con.execute(
            "SELECT allocation_id, program_id, payer, recipient, amount, allocated_at "
            "FROM csv_allocations"
        )
    ]
    transfers = [
        (i, p, a, e, tiyn(m), instant_us(t), ref or None, None)
        for i, p, a, e, m, t, ref in con.execute(
            "SELECT transfer_id, program_id, payer, payee, amount, at, purpose_ref "
            "FROM csv_transfers"
        )
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
