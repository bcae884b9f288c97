"""Read models rebuilt from events in a scratch space, compared with the live ones.

The scratch space is a private in-memory SQLite database, so checking never touches the live
read models. Conservation (`amount = held + spent + returned` per allocation, holdings equal to
what the allocations say is held, no negative holding ever) is checked on any set of read models.
`coloring.integrity.audit` drives these checks as part of `verify`.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from coloring.projections import schema
from coloring.projections.db import Cursor, Database
from coloring.projections.fold import Fold


class ScratchDatabase(Database):
    def __init__(self) -> None:
        self.connection = sqlite3.connect(":memory:", isolation_level=None)
        self.postgres = False

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[Cursor]:
        raw = self.connection.cursor()
        raw.execute("BEGIN")
        try:
            yield Cursor(raw, False)
        except BaseException:
            self.connection.rollback()
            raise
        self.connection.commit() if commit else self.connection.rollback()


class ScratchFold:
    """Read models folded from events handed over one at a time, written a page at a time."""

    def __init__(self, page_size: int = 5000) -> None:
        self.db = ScratchDatabase()
        with self.db.transaction() as c:
            schema.create(c)
            # The scratch read models are compared whole, never queried by index.
            schema.drop_query_indexes(c)
        self.page_size = page_size
        self.page: list[tuple[int, str, object]] = []
        self.fold: Fold | None = None

    def add(self, position: int, topic: str, event: object) -> None:
        self.page.append((position, topic, event))
        if len(self.page) >= self.page_size:
            self.flush()

    def flush(self) -> None:
        """Fold the page; raises `FoldError` if the fold cannot take an event or the page."""
        page, self.page = self.page, []
        if not page:
            return
        with self.db.transaction() as c:
            self.fold = self.fold or Fold(c)
            for n, _, event in page:
                try:
                    self.fold.apply(event, n)
                except Exception as e:
                    raise FoldError(n, f"{type(e).__name__}: {e}") from e
            try:
                self.fold.write(c)
            except Exception as e:
                raise FoldError(None, f"positions {page[0][0]}..{page[-1][0]}: {e}") from e


class FoldError(Exception):
    """The fold refused an event (at `position`) or a page of them (position None)."""

    def __init__(self, position: int | None, reason: str) -> None:
        super().__init__(position, reason)
        self.position = position
        self.reason = reason


def _rows(db: Database, table: str) -> list[tuple[Any, ...]]:
    return sorted(db.query(f"SELECT * FROM {table}"), key=repr)


def differences(want_db: Database, live: Database, limit: int = 20) -> list[str]:
    """Per read model that differs: a summary line, then rows the events imply but the live
    one lacks (`-`) and rows it has that they do not imply (`+`)."""
    found: list[str] = []
    for table in schema.READ_MODELS:
        want, got = _rows(want_db, table), _rows(live, table)
        if want != got:
            # As many copies of a row as the other side lacks: a table without a primary key
            # (rm_balance_steps, rm_unit_moves) may hold a row twice
            missing = _beyond(want, got)
            extra = _beyond(got, want)
            lines = [
                f"{table}: {len(missing)} row(s) the events imply are missing or altered, "
                f"{len(extra)} row(s) the events do not imply",
                *(f"  - expected {r}" for r in missing[:limit]),
                *(f"  + found    {r}" for r in extra[:limit]),
            ]
            found.append("\n".join(lines))
    return found


def _beyond(rows: list[tuple[Any, ...]], other: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows of `rows` that `other` does not hold, a row as many times as it lacks it, in
    the order of `rows`."""
    lacking = Counter(rows) - Counter(other)
    beyond = []
    for row in rows:
        if lacking[row]:
            lacking[row] -= 1
            beyond.append(row)
    return beyond


def conservation(db: Database) -> list[str]:
    found = []
    for alloc, amount, held, spent, returned in db.query(
        "SELECT allocation_id, amount, held, spent, returned FROM rm_allocations "
        "WHERE amount != held + spent + returned OR held < 0"
    ):
        found.append(
            f"allocation {alloc} amount {amount} != held {held} + spent {spent} "
            f"+ returned {returned}"
        )
    for program, by_holders, by_allocations in db.query(
        "SELECT a.program_id, COALESCE(h.total, 0), a.total FROM "
        "(SELECT program_id, SUM(held) AS total FROM rm_allocations GROUP BY program_id) a "
        "LEFT JOIN (SELECT program_id, SUM(held) AS total FROM rm_holdings GROUP BY program_id) h "
        "ON h.program_id = a.program_id WHERE COALESCE(h.total, 0) != a.total"
    ):
        found.append(
            f"program {program} holders hold {by_holders} but its allocations "
            f"say {by_allocations} is held"
        )
    return found


def negative_holdings(db: Database) -> list[tuple[str, str, int, int, int]]:
    """Every time a holder's balance went below zero: (program, holder, at_us, seq, held)."""
    return [
        (str(p), str(h), int(t), int(s), int(v))
        for p, h, t, s, v in db.query(
            "SELECT program_id, participant_id, at_us, seq, held FROM rm_balance_steps "
            "WHERE held < 0 ORDER BY seq"
        )
    ]
