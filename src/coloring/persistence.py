"""Persistence chosen by configuration: a database URL becomes the library's environment.

`sqlite:///path.db` (default `./coloring.db`), `sqlite:///:memory:`, or
`postgresql://user[:password]@host[:port]/dbname`. The event table's recorder is extended so
that the record index (which pilot record became which events) is written in the same
transaction as the events: a load is recorded batch by batch, each batch atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote, urlparse
from uuid import uuid4

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteCursor,
    SQLiteFactory,
)
from psycopg.sql import SQL

from coloring.dburl import DEFAULT_DB, ENV_VAR, DatabaseUrlError, database_url, sqlite_file

__all__ = [
    "DEFAULT_DB",
    "ENV_VAR",
    "DatabaseUrlError",
    "PostgresLedgerRecorder",
    "SQLiteLedgerFactory",
    "SQLiteLedgerRecorder",
    "database_url",
    "environment_for",
    "sqlite_file",
]

RECORDS_TABLE = "ledger_records"
_RECORDS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {RECORDS_TABLE} ("
    "kind TEXT NOT NULL, key TEXT NOT NULL, digest TEXT NOT NULL, seq BIGINT NOT NULL, "
    "at_us BIGINT, source TEXT NOT NULL, PRIMARY KEY (kind, key))"
)
_RECORDS_INSERT = f"INSERT INTO {RECORDS_TABLE} VALUES (?, ?, ?, ?, ?, ?)"


def environment_for(url: str) -> dict[str, str]:
    """The eventsourcing environment for a database URL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
        if not path:
            raise DatabaseUrlError(
                f"{url!r}: expected sqlite:///path/to/file.db or sqlite:///:memory:"
            )
        if path == ":memory:":
            # One shared in-memory database for every connection of this process.
            path = f"file:coloring-{uuid4().hex}?mode=memory&cache=shared"
        return {
            "PERSISTENCE_MODULE": "coloring.persistence:SQLiteLedgerFactory",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "30",
            "APPLICATION_RECORDER_TOPIC": "coloring.persistence:SQLiteLedgerRecorder",
        }
    if parsed.scheme in ("postgresql", "postgres"):
        if not parsed.hostname or not parsed.path.strip("/"):
            raise DatabaseUrlError(f"{url!r}: expected postgresql://user@host:port/dbname")
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": parsed.path.strip("/"),
            "POSTGRES_HOST": parsed.hostname,
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": unquote(parsed.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parsed.password or ""),
            "POSTGRES_POOL_SIZE": "4",
            "POSTGRES_LOCK_TIMEOUT": "30",
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "APPLICATION_RECORDER_TOPIC": "coloring.persistence:PostgresLedgerRecorder",
        }
    raise DatabaseUrlError(
        f"{url!r}: unsupported database URL (use sqlite:///file.db, sqlite:///:memory: "
        "or postgresql://user@host:port/dbname)"
    )


def _record_rows(kwargs: dict[str, Any]) -> list[tuple[Any, ...]]:
    return list(kwargs.get("records") or ())


def _project(kwargs: dict[str, Any], cursor: Any, ids: Sequence[int] | None) -> None:
    """The read models written with the events, in their transaction (store.LedgerStore.inline)."""
    project = kwargs.get("project")
    if project is not None and ids:
        project(cursor, ids)


# SQLite checkpoints its write-ahead log into the database every 1,000 pages (4 MB) by default:
# a large load then checkpoints (copies pages back, fsyncs) on nearly every batch. Every 50,000
# pages (~200 MB) coalesces those writes: a generated 1M-payment folder loads in 436 s instead
# of 501 s, with the same durability (commits still sync the log).
WAL_CHECKPOINT_PAGES = 50_000

# SQLite's default page cache is 2 MB: a load's read-model indexes outgrow it within a few
# thousand payments, and every insert then reads its B-tree pages back from the OS. 64 MB: the
# 100k folder loads in 27.3 CPU s instead of 29.3-30.5 (2026-12-06, with the compiled digests
# of store.py, ~0.2 s of it), for 70 MB more peak memory.
PAGE_CACHE_KIB = 65_536


class _LedgerSQLitePool(SQLiteConnectionPool):
    def _create_connection(self) -> SQLiteConnection:
        connection = super()._create_connection()
        connection.cursor().execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        connection.cursor().execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
        return connection


class SQLiteLedgerFactory(SQLiteFactory):
    """The library's SQLite persistence, with the ledger's connection settings."""

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        pool = self.datastore.pool
        if not pool.is_sqlite_memory_mode:
            # Replaced before any connection is made (the library's pool opens them lazily).
            self.datastore.pool = _LedgerSQLitePool(
                db_name=pool.db_name, lock_timeout=pool.lock_timeout
            )


class SQLiteLedgerRecorder(SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), _RECORDS_DDL]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        rows = _record_rows(kwargs)
        if rows:
            c.executemany(_RECORDS_INSERT, rows)
        _project(kwargs, c, ids)
        return ids


class PostgresLedgerRecorder(PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sql_create_statements.append(SQL(_RECORDS_DDL))  # type: ignore[arg-type]

    def _insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        super()._insert_events(curs, stored_events, **kwargs)
        rows = _record_rows(kwargs)
        if rows:
            # The library inserts in pipeline mode, where COPY is not allowed; the pipeline
            # already sends these rows without waiting for each.
            curs.executemany(_RECORDS_INSERT.replace("?", "%s"), rows)

    def _fetch_ids_after_insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        _project(kwargs, curs, ids)
        return ids
