"""The read models of a ledger opened for a question, without the event store.

A read command (`findings`, `balances`, `trace`, `explain`, `programs`, `report`) first brings
the read models up to date with the event log; that needs the application, whose imports alone
cost about a second. When the read models are already current (the usual case: `load` projects
before it returns), this module opens the database directly, checks that nothing is pending
and answers from it, so a question costs little more than its SQL. Anything else (a new or
missing database, read models behind the log or from an older schema, an in-memory URL) answers
None and the caller takes the full path, which catches up as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from coloring.dburl import database_url, sqlite_file
from coloring.projections import schema
from coloring.projections.db import Database

if TYPE_CHECKING:
    import sqlite3

PROJECTION = "read_models"
"""The name under which the catch-up runner keeps its position (`projections.runner`)."""
EVENTS_TABLES = {False: "stored_events", True: "coloring_events"}
"""The event store's table: the library names it `stored_events` on SQLite and after the
application (`LedgerStore.name`) on PostgreSQL."""


class _SQLite:
    """A datastore with the one method `Database` uses, over a plain sqlite3 connection."""

    def __init__(self, connection: sqlite3.Connection, error: type[Exception]) -> None:
        self.connection = connection
        self.error = error

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[sqlite3.Cursor]:
        # Reads only: whatever is asked, nothing is committed.
        cursor = self.connection.cursor()
        cursor.execute("BEGIN")
        try:
            yield cursor
        finally:
            cursor.execute("ROLLBACK")
            cursor.close()

    def close(self) -> None:
        self.connection.close()


class _Postgres:
    """A psycopg 3 connection holding one transaction for the whole question, at repeatable
    read: every statement sees the snapshot the first one took, so the answer is of the read
    models as checked current; and a query costs its own round trip only, where a transaction
    a query added a BEGIN and a ROLLBACK to each."""

    def __init__(self, connection: Any, error: type[Exception]) -> None:
        from psycopg import IsolationLevel

        connection.isolation_level = IsolationLevel.REPEATABLE_READ
        self.connection = connection
        self.error = error
        self.priced = False

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[Any]:
        # Reads only: whatever is asked, nothing is committed (closing ends the transaction).
        with self.connection.cursor() as cursor:
            if not self.priced:
                # The planner's prices for a question, as a load sets them (`persistence_pg`): the
                # read models are in memory, so a page read at random costs about one read in
                # sequence (else the payments with findings, 8,000 index probes at a million
                # payments, were a scan of every payment: 96 against 362 ms); and no statement
                # is compiled, which a question never earns back (14 ms of the 230 ms of
                # `balances --as-of`).
                cursor.execute("SET LOCAL random_page_cost = 1.1; SET LOCAL jit = off")
                self.priced = True
            try:
                yield cursor
            except BaseException:
                self.connection.rollback()  # a failed statement leaves the transaction unusable
                raise

    def close(self) -> None:
        self.connection.close()


def _connect(url: str) -> _SQLite | _Postgres | None:
    path = sqlite_file(url)
    if path is not None:
        if not path.is_file():
            return None  # the full path says what is wrong, or makes a new ledger
        import sqlite3  # here: a question on PostgreSQL has no use for it

        try:
            return _SQLite(sqlite3.connect(path, timeout=30, isolation_level=None), sqlite3.Error)
        except sqlite3.Error:
            return None
    if urlparse(url).scheme in ("postgresql", "postgres"):
        import psycopg

        try:
            return _Postgres(psycopg.connect(url, connect_timeout=5), psycopg.Error)
        except (psycopg.Error, ValueError):
            return None
    return None


def _current(db: Database) -> bool:
    """Whether the read models exist in the current schema and have folded every event."""
    table = EVENTS_TABLES[db.postgres]
    events = (
        f"SELECT max(notification_id) FROM {table}"
        if db.postgres
        else f"SELECT max(rowid) FROM {table}"
    )
    with db.transaction(commit=False) as c:
        if not schema.is_complete(c):
            return False
        position = schema.position(c, PROJECTION)
        latest = c.query(events)[0][0]
    return latest is not None and position is not None and position == int(latest)


@contextmanager
def current_read_models(db_url: str | None) -> Iterator[Database | None]:
    """The ledger's read models if they are up to date, else None (see the module's doc)."""
    url = database_url(db_url)
    store = _connect(url)
    if store is None:
        yield None
        return
    try:
        db = Database(store, isinstance(store, _Postgres))
        try:
            ready = _current(db)
        except store.error:  # an older or foreign database: the full path explains it
            ready = False
        yield db if ready else None
    finally:
        store.close()
