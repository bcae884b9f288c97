"""`coloring compare`: the same scenario in observe and enforce mode, with other parameters, or
two scenarios, side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scenario_helpers import Run


def compared(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run("compare", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    variants: list[dict[str, Any]] = json.loads(result.stdout)["variants"]
    return variants


def by_rule(report: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {r: (t["count"], t["refused"]) for r, t in report["findings_by_rule"].items()}


def test_livestock_observe_and_enforce_differ_as_pinned(run: Run, in_repo: Path) -> None:
    observe, enforce = compared(run, "scenarios/auyl-amanaty.yaml", "--modes")
    assert [observe["label"], enforce["label"]] == ["observe", "enforce"]
    o, e = observe["report"], enforce["report"]
    observed = {
        "RELATED_PARTY": (1, 0),
        "UNREGISTERED_ANIMAL": (1, 0),
        "PAID_BEFORE_REREGISTRATION": (1, 0),
        "DUPLICATE_ANIMAL": (1, 0),
        "EARLY_DISPOSAL": (1, 0),
    }
    assert by_rule(o) == observed
    # Programmable money refuses Dana's payment for a cow that is not hers yet: the money stays
    # with her and goes idle. It cannot see what the registry shows only later.
    refused_and_idle = {"PAID_BEFORE_REREGISTRATION": (1, 1), "IDLE_FUNDS": (1, 0)}
    assert by_rule(e) == observed | refused_and_idle
    money = ("misused", "blocked", "idle", "held", "spent")
    assert {k: o["programs"]["AA-2025"][k] for k in money} == {
        "misused": "2362000.00",
        "blocked": "0.00",
        "idle": "0.00",
        "held": "0.00",
        "spent": "3866000.00",
    }
    assert {k: e["programs"]["AA-2025"][k] for k in money} == {
        "misused": "1610000.00",
        "blocked": "752000.00",
        "idle": "752000.00",
        "held": "752000.00",
        "spent": "3114000.00",
    }
    assert (o["payments"], e["payments"]) == (
        {"applied": 11, "refused": 0},
        {"applied": 10, "refused": 1},
    )


def test_the_text_compare_is_side_by_side_with_the_change_and_a_headline(
    run: Run, in_repo: Path
) -> None:
    result = run("compare", "scenarios/auyl-amanaty.yaml", "--modes")
    assert result.exit_code == 0
    text = result.stdout
    assert "  PAID_BEFORE_REREGISTRATION         1   1 (1 refused)\n" in text
    assert "  IDLE_FUNDS                         -               1       +1\n" in text
    assert "  blocked (refused by a rule)              0.00    752000.00   +752000.00\n" in text
    assert "  idle days (average wait, days)            5.7         13.9         +8.2\n" in text
    assert text.endswith(
        "\nenforce vs observe: misuse 2362000.00 -> 1610000.00 KZT (752000.00 prevented); "
        "blocked 0.00 -> 752000.00 KZT; refused payments 0 -> 1; findings 5 -> 6\n"
    )
    assert result.stderr == "replayed observe\nreplayed enforce\n"


def test_compare_reads_left_to_right_baseline_then_variant_with_the_sign_explained(
    run: Run, in_repo: Path
) -> None:
    result = run("compare", "scenarios/road-repair.yaml", "--set", "mode=enforce")
    head = result.stdout.splitlines()[:4]
    assert head[1].startswith("  baseline as written: ")
    assert head[2].startswith("  variant  mode=enforce: ")
    assert head[3] == "  change = variant minus baseline: + the variant has more, - it has less"
    assert "\n                     as written   mode=enforce   change\n" in result.stdout
    assert "\n  payments refused            0              2       +2\n" in result.stdout
    data = json.loads(
        run(
            "compare", "scenarios/road-repair.yaml", "--set", "mode=enforce", "--format", "json"
        ).stdout
    )
    assert [v["side"] for v in data["variants"]] == ["baseline", "variant"]
    assert data["change"].startswith("change = variant minus baseline")


def test_compare_set_against_another_setting(run: Run, in_repo: Path) -> None:
    generous, capped = compared(
        run,
        "scenarios/leasing-subsidy.yaml",
        "--set",
        "programs.AGROLEASE-2025.subsidy_cap_percent=25",
        "--against",
        "programs.AGROLEASE-2025.subsidy_cap_percent=50",
    )
    assert capped["label"] == "programs.AGROLEASE-2025.subsidy_cap_percent=25"
    assert generous["label"] == "programs.AGROLEASE-2025.subsidy_cap_percent=50"
    assert "SUBSIDY_OVER_CAP" in by_rule(capped["report"])
    assert "SUBSIDY_OVER_CAP" not in by_rule(generous["report"])
    assert generous["report"]["overrides"] == [
        "--set programs.AGROLEASE-2025.subsidy_cap_percent=50"
    ]


def test_compare_defaults_the_other_side_to_the_scenario_as_written(
    run: Run, in_repo: Path
) -> None:
    written, enforced = compared(run, "scenarios/road-repair.yaml", "--set", "mode=enforce")
    assert (enforced["label"], written["label"]) == ("mode=enforce", "as written")
    assert enforced["report"]["programs"]["ROADS-2025"]["blocked"] == "40000000.00"
    assert written["report"]["programs"]["ROADS-2025"]["blocked"] == "0.00"


def test_compare_two_scenarios(run: Run, in_repo: Path) -> None:
    roads, meals = compared(run, "scenarios/road-repair.yaml", "scenarios/school-meals.yaml")
    assert (roads["label"], meals["label"]) == ("road-repair", "school-meals")
    assert set(roads["report"]["programs"]) == {"ROADS-2025"}
    assert set(meals["report"]["programs"]) == {"MEALS-2025"}
    text = run("compare", "scenarios/road-repair.yaml", "scenarios/school-meals.yaml").stdout
    assert "\nmoney (KZT, all programs)\n" in text
    assert "\nutilisation of MEALS-2025 (KZT)\n" in text


def test_compare_usage_errors_exit_2(run: Run, in_repo: Path) -> None:
    one = "scenarios/road-repair.yaml"
    cases = {
        (one,): "nothing to compare: give --set and/or --against, --modes, or two scenarios",
        (one, one, "--modes"): "--modes and --against compare variants of ONE scenario",
        (one, "--modes", "--against", "mode=observe"): (
            "--modes compares observe with enforce; leave out --against"
        ),
        (one, one, one): "compare takes one scenario or two",
    }
    for args, message in cases.items():
        result = run("compare", *args)
        assert result.exit_code == 2, args
        assert result.stderr == f"error: {message}\n"
