"""Holdings at an instant, whether read by a seek per holder or from the balances now less
what moved after the instant, are each holder's balance after its last step at or before it."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from coloring.examples import SHIPPED
from coloring.pilot.generator import generate
from coloring.projections import schema
from coloring.projections.db import Database
from coloring.projections.holdings import _back_from_now, holdings_at
from coloring.readside import _SQLite, current_read_models
from pilot.builders import load
from pilot.generated import example_and_generated


def _from_steps(db: Database, t: int, program: str | None) -> list[tuple[str, str, int]]:
    last: dict[tuple[str, str], tuple[int, int, int]] = {}
    for p, h, at_us, seq, held in db.query("SELECT * FROM rm_balance_steps"):
        if at_us <= t and (program is None or p == program):
            last[(p, h)] = max(last.get((p, h), (at_us, seq, held)), (at_us, seq, held))
    return sorted((p, h, held) for (p, h), (_, _, held) in last.items() if held > 0)


def _checked(read_models: Database) -> int:
    """Check holdings at instants all along the ledger, for every program and for all; how
    many of them were read back from now."""
    instants = sorted({t for (t,) in read_models.query("SELECT at_us FROM rm_movements")})
    programs = [p for (p,) in read_models.query("SELECT program_id FROM rm_programs")]
    shortcuts = 0
    for t in [instants[0] - 1, *instants[:: max(1, len(instants) // 40)], instants[-1]]:
        for program in [None, *programs]:
            for at in (t - 1, t, t + 1):
                assert holdings_at(read_models, at, program) == _from_steps(
                    read_models, at, program
                )
                shortcuts += _back_from_now(read_models, at, program) is not None
    return shortcuts


def test_holdings_at_every_instant_are_the_balances_after_the_last_step_before_it(
    tmp_path: Path,
) -> None:
    for read_models in example_and_generated(tmp_path, seed=5):
        assert _checked(read_models) > 0


def test_holdings_read_back_from_now_are_the_same_on_every_persistent_store(
    tmp_path: Path, db_url: str
) -> None:
    if db_url == "sqlite:///:memory:":
        pytest.skip("an in-memory ledger lives only as long as the command that made it")
    folder = tmp_path / "generated"
    generate(folder, seed=5, farmers=12, scale=0.5, misuse_rate=0.2)
    load(folder, db=db_url)
    with current_read_models(db_url) as read_models:
        assert read_models is not None
        assert _checked(read_models) > 0


class _Asked(Database):
    """Read models of a SQLite file that keep the statements they were asked."""

    def __init__(self, path: Path) -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        super().__init__(_SQLite(connection, sqlite3.Error), postgres=False)
        self.asked: list[str] = []

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self.asked.append(sql)
        return super().query(sql, params)


def test_holdings_at_an_instant_read_no_step_while_the_steps_have_no_key(tmp_path: Path) -> None:
    # A first load builds the key at its end; a reader meanwhile (`balances --as-of`) that
    # sought each holder's last step would scan every step once a holder
    load(SHIPPED, db=f"sqlite:///{tmp_path / 'ledger.db'}")
    [(steps_key, _)] = [i for i in schema._indexes() if i[1] == schema.STEPS_KEY]
    with sqlite3.connect(tmp_path / "ledger.db") as connection:
        connection.execute(f"DROP INDEX {steps_key}")
    read_models = _Asked(tmp_path / "ledger.db")
    instants = sorted({t for (t,) in read_models.query("SELECT at_us FROM rm_movements")})
    for t in [instants[0] - 1, *instants[:: max(1, len(instants) // 20)], instants[-1]]:
        read_models.asked = []
        held = holdings_at(read_models, t)
        assert not [sql for sql in read_models.asked if "rm_balance_steps" in sql]
        assert held == _from_steps(read_models, t, None)
