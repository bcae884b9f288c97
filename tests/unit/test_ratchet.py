"""The CI ratchet's verdicts (`python -m benchmarks ratchet`): what fails the build."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The benchmarks are not a package of the project: importable from the repository's root.
sys.path.append(str(Path(__file__).resolve().parents[2]))
from benchmarks.__main__ import ratchet_verdicts

BASE = {"rebuild/fold_floor": 9.0, "rebuild/fold_floor CPU": 9.0}


@pytest.mark.parametrize(
    ("wall", "cpu", "verdicts"),
    [
        pytest.param(13.0, 9.0, ("ok", "ok"), id="a_ratio_within_the_tolerance_is_ok"),
        pytest.param(
            14.9,
            9.5,
            ("slower in wall only", "ok"),
            id="a_wall_ratio_past_the_tolerance_with_its_cpu_ratio_within_is_not_a_failure",
        ),
        pytest.param(
            14.9,
            14.0,
            ("WORSE", "WORSE"),
            id="a_wall_ratio_past_the_tolerance_with_its_cpu_ratio_past_it_too_fails",
        ),
        pytest.param(9.0, 14.0, ("ok", "WORSE"), id="a_cpu_ratio_past_the_tolerance_fails_alone"),
    ],
)
def test_a_wall_ratio_is_judged_with_its_cpu_ratio(
    wall: float, cpu: float, verdicts: tuple[str, str]
) -> None:
    now = {"rebuild/fold_floor": wall, "rebuild/fold_floor CPU": cpu}
    assert ratchet_verdicts(BASE, now) == dict(zip(BASE, verdicts, strict=True))


def test_a_wall_ratio_without_a_cpu_ratio_in_the_baseline_fails_alone() -> None:
    now = {"rebuild/fold_floor": 14.9, "rebuild/fold_floor CPU": 9.0}
    assert ratchet_verdicts({"rebuild/fold_floor": 9.0}, now) == {"rebuild/fold_floor": "WORSE"}


def test_a_ratio_this_run_did_not_measure_is_left_out() -> None:
    assert ratchet_verdicts(BASE, {"rebuild/fold_floor": 9.0}) == {"rebuild/fold_floor": "ok"}
