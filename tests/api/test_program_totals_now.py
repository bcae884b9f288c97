"""A program's money now is read from each allocation's counters; it equals the money summed
from every payment up to the latest instant (and beyond it)."""

from __future__ import annotations

from pathlib import Path

from coloring.projections.extracts import program_totals
from coloring.projections.queries import latest_us
from pilot.generated import example_and_generated


def test_money_now_is_the_money_summed_from_the_payments(tmp_path: Path) -> None:
    for read_models in example_and_generated(tmp_path, seed=3):
        latest = latest_us(read_models)
        assert latest is not None
        now = program_totals(read_models)
        assert now == program_totals(read_models, latest)
        assert now == program_totals(read_models, 2**62)
        assert sum(p.allocated for p in now) > 0
