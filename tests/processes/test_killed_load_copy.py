"""The private copy of the folder that a load killed with SIGKILL leaves in TMPDIR is removed by
the next load, as real processes; the copy of a load still running is kept; a load stopped by
Ctrl-C or SIGTERM removes its own."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from .helpers import finish, loading, records, run, start, wait_until, write_period_folder

pytestmark = pytest.mark.slow
FARMERS = 4000


def copies(tmp_folder: Path) -> list[Path]:
    return sorted(tmp_folder.glob("coloring-load-*"))


def stopped_midway(tmp_path: Path, stop: signal.Signals) -> tuple[Path, str, int, str]:
    """A folder, its ledger, and the exit code and stderr of its load, sent `stop` once it has
    recorded 2,000 records."""
    folder = tmp_path / "pilot"
    write_period_folder(folder, FARMERS, month=1, tag="a")
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    stopped = start("load", str(folder), "--db", url)
    wait_until(lambda: records(url) > 2000)
    stopped.send_signal(stop)
    return folder, url, *finish(stopped)


def test_the_copy_a_killed_load_leaves_is_removed_by_the_next_load(
    tmp_path: Path, tmp_folder: Path
) -> None:
    folder, url, _, _ = stopped_midway(tmp_path, signal.SIGKILL)
    [left] = copies(tmp_folder)
    assert (left / "transfers.csv").read_bytes() == (folder / "transfers.csv").read_bytes()
    again = run("load", str(folder), "--db", url)
    assert again.returncode == 0, again.stderr
    assert again.stderr.splitlines()[0] == (
        f"removed 1 copy of a pilot folder left in {tmp_folder} by a load that was killed"
    )
    assert copies(tmp_folder) == []


def test_a_running_load_keeps_its_copy_while_a_load_of_another_ledger_runs_to_its_end(
    tmp_path: Path, tmp_folder: Path
) -> None:
    large, small = tmp_path / "large", tmp_path / "small"
    write_period_folder(large, 3 * FARMERS, month=1, tag="a")
    write_period_folder(small, 10, month=1, tag="b")
    first, second = (f"sqlite:///{tmp_path / name}.db" for name in ("first", "second"))
    running = start("load", str(large), "--db", first)
    wait_until(lambda: loading(first))
    [kept] = copies(tmp_folder)
    other = run("load", str(small), "--db", second)
    assert other.returncode == 0, other.stderr
    assert "removed" not in other.stderr
    assert running.poll() is None, "the first load should still run when the second ends"
    assert copies(tmp_folder) == [kept]
    assert finish(running)[0] == 0
    assert copies(tmp_folder) == []


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stopped_load_says_what_it_kept_leaves_no_copy_and_the_same_load_completes_it(
    tmp_path: Path, tmp_folder: Path, stop: signal.Signals
) -> None:
    folder, url, code, stderr = stopped_midway(tmp_path, stop)
    assert code == 128 + stop
    assert stderr.splitlines()[-1] == (
        "interrupted: every committed batch is kept; run the same command again to resume"
    )
    assert copies(tmp_folder) == []
    assert loading(url)
    again = run("load", str(folder), "--db", url)
    assert again.returncode == 0, again.stderr
    assert "removed" not in again.stderr
    whole = f"sqlite:///{tmp_path / 'whole.db'}"
    assert run("load", str(folder), "--db", whole).returncode == 0
    listed = [run("findings", "--db", db, "--format", "json").stdout for db in (url, whole)]
    assert listed[0] == listed[1]
    assert '"rule"' in listed[0]
