"""A batch of events is stored whole or not at all, with its chain links and record index rows:
on PostgreSQL the events, links and rows each go as one COPY in one transaction."""

from __future__ import annotations

import time
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError
from psycopg.rows import tuple_row

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


def test_postgres_statistics_are_refreshed_each_time_the_log_doubles(db_url: str) -> None:
    if not db_url.startswith("postgresql:"):
        pytest.skip("PostgreSQL's planner statistics")
    app = ColoringApplication(db_url)
    try:
        db = ProjectionRunner(app.store).db
        counted = []
        for n in range(1, 6):
            app.store.events.put(participant(f"P-{n}", n), records=[index_row(f"P-{n}", n)])
            # The rows the planner believes the record index has, as of its last ANALYZE.
            rows = db.query("SELECT reltuples FROM pg_class WHERE relname = ?", (RECORDS_TABLE,))
            counted.append(int(rows[0][0]))
        # Analysed after the 1st, 2nd and 4th event: each time the log had doubled.
        assert counted == [1, 2, 2, 4, 4]
    finally:
        app.close()


def rows_scanned_by_lookups_after_growth(connection: Any) -> int:
    """Rows read by 10 look-ups by key, prepared and run on a table of 10 rows, then run again
    in the same transaction once it holds 50,010 (no ANALYZE in between, as in a load)."""
    c = connection.cursor(row_factory=tuple_row)
    c.execute("CREATE TEMP TABLE probe (key TEXT PRIMARY KEY, n BIGINT) ON COMMIT DROP")
    c.execute("INSERT INTO probe SELECT 'k' || i, 0 FROM generate_series(1, 10) i")
    c.execute("ANALYZE probe")
    update = "UPDATE probe SET n = n + 1 WHERE key = %s"
    keys = [(f"k{i}",) for i in range(1, 11)]
    # Prepared and run 10 times: past the 5 runs after which the server keeps one plan.
    c.executemany(update, keys)
    c.execute("INSERT INTO probe SELECT 'x' || i, 0 FROM generate_series(1, 50000) i")
    read = "SELECT pg_stat_get_xact_tuples_returned('probe'::regclass)"
    before: int = c.execute(read).fetchone()[0]
    c.executemany(update, keys)
    after: int = c.execute(read).fetchone()[0]
    return after - before


def test_a_postgres_batch_finds_rows_by_key_in_a_table_grown_since_its_statement_was_planned(
    db_url: str,
) -> None:
    if not db_url.startswith("postgresql:"):
        pytest.skip("PostgreSQL's plan cache")
    scanned: list[int] = []
    app = ColoringApplication(db_url)
    try:
        app.store.events.put(
            participant("P-1", 1),
            records=[index_row("P-1", 1)],
            project=lambda cursor, ids: scanned.append(
                rows_scanned_by_lookups_after_growth(cursor.connection)
            ),
        )
        # A scan per key would have read 10 x 50,010 rows.
        assert scanned[0] < 1000
    finally:
        app.close()


def test_a_postgres_catch_up_finds_rows_by_key_in_a_table_it_grew(db_url: str) -> None:
    if not db_url.startswith("postgresql:"):
        pytest.skip("PostgreSQL's plan cache")
    app = ColoringApplication(db_url)
    try:
        # The transaction a catch-up or rebuild writes its pages in.
        with ProjectionRunner(app.store).db.transaction() as c:
            assert rows_scanned_by_lookups_after_growth(c._raw.connection) < 1000
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
