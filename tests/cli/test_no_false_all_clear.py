"""Commands that read never answer "nothing wrong" about something that is not there: a ledger
that does not exist, a PostgreSQL database that does not exist, a program, participant, rule or
allocation the ledger does not know. Each is exit 2 naming what is missing, and creates nothing."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from pilot.builders import Folder, db_for, load, run

CLI = [sys.executable, "-c", "from coloring.cli import main; main()"]

READ_COMMANDS = [
    ["findings"],
    ["findings", "--check"],
    ["balances"],
    ["trace", "AL1#0"],
    ["explain", "OVERPAYMENT", "T1"],
    ["verify"],
    ["rebuild"],
    ["programs"],
    ["report", "--out", "report.html"],
]


def coloring(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The `coloring` command as a real process."""
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def ledger(tmp_path: Path) -> str:
    folder = (
        Folder(tmp_path / "season")
        .allocations(("AL1", "AA", "T", "OP", "1000", "2025-01-01"))
        .transfers(("T1", "2025-01-04", "AA", "OP", "B", "600", ""))
        .write()
    )
    load(folder)
    return db_for(folder)


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: " ".join(c))
def test_a_read_command_refuses_a_ledger_file_that_does_not_exist_and_creates_none(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*command, "--db", "sqlite:///typo.db")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: no ledger at sqlite:///typo.db (load a pilot folder into it first: "
        "coloring load FOLDER --db URL)"
    ]
    assert list(tmp_path.iterdir()) == []


def test_findings_on_a_mistyped_ledger_file_is_exit_2_as_a_real_process(tmp_path: Path) -> None:
    done = coloring("findings", "--db", "sqlite:///typo.db", "--check", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert "no ledger at sqlite:///typo.db" in done.stderr
    assert "0 finding(s)" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_default_ledger_is_not_created_by_a_read_command(tmp_path: Path) -> None:
    done = coloring("balances", cwd=tmp_path)
    assert done.returncode == 2
    assert "no ledger at sqlite:///coloring.db" in done.stderr
    assert not (tmp_path / "coloring.db").exists()


def test_a_file_that_is_not_a_ledger_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    other.write_bytes(b"not a database at all")
    result = run("findings", "--db", f"sqlite:///{other}")
    assert result.exit_code == 2
    assert "no ledger at" in result.stderr
    assert other.read_bytes() == b"not a database at all"


def test_an_in_memory_ledger_cannot_be_read_by_a_command_of_its_own(tmp_path: Path) -> None:
    result = run("findings", "--db", "sqlite:///:memory:")
    assert result.exit_code == 2
    assert "an in-memory ledger lives only as long as the command that loads it" in result.stderr


def test_load_still_creates_a_new_ledger(tmp_path: Path) -> None:
    folder = Folder(tmp_path / "new").write()
    load(folder)
    assert Path(db_for(folder).removeprefix("sqlite:///")).is_file()


# The PostgreSQL tests take the suite's `fresh_database` fixture for PostgreSQL only: it fails
# with what to do when the server is down, and gives the test database with no ledger tables.
ON_POSTGRES = pytest.mark.parametrize("fresh_database", ["postgres"], indirect=True)
NewDatabase = Callable[[], str]


def database_named(fresh_database: NewDatabase, name: str) -> str:
    return fresh_database().rsplit("/", 1)[0] + f"/{name}"


@pytest.mark.postgres
@ON_POSTGRES
def test_a_missing_postgresql_database_is_named_at_once_as_a_real_process(
    fresh_database: NewDatabase, tmp_path: Path
) -> None:
    url = database_named(fresh_database, "coloring_no_such_database")
    done = coloring("findings", "--db", url, cwd=tmp_path)
    assert done.returncode == 2
    assert "error: no PostgreSQL database coloring_no_such_database at " in done.stderr
    assert "(create it with createdb " in done.stderr
    assert "couldn't get a connection" not in done.stderr


@pytest.mark.postgres
@ON_POSTGRES
def test_load_into_a_missing_postgresql_database_names_it(
    fresh_database: NewDatabase, tmp_path: Path
) -> None:
    folder = Folder(tmp_path / "season").write()
    url = database_named(fresh_database, "coloring_no_such_database")
    result = run("load", folder, "--db", url)
    assert result.exit_code == 2
    assert "no PostgreSQL database coloring_no_such_database" in result.stderr


@pytest.mark.postgres
@ON_POSTGRES
def test_a_postgresql_database_without_a_ledger_is_refused_and_left_without_tables(
    fresh_database: NewDatabase, tmp_path: Path
) -> None:
    url = fresh_database()
    done = coloring("findings", "--db", url, "--check", cwd=tmp_path)
    assert done.returncode == 2
    assert f"no ledger at {url}" in done.stderr
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT to_regclass('coloring_events')").fetchone()
    assert row == (None,)


def test_an_unknown_program_with_check_is_exit_2_naming_the_known_ones(tmp_path: Path) -> None:
    folder = Folder(tmp_path / "season").write()
    load(folder)
    done = coloring(
        "findings", "--db", db_for(folder), "--program", "NOPE", "--check", cwd=tmp_path
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: --program: no program 'NOPE' in the ledger (programs: AA, ROAD, SUB)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["findings", "--program", "ROADS"],
            "error: --program: no program 'ROADS' in the ledger (did you mean ROAD?)",
        ),
        (
            ["findings", "--participant", "OPP"],
            "error: --participant: no participant 'OPP' in the ledger (did you mean OP?)",
        ),
        (
            ["findings", "--rule", "OVERPAYMNT"],
            "error: --rule: unknown rule 'OVERPAYMNT' (did you mean OVERPAYMENT?)",
        ),
        (
            ["balances", "--program", "SUBS"],
            "error: --program: no program 'SUBS' in the ledger (did you mean SUB?)",
        ),
        (
            ["balances", "--participant", "OPP"],
            "error: --participant: no participant 'OPP' in the ledger (did you mean OP?)",
        ),
        (
            ["trace", "AL2#0"],
            "error: no allocation 'AL2' in the ledger (did you mean AL1?)",
        ),
        (
            ["explain", "OVERPAY", "T1"],
            "error: unknown rule 'OVERPAY' (did you mean OVERPAYMENT?)",
        ),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_an_unknown_name_in_a_filter_is_exit_2_with_the_close_ones(
    ledger: str, args: list[str], message: str
) -> None:
    result = run(*args, "--db", ledger)
    assert (result.exit_code, result.stderr.strip()) == (2, message)


def test_a_known_program_with_no_findings_is_an_empty_answer_not_an_error(ledger: str) -> None:
    result = run("findings", "--db", ledger, "--program", "SUB", "--format", "json")
    assert (result.exit_code, result.stdout) == (0, "[]\n")


def test_an_unknown_program_with_check_is_exit_2_in_process(ledger: str) -> None:
    result = run("findings", "--db", ledger, "--program", "NOPE", "--check")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no program 'NOPE' in the ledger (programs: AA, ROAD, SUB)" in result.stderr


@pytest.mark.postgres
@ON_POSTGRES
def test_findings_on_a_missing_postgresql_database_names_it_in_process(
    fresh_database: NewDatabase,
) -> None:
    result = run("findings", "--db", database_named(fresh_database, "coloring_no_such_db"))
    assert result.exit_code == 2
    assert "no PostgreSQL database coloring_no_such_db at " in result.stderr
