"""Read models written with the events (inline projection): a load's batch of events and the
read-model rows they make commit in ONE transaction, folded from the events in memory.

The recorder calls `InlineProjection.__call__` inside the batch's transaction, after inserting
the events, with their notification ids. The page is folded only if the projection had seen
every notification before it; otherwise (read models behind, another writer's events in
between) it is left to the catch-up runner, which still serves `rebuild`, `verify` and ledgers
written by other processes, and folds the same events through the same `Fold`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from coloring.projections import schema
from coloring.projections.db import Cursor
from coloring.projections.fold import Fold
from coloring.projections.runner import ProjectionRunner


class InlineProjection:
    def __init__(self, runner: ProjectionRunner) -> None:
        self.runner = runner
        id_column = "notification_id" if runner.db.postgres else "rowid"
        self.before_sql = (
            f"SELECT MAX({id_column}) FROM {runner.store.recorder.events_table_name} "
            f"WHERE {id_column} < ?"
        )
        self.fold: Fold | None = None
        self.pages = 0

    def __call__(self, raw: Any, events: Sequence[object], ids: Sequence[int]) -> None:
        if not events or not ids:
            return
        if self.runner.db.postgres:
            # A cursor of its own: the recorder's cursor keeps its dict rows.
            raw = raw.connection.cursor()
        c = Cursor(raw, self.runner.db.postgres)
        before = c.query(self.before_sql, (ids[0],))[0][0] or 0
        if self.runner.position(c) != before:
            self.fold = None
            return
        if self.fold is None:
            if before == 0 and not c.postgres:
                # The ledger's first batch: its read models are empty, so the indexes only
                # queries read can go until the load's closing catch-up creates them
                # (`ProjectionRunner.complete`), built once from sorted keys. Not on
                # PostgreSQL, where loads of different programs may run side by side. (Not a
                # bulk fold: readers during a load see each batch's findings, and at 20k the
                # judging a bulk fold saves per batch is paid back at its end.)
                schema.drop_query_indexes(c)
            self.fold = Fold(c)
        fold = self.fold
        for n, e in zip(ids, events, strict=True):
            fold.apply(e, n)
        fold.write(c)
        schema.set_position(c, self.runner.name, ids[-1])
        self.pages += 1

    def forget(self) -> None:
        """After a batch that did not commit: the fold's reference data may hold its rows."""
        self.fold = None
