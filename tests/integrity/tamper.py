"""Tamper with a ledger's stored rows as someone with write access to the database would.

Works on a SQLite file or a PostgreSQL database through a plain connection (never through the
application): `Stored(url)` reads and edits the event table, the chain, the snapshots, the
record index and the projection position. Positions are notification ids.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from coloring.integrity.merkle import GENESIS, canonical_content, chain_link, leaf_hash

CLI = [sys.executable, "-c", "from coloring.cli import main; main()"]


@dataclass
class Sealed:
    """A ledger, the seal taken right after loading it, and raw access to its rows."""

    url: str
    seal: Path
    stored: Stored


def coloring(*args: str) -> subprocess.CompletedProcess[str]:
    """`coloring ARGS...` as a real process."""
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=600)


class Stored:
    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith("postgres")
        self.position = "notification_id" if self.postgres else "rowid"
        # The library names PostgreSQL's tables after the application, SQLite's by default.
        prefix = "coloring" if self.postgres else "stored"
        self.events, self.snapshots = f"{prefix}_events", f"{prefix}_snapshots"

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        if self.postgres:
            with psycopg.connect(self.url) as conn:
                yield conn
        else:
            conn = sqlite3.connect(self.url.removeprefix("sqlite:///"))
            try:
                with conn:
                    yield conn
            finally:
                conn.close()

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.postgres:
            sql = sql.replace("?", "%s")
        with self._connection() as conn:
            cursor = conn.execute(sql, tuple(params))
            return list(cursor.fetchall()) if cursor.description else []

    # -- reading ---------------------------------------------------------------------------

    def event(self, position: int) -> tuple[Any, int, str, bytes]:
        oid, version, topic, state = self.run(
            f"SELECT originator_id, originator_version, topic, state FROM {self.events} "
            f"WHERE {self.position} = ?",
            (position,),
        )[0]
        return oid, int(version), str(topic), bytes(state)

    def payment(self, transfer_id: str) -> int:
        """The position of the event that recorded a payment (from the read model)."""
        return int(
            self.run(
                "SELECT notification_id FROM rm_movements WHERE movement_id = ?", (transfer_id,)
            )[0][0]
        )

    def position_of(self, oid: Any, version: int) -> int:
        return int(
            self.run(
                f"SELECT {self.position} FROM {self.events} WHERE originator_id = ? "
                "AND originator_version = ?",
                (oid, version),
            )[0][0]
        )

    def last(self) -> int:
        return int(self.run(f"SELECT MAX({self.position}) FROM {self.events}")[0][0])

    # -- tampering ---------------------------------------------------------------------------

    def set_state(self, position: int, state: bytes) -> None:
        self.run(f"UPDATE {self.events} SET state = ? WHERE {self.position} = ?", (state, position))

    def edit_json(self, position: int, **changes: Any) -> None:
        data = json.loads(self.event(position)[3])
        data.update(changes)
        self.set_state(position, json.dumps(data, separators=(",", ":")).encode())

    def delete(self, position: int) -> None:
        self.run(f"DELETE FROM {self.events} WHERE {self.position} = ?", (position,))

    def swap(self, a: int, b: int) -> None:
        (_, _, topic_a, state_a), (_, _, topic_b, state_b) = self.event(a), self.event(b)
        sql = f"UPDATE {self.events} SET topic = ?, state = ? WHERE {self.position} = ?"
        self.run(sql, (topic_b, state_b, a))
        self.run(sql, (topic_a, state_a, b))

    def append(
        self, oid: Any, version: int, topic: str, state: bytes, *, relink: bool = False
    ) -> int:
        """A new event at the end; with `relink` also its chain link, computed as the ledger
        would (a forger who knows the algorithm)."""
        position = self.last() + 1
        stored_oid = oid if self.postgres else uuid.UUID(str(oid)).hex
        self.run(
            f"INSERT INTO {self.events} ({self.position}, originator_id, originator_version, "
            "topic, state) VALUES (?, ?, ?, ?, ?)",
            (position, stored_oid, version, topic, state),
        )
        if relink:
            head = self.run("SELECT link FROM ledger_chain ORDER BY position DESC LIMIT 1")
            previous = bytes.fromhex(head[0][0]) if head else GENESIS
            leaf = leaf_hash(canonical_content(position, oid, version, topic, state))
            self.run(
                "INSERT INTO ledger_chain VALUES (?, ?)",
                (position, chain_link(previous, leaf).hex()),
            )
        return position

    def last_version(self, oid: Any) -> int:
        stored_oid = oid if self.postgres else uuid.UUID(str(oid)).hex
        return int(
            self.run(
                f"SELECT MAX(originator_version) FROM {self.events} WHERE originator_id = ?",
                (stored_oid,),
            )[0][0]
        )

    def truncate(self, after: int) -> None:
        """Remove every event after a position together with its chain link (a clean cut)."""
        self.run(f"DELETE FROM {self.events} WHERE {self.position} > ?", (after,))
        self.run("DELETE FROM ledger_chain WHERE position > ?", (after,))

    def edit_snapshot(self, **changes: Any) -> None:
        """Change the fields of every stored snapshot (of the units of each program)."""
        for oid, version, state in self.run(
            f"SELECT originator_id, originator_version, state FROM {self.snapshots}"
        ):
            data = json.loads(bytes(state))
            data.update(changes)
            self.run(
                f"UPDATE {self.snapshots} SET state = ? WHERE originator_id = ? "
                "AND originator_version = ?",
                (json.dumps(data).encode(), oid, version),
            )
