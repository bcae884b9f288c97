"""The ledger's record of loads: each load is written as started before its first record and as
finished after its last, under the write lock, in a small table of its own.

A load killed in between (kill -9, power loss) leaves its row unfinished: every batch it
committed is kept, but the folder is only partly in the ledger. Read commands say so until the
same folder is loaded again (which records the rest and finishes every unfinished load of it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from coloring.clock import utc_now
from coloring.projections.db import Cursor, Database

LOADS_TABLE = "ledger_loads"
_DDL = (
    f"CREATE TABLE IF NOT EXISTS {LOADS_TABLE} (id BIGINT PRIMARY KEY, folder TEXT NOT NULL, "
    "pid BIGINT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, outcome TEXT)"
)


@dataclass(frozen=True)
class Load:
    id: int
    folder: str
    pid: int
    started_at: str


def start(db: Database, folder: str) -> int:
    """Record a load of `folder` as started (the caller holds the write lock); its id."""
    with db.transaction() as c:
        c.execute(_DDL)
        row = c.query(f"SELECT MAX(id) FROM {LOADS_TABLE}")
        load_id = int(row[0][0] or 0) + 1
        c.execute(
            f"INSERT INTO {LOADS_TABLE} VALUES (?, ?, ?, ?, NULL, NULL)",
            (load_id, folder, os.getpid(), utc_now()),
        )
    return load_id


def finish(db: Database, load_id: int, outcome: str) -> None:
    """Record the load as finished. A load that recorded the whole folder (`loaded`) also
    finishes every earlier unfinished load of the same folder: the folder is in the ledger."""
    with db.transaction() as c:
        folder = c.query(f"SELECT folder FROM {LOADS_TABLE} WHERE id = ?", (load_id,))
        c.execute(
            f"UPDATE {LOADS_TABLE} SET finished_at = ?, outcome = ? WHERE id = ?",
            (utc_now(), outcome, load_id),
        )
        if outcome == "loaded" and folder:
            c.execute(
                f"UPDATE {LOADS_TABLE} SET finished_at = ?, outcome = ? "
                "WHERE folder = ? AND finished_at IS NULL",
                (utc_now(), f"completed by load {load_id}", folder[0][0]),
            )


def unfinished(c: Cursor) -> list[Load]:
    """The loads started and not finished (none when no load was ever recorded)."""
    if not _exists(c):
        return []
    rows = c.query(
        f"SELECT id, folder, pid, started_at FROM {LOADS_TABLE} "
        "WHERE finished_at IS NULL ORDER BY id"
    )
    return [Load(int(r[0]), str(r[1]), int(r[2]), str(r[3])) for r in rows]


def _exists(c: Cursor) -> bool:
    if c.postgres:
        row = c.query("SELECT to_regclass(?) IS NOT NULL", (LOADS_TABLE,))
        return bool(row[0][0])
    row = c.query(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (LOADS_TABLE,)
    )
    return bool(row[0][0])
