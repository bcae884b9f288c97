"""A program's money now is read from each allocation's counters; it equals the money summed
from every payment up to the latest instant (and beyond it)."""

from __future__ import annotations

from pathlib import Path

from coloring.examples import example_folder
from coloring.pilot.generator import generate
from coloring.projections.extracts import program_totals
from coloring.projections.queries import latest_us
from coloring.readside import current_read_models
from pilot.builders import load


def test_money_now_is_the_money_summed_from_the_payments(tmp_path: Path) -> None:
    folder = tmp_path / "generated"
    generate(folder, seed=3, farmers=12, scale=0.5, misuse_rate=0.2)
    for source, mode in ((example_folder(), "observe"), (folder, "enforce")):
        db = f"sqlite:///{tmp_path / (source.name + '.db')}"
        load(source, "--mode", mode, db=db)
        with current_read_models(db) as read_models:
            assert read_models is not None
            latest = latest_us(read_models)
            assert latest is not None
            now = program_totals(read_models)
            assert now == program_totals(read_models, latest)
            assert now == program_totals(read_models, 2**62)
            assert sum(p.allocated for p in now) > 0
