"""A load killed at any point is resumed by running it again: nothing duplicated, nothing lost."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

CLI = [sys.executable, "-c", "from coloring.cli import main; main()"]


def write_chain_folder(folder: Path, farmers: int) -> None:
    """treasury > operator > bank > farmer > seller, every payment covered, many records."""
    folder.mkdir()
    people = ["T,Treasury,treasury", "OP,Operator,operator", "B,Bank,bank"]
    people += [f"F{i},Farmer {i},farmer" for i in range(farmers)]
    people += [f"S{i},Seller {i},seller" for i in range(farmers)]
    (folder / "participants.csv").write_text(
        "participant_id,name,role\n" + "\n".join(people) + "\n"
    )
    (folder / "programs.csv").write_text(
        "program_id,name,kind,route,expires_at,max_idle_days\n"
        "AA,Auyl Amanaty,livestock,treasury>operator operator>bank bank>farmer farmer>seller,"
        "2026-12-31,400\n"
    )
    total = farmers * 1000
    (folder / "allocations.csv").write_text(
        "allocation_id,program_id,payer,recipient,amount,allocated_at\n"
        f"AL1,AA,T,OP,{total},2025-01-01T09:00\n"
    )
    rows = [
        "transfer_id,at,program_id,payer,payee,amount,purpose_ref",
        f"X0,2025-01-02,AA,OP,B,{total},",
    ]
    loans = ["loan_id,program_id,lender,borrower,amount,issued_at"]
    for i in range(farmers):
        day = 3 + i // 1000
        loans.append(f"L{i},AA,B,F{i},1000,2025-01-03")
        rows.append(f"Y{i},2025-01-{day:02d}T10:00,AA,B,F{i},1000,L{i}")
        rows.append(f"Z{i},2025-01-{day:02d}T11:00,AA,F{i},S{i},999.99,")
    (folder / "loans.csv").write_text("\n".join(loans) + "\n")
    (folder / "transfers.csv").write_text("\n".join(rows) + "\n")


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
    write_chain_folder(folder, farmers=4000)
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
