"""Helpers for tests that run `coloring` as real processes against one ledger."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest

CLI = [sys.executable, "-c", "from coloring.cli import main; main()"]


def run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout)


STARTED: list[subprocess.Popen[str]] = []
"""Processes started by the running test (ended by the `ended` fixture if it fails)."""


def start(*args: str) -> subprocess.Popen[str]:
    """A process started in the background; its stderr goes to a file (a pipe nobody reads
    would fill and stop it)."""
    stderr = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen([*CLI, *args], stdout=subprocess.DEVNULL, stderr=stderr, text=True)
    process.stderr = stderr
    STARTED.append(process)
    return process


def end_all() -> None:
    while STARTED:
        process = STARTED.pop()
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def loading(url: str) -> bool:
    """Whether a load has been recorded as started and not finished."""
    try:
        return bool(query(url, "SELECT COUNT(*) FROM ledger_loads WHERE finished_at IS NULL")[0][0])
    except (sqlite3.Error, psycopg.Error):
        return False


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    """Exit code and stderr of a started process, once it has ended."""
    process.wait(timeout=600)
    assert process.stderr is not None
    with process.stderr:
        process.stderr.seek(0)
        return process.returncode, process.stderr.read()


def write_period_folder(folder: Path, farmers: int, month: int, tag: str) -> None:
    """treasury > operator > bank > farmer > seller in one month of 2025: the same parties and
    program in every folder, the money and payments of `tag` new."""
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
        f"AL{tag},AA,T,OP,{total},2025-{month:02d}-01T09:00\n"
    )
    rows = [
        "transfer_id,at,program_id,payer,payee,amount,purpose_ref",
        f"X{tag},2025-{month:02d}-02,AA,OP,B,{total},",
    ]
    loans = ["loan_id,program_id,lender,borrower,amount,issued_at"]
    for i in range(farmers):
        day = 3 + i * 20 // farmers
        loans.append(f"L{tag}-{i},AA,B,F{i},1000,2025-{month:02d}-03")
        rows.append(f"Y{tag}-{i},2025-{month:02d}-{day:02d}T10:00,AA,B,F{i},1000,L{tag}-{i}")
        rows.append(f"Z{tag}-{i},2025-{month:02d}-{day:02d}T11:00,AA,F{i},S{i},999.99,")
    (folder / "loans.csv").write_text("\n".join(loans) + "\n")
    (folder / "transfers.csv").write_text("\n".join(rows) + "\n")


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        if not path.exists():
            raise sqlite3.OperationalError("no ledger yet")
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as c:
            return [tuple(r) for r in c.execute(sql).fetchall()]
    with psycopg.connect(url) as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


def records(url: str) -> int:
    """How many records the ledger's index holds (0 before it exists)."""
    try:
        return int(query(url, "SELECT COUNT(*) FROM ledger_records")[0][0])
    except (sqlite3.Error, psycopg.Error):
        return 0


def wait_until(condition: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not come true in time")
        time.sleep(0.1)


def index_is_sound(url: str) -> None:
    """Unique sequence numbers, and time only moving forward along them."""
    rows = query(url, "SELECT seq, at_us FROM ledger_records ORDER BY seq")
    seqs = [r[0] for r in rows]
    assert len(seqs) == len(set(seqs)), "duplicate sequence numbers"
    instants = [r[1] for r in rows if r[1] is not None]
    assert instants == sorted(instants), "a record sits before an earlier one"


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database next to the test database; dropped afterwards."""
    if os.environ.get("COLORING_SKIP_POSTGRES") == "1":
        pytest.skip("COLORING_SKIP_POSTGRES=1: PostgreSQL tests skipped on request")
    base_url = os.environ.get(
        "COLORING_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
    )
    parsed = urlparse(base_url)
    name = f"{parsed.path.strip('/')}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(parsed._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
