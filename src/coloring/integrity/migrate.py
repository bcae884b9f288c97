"""Chain a ledger written before the hash chain existed, in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coloring.integrity.chain import WINDOW, content_of, event_table
from coloring.integrity.merkle import GENESIS, chain_link, leaf_hash
from coloring.persistence import CHAIN_TABLE
from coloring.projections.db import Database

if TYPE_CHECKING:
    from coloring.store import LedgerStore


def chain_unchained(db: Database, store: LedgerStore) -> int:
    """Recompute every link from position 1 over the events as stored now; returns how many
    events are chained. Writers wait: the event table is locked for the transaction."""
    table, column = event_table(db, store)
    with db.transaction() as c:
        if db.postgres:
            c.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        # On SQLite this first write takes the database's write lock.
        c.execute(f"DELETE FROM {CHAIN_TABLE}")
        link, last, count = GENESIS, 0, 0
        while True:
            rows = c.query(
                f"SELECT {column}, originator_id, originator_version, topic, state FROM {table} "
                f"WHERE {column} > ? ORDER BY {column} LIMIT ?",
                (last, WINDOW),
            )
            if not rows:
                return count
            chained = []
            for r in rows:
                row = (int(r[0]), r[1], r[2], r[3], r[4])
                leaf = leaf_hash(content_of(row))
                link = chain_link(link, leaf)
                chained.append((row[0], link.hex()))
            c.executemany(f"INSERT INTO {CHAIN_TABLE} VALUES (?, ?)", chained)
            last, count = chained[-1][0], count + len(chained)
