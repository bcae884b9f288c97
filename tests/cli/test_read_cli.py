"""The read commands answered before the command-line framework is imported
(`coloring.readcli`) print the same bytes and exit with the same code as `coloring.cli`, and
leave to it everything they do not answer, having printed nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coloring.application import ColoringApplication
from coloring.domain.records import ParticipantRecord
from coloring.examples import SHIPPED
from coloring.readcli import answer
from pilot.builders import load, run

QUESTIONS = [
    ["findings"],
    ["findings", "--format", "json"],
    ["findings", "--format=csv"],
    ["findings", "--rule", "OVERPAYMENT", "--rule", "IDLE_FUNDS", "--format", "json"],
    ["findings", "--program", "AA-2025", "--status", "open", "--min-amount", "1000"],
    ["findings", "--as-of", "2025-03-01", "--since", "2025-01-01", "--format", "csv"],
    ["findings", "--sort", "amount", "--format", "json"],
    ["findings", "--group-by", "rule", "--group-by", "region"],
    ["findings", "--group-by", "program", "--format", "json", "--sort", "amount"],
    ["findings", "--group-by", "participant", "--format", "csv", "--status", "open"],
    ["findings", "--check", "--format", "json"],
    ["findings", "--check"],
    ["findings", "--sort", "amount", "--status", "refused"],
    ["findings", "--region", "Akmola", "--format", "json"],
    ["findings", "--participant", "FRM-000003", "--until", "2025-06-30", "--format", "json"],
    ["findings", "--rule", "UNRETURNED_AFTER_EXPIRY", "--rule", "IDLE_FUNDS"],
    ["findings", "--as-of", "2025-02-01", "--format", "json"],
    ["findings", "--as-of", "2020-01-01"],
    ["--lang", "ru", "findings", "--format", "json"],
    ["--lang", "ru", "findings", "--group-by", "status"],
    ["--lang=kk", "findings"],
    ["balances"],
    ["balances", "--as-of", "2025-03-01", "--format", "json"],
    ["balances", "--per-program", "--format", "csv"],
    ["balances", "--per-program", "--program", "AA-2025"],
    ["trace", "AL-00001#0"],
    ["trace", "AL-00001#0", "--format", "json", "--as-of", "2025-06-01"],
    ["trace", "AL-00001#0", "--format", "csv"],
    ["programs"],
    ["programs", "--format", "json", "--as-of", "2025-06-01"],
    ["programs", "--format", "csv"],
]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = f"sqlite:///{tmp_path_factory.mktemp('read') / 'example.db'}"
    load(SHIPPED, db=db)
    return db


@pytest.mark.parametrize("question", QUESTIONS, ids=" ".join)
def test_a_read_command_answered_early_prints_what_the_full_command_prints(
    question: list[str], ledger: str, capsys: pytest.CaptureFixture[str]
) -> None:
    full = run(*question, "--db", ledger)
    code = answer([*question, "--db", ledger])
    printed = capsys.readouterr()
    assert code == full.exit_code
    assert (printed.out, printed.err) == (full.stdout, full.stderr)


def test_csv_for_excel_answered_early_has_the_same_bytes_as_from_the_full_command(
    ledger: str,
) -> None:
    question = ["findings", "--format", "csv", "--excel", "--db", ledger]

    def printed(entry: str) -> bytes:
        script = f"from {entry} import main; main()"
        command = [sys.executable, "-c", script, *question]
        return subprocess.run(command, capture_output=True, check=True).stdout

    early = printed("coloring.readcli")
    assert early.startswith(b"\xef\xbb\xbfrule;") and b"\r\n" in early
    assert early == printed("coloring.cli")


@pytest.mark.parametrize(
    "question",
    [["findings", "--check", "--format", "json"], ["trace", "AL-00001#0", "--format", "json"]],
    ids=" ".join,
)
def test_a_question_answered_early_exits_with_its_code_after_all_of_its_output(
    question: list[str], ledger: str
) -> None:
    script = "from coloring.readcli import main; main()"
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    command = [sys.executable, "-c", script, *question, "--db", ledger]
    done = subprocess.run(command, capture_output=True, env=buffered)
    full = run(*question, "--db", ledger)
    assert done.returncode == full.exit_code
    assert done.stdout.decode() == full.stdout


def test_explain_answered_early_prints_what_the_full_command_prints(
    ledger: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = json.loads(run("findings", "--db", ledger, "--format", "json").stdout)[0]
    question = ["explain", first["rule"], first["subject"], "--db", ledger]
    full = run(*question)
    assert answer(question) == 0
    assert capsys.readouterr().out == full.stdout


@pytest.mark.parametrize(
    "question",
    [
        ["findings", "--rule", "NO_SUCH_RULE"],
        ["findings", "--program", "NO-SUCH-PROGRAM"],
        ["findings", "--format", "xml"],
        ["findings", "--min-amount", "ten"],
        ["findings", "--excel"],
        ["findings", "--help"],
        ["findings", "--rule"],
        ["trace", "NOWHERE#0"],
        ["trace", "AL-00001#999999999999"],
        ["trace"],
        ["balances", "--per-program", "--participant", "F-1"],
        ["--lang", "xx", "findings"],
        ["--version"],
        ["programs", "--as-of", "never"],
        ["load", "folder"],
    ],
    ids=" ".join,
)
def test_what_is_not_answered_early_is_left_to_the_full_command_with_nothing_printed(
    question: list[str], ledger: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert answer([*question, "--db", ledger]) is None
    assert capsys.readouterr() == ("", "")


def test_read_models_behind_the_log_are_left_to_the_full_command(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'behind.db'}"
    load(SHIPPED, db=db)
    application = ColoringApplication(db)
    try:
        application.register_participant(ParticipantRecord("NEW", "Newcomer", "farmer"))
    finally:
        application.close()
    assert answer(["balances", "--db", db]) is None


@pytest.mark.parametrize(
    "question",
    [
        ["findings", "--format", "json"],
        ["findings", "--min-amount", "1000.5", "--format", "json"],
        ["balances", "--as-of", "2025-03-01", "--format", "json"],
        ["balances", "--per-program", "--format", "csv"],
    ],
    ids=" ".join,
)
def test_a_question_answered_early_imports_neither_typer_nor_pydantic_nor_the_api(
    question: list[str], ledger: str
) -> None:
    script = (
        "import sys\n"
        "from coloring.readcli import answer\n"
        f"assert answer({[*question, '--db', ledger]!r}) == 0\n"
        "print('\\n'.join(sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    heavy = ("typer", "click", "pydantic", "pyarrow", "rich", "babel", "eventsourcing")
    assert not [m for m in done.stderr.split() if m.startswith((*heavy, "coloring.api"))]


@pytest.mark.parametrize("entry", ["coloring.readcli", "coloring.cli"])
def test_a_table_sent_with_its_count_to_one_file_comes_before_the_count(
    entry: str, ledger: str
) -> None:
    script = f"from {entry} import main; main()"
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    command = [sys.executable, "-c", script, "findings", "--db", ledger]
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=buffered)
    lines = done.stdout.decode().splitlines()
    assert lines[0].startswith("┏") and lines[-1].endswith(" findings")


@pytest.mark.parametrize("entry", ["coloring.readcli", "coloring.cli"])
def test_a_reader_that_stops_reading_ends_the_question_with_exit_1_and_no_traceback(
    entry: str, ledger: str
) -> None:
    script = f"from {entry} import main; main()"
    command = [sys.executable, "-c", script, "findings", "--db", ledger]
    # The reading end is closed before the command can write (its imports take longer), as
    # `coloring findings | head -1` closes it after the first line.
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        stderr = process.stderr.read().decode()
    assert (process.returncode, stderr) == (1, "")
