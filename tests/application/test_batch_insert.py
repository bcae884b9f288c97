"""A batch of events is stored whole or not at all, with its chain links and record index rows:
on PostgreSQL the events, links and rows each go as one COPY in one transaction."""

from __future__ import annotations

import time

import pytest
from eventsourcing.persistence import IntegrityError

from coloring.application import ColoringApplication
from coloring.domain.aggregates import Participant
from coloring.persistence import CHAIN_TABLE, RECORDS_TABLE
from coloring.projections.runner import ProjectionRunner


def participant(participant_id: str, seq: int) -> list[object]:
    p = Participant(
        participant_id=participant_id,
        name=participant_id,
        role="farmer",
        region=None,
        related_to=[],
        seq=seq,
    )
    return list(p.collect_events())


def index_row(key: str, seq: int) -> tuple[object, ...]:
    return ("participant", key, "digest", seq, None, "test")


def counts(app: ColoringApplication) -> tuple[int, int, int]:
    db = ProjectionRunner(app.store).db
    table = app.store.recorder.events_table_name  # type: ignore[attr-defined]
    return (
        db.query(f"SELECT COUNT(*) FROM {table}")[0][0],
        db.query(f"SELECT COUNT(*) FROM {CHAIN_TABLE}")[0][0],
        db.query(f"SELECT COUNT(*) FROM {RECORDS_TABLE}")[0][0],
    )


def test_a_batch_gets_consecutive_ids_each_with_its_chain_link(db_url: str) -> None:
    app = ColoringApplication(db_url)
    try:
        first = app.store.events.put(
            [*participant("P-1", 1), *participant("P-2", 2)],
            records=[index_row("P-1", 1), index_row("P-2", 2)],
        )
        second = app.store.events.put(participant("P-3", 3), records=[index_row("P-3", 3)])
        ids = [r.notification.id for r in [*first, *second]]
        assert ids == list(range(ids[0], ids[0] + 3))
        links = ProjectionRunner(app.store).db.query(f"SELECT position FROM {CHAIN_TABLE}")
        assert sorted(p for (p,) in links) == ids
    finally:
        app.close()


def test_a_refused_batch_leaves_no_event_link_or_index_row(db_url: str) -> None:
    app = ColoringApplication(db_url)
    try:
        app.store.events.put(participant("P-1", 1), records=[index_row("P-1", 1)])
        before = counts(app)
        with pytest.raises(IntegrityError):
            app.store.events.put(
                [*participant("P-2", 2), *participant("P-1", 3)],
                records=[index_row("P-2", 2), index_row("P-1 again", 3)],
            )
        assert counts(app) == before
    finally:
        app.close()


def test_postgres_statistics_of_a_table_are_refreshed_each_time_it_doubles(db_url: str) -> None:
    if not db_url.startswith("postgresql:"):
        pytest.skip("PostgreSQL's planner statistics")
    app = ColoringApplication(db_url)
    try:
        db = ProjectionRunner(app.store).db

        def planned(table: str) -> int:
            """The rows the planner believes the table has, as of its last ANALYZE."""
            return int(db.query("SELECT reltuples FROM pg_class WHERE relname = ?", (table,))[0][0])

        counted = []
        for n, rows in enumerate([3000, 100, 4000], start=1):
            # One event a batch, as a load's page events: the table grows, not the log.
            app.store.events.put(
                participant(f"P-{n}", n), records=[index_row(f"K-{n}-{i}", n) for i in range(rows)]
            )
            counted.append(planned(RECORDS_TABLE))
        # Past 8 pages: analysed; 3,100 rows are not twice 3,000; 7,100 are.
        assert counted == [3000, 3000, 7100]
        # Three links fit a page: never analysed (-1: unknown).
        assert planned(CHAIN_TABLE) == -1
    finally:
        app.close()


def test_a_postgres_batch_paused_longer_than_5_s_between_statements_still_commits(
    db_url: str,
) -> None:
    if not db_url.startswith("postgresql:"):
        pytest.skip("PostgreSQL's idle-in-transaction timeout")
    app = ColoringApplication(db_url)
    try:
        # As a page folded and judged on a busy machine: the library's default ended it at 5 s.
        app.store.events.put(
            participant("P-1", 1),
            records=[index_row("P-1", 1)],
            project=lambda cursor, ids: time.sleep(5.5),
        )
        assert counts(app) == (1, 1, 1)
    finally:
        app.close()


def test_a_postgres_batch_plans_for_a_ledger_held_in_memory(db_url: str) -> None:
    if not db_url.startswith("postgresql:"):
        pytest.skip("PostgreSQL's planner settings")
    seen: list[str] = []
    app = ColoringApplication(db_url)
    try:
        setting = "SELECT current_setting('random_page_cost')"
        db = ProjectionRunner(app.store).db
        before = db.query(setting)
        app.store.events.put(
            participant("P-1", 1),
            records=[index_row("P-1", 1)],
            project=lambda cursor, ids: seen.append(
                cursor.execute("SELECT current_setting('random_page_cost') AS v").fetchone()["v"]
            ),
        )
        assert seen == ["1.1"]
        # Inside the batch only: the connection goes back to the pool as it was.
        assert db.query(setting) == before
    finally:
        app.close()
