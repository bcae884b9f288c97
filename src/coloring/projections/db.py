"""A thin cursor over the event store's own connection pool, for read-model SQL.

Read models live in the same database as the events so that a page of read-model writes and the
projection's position commit in one transaction. SQL is written with `?` placeholders and
translated for PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import sqlite3

SqlValue = str | int | None
"""A value of a read-model column or a query parameter: text, a 64-bit integer or NULL."""

PendingRow = list[Any]
"""A row of the page being folded, kept in memory so that the rest of the page can complete it
in place (`row[10] += amount`) before it is inserted. `Any`: its columns are its table's
(projections/schema.py), of every type by position, as an SQL row is."""

COPY_FROM = 8
"""Rows from which a plain INSERT goes to PostgreSQL as one COPY: a page's rows then cross as
one stream instead of one statement each (fewer rows: the statements are as quick)."""

SQLITE_VARIABLES = 999
"""Values one multi-row INSERT binds on SQLite (the smallest limit a build of it may have): a
page's plain inserts go as statements of as many rows as fit, not one statement a row, which
SQLite steps, resets and binds again for each row (300,000 registry rows: 0.94 -> 0.63 CPU s)."""

GROWN_FROM_PAGES = 8
"""Pages (8 kB) under which a table is not analysed for having doubled: reading it whole is
as quick as any plan."""

_PLAIN_INSERT = re.compile(
    r"INSERT INTO (?P<table>\w+)\s*(?:\((?P<columns>[\w\s,]+)\))?\s*"
    r"VALUES\s*\(\s*\?(?:\s*,\s*\?)*\s*\)",
    re.IGNORECASE,
)


def plain_insert(sql: str) -> str | None:
    """`table (columns)` of an INSERT that only adds rows (no ON CONFLICT, no RETURNING, no
    expressions): one that COPY can do. None for any other statement."""
    m = _PLAIN_INSERT.fullmatch(sql.strip())
    if m is None:
        return None
    columns = m["columns"]
    return m["table"] if columns is None else f"{m['table']} ({' '.join(columns.split())})"


def _pipelined(raw: Any) -> bool:
    """Whether the connection is in pipeline mode (as the library's recorder inserts), where
    PostgreSQL refuses COPY; the pipeline sends an executemany's rows without waiting anyway."""
    return bool(raw.connection.pgconn.pipeline_status)


def copy_rows(raw: Any, target: str, rows: Sequence[Sequence[Any]]) -> None:
    """Add `rows` to `target` (`table` or `table (columns)`) with one COPY on a psycopg 3
    cursor: each value is sent as text and read by the server as its column's type, as an
    INSERT's parameter would be."""
    with raw.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


_GROWN = (
    "SELECT c.oid::regclass::text FROM pg_class c "
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' "
    "AND pg_relation_size(c.oid) >= 2 * current_setting('block_size')::bigint * "
    f"GREATEST(c.relpages, {GROWN_FROM_PAGES})"
)


def analyze_grown(connection: Any) -> None:
    """ANALYZE each table of the ledger's schema that has doubled since its last ANALYZE
    (`relpages` is its size then) and is past a few pages, on a psycopg 3 connection outside
    any batch: the planner's statistics of a table that a load or a rebuild grows are never
    more than 2x behind, and a small write into a large ledger pays one query.
    The server here runs without autovacuum, and a load must not depend on it anyway. With
    statistics of the table as it was empty, a look-up by 500 keys (`judging.py`) is estimated
    at half the table and planned as a scan of it and of `rm_documents`; and the plan psycopg
    keeps for a prepared statement is only made again after an ANALYZE. Coarse events made the
    event log a poor clock for this: a 1M load writes 44k events with its first batch, then a
    few hundred a batch, so a schedule of log doublings analysed the read models once, empty."""
    from psycopg.rows import tuple_row

    with connection.cursor(row_factory=tuple_row) as cursor:
        grown = [name for (name,) in cursor.execute(_GROWN).fetchall()]
        if grown:
            cursor.execute("ANALYZE " + ", ".join(grown))


_READ_MODELS = (
    "SELECT c.oid::regclass::text FROM pg_class c "
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' "
    "AND c.relname LIKE 'rm\\_%'"
)


def vacuum_read_models(connection: Any) -> None:
    """VACUUM the read-model tables on a psycopg 3 connection in autocommit (VACUUM cannot run
    in a transaction block): the rows a load updates in place leave dead versions behind (1M:
    277k in rm_holdings, 382k in rm_deliveries) that every read steps over until a vacuum, and
    the server here runs without autovacuum (even with it, a question right after a load would
    meet them). Every read model, not those with dead rows: the server's count of them lags
    the load's own connections by up to seconds; a table with none costs a read of its pages
    not yet marked all-visible (the 20k ledger: 17 ms for all 19). No ANALYZE: the load keeps
    statistics within 2x (`analyze_grown`), and analysing every read model took 0.2 s more."""
    from psycopg.rows import tuple_row

    with connection.cursor(row_factory=tuple_row) as cursor:
        tables = [name for (name,) in cursor.execute(_READ_MODELS).fetchall()]
        if tables:
            cursor.execute("VACUUM " + ", ".join(tables))


_SECURE_DELETE = {0: "OFF", 1: "ON", 2: "FAST"}
"""`PRAGMA secure_delete` as it reads back, and as it is set."""


class Cursor:
    def __init__(self, raw: Any, postgres: bool) -> None:
        if postgres:
            # The library's PostgreSQL cursors return dicts; positions are what we need.
            from psycopg.rows import tuple_row

            raw.row_factory = tuple_row
        self._raw = raw
        self.postgres = postgres
        # The sqlite3 cursor under the library's: rows are fetched from it as plain tuples
        # (`_plain`), not as the `sqlite3.Row` the library's connections make, each of which
        # was then copied into a tuple.
        self._sqlite: sqlite3.Cursor | None = (
            None if postgres else getattr(raw, "sqlite_cursor", raw)
        )

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._raw.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.postgres and len(rows) >= COPY_FROM and not _pipelined(self._raw):
            plain = plain_insert(sql)
            if plain is not None:
                copy_rows(self._raw, plain, rows)
                return
        if not self.postgres and len(rows) > 1:
            plain = plain_insert(sql)
            if plain is not None:
                rows = self._insert_many(plain, rows)
        self._raw.executemany(self._sql(sql), [tuple(r) for r in rows])

    def _insert_many(self, target: str, rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
        """Add `rows` to `target` (`table` or `table (columns)`) on SQLite in statements of
        as many rows as SQLITE_VARIABLES allows, in their order (so the same rowids as one
        statement a row); returns the rows left over, fewer than a statement takes."""
        width = len(rows[0])
        per = SQLITE_VARIABLES // width
        if per < 2 or len(rows) < per:
            return rows
        whole = len(rows) - len(rows) % per
        one = "(" + ",".join("?" * width) + ")"
        # OR FAIL: a statement of many rows that may abort half-way (the default, ABORT) makes
        # SQLite keep a statement journal in a temp file to undo just that statement: 4x the
        # page writes of a rebuild, +0.25 s of system time on the registry-heavy 20k folder.
        # A failed page is rolled back whole by its transaction, so nothing needs that undo.
        sql = f"INSERT OR FAIL INTO {target} VALUES " + ",".join([one] * per)
        for i in range(0, whole, per):
            self._raw.execute(sql, list(chain.from_iterable(rows[i : i + per])))
        return rows[whole:]

    def add_by_key(
        self, table: str, column: str, key: str, deltas: Sequence[tuple[int, str]]
    ) -> None:
        """`column += delta` in the row of `key` = each key of `deltas` (keys distinct; a key
        with no row changes nothing). On PostgreSQL, as many rows as COPY takes go as one
        statement over arrays: a statement a row cost the server a parse, bind and execute
        each, ~60% of a page's statements."""
        if not deltas:
            return
        if self.postgres and len(deltas) >= COPY_FROM and not _pipelined(self._raw):
            self._raw.execute(
                f"UPDATE {table} SET {column} = {column} + v.delta "
                "FROM unnest(%s::text[], %s::bigint[]) AS v(key, delta) "
                f"WHERE {table}.{key} = v.key",
                ([k for _, k in deltas], [d for d, _ in deltas]),
            )
            return
        self.executemany(f"UPDATE {table} SET {column} = {column} + ? WHERE {key} = ?", deltas)

    @contextmanager
    def deletes_unerased(self) -> Iterator[None]:
        """On SQLite, what this block deletes is freed without first being overwritten with
        zeros (`PRAGMA secure_delete`, which Debian's build of SQLite turns on), the setting
        restored after. For deletes of rows the event log can give back (the read models): a
        rebuild's clearing then writes no page of zeros to the write-ahead log (the 20k ledger:
        14 MB, ~0.03 CPU s, most of it the system's)."""
        if self.postgres:
            yield
            return
        was = self.query("PRAGMA secure_delete")[0][0]
        self.execute("PRAGMA secure_delete = 0")
        try:
            yield
        finally:
            # As the keyword: FAST reads back as 2, which SQLite takes as a number for on.
            self.execute(f"PRAGMA secure_delete = {_SECURE_DELETE[int(was)]}")

    def fetchall(self) -> list[tuple[Any, ...]]:
        if self._sqlite is not None:
            rows: list[tuple[Any, ...]] = self._plain(self._sqlite.fetchall)
            return rows
        return [tuple(r) for r in self._raw.fetchall()]

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._sqlite is not None:
            row: tuple[Any, ...] | None = self._plain(self._sqlite.fetchone)
            return row
        r = self._raw.fetchone()
        if r is None:
            return None
        return tuple(r)

    def _plain(self, fetch: Callable[[], Any]) -> Any:
        """What `fetch` gives with the rows as plain tuples; the cursor's factory back after."""
        cursor = cast("sqlite3.Cursor", self._sqlite)
        factory, cursor.row_factory = cursor.row_factory, None
        try:
            return fetch()
        finally:
            cursor.row_factory = factory

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.postgres:
            # A cursor of its own: inside the recorder's pipeline (read models written with the
            # events), a cursor with statements still queued would give their results instead.
            from psycopg.rows import tuple_row

            with self._raw.connection.cursor(row_factory=tuple_row) as cursor:
                cursor.execute(self._sql(sql), tuple(params))
                return [tuple(r) for r in cursor.fetchall()]
        self.execute(sql, params)
        return self.fetchall()


class Database:
    def __init__(self, datastore: Any, postgres: bool) -> None:
        self.datastore = datastore
        self.postgres = postgres

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[Cursor]:
        with self.datastore.transaction(commit=commit) as raw:
            yield Cursor(raw, self.postgres)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.transaction(commit=False) as c:
            return c.query(sql, params)

    def analyze_grown(self) -> None:
        """On PostgreSQL, `analyze_grown` outside any transaction (after a page's commit)."""
        if self.postgres:
            with self.datastore.get_connection() as conn:
                analyze_grown(conn)

    def vacuum_read_models(self) -> None:
        """On PostgreSQL, `vacuum_read_models` on a pooled connection, which is in autocommit
        (the library's pool makes them so); nothing on SQLite, whose updates leave no dead
        rows to step over."""
        if self.postgres:
            with self.datastore.get_connection() as conn:
                conn.autocommit = True
                vacuum_read_models(conn)
