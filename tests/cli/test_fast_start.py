"""A question answered from current read models opens neither the event store nor the domain
(a fast start, `coloring.readside`); read models behind the event log are caught up first, as
before; the answers are the same either way."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path

import psycopg
import pytest
import typer

from coloring.application import ColoringApplication
from coloring.cli import COMMANDS, register
from coloring.domain.records import ParticipantRecord
from coloring.readside import Database, current_read_models
from conftest import POSTGRES_URL, require_postgres, reset_postgres
from pilot.builders import Folder, db_for, load, run

HEAVY = ("coloring.application", "coloring.store", "eventsourcing", "coloring.pilot.contract")


def small(root: Path) -> Path:
    return (
        Folder(root)
        .allocations(("AL1", "AA", "T", "OP", "1000", "2025-01-01"))
        .transfers(
            ("T1", "2025-01-04", "AA", "OP", "B", "600", ""),
            ("T2", "2025-01-05", "AA", "B", "F", "700", ""),
        )
        .write()
    )


@contextmanager
def answering(db_url: str) -> Iterator[Database]:
    """The ledger's read models, which the test has just brought up to date."""
    with current_read_models(db_url) as current:
        assert current is not None
        yield current


def modules_after(*args: str) -> set[str]:
    """The modules imported by `coloring ARGS...` run in a process of its own."""
    script = (
        "import sys\n"
        "from coloring.cli import app\n"
        "try:\n"
        f"    app({list(args)!r})\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "print('\\n'.join(sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(done.stderr.split())


def test_a_question_on_current_read_models_imports_neither_event_store_nor_domain(
    tmp_path: Path,
) -> None:
    folder = small(tmp_path / "f")
    load(folder)
    report = ("report", "--out", str(tmp_path / "report.html"))
    for command in (("findings",), ("balances",), ("programs",), report):
        imported = modules_after(*command, "--db", db_for(folder))
        assert not [m for m in imported if m.startswith(HEAVY)], command


COMMAND_MODULES = (
    "coloring.load_cli",
    "coloring.questions_cli",
    "coloring.programs_cli",
    "coloring.rules_cli",
    "coloring.integrity",
    "coloring.report",
    "coloring.scenarios",
    "coloring.web",
    "coloring.export",
    "coloring.pilot",
)
LIBRARIES = ("eventsourcing", "psycopg", "pydantic", "jinja2", "babel", "pyarrow", "xlsxwriter")


def imported_by(statement: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"import sys\n{statement}\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def test_importing_the_command_line_imports_no_command_module_and_no_heavy_library() -> None:
    imported = imported_by("import coloring.cli")
    assert not [m for m in imported if m.startswith((*COMMAND_MODULES, *HEAVY, *LIBRARIES))]


def test_a_command_imports_its_own_module_and_not_the_others(tmp_path: Path) -> None:
    folder = small(tmp_path / "f")
    load(folder)
    imported = modules_after("rebuild", "--db", db_for(folder))
    assert "coloring.integrity.commands" in imported
    others = ("coloring.report", "coloring.scenarios", "coloring.web", "coloring.export")
    assert not [m for m in imported if m.startswith((*others, "psycopg", "jinja2"))]


def test_options_typer_would_hand_back_unchanged_do_not_import_pydantic(tmp_path: Path) -> None:
    folder = small(tmp_path / "f")
    load(folder)
    imported = modules_after("--lang", "ru", "verify", "--format", "json", "--db", db_for(folder))
    assert not [m for m in imported if m.startswith("pydantic")]


def test_a_load_takes_its_folder_without_typers_pydantic_conversion(tmp_path: Path) -> None:
    # The folder's contract is pydantic's (`pilot.contract`); typer's adapters are more
    folder = small(tmp_path / "f")
    imported = modules_after("load", str(folder), "--db", db_for(folder))
    assert "typer._adapters" not in imported


def test_a_question_on_a_sqlite_ledger_imports_no_postgresql_driver(tmp_path: Path) -> None:
    folder = small(tmp_path / "f")
    load(folder)
    for command in (("findings",), ("balances",), ("trace", "AL1#0")):
        imported = modules_after(*command, "--db", db_for(folder))
        assert not [m for m in imported if m.startswith("psycopg")], command


def test_another_app_gets_every_command_of_the_table_in_its_order() -> None:
    one = typer.Typer()
    register(one)
    assert [info.name for info in one.registered_commands] == list(COMMANDS)
    for info in one.registered_commands:
        assert info.name is not None and info.callback is not None
        where, function = COMMANDS[info.name].split(":")
        assert getattr(import_module(where), function) is info.callback, info.name


def test_help_imports_neither_event_store_nor_domain() -> None:
    imported = modules_after("--help")
    assert not [m for m in imported if m.startswith(HEAVY)]


def test_read_models_behind_the_log_are_caught_up_before_answering(tmp_path: Path) -> None:
    folder = small(tmp_path / "f")
    db = db_for(folder)
    load(folder)
    application = ColoringApplication(db)
    try:
        application.register_participant(ParticipantRecord("NEW", "Newcomer", "farmer"))
    finally:
        application.close()
    with current_read_models(db) as current:
        assert current is None
    result = run("findings", "--db", db, "--format", "json")
    assert result.exit_code == 0, result.stderr
    with answering(db) as current:
        assert current.query("SELECT name FROM rm_participants WHERE participant_id = 'NEW'") == [
            ("Newcomer",)
        ]


def test_the_fast_and_the_full_path_give_the_same_findings(tmp_path: Path) -> None:
    folder = small(tmp_path / "f")
    db = db_for(folder)
    load(folder)
    fast = run("findings", "--db", db, "--format", "json")
    assert '"INSUFFICIENT_FUNDS"' in fast.stdout
    application = ColoringApplication(db)
    try:  # an event the read models have not folded: the next question takes the full path
        application.register_participant(ParticipantRecord("NEW", "Newcomer", "farmer"))
    finally:
        application.close()
    with current_read_models(db) as current:
        assert current is None
    assert run("findings", "--db", db, "--format", "json").stdout == fast.stdout


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "mysql://nowhere/db"])
def test_a_ledger_that_cannot_be_opened_directly_takes_the_full_path(url: str) -> None:
    with current_read_models(url) as current:
        assert current is None


def test_a_missing_ledger_file_is_not_created_by_the_fast_path(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    with current_read_models(f"sqlite:///{path}") as current:
        assert current is None
    assert not path.exists()


def test_current_read_models_open_directly_on_every_persistent_store(
    tmp_path: Path, db_url: str
) -> None:
    if db_url == "sqlite:///:memory:":
        pytest.skip("an in-memory ledger lives only as long as the command that made it")
    load(small(tmp_path / "f"), db=db_url)
    with answering(db_url) as current:
        assert current.query("SELECT COUNT(*) FROM rm_movements") == [(3,)]


@pytest.fixture
def small_postgres_ledger(tmp_path: Path) -> str:
    require_postgres()
    reset_postgres()
    load(small(tmp_path / "f"), db=POSTGRES_URL)
    return POSTGRES_URL


@pytest.mark.postgres
def test_every_query_of_a_question_on_postgresql_reads_the_snapshot_checked_current(
    small_postgres_ledger: str,
) -> None:
    with answering(small_postgres_ledger) as current:
        with psycopg.connect(small_postgres_ledger, autocommit=True) as other:
            other.execute("DELETE FROM rm_movements")
        assert current.query("SELECT COUNT(*) FROM rm_movements") == [(3,)]


@pytest.mark.postgres
def test_a_question_on_postgresql_prices_pages_as_a_load_does_and_compiles_no_statement(
    small_postgres_ledger: str,
) -> None:
    settings = "SELECT current_setting('random_page_cost'), current_setting('jit')"
    with answering(small_postgres_ledger) as current:
        assert current.query(settings) == [("1.1", "off")]
    with psycopg.connect(small_postgres_ledger) as other:
        assert other.execute(settings).fetchone() != ("1.1", "off")  # for that question only
