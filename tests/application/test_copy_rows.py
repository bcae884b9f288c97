"""Rows added in bulk (a page of read-model rows, the record index of a batch) arrive exactly:
on PostgreSQL they go as one COPY, on SQLite as an executemany, and read back the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from coloring.application import ColoringApplication
from coloring.projections.db import COPY_FROM, plain_insert
from coloring.projections.judging import FINDING_INSERT
from coloring.projections.runner import ProjectionRunner
from pilot.builders import run

AWKWARD = ["plain", "tab\there", "new\nline", "back\\slash", "unit\x1fsep", "Ә кириллица", "", None]


def drop_scratch_table(app: ColoringApplication) -> None:
    """Leave the database as the test found it, then close the ledger."""
    try:
        with ProjectionRunner(app.store).db.transaction() as c:
            c.execute("DROP TABLE IF EXISTS copied")
    finally:
        app.close()


def test_only_inserts_that_just_add_rows_are_copied() -> None:
    assert plain_insert("INSERT INTO rm_acts VALUES (?,?,?)") == "rm_acts"
    assert plain_insert(FINDING_INSERT) is not None
    assert plain_insert("INSERT INTO t VALUES (?) ON CONFLICT (k) DO NOTHING") is None
    assert plain_insert("INSERT INTO t VALUES ('x', ?)") is None
    assert plain_insert("INSERT INTO t SELECT * FROM u") is None
    assert plain_insert("UPDATE t SET a = ?") is None


@pytest.mark.parametrize("count", [1, COPY_FROM, 3 * COPY_FROM])
def test_rows_added_in_bulk_read_back_exactly(db_url: str, count: int) -> None:
    app = ColoringApplication(db_url)
    try:
        db = ProjectionRunner(app.store).db
        rows = [(n, AWKWARD[n % len(AWKWARD)], 2**62 + n if n % 2 else None) for n in range(count)]
        with db.transaction() as c:
            c.execute("DROP TABLE IF EXISTS copied")
            c.execute("CREATE TABLE copied (n BIGINT PRIMARY KEY, text TEXT, big BIGINT)")
            c.executemany("INSERT INTO copied VALUES (?, ?, ?)", rows)
        assert db.query("SELECT n, text, big FROM copied ORDER BY n") == rows
    finally:
        drop_scratch_table(app)


def test_a_duplicate_in_a_bulk_insert_adds_nothing(db_url: str) -> None:
    app = ColoringApplication(db_url)
    try:
        db = ProjectionRunner(app.store).db
        with db.transaction() as c:
            c.execute("DROP TABLE IF EXISTS copied")
            c.execute("CREATE TABLE copied (n BIGINT PRIMARY KEY)")
        rows = [(n % (2 * COPY_FROM),) for n in range(3 * COPY_FROM)]
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"), db.transaction() as c:
            c.executemany("INSERT INTO copied VALUES (?)", rows)
        assert db.query("SELECT COUNT(*) FROM copied") == [(0,)]
    finally:
        drop_scratch_table(app)


def test_rows_added_in_bulk_inside_a_pipeline_are_inserted_instead(db_url: str) -> None:
    app = ColoringApplication(db_url)
    try:
        db = ProjectionRunner(app.store).db
        with db.transaction() as c:
            c.execute("DROP TABLE IF EXISTS copied")
            c.execute("CREATE TABLE copied (n BIGINT PRIMARY KEY)")
        rows = [(n,) for n in range(3 * COPY_FROM)]
        with db.transaction() as c:
            raw = c._raw
            if c.postgres:
                with raw.connection.pipeline():
                    c.executemany("INSERT INTO copied VALUES (?)", rows)
            else:
                c.executemany("INSERT INTO copied VALUES (?)", rows)
        assert db.query("SELECT n FROM copied ORDER BY n") == rows
    finally:
        drop_scratch_table(app)


def test_a_folder_loads_into_postgresql_as_into_sqlite(tmp_path: Path, db_url: str) -> None:
    if db_url == "sqlite:///:memory:":
        pytest.skip("two commands cannot share an in-memory ledger")
    folder = Path(__file__).resolve().parents[2] / "examples" / "akmola-small"
    here = run("load", folder, "--db", db_url)
    assert here.exit_code == 0, here.stderr
    found = run("findings", "--db", db_url, "--format", "json")
    sqlite = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert run("load", folder, "--db", sqlite).exit_code == 0
    assert found.stdout == run("findings", "--db", sqlite, "--format", "json").stdout
