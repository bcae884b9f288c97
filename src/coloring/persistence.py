"""Persistence chosen by configuration: a database URL becomes the library's environment.

`sqlite:///path.db` (default `./coloring.db`), `sqlite:///:memory:`, or
`postgresql://user[:password]@host[:port]/dbname`. The event table's recorder is extended so
that the record index (which pilot record became which events) is written in the same
transaction as the events: a load is recorded batch by batch, each batch atomically. So is the
hash chain (`ledger_chain`, see `coloring.integrity`): every stored event's chain link, keyed by
its notification id, written with it.

The library's private hooks are extended here and nowhere else: the recorder's
`_insert_events`, which the library calls inside the events' transaction (no public hook runs
there; writing the chain and index in a transaction of their own would lose the atomicity), and
the pool's `_create_connection` (the connection settings below, each with its measurement).
`tests/unit/test_library_seams.py` pins what they do, for a new version of the library.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse
from uuid import uuid4

from eventsourcing.persistence import InterfaceError, StoredEvent
from eventsourcing.sqlite import (
    SQLITE3_DEFAULT_LOCK_TIMEOUT,
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteCursor,
    SQLiteFactory,
)

from coloring.dburl import DEFAULT_DB, ENV_VAR, DatabaseUrlError, database_url, sqlite_file
from coloring.domain.errors import DatabaseUnavailableError
from coloring.integrity.merkle import GENESIS, canonical_content, chain_link, leaf_hash
from coloring.projections.db import Cursor

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "DEFAULT_DB",
    "ENV_VAR",
    "DatabaseUrlError",
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

CHAIN_TABLE = "ledger_chain"
_CHAIN_DDL = (
    f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} (position BIGINT PRIMARY KEY, link TEXT NOT NULL)"
)
_CHAIN_HEAD = f"SELECT link FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1"
_CHAIN_INSERT = f"INSERT INTO {CHAIN_TABLE} VALUES (?, ?)"


class NoLedgerError(DatabaseUnavailableError):
    """A command that reads was pointed at a place that holds no ledger."""


class NoDatabaseError(DatabaseUnavailableError):
    """A PostgreSQL URL names a database the server does not have."""


LEDGER_SCHEMA = "public"
"""Where the library makes its tables (it names the schema; the ledger's own tables follow the
connection's `search_path`)."""


class ForeignSchemaError(DatabaseUnavailableError):
    """A PostgreSQL connection whose `search_path` puts a schema other than the ledger's first:
    the library would make its tables in the one and the ledger its own in the other."""


# The event table of each backend (the library names PostgreSQL's after the application).
EVENTS_TABLE = {"sqlite": "stored_events", "postgresql": "coloring_events"}


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
            "PERSISTENCE_MODULE": "coloring.persistence_pg:PostgresLedgerFactory",
            "POSTGRES_DBNAME": parsed.path.strip("/"),
            "POSTGRES_HOST": parsed.hostname,
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": unquote(parsed.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parsed.password or ""),
            "POSTGRES_POOL_SIZE": "4",
            "POSTGRES_LOCK_TIMEOUT": "30",
            "POSTGRES_CONNECT_TIMEOUT": "5",
            # The library's 5 s ends a batch whose process paused that long between two of the
            # batch's statements (folding and judging the page happen in its transaction): on a
            # busy machine a 200k load was refused that way after 434k records.
            "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "60",
            "APPLICATION_RECORDER_TOPIC": "coloring.persistence_pg:PostgresLedgerRecorder",
        }
    raise DatabaseUrlError(
        f"{url!r}: unsupported database URL (use sqlite:///file.db, sqlite:///:memory: "
        "or postgresql://user@host:port/dbname)"
    )


def check_database(url: str) -> None:
    """Fail at once, naming it, when a PostgreSQL URL's database does not exist (the library's
    connection pool would retry for its whole timeout and then say only that it got no
    connection). SQLite URLs need no check."""
    if urlparse(url).scheme in ("postgresql", "postgres"):
        postgres_connect(url).close()


def postgres_connect(url: str) -> psycopg.Connection[Any]:
    """A connection of its own to a PostgreSQL ledger's database; a missing database is named."""
    # Imported here: a SQLite command does not need psycopg (~0.1 CPU s to import).
    import psycopg

    env = environment_for(url)
    try:
        connection = psycopg.connect(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=int(env["POSTGRES_PORT"]),
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"] or None,
            connect_timeout=int(env["POSTGRES_CONNECT_TIMEOUT"]),
            autocommit=True,
        )
    except psycopg.OperationalError as e:
        name, where = env["POSTGRES_DBNAME"], f"{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}"
        if f'database "{name}" does not exist' in str(e):
            raise NoDatabaseError(
                f"no PostgreSQL database {name} at {where} (create it with "
                f"createdb -h {env['POSTGRES_HOST']} -p {env['POSTGRES_PORT']} "
                f"-U {env['POSTGRES_USER']} {name})"
            ) from None
        raise DatabaseUnavailableError(
            f"cannot open the ledger at {url}: {str(e).strip()} (check the server, "
            "and --db / COLORING_DB)"
        ) from None
    row = connection.execute("SELECT current_schema()").fetchone()
    if row is None or row[0] != LEDGER_SCHEMA:
        connection.close()
        raise ForeignSchemaError(
            f"the ledger is kept in the {LEDGER_SCHEMA!r} schema of its database, but this "
            f"connection's search_path puts {row[0] if row and row[0] else 'no existing schema'!r}"
            " first: reset the search_path of the role or database (docs/operations.md)"
        )
    return connection


def require_ledger(url: str) -> None:
    """Refuse, creating nothing on disk or on the server, a URL that holds no ledger: a command
    that only reads must not answer "nothing found" about a ledger that was never loaded."""
    hint = f"no ledger at {url} (load a pilot folder into it first: coloring load FOLDER --db URL)"
    if urlparse(url).scheme == "sqlite":
        file = sqlite_file(url)
        if file is None:
            environment_for(url)  # a malformed URL says so first
            raise NoLedgerError(
                f"no ledger at {url}: an in-memory ledger lives only as long as the command "
                "that loads it (use a file, or `coloring demo`)"
            )
        if not file.is_file() or not sqlite_holds_ledger(file):
            raise NoLedgerError(hint)
        return
    environment_for(url)
    with postgres_connect(url) as connection:
        row = connection.execute("SELECT to_regclass(%s)", (EVENTS_TABLE["postgresql"],)).fetchone()
    if row is None or row[0] is None:
        raise NoLedgerError(hint)


def sqlite_holds_ledger(file: Path) -> bool:
    """Whether a SQLite file has the ledger's events, asked read only (opening it as a ledger
    would set its journal mode: a write)."""
    if not file.is_file():
        return False
    try:
        # Read-only: opening must not create or change the file.
        connection = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
        try:
            found = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                (EVENTS_TABLE["sqlite"],),
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return False
    return found is not None


def _record_rows(kwargs: dict[str, Any]) -> list[tuple[Any, ...]]:
    return list(kwargs.get("records") or ())


def _chain_rows(
    head: bytes, ids: Sequence[int], stored_events: Sequence[StoredEvent]
) -> list[tuple[int, str]]:
    """The chain rows of events just inserted with these notification ids, after `head`."""
    rows = []
    link = head
    for position, s in zip(ids, stored_events, strict=True):
        leaf = leaf_hash(
            canonical_content(position, s.originator_id, s.originator_version, s.topic, s.state)
        )
        link = chain_link(link, leaf)
        rows.append((position, link.hex()))
    return rows


def _head(row: Any) -> bytes:
    """The last link (the writer holds the event table's write lock, so it is the last)."""
    value = None if row is None else row["link"] if isinstance(row, dict) else row[0]
    return GENESIS if value is None else bytes.fromhex(value)


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


# The library opens its connections with `cached_statements=True`, which Python reads as a
# cache of ONE prepared statement: every statement but the last one run is compiled again each
# time. A read of one aggregate (BEGIN, SELECT, ROLLBACK) then costs 51 us instead of 26, and a
# load reads ever more of them back as the folder outgrows the aggregate cache (3M payments:
# ~10,000 a 100,000 records by a quarter of the load). Python's default cache size.
STATEMENTS_CACHED = 128


class _LedgerSQLitePool(SQLiteConnectionPool):
    def _create_connection(self) -> SQLiteConnection:
        # The library's method with a cache of statements (it has no parameter for it).
        try:
            c = sqlite3.connect(
                self.db_name,
                uri=True,
                check_same_thread=False,
                isolation_level=None,  # the library issues BEGIN itself
                cached_statements=STATEMENTS_CACHED,
                timeout=self.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT,
            )
        except (sqlite3.Error, TypeError) as e:
            raise InterfaceError(e) from e
        if not self.is_journal_mode_wal:
            c.execute("PRAGMA journal_mode = WAL")
            self.is_journal_mode_wal = True
        c.row_factory = sqlite3.Row
        c.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        c.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
        return SQLiteConnection(sqlite_conn=c, max_age=self.max_age)


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
        return [*super().construct_create_table_statements(), _RECORDS_DDL, _CHAIN_DDL]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        if ids:
            # Read after the insert: by then this transaction holds SQLite's write lock.
            c.execute(_CHAIN_HEAD)
            c.executemany(_CHAIN_INSERT, _chain_rows(_head(c.fetchone()), ids, stored_events))
        rows = _record_rows(kwargs)
        if rows:
            # As many rows a statement as SQLite binds (the read models' helper): a registry-
            # heavy batch is ~5,000 index rows, and one statement a row steps, resets and binds
            # again for each (the registry-heavy 20k load's 348,575 rows in batches of 5,000:
            # 2.25 -> 1.68 CPU s, docs/performance.md "Load CPU, 2026-12-07").
            Cursor(c, postgres=False).executemany(_RECORDS_INSERT, rows)
        _project(kwargs, c, ids)
        return ids
