"""Whether the read models are complete is asked of each database's own catalog: a column
added after ledgers were written without it counts as missing until `create` adds it back,
whatever traces of it the catalog keeps (PostgreSQL keeps a dropped column as a hidden one)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from coloring.application import ColoringApplication
from coloring.integrity.audit import audit
from coloring.pilot.loader import load_folder
from coloring.projections import schema
from coloring.projections.db import Cursor, Database
from coloring.projections.explaining import explain
from coloring.projections.runner import ProjectionRunner
from pilot.builders import season


@pytest.fixture
def read_models(db_url: str) -> Iterator[Database]:
    """A new ledger's read models, as its projection runner creates them."""
    app = ColoringApplication(db_url)
    try:
        yield ProjectionRunner(app.store).db
    finally:
        app.close()


def test_a_dropped_added_column_leaves_the_read_models_incomplete_until_create(
    read_models: Database,
) -> None:
    with read_models.transaction() as c:
        assert schema.is_complete(c)
        c.execute("ALTER TABLE rm_findings DROP COLUMN shown")
    with read_models.transaction() as c:
        assert not schema.is_complete(c)
        schema.create(c)
    with read_models.transaction(commit=False) as c:
        assert schema.is_complete(c)
        assert c.query("SELECT shown FROM rm_findings") == []


def test_columns_are_found_in_a_schema_whose_name_needs_quotes(read_models: Database) -> None:
    """A search path to a schema named in mixed case (or with a space): its name as text, not
    as an identifier that would be folded to lower case."""
    with read_models.transaction(commit=False) as c:
        if not c.postgres:
            pytest.skip("SQLite has no schemas")
        c.execute('CREATE SCHEMA "Mixed Case"')
        c.execute('SET LOCAL search_path = "Mixed Case"')
        c.execute("CREATE TABLE rm_probe (kept INTEGER, dropped INTEGER)")
        c.execute("ALTER TABLE rm_probe DROP COLUMN dropped")
        assert schema._columns(c, "rm_probe") == {"kept"}


def test_balance_steps_keyed_by_their_former_primary_key_get_no_second_index(
    read_models: Database,
) -> None:
    with read_models.transaction() as c:
        c.execute("DROP TABLE rm_balance_steps")
        c.execute(
            "CREATE TABLE rm_balance_steps (program_id TEXT NOT NULL, "
            "participant_id TEXT NOT NULL, at_us BIGINT NOT NULL, seq BIGINT NOT NULL, "
            "held BIGINT NOT NULL, PRIMARY KEY (program_id, participant_id, at_us, seq))"
        )
    with read_models.transaction() as c:
        assert schema.is_complete(c)
        schema.create(c)
        assert "ix_rm_balance_steps_program_id_participant_id_at_us_seq" not in schema._relations(c)


def replicated(c: Cursor) -> None:
    """A publication of every table, as an operator makes for logical replication (rolled back
    with the test's transaction)."""
    if not c.postgres:
        pytest.skip("SQLite has no publications")
    c.execute("CREATE PUBLICATION coloring_everything FOR ALL TABLES")


def test_the_read_models_are_cleared_for_a_rebuild_under_a_publication_of_all_tables(
    read_models: Database,
) -> None:
    with read_models.transaction(commit=False) as c:
        replicated(c)
        schema.clear(c)


def test_tables_of_a_ledger_written_before_get_their_rows_identified_when_opened(
    read_models: Database,
) -> None:
    with read_models.transaction(commit=False) as c:
        replicated(c)
        for table in schema.UNKEYED:
            c.execute(f"ALTER TABLE {table} REPLICA IDENTITY DEFAULT")
        schema.create(c)
        schema.clear(c)


DOCUMENTS_BEFORE = (
    "document_id TEXT PRIMARY KEY, kind TEXT NOT NULL, program_id TEXT NOT NULL, "
    "payer TEXT, payee TEXT NOT NULL, party TEXT, at_us BIGINT NOT NULL, "
    "at_offset INTEGER NOT NULL, value BIGINT NOT NULL, accepted BIGINT, paid BIGINT NOT NULL, "
    "parent_id TEXT, seq BIGINT NOT NULL"
)
"""`rm_documents` as ledgers were written until 2026-12-07, with the documents' totals."""


def _as_written_before(c: Cursor) -> None:
    """`rm_documents` made again as an earlier version wrote it: with what each document was
    paid and, for a contract, the acts accepted under it."""
    c.execute("ALTER TABLE rm_documents RENAME TO rm_documents_now")
    c.execute(f"CREATE TABLE rm_documents ({DOCUMENTS_BEFORE})")
    c.execute(
        "INSERT INTO rm_documents SELECT document_id, kind, program_id, payer, payee, party, "
        "at_us, at_offset, value, CASE WHEN kind = 'contract' THEN (SELECT COALESCE(SUM(amount), "
        "0) FROM rm_acts WHERE contract_id = document_id) END, (SELECT COALESCE(SUM(amount), 0) "
        "FROM rm_movements WHERE settles = document_id), parent_id, seq FROM rm_documents_now"
    )
    c.execute("DROP TABLE rm_documents_now")


@dataclass
class WrittenBefore:
    app: ColoringApplication
    runner: ProjectionRunner
    overpaid: list[str]
    """What `explain` said of an overpayment before `rm_documents` was made as it was."""


@pytest.fixture
def written_before(db_url: str, tmp_path: Path) -> Iterator[WrittenBefore]:
    """A season's ledger whose `rm_documents` an earlier version wrote (`_as_written_before`)."""
    app = ColoringApplication(db_url)
    try:
        load_folder(app, season(tmp_path / "season").write())
        runner = ProjectionRunner(app.store)
        runner.run()
        overpaid = explain(runner.db, "OVERPAYMENT", "X4")
        with runner.db.transaction() as c:
            _as_written_before(c)
        yield WrittenBefore(app, runner, overpaid)
    finally:
        app.close()


def test_a_ledger_written_with_document_totals_answers_the_same_and_loses_them_on_create(
    written_before: WrittenBefore,
) -> None:
    db, overpaid = written_before.runner.db, written_before.overpaid
    with db.transaction(commit=False) as c:
        assert not schema.is_complete(c)
        assert c.query("SELECT paid FROM rm_documents WHERE document_id = 'P1'") == [(45000,)]
    assert explain(db, "OVERPAYMENT", "X4") == overpaid
    with db.transaction() as c:
        schema.create(c)
    with db.transaction(commit=False) as c:
        assert schema.is_complete(c)
        assert schema._columns(c, "rm_documents") == {
            "document_id", "kind", "program_id", "payer", "payee", "party", "at_us",
            "at_offset", "value", "parent_id", "seq",
        }  # fmt: skip
    assert explain(db, "OVERPAYMENT", "X4") == overpaid
    assert "value 400.00 KZT, paid 450.00 KZT" in overpaid[2]
    assert audit(written_before.app.store, written_before.runner).problems == []


def test_a_ledger_written_with_document_totals_loses_them_on_an_sqlite_without_drop_column(
    written_before: WrittenBefore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite has `ALTER TABLE ... DROP COLUMN` from 3.35 only (2021); before, it is a syntax
    error, and a ledger written with the totals would open for no writer."""
    db = written_before.runner.db
    if db.postgres:
        pytest.skip("PostgreSQL drops columns")
    execute = Cursor.execute

    def before_3_35(c: Cursor, sql: str, params: Sequence[Any] = ()) -> None:
        if "DROP COLUMN" in sql:
            raise sqlite3.OperationalError('near "DROP": syntax error')
        execute(c, sql, params)

    monkeypatch.setattr(Cursor, "execute", before_3_35)
    with db.transaction() as c:
        schema.create(c)
    with db.transaction(commit=False) as c:
        assert schema.is_complete(c)
        assert "paid" not in schema._columns(c, "rm_documents")
    assert explain(db, "OVERPAYMENT", "X4") == written_before.overpaid
    assert audit(written_before.app.store, written_before.runner).problems == []
