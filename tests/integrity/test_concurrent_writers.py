"""Two processes writing to one ledger at once leave one unbroken chain: each link is computed
under the writer's lock from the true last link."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coloring.application import ColoringApplication
from conftest import POSTGRES_URL, require_postgres, reset_postgres
from integrity.tamper import coloring

WRITER = """
import sys
from coloring.application import ColoringApplication
from coloring.domain.records import ParticipantRecord
app = ColoringApplication(sys.argv[1])
for i in range(150):
    app.register_participant(ParticipantRecord(f"{sys.argv[2]}-{i}", "n", "farmer"))
app.close()
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "kind", ["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_two_writers_at_once_leave_one_unbroken_chain(kind: str, tmp_path: Path) -> None:
    if kind == "postgres":
        require_postgres()
        reset_postgres()
        url = POSTGRES_URL
    else:
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    # The tables exist first: creating them is not what this test is about.
    ColoringApplication(url).close()
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, url, name], stderr=subprocess.PIPE)
        for name in ("A", "B")
    ]
    for w in writers:
        _, stderr = w.communicate(timeout=300)
        assert w.returncode == 0, stderr.decode()
    result = coloring("verify", "--db", url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verified: 300 events, chained from position 1 to" in result.stderr


OPENER = """
import sys
from coloring.application import ColoringApplication
for _ in range(int(sys.argv[2])):
    ColoringApplication(sys.argv[1]).close()
"""


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("tables", ["new", "existing"])
def test_processes_opening_one_postgres_ledger_at_once_all_open_it(tables: str) -> None:
    """Opening a ledger creates what is missing (the library's types, tables and its insert
    function, replaced on every open): four processes doing it at once all succeed."""
    require_postgres()
    reset_postgres()
    if tables == "existing":
        ColoringApplication(POSTGRES_URL).close()
    openers = [
        subprocess.Popen([sys.executable, "-c", OPENER, POSTGRES_URL, "15"], stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    for o in openers:
        _, stderr = o.communicate(timeout=300)
        assert o.returncode == 0, stderr.decode()
