"""The CI ratchet's verdicts (`python -m benchmarks ratchet`): what fails the build."""

from __future__ import annotations

import sys
from pathlib import Path

# The benchmarks are not a package of the project: importable from the repository's root.
sys.path.append(str(Path(__file__).resolve().parents[2]))
from benchmarks.__main__ import ratchet_verdicts

BASE = {"rebuild/fold_floor": 9.0, "rebuild/fold_floor CPU": 9.0}


def test_a_ratio_within_the_tolerance_is_ok() -> None:
    now = {"rebuild/fold_floor": 13.0, "rebuild/fold_floor CPU": 9.0}
    assert ratchet_verdicts(BASE, now) == {
        "rebuild/fold_floor": "ok",
        "rebuild/fold_floor CPU": "ok",
    }


def test_a_wall_ratio_past_the_tolerance_with_its_cpu_ratio_within_is_not_a_failure() -> None:
    now = {"rebuild/fold_floor": 14.9, "rebuild/fold_floor CPU": 9.5}
    assert ratchet_verdicts(BASE, now)["rebuild/fold_floor"] == "slower in wall only"


def test_a_wall_ratio_past_the_tolerance_with_its_cpu_ratio_past_it_too_fails() -> None:
    now = {"rebuild/fold_floor": 14.9, "rebuild/fold_floor CPU": 14.0}
    assert set(ratchet_verdicts(BASE, now).values()) == {"WORSE"}


def test_a_cpu_ratio_past_the_tolerance_fails_alone() -> None:
    now = {"rebuild/fold_floor": 9.0, "rebuild/fold_floor CPU": 14.0}
    assert ratchet_verdicts(BASE, now) == {
        "rebuild/fold_floor": "ok",
        "rebuild/fold_floor CPU": "WORSE",
    }


def test_a_wall_ratio_without_a_cpu_ratio_in_the_baseline_fails_alone() -> None:
    now = {"rebuild/fold_floor": 14.9, "rebuild/fold_floor CPU": 9.0}
    assert ratchet_verdicts({"rebuild/fold_floor": 9.0}, now) == {"rebuild/fold_floor": "WORSE"}


def test_a_ratio_this_run_did_not_measure_is_left_out() -> None:
    assert ratchet_verdicts(BASE, {"rebuild/fold_floor": 9.0}) == {"rebuild/fold_floor": "ok"}
