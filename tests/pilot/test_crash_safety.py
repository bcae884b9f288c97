"""A load killed at any point is resumed by running it again: nothing duplicated, nothing lost."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from processes.helpers import write_period_folder

CLI = [sys.executable, "-c", "from coloring.cli import main; main()"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=600)


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute(sql).fetchone()[0])


@pytest.mark.slow
def test_a_load_killed_midway_is_completed_by_loading_again_with_nothing_duplicated(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "pilot"
    write_period_folder(folder, 4000, month=1, tag="a")
    clean, crashed = tmp_path / "clean.db", tmp_path / "crashed.db"
    assert run("load", str(folder), "--db", f"sqlite:///{clean}").returncode == 0

    process = subprocess.Popen(
        [*CLI, "load", str(folder), "--db", f"sqlite:///{crashed}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if crashed.exists() and _events(crashed) > 2000:
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = _events(crashed)
    assert 0 < partial < _events(clean), "the kill should land in the middle of the load"

    resumed = run("load", str(folder), "--db", f"sqlite:///{crashed}")
    assert resumed.returncode == 0, resumed.stderr

    assert _events(crashed) == _events(clean)
    assert count(crashed, "SELECT COUNT(*) FROM ledger_records") == count(
        clean, "SELECT COUNT(*) FROM ledger_records"
    )
    findings = [
        run("findings", "--format", "json", "--db", f"sqlite:///{db}").stdout
        for db in (clean, crashed)
    ]
    assert findings[0] == findings[1]
    assert run("verify", "--db", f"sqlite:///{crashed}").returncode == 0


def _events(db: Path) -> int:
    try:
        return count(db, "SELECT COUNT(*) FROM stored_events")
    except sqlite3.OperationalError:
        return 0
