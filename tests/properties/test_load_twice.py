"""Loading a folder again changes nothing: same events, same findings, whatever the folder."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from coloring.cli import app
from coloring.pilot.generator import generate


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def stored_events(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0])


@settings(max_examples=5, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    farmers=st.integers(min_value=1, max_value=12),
    misuse_rate=st.sampled_from([0.0, 0.1, 0.5]),
)
def test_loading_a_generated_folder_twice_changes_nothing(
    seed: int, farmers: int, misuse_rate: float
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pilot"
        generate(folder, seed=seed, farmers=farmers, misuse_rate=misuse_rate)
        db = f"sqlite:///{Path(tmp) / 'ledger.db'}"
        run("load", str(folder), "--db", db)
        events = stored_events(Path(tmp) / "ledger.db")
        once = run("findings", "--format", "json", "--db", db)
        balances = run("balances", "--format", "json", "--db", db)
        run("load", str(folder), "--db", db)
        assert stored_events(Path(tmp) / "ledger.db") == events
        assert run("findings", "--format", "json", "--db", db) == once
        assert run("balances", "--format", "json", "--db", db) == balances
        assert {(f["rule"], f["subject"]) for f in json.loads(once)} == {
            (p["rule"], p["subject"]) for p in json.loads((folder / "planted.json").read_text())
        }
        assert "verified" in CliRunner().invoke(app, ["verify", "--db", db]).output
