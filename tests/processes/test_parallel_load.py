"""`coloring load FOLDER --jobs 2` as real processes on PostgreSQL: the ledger it writes reads
the same as one load's, it is one writer like any load, a refused folder records nothing, and a
load whose worker is killed is completed by loading the folder again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from coloring.pilot.generator import generate

from .helpers import finish, fresh_postgres, loading, records, run, start, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A generated folder of three programs and ~14k dated records: three batches of a load."""
    folder = tmp_path / "pilot"
    generate(folder, seed=7, farmers=120, misuse_rate=0.2)
    return folder


def read_back(url: str, folder: Path) -> dict[str, str]:
    """What the read commands print of the ledger: findings, balances, an explanation of each
    rule's first finding, a trace, verify."""
    said = {
        "findings": run("findings", "--format", "json", "--db", url).stdout,
        "balances": run("balances", "--per-program", "--db", url).stdout,
        "verify": run("verify", "--db", url).stdout,
    }
    first: dict[str, str] = {}
    for f in json.loads(said["findings"]):
        first.setdefault(f["rule"], f["subject"])
    for rule, subject in first.items():
        said[f"explain {rule}"] = run("explain", rule, subject, "--db", url).stdout
    allocation = (folder / "allocations.csv").read_text().splitlines()[1].split(",")[0]
    said["trace"] = run("trace", f"{allocation}#0", "--db", url).stdout
    return said


@pytest.mark.parametrize("mode", ["observe", "enforce"])
def test_a_folder_loaded_with_two_jobs_reads_the_same_as_with_one(folder: Path, mode: str) -> None:
    said = []
    for jobs in ("1", "2"):
        with fresh_postgres() as url:
            loaded = run("load", str(folder), "--db", url, "--mode", mode, "--jobs", jobs)
            assert loaded.returncode == 0, loaded.stderr
            said.append((loaded.stderr, read_back(url, folder)))
    assert said[0] == said[1]
    assert json.loads(said[0][1]["findings"])


def test_a_second_load_during_a_two_job_load_is_refused_naming_it(url: str, folder: Path) -> None:
    first = start("load", str(folder), "--db", url, "--jobs", "2")
    wait_until(lambda: loading(url))
    second = run("load", str(folder), "--db", url)
    assert second.returncode == 1
    assert f"by pid {first.pid}" in second.stderr
    assert finish(first)[0] == 0
    assert run("verify", "--db", url).returncode == 0


def test_a_refused_folder_with_two_jobs_records_nothing(url: str, folder: Path) -> None:
    with (folder / "transfers.csv").open("a") as f:
        f.write("T-BAD,2025-03-01T10:00:00+05:00,NO-SUCH-PROGRAM,OP-ACC,BANK-002,1.00,\n")
    result = run("load", str(folder), "--db", url, "--jobs", "2")
    assert result.returncode == 2
    assert f"{folder}: nothing was recorded" in result.stderr
    assert records(url) == 0


def test_two_jobs_into_a_sqlite_ledger_are_refused_before_reading(
    tmp_path: Path, folder: Path
) -> None:
    result = run("load", str(folder), "--db", f"sqlite:///{tmp_path / 'l.db'}", "--jobs", "2")
    assert result.returncode == 2
    assert "--jobs 2 needs a PostgreSQL ledger" in result.stderr
    assert not (tmp_path / "l.db").exists()


def test_a_load_whose_worker_is_killed_is_completed_by_loading_again(
    url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "large"
    generate(folder, seed=8, farmers=360, misuse_rate=0.1)
    load = start("load", str(folder), "--db", url, "--jobs", "2")
    wait_until(lambda: records(url) > 0)
    os.kill(_workers(load.pid)[-1], signal.SIGKILL)
    code, stderr = finish(load)
    assert code == 1
    assert "ended unexpectedly" in stderr
    assert records(url) > 0
    again = run("load", str(folder), "--db", url, "--jobs", "2")
    assert again.returncode == 0, again.stderr
    assert "already recorded" in again.stderr
    with fresh_postgres() as once:
        assert run("load", str(folder), "--db", once).returncode == 0
        assert read_back(url, folder) == read_back(once, folder)


def _workers(pid: int) -> list[int]:
    """The worker processes of the load `pid`."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    found = [int(p) for p in children.stdout.split()]
    assert found, "the load has no workers"
    return found
