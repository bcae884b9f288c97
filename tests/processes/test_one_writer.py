"""One writer per ledger, as real processes: a second load is refused or waits, a reader during a
load writes nothing and crashes on nothing, a killed load is visible until it is completed."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import (
    finish,
    fresh_postgres,
    index_is_sound,
    loading,
    query,
    records,
    run,
    start,
    wait_until,
    write_period_folder,
)

pytestmark = pytest.mark.slow
FARMERS = 4000


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A ledger that does not exist yet: a SQLite file to be, or a new PostgreSQL database."""
    if request.param == "sqlite-file":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    with fresh_postgres() as url:
        yield url


@pytest.fixture
def early_and_late(tmp_path: Path) -> tuple[Path, Path]:
    early, late = tmp_path / "early", tmp_path / "late"
    write_period_folder(early, FARMERS, month=1, tag="a")
    write_period_folder(late, FARMERS, month=6, tag="b")
    return early, late


def load_during_a_load(
    ledger_url: str, running: Path, second: Path, *args: str
) -> tuple[subprocess.Popen[str], subprocess.CompletedProcess[str]]:
    """Start loading `running`; once it holds the ledger, load `second` with `args` to the end."""
    first = start("load", str(running), "--db", ledger_url)
    wait_until(lambda: loading(ledger_url))
    return first, run("load", str(second), "--db", ledger_url, *args)


def assert_whole(ledger_url: str) -> None:
    """The ledger's index is sound and `coloring verify` passes on it."""
    index_is_sound(ledger_url)
    assert run("verify", "--db", ledger_url).returncode == 0


def test_a_second_load_is_refused_at_once_naming_the_running_load(
    ledger_url: str, early_and_late: tuple[Path, Path]
) -> None:
    early, late = early_and_late
    first, second = load_during_a_load(ledger_url, early, late)
    assert second.returncode == 1
    assert "is being written by the load started at" in second.stderr
    assert f"by pid {first.pid}" in second.stderr
    assert "Traceback" not in second.stderr
    assert finish(first)[0] == 0
    assert run("verify", "--db", ledger_url).returncode == 0


def test_a_later_folder_waits_for_an_earlier_one_and_both_are_recorded_in_time_order(
    ledger_url: str, early_and_late: tuple[Path, Path]
) -> None:
    early, late = early_and_late
    first, second = load_during_a_load(ledger_url, early, late, "--wait", "300")
    assert second.returncode == 0, second.stderr
    assert "waiting for the load started at" in second.stderr
    assert finish(first)[0] == 0
    assert_whole(ledger_url)


def test_an_earlier_folder_waiting_for_a_later_one_is_refused_and_leaves_the_ledger_whole(
    ledger_url: str, early_and_late: tuple[Path, Path]
) -> None:
    early, late = early_and_late
    first, second = load_during_a_load(ledger_url, late, early, "--wait", "300")
    assert second.returncode == 2
    assert "time only moves forward" in second.stderr
    assert "Traceback" not in second.stderr
    assert finish(first)[0] == 0
    if ledger_url.startswith("sqlite:///"):
        assert Path(ledger_url[len("sqlite:///") :]).exists()
    assert_whole(ledger_url)
    assert "already recorded" in run("load", str(late), "--db", ledger_url).stderr


def test_two_loads_into_a_fresh_database_at_once_both_end_well(
    ledger_url: str, early_and_late: tuple[Path, Path]
) -> None:
    early, _ = early_and_late
    loads = [start("load", str(early), "--db", ledger_url, "--wait", "300") for _ in range(2)]
    results = [finish(p) for p in loads]
    assert [code for code, _ in results] == [0, 0], results
    assert sum("already recorded" in stderr for _, stderr in results) == 1
    assert_whole(ledger_url)


def test_a_reader_during_a_load_writes_nothing_and_says_the_load_is_running(
    ledger_url: str, early_and_late: tuple[Path, Path], tmp_path: Path
) -> None:
    early, _ = early_and_late
    late = tmp_path / "later"
    write_period_folder(late, 3 * FARMERS, month=6, tag="c")
    assert run("load", str(early), "--db", ledger_url).returncode == 0
    running = start("load", str(late), "--db", ledger_url)
    wait_until(lambda: loading(ledger_url))
    checked = run("findings", "--check", "--db", ledger_url)
    assert checked.returncode == 1
    assert "is still running" in checked.stderr
    report = str(tmp_path / "report.html")
    for command in (["balances"], ["trace", "ALa#0"], ["report", "--out", report]):
        reader = run(*command, "--db", ledger_url)
        assert "Traceback" not in reader.stderr, reader.stderr
        assert reader.returncode == 0, reader.stderr
    assert finish(running)[0] == 0
    assert "warning" not in run("findings", "--db", ledger_url).stderr
    assert_whole(ledger_url)


def test_a_killed_load_is_reported_until_the_folder_is_loaded_again(
    ledger_url: str, early_and_late: tuple[Path, Path]
) -> None:
    early, _ = early_and_late
    killed = start("load", str(early), "--db", ledger_url)
    wait_until(lambda: records(ledger_url) > 2000)
    killed.send_signal(signal.SIGKILL)
    finish(killed)
    checked = run("findings", "--check", "--db", ledger_url)
    assert checked.returncode == 1
    assert f"by pid {killed.pid} did not finish" in checked.stderr
    assert "load it again to complete it" in checked.stderr
    for command in (["balances"], ["trace", "ALa#0"]):
        assert "did not finish" in run(*command, "--db", ledger_url).stderr
    resumed = run("load", str(early), "--db", ledger_url)
    assert resumed.returncode == 0, resumed.stderr
    after = run("findings", "--db", ledger_url)
    assert "warning" not in after.stderr
    assert_whole(ledger_url)


def test_a_killed_first_load_loaded_again_gives_the_balances_as_of_a_day_of_one_whole_load(
    tmp_path: Path, early_and_late: tuple[Path, Path]
) -> None:
    """A first load goes without the balance steps' key until its end: the one it was killed
    before gets it from the load that completes the folder."""
    early, _ = early_and_late
    resumed, whole = f"sqlite:///{tmp_path / 'resumed.db'}", f"sqlite:///{tmp_path / 'whole.db'}"
    killed = start("load", str(early), "--db", resumed)
    wait_until(lambda: records(resumed) > 2000)
    killed.send_signal(signal.SIGKILL)
    finish(killed)
    for url in (resumed, whole):
        assert run("load", str(early), "--db", url).returncode == 0
    as_of = ("balances", "--as-of", "2025-01-13T00:00:00+05:00", "--format", "json")
    assert run(*as_of, "--db", resumed).stdout == run(*as_of, "--db", whole).stdout
    assert query(resumed, "SELECT COUNT(*) FROM rm_balance_steps")[0][0] > 2000
    indexes = (
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rm_balance_steps'"
    )
    assert query(resumed, indexes) == [("ix_rm_balance_steps_program_id_participant_id_at_us_seq",)]
