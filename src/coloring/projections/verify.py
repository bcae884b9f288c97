"""`verify`: rebuild every read model from the event log in a scratch database and compare.

The scratch space is a private in-memory SQLite database, so verifying never touches the live
read models. Conservation (`amount = held + spent + returned` per allocation, and holdings equal
to what the allocations say is held) is checked on the live tables too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from coloring.projections import schema
from coloring.projections.db import Cursor, Database
from coloring.projections.fold import Fold
from coloring.projections.runner import DEFAULT_PAGE, ProjectionRunner


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


@dataclass
class Report:
    position: int
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _rows(db: Database, table: str) -> list[tuple[Any, ...]]:
    return sorted(db.query(f"SELECT * FROM {table}"), key=repr)


def verify(runner: ProjectionRunner, page_size: int = DEFAULT_PAGE, limit: int = 20) -> Report:
    live = runner.db
    position = runner.position()
    scratch = ScratchDatabase()
    with scratch.transaction() as c:
        schema.create(c)
    start = 1
    fold: Fold | None = None
    ahead: list[tuple[int, str, Any]] = []
    while start <= position:
        page, ahead = runner.records_page(start, page_size, ahead, stop=position)
        if not page:
            break
        with scratch.transaction() as c:
            fold = fold or Fold(c)
            for n, topic, event in page:
                fold.apply(topic, event, n)
            fold.write(c)
        start = page[-1][0] + 1
    report = Report(position)
    for table in schema.READ_MODELS:
        want, got = _rows(scratch, table), _rows(live, table)
        if want != got:
            missing = [r for r in want if r not in set(got)]
            extra = [r for r in got if r not in set(want)]
            report.differences.append(
                f"{table}: {len(missing)} row(s) the events imply are missing or altered, "
                f"{len(extra)} row(s) the events do not imply"
            )
            report.differences.extend(f"  - expected {r}" for r in missing[:limit])
            report.differences.extend(f"  + found    {r}" for r in extra[:limit])
    for alloc, amount, held, spent, returned in live.query(
        "SELECT allocation_id, amount, held, spent, returned FROM rm_allocations "
        "WHERE amount != held + spent + returned OR held < 0"
    ):
        report.differences.append(
            f"conservation: allocation {alloc} amount {amount} != held {held} + spent {spent} "
            f"+ returned {returned}"
        )
    for program, by_holders, by_allocations in live.query(
        "SELECT a.program_id, COALESCE(h.total, 0), a.total FROM "
        "(SELECT program_id, SUM(held) AS total FROM rm_allocations GROUP BY program_id) a "
        "LEFT JOIN (SELECT program_id, SUM(held) AS total FROM rm_holdings GROUP BY program_id) h "
        "ON h.program_id = a.program_id WHERE COALESCE(h.total, 0) != a.total"
    ):
        report.differences.append(
            f"conservation: program {program} holders hold {by_holders} but its allocations "
            f"say {by_allocations} is held"
        )
    return report
