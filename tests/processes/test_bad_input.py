"""The last bad inputs, as real processes: each is refused with exit 2 and its exact line, and
the ledger is left as it was (or not created at all)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import psycopg
import pytest

from .helpers import finish, query, records, run, start, wait_until, write_period_folder

LIMIT = 2**63 - 1


def lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "pilot"
    write_period_folder(path, 5, month=1, tag="a")
    (path / "acts.csv").write_text("act_id,contract_id,amount,accepted_at\n")
    return path


def refused(folder: Path, db: Path, *expected: str) -> None:
    """`coloring load` exits 2 with exactly these lines, and no ledger is left behind."""
    result = run("load", str(folder), "--db", f"sqlite:///{db}", timeout=60)
    assert result.returncode == 2, result.stderr
    assert lines(result.stderr) == [*expected, f"{folder}: nothing was recorded"]
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name)) == []


def test_a_dangling_symlink_as_a_contract_file_is_refused(folder: Path, tmp_path: Path) -> None:
    (folder / "transfers.csv").unlink()
    (folder / "transfers.csv").symlink_to(tmp_path / "nowhere.csv")
    refused(
        folder, tmp_path / "l.db", "transfers.csv:0: -: cannot be read: a symbolic link to nothing"
    )


def test_a_symlink_loop_as_a_contract_file_is_refused(folder: Path, tmp_path: Path) -> None:
    (folder / "transfers.csv").unlink()
    (folder / "transfers.csv").symlink_to(folder / "loop.csv")
    (folder / "loop.csv").symlink_to(folder / "transfers.csv")
    refused(folder, tmp_path / "l.db", "transfers.csv:0: -: cannot be read: a symbolic link loop")


def test_a_directory_as_a_contract_file_is_refused(folder: Path, tmp_path: Path) -> None:
    (folder / "transfers.csv").unlink()
    (folder / "transfers.csv").mkdir()
    refused(folder, tmp_path / "l.db", "transfers.csv:0: -: not a regular file")


def test_a_fifo_as_a_contract_file_is_refused_without_reading_it(
    folder: Path, tmp_path: Path
) -> None:
    (folder / "acts.csv").unlink()
    os.mkfifo(folder / "acts.csv")
    refused(folder, tmp_path / "l.db", "acts.csv:0: -: not a regular file")


def test_a_symlink_to_a_regular_file_is_read_like_the_file(folder: Path, tmp_path: Path) -> None:
    shutil.move(folder / "transfers.csv", tmp_path / "elsewhere.csv")
    (folder / "transfers.csv").symlink_to(tmp_path / "elsewhere.csv")
    assert run("load", str(folder), "--db", f"sqlite:///{tmp_path / 'l.db'}").returncode == 0


def test_a_missing_folder_is_refused_in_the_file_line_form(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    refused(missing, tmp_path / "l.db", f"{missing}:0: -: no such folder")


def test_a_file_given_as_the_folder_is_refused_in_the_file_line_form(
    folder: Path, tmp_path: Path
) -> None:
    given = folder / "programs.csv"
    refused(
        given,
        tmp_path / "l.db",
        f"{given}:0: -: not a folder (expected a folder of pilot CSV files)",
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_a_folder_that_cannot_be_read_is_refused_and_leaves_no_ledger(
    folder: Path, tmp_path: Path
) -> None:
    folder.chmod(0)
    try:
        refused(folder, tmp_path / "l.db", f"{folder}:0: -: cannot be read: permission denied")
    finally:
        folder.chmod(0o755)


def test_a_bad_file_leaves_an_existing_ledger_as_it_was(folder: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    assert run("load", str(folder), "--db", db).returncode == 0
    before = query(db, "SELECT * FROM ledger_records ORDER BY seq")
    later = tmp_path / "later"
    write_period_folder(later, 5, month=2, tag="b")
    (later / "acts.csv").mkdir()
    result = run("load", str(later), "--db", db)
    assert result.returncode == 2
    assert lines(result.stderr) == [
        "acts.csv:0: -: not a regular file",
        f"{later}: nothing was recorded",
    ]
    assert query(db, "SELECT * FROM ledger_records ORDER BY seq") == before
    assert run("verify", "--db", db).returncode == 0


def _allocations(folder: Path, n: int, tag: str, day: int) -> None:
    rows = ["allocation_id,program_id,payer,recipient,amount,allocated_at"]
    rows += [
        f"AL{tag}{i},AA,T,OP,999999999999999.99,2025-01-{day:02d}T09:{i % 60:02d}" for i in range(n)
    ]
    (folder / "allocations.csv").write_text("\n".join(rows) + "\n")


def test_amounts_whose_sum_would_overflow_64_bits_are_refused_before_anything_is_recorded(
    folder: Path, tmp_path: Path
) -> None:
    _allocations(folder, 93, "x", 1)
    # 92 fit (92 * 99999999999999999 <= 2^63-1); with the money moved by X the 93rd does not.
    refused(
        folder,
        tmp_path / "l.db",
        f"allocations.csv:94: amount: the ledger's money moved would add up to more than {LIMIT} "
        "tiyn, more than its 64-bit sums can keep (contract choice 9d)",
    )


def test_a_later_folder_whose_amounts_would_overflow_the_ledgers_sums_is_refused(
    folder: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    _allocations(folder, 50, "x", 1)
    assert run("load", str(folder), "--db", db).returncode == 0
    before = query(db, "SELECT COUNT(*) FROM ledger_records")
    later = tmp_path / "later"
    write_period_folder(later, 5, month=2, tag="b")
    _allocations(later, 50, "y", 2)
    result = run("load", str(later), "--db", db)
    assert result.returncode == 2
    assert "allocations.csv:" in result.stderr and "would add up to more than" in result.stderr
    assert query(db, "SELECT COUNT(*) FROM ledger_records") == before
    for command in (["findings"], ["balances"], ["verify"]):
        assert run(*command, "--db", db).returncode == 0
    assert run("report", "--out", str(tmp_path / "r.html"), "--db", db).returncode == 0
    # Loading the first folder again is still possible: what it holds counts once.
    assert run("load", str(folder), "--db", db).returncode == 0


def test_error_lines_are_printed_as_they_are_not_as_emoji_or_markup(
    folder: Path, tmp_path: Path
) -> None:
    rows = (folder / "transfers.csv").read_text().splitlines()
    rows += [f"E{i},2025-01-20,AA,OP,B,1," for i in range(len(rows), 99)]
    rows.append("[bold]W,2025-01-20,AA,OP,B,1,")
    (folder / "transfers.csv").write_text("\n".join(rows) + "\n")
    result = run("load", str(folder), "--db", f"sqlite:///{tmp_path / 'l.db'}")
    assert result.returncode == 2
    assert lines(result.stderr)[0].startswith("transfers.csv:100: transfer_id: ")
    assert "[bold]W" in result.stderr
    assert "\N{HUNDRED POINTS SYMBOL}" not in result.stderr


def test_ids_in_tables_and_explanations_are_printed_as_they_are(tmp_path: Path) -> None:
    folder = tmp_path / "pilot"
    write_period_folder(folder, 2, month=1, tag=":100:")
    db = f"sqlite:///{tmp_path / 'l.db'}"
    assert run("load", str(folder), "--db", db).returncode == 0
    table = run("findings", "--db", db).stdout
    assert "Z:100:-0" in table and "\N{HUNDRED POINTS SYMBOL}" not in table
    explained = run("explain", "MISSING_DOCUMENT", "Z:100:-0", "--db", db).stdout
    assert "Z:100:-0" in explained and "\N{HUNDRED POINTS SYMBOL}" not in explained


@pytest.mark.slow
def test_a_file_rewritten_during_a_load_does_not_change_what_is_recorded(tmp_path: Path) -> None:
    folder, copy = tmp_path / "pilot", tmp_path / "same"
    write_period_folder(folder, 3000, month=1, tag="a")
    shutil.copytree(folder, copy)
    db, reference = f"sqlite:///{tmp_path / 'l.db'}", f"sqlite:///{tmp_path / 'r.db'}"
    assert run("load", str(copy), "--db", reference).returncode == 0
    loading = start("load", str(folder), "--db", db)
    wait_until(lambda: records(db) > 0)
    (folder / "transfers.csv").write_text("transfer_id,at,program_id,payer,payee,amount\nbad\n")
    code, stderr = finish(loading)
    assert code == 0, stderr
    assert "transfers.csv changed during the load" in stderr
    recorded = "SELECT kind, key, digest, seq, at_us FROM ledger_records ORDER BY seq"
    assert query(db, recorded) == query(reference, recorded)
    assert run("verify", "--db", db).returncode == 0


def test_instants_at_the_limits_of_the_calendar_never_crash_a_command(tmp_path: Path) -> None:
    folder = tmp_path / "limits"
    folder.mkdir()
    (folder / "participants.csv").write_text(
        "participant_id,name,role\nT,Treasury,treasury\nOP,Operator,operator\nB,Bank,bank\n"
    )
    (folder / "programs.csv").write_text(
        "program_id,name,kind,route,expires_at,max_idle_days\n"
        "AA,A,livestock,treasury>operator operator>bank,0001-01-02T00:00+14:00,1\n"
    )
    (folder / "allocations.csv").write_text(
        "allocation_id,program_id,payer,recipient,amount,allocated_at\n"
        "AL1,AA,T,OP,100,0001-01-01T00:00+14:00\n"
    )
    (folder / "transfers.csv").write_text(
        "transfer_id,at,program_id,payer,payee,amount,purpose_ref\n"
        "X1,9999-12-31T23:59:59-12:00,AA,OP,B,50,\n"
    )
    db = f"sqlite:///{tmp_path / 'l.db'}"
    assert run("load", str(folder), "--db", db).returncode == 0
    report = str(tmp_path / "r.html")
    for command in (
        ["findings"],
        ["findings", "--as-of", "9999-12-31T23:59:59-12:00"],
        ["balances"],
        ["programs"],
        ["trace", "AL1#0"],
        ["explain", "SPENT_AFTER_EXPIRY", "X1"],
        ["report", "--out", report],
        ["report", "--out", report, "--as-of", "9999-12-31T23:59:59-12:00"],
        ["verify"],
    ):
        result = run(*command, "--db", db)
        assert result.returncode == 0, (command, result.stderr)
        assert "Traceback" not in result.stderr
    assert "9999-12-31T23:59:59-12:00" in run("findings", "--db", db).stdout


@pytest.mark.postgres
def test_a_postgresql_ledger_whose_search_path_names_another_schema_is_refused_untouched(
    folder: Path, url: str
) -> None:
    database = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA other; ALTER DATABASE "{database}" SET search_path = other')
    result = run("load", str(folder), "--db", url)
    assert (result.returncode, result.stdout) == (2, "")
    assert lines(result.stderr) == [
        "error: the ledger is kept in the 'public' schema of its database, but this connection's "
        "search_path puts 'other' first: reset the search_path of the role or database "
        "(docs/operations.md)"
    ]
    made = (
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname IN ('public', 'other')"
    )
    assert query(url, made) == []
