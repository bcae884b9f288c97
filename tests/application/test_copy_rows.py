"""Rows added in bulk (a page of read-model rows, the record index of a batch) arrive exactly:
on PostgreSQL they go as one COPY, on SQLite as INSERTs of as many rows as a statement binds,
and read back the same."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from coloring.application import ColoringApplication
from coloring.projections.db import COPY_FROM, SQLITE_VARIABLES, Database, plain_insert
from coloring.projections.judging import FINDING_INSERT
from coloring.projections.runner import ProjectionRunner
from pilot.builders import run

AWKWARD = ["plain", "tab\there", "new\nline", "back\\slash", "unit\x1fsep", "Ә кириллица", "", None]


@pytest.fixture
def scratch(db_url: str) -> Iterator[Database]:
    """The ledger's database with a table `copied (n BIGINT PRIMARY KEY)` to add rows to;
    afterwards the database is left as the test found it and the ledger closed."""
    app = ColoringApplication(db_url)
    db = ProjectionRunner(app.store).db
    try:
        with db.transaction() as c:
            c.execute("DROP TABLE IF EXISTS copied")
            c.execute("CREATE TABLE copied (n BIGINT PRIMARY KEY)")
        yield db
    finally:
        try:
            with db.transaction() as c:
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


# Three columns: two whole multi-row statements on SQLite and a few rows left over.
MANY = 2 * (SQLITE_VARIABLES // 3) + 5


@pytest.mark.parametrize("count", [1, COPY_FROM, 3 * COPY_FROM, MANY])
def test_rows_added_in_bulk_read_back_exactly(scratch: Database, count: int) -> None:
    rows = [(n, AWKWARD[n % len(AWKWARD)], 2**62 + n if n % 2 else None) for n in range(count)]
    with scratch.transaction() as c:
        c.execute("ALTER TABLE copied ADD COLUMN text TEXT")
        c.execute("ALTER TABLE copied ADD COLUMN big BIGINT")
        c.executemany("INSERT INTO copied VALUES (?, ?, ?)", rows)
    assert scratch.query("SELECT n, text, big FROM copied ORDER BY n") == rows


def test_rows_added_in_bulk_on_sqlite_keep_the_order_they_were_given(scratch: Database) -> None:
    # Queries without ORDER BY read rows in this order: a rebuild must give a live load's.
    if scratch.postgres:
        pytest.skip("SQLite's rowid")
    rows = [(n,) for n in reversed(range(2 * SQLITE_VARIABLES + 5))]
    with scratch.transaction() as c:
        c.executemany("INSERT INTO copied VALUES (?)", rows)
    assert scratch.query("SELECT n FROM copied ORDER BY rowid") == rows


def test_a_duplicate_in_a_bulk_insert_adds_nothing(scratch: Database) -> None:
    rows = [(n % (2 * COPY_FROM),) for n in range(3 * COPY_FROM)]
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"), scratch.transaction() as c:
        c.executemany("INSERT INTO copied VALUES (?)", rows)
    assert scratch.query("SELECT COUNT(*) FROM copied") == [(0,)]


def test_rows_added_in_bulk_inside_a_pipeline_are_inserted_instead(scratch: Database) -> None:
    rows = [(n,) for n in range(3 * COPY_FROM)]
    with scratch.transaction() as c:
        raw = c._raw
        if c.postgres:
            with raw.connection.pipeline():
                c.executemany("INSERT INTO copied VALUES (?)", rows)
        else:
            c.executemany("INSERT INTO copied VALUES (?)", rows)
    assert scratch.query("SELECT n FROM copied ORDER BY n") == rows


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


@pytest.mark.parametrize("count", [1, COPY_FROM, 3 * COPY_FROM])
def test_amounts_added_by_key_reach_their_rows_only(scratch: Database, count: int) -> None:
    keys = [AWKWARD[n % 7] + f"-{n}" for n in range(count)]
    with scratch.transaction() as c:
        c.execute("CREATE TABLE IF NOT EXISTS summed (k TEXT PRIMARY KEY, total BIGINT)")
        c.execute("DELETE FROM summed")
        c.executemany("INSERT INTO summed VALUES (?, ?)", [(k, 2**40) for k in [*keys, "other"]])
        # A key with no row (a payment of a document the ledger does not hold) adds nothing.
        deltas = [(n - 2**50 if n % 2 else n, k) for n, k in enumerate(keys)]
        c.add_by_key("summed", "total", "k", [*deltas, (5, "missing")])
    try:
        expected = sorted([(k, 2**40 + d) for d, k in deltas] + [("other", 2**40)])
        assert sorted(scratch.query("SELECT k, total FROM summed")) == expected
    finally:
        with scratch.transaction() as c:
            c.execute("DROP TABLE summed")


def test_rows_deleted_unerased_are_gone_and_the_connection_erases_again_after(
    scratch: Database,
) -> None:
    with scratch.transaction() as c:
        c.executemany("INSERT INTO copied VALUES (?)", [(n,) for n in range(MANY)])
    with scratch.transaction() as c:
        erasing = None if c.postgres else c.query("PRAGMA secure_delete")
        with c.deletes_unerased():
            c.execute("DELETE FROM copied")
        assert erasing is None or c.query("PRAGMA secure_delete") == erasing
    assert scratch.query("SELECT n FROM copied") == []


def test_a_connection_erasing_fast_erases_fast_again_after_deletes_unerased(
    scratch: Database,
) -> None:
    """`PRAGMA secure_delete` reads FAST back as 2, which set as a number is merely on."""
    with scratch.transaction() as c:
        if c.postgres:
            pytest.skip("SQLite's setting")
        c.execute("PRAGMA secure_delete = FAST")
        with c.deletes_unerased():
            assert c.query("PRAGMA secure_delete") == [(0,)]
        assert c.query("PRAGMA secure_delete") == [(2,)]
