"""A thin cursor over the event store's own connection pool, for read-model SQL.

Read models live in the same database as the events so that a page of read-model writes and the
projection's position commit in one transaction. SQL is written with `?` placeholders and
translated for PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any


class Cursor:
    def __init__(self, raw: Any, postgres: bool) -> None:
        if postgres:
            # The library's PostgreSQL cursors return dicts; positions are what we need.
            from psycopg.rows import tuple_row

            raw.row_factory = tuple_row
        self._raw = raw
        self.postgres = postgres

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._raw.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._raw.executemany(self._sql(sql), [tuple(r) for r in rows])

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._raw.fetchall()]

    def fetchone(self) -> tuple[Any, ...] | None:
        r = self._raw.fetchone()
        if r is None:
            return None
        return tuple(r)

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
