"""Loading a folder again changes nothing: same events, same findings, whatever the folder."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from coloring.cli import app
from pilot.generated import generated_folder, given_generator_args


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def stored_events(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0])


@given_generator_args(5, farmers=(1, 12), misuse_rates=[0.0, 0.1, 0.5])
def test_loading_a_generated_folder_twice_changes_nothing(args: dict[str, Any]) -> None:
    with generated_folder(args) as folder:
        ledger = folder.parent / "ledger.db"
        db = f"sqlite:///{ledger}"
        run("load", str(folder), "--db", db)
        events = stored_events(ledger)
        once = run("findings", "--format", "json", "--db", db)
        balances = run("balances", "--format", "json", "--db", db)
        run("load", str(folder), "--db", db)
        assert stored_events(ledger) == events
        assert run("findings", "--format", "json", "--db", db) == once
        assert run("balances", "--format", "json", "--db", db) == balances
        assert {(f["rule"], f["subject"]) for f in json.loads(once)} == {
            (p["rule"], p["subject"]) for p in json.loads((folder / "planted.json").read_text())
        }
        assert "verified" in CliRunner().invoke(app, ["verify", "--db", db]).output
