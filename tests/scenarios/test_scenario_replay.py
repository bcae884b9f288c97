"""`coloring replay`: every shipped scenario replays green, the report is deterministic, a failed
expectation exits 1 with a per-item diff, parameters and sources (timeline, pilot folder,
generator) behave as docs/scenarios.md says."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from scenario_helpers import REPO, SCENARIOS, Run, Write

from coloring import scratch


def shipped() -> list[Any]:
    return [
        pytest.param(
            p.name, id=p.stem, marks=[pytest.mark.slow] if p.stem.startswith("generated") else []
        )
        for p in sorted(SCENARIOS.glob("*.yaml"))
    ]


def report(run: Run, *args: str) -> dict[str, Any]:
    result = run("replay", *args, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_the_five_scenarios_of_the_issue_are_shipped() -> None:
    assert {p.name for p in SCENARIOS.glob("*.yaml")} >= {
        "auyl-amanaty.yaml",
        "leasing-subsidy.yaml",
        "road-repair.yaml",
        "school-meals.yaml",
        "generated-at-scale.yaml",
    }


@pytest.mark.parametrize("name", shipped())
def test_every_shipped_scenario_replays_green(run: Run, in_repo: Path, name: str) -> None:
    result = run("replay", f"scenarios/{name}")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "checked, all hold" in result.stdout
    assert result.stderr.startswith(f"replayed scenarios/{name} in ")
    if name.startswith("generated"):
        assert "payments: 20382 applied, 2 refused" in result.stdout  # tens of thousands


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_replay_is_deterministic_same_report_bytes_twice(run: Run, in_repo: Path, fmt: str) -> None:
    first = run("replay", "scenarios/auyl-amanaty.yaml", "--format", fmt)
    second = run("replay", "scenarios/auyl-amanaty.yaml", "--format", fmt)
    assert first.exit_code == second.exit_code == 0
    assert first.stdout.encode() == second.stdout.encode()


def test_a_failing_expectation_under_check_exits_1_with_a_readable_diff_per_item(
    run: Run, in_repo: Path
) -> None:
    result = run("replay", "scenarios/auyl-amanaty.yaml", "--mode", "enforce", "--check")
    assert result.exit_code == 1
    tail = result.stdout.split("\nexpectations: ", 1)[1].splitlines()
    assert tail == [
        "9 of 17 failed",
        "  scenarios/auyl-amanaty.yaml:138: expect.findings: expected (not listed), "
        "actual IDLE_FUNDS T-L-DANA (open, 752000.00)",
        "  scenarios/auyl-amanaty.yaml:147: expect.programs.AA-2025.spent: "
        "expected 3866000.00, actual 3114000.00",
        "  scenarios/auyl-amanaty.yaml:149: expect.programs.AA-2025.misused: "
        "expected 2362000.00, actual 1610000.00",
        "  scenarios/auyl-amanaty.yaml:151: expect.programs.AA-2025.held: "
        "expected 0.00, actual 752000.00",
        "  scenarios/auyl-amanaty.yaml:152: expect.programs.AA-2025.idle: "
        "expected 0.00, actual 752000.00",
        "  scenarios/auyl-amanaty.yaml:153: expect.programs.AA-2025.blocked: "
        "expected 0.00, actual 752000.00",
        "  scenarios/auyl-amanaty.yaml:155: expect.balances.AA-2025.F-DANA: "
        "expected 0.00, actual 752000.00",
        "  scenarios/auyl-amanaty.yaml:156: expect.payments.applied: expected 11, actual 10",
        "  scenarios/auyl-amanaty.yaml:156: expect.payments.refused: expected 0, actual 1",
    ]
    assert result.stderr.splitlines()[-1] == (
        "error: scenarios/auyl-amanaty.yaml: expectations: 9 of 17 failed"
    )


def test_a_what_if_reports_its_failed_expectations_and_exits_0(run: Run, in_repo: Path) -> None:
    result = run("replay", "scenarios/auyl-amanaty.yaml", "--mode", "enforce")
    assert result.exit_code == 0
    assert "\nexpectations: 9 of 17 failed\n" in result.stdout
    assert result.stderr.splitlines()[-1] == (
        "what-if --mode enforce: expectations: 9 of 17 failed (the expectations describe the "
        "scenario as written; --check exits 1 on them)"
    )
    assert "error" not in result.stderr


SMALL = """\
title: small
participants:
  T: {role: treasury}
  OP: {role: operator}
  F: {role: farmer}
  S: {role: seller}
programs:
  AA:
    kind: livestock
    route: treasury>operator operator>farmer farmer>seller
    expires_at: 2025-12-31T18:00
    max_idle_days: 30
    retention_days: 365
timeline:
{steps}
expect:
{expect}
"""


def small(steps: str, expect: str = "  findings: []") -> str:
    return SMALL.replace("{steps}\n", steps).replace("{expect}", expect)


def test_a_missing_and_an_unexpected_finding_are_each_one_line(run: Run, write: Write) -> None:
    path = write(
        "s.yaml",
        small(
            "  - {at: 2025-01-01, allocate: AL1, from: T, to: OP, amount: 1000}\n"
            "  - {at: 2025-01-02, pay: T1, from: OP, to: S, amount: 10}\n",
            "  findings:\n    - {rule: MISSING_DOCUMENT, subject: T1, status: refused}\n"
            "    - OVERPAYMENT T9\n",
        ),
    )
    result = run("replay", str(path))
    assert result.exit_code == 1
    assert result.stdout.split("\nexpectations: ", 1)[1].splitlines() == [
        "3 of 4 failed",
        "  s.yaml:18: expect.findings: expected (not listed), actual OFF_ROUTE T1 (open, 10.00)",
        "  s.yaml:19: expect.findings[0].status: expected refused, actual open",
        "  s.yaml:20: expect.findings[1]: expected OVERPAYMENT T9, actual (no such finding)",
    ]


def test_steps_replay_in_the_spec_order_whatever_their_order_in_the_file(
    run: Run, write: Write
) -> None:
    # Written backwards. At 2025-01-05 the replay applies the allocation, the purchase, then
    # the payment; the registry fact at noon and the seller's payment the next day follow.
    path = write(
        "s.yaml",
        small(
            "  - {at: 2025-01-06, pay: T2, from: F, to: S, amount: 300, for: P1}\n"
            "  - {at: 2025-01-05T12:00, transfer_ownership: A1, to: F}\n"
            "  - {at: 2025-01-05, pay: T1, from: OP, to: F, amount: 300}\n"
            "  - {at: 2025-01-05, purchase: P1, buyer: F, seller: S, "
            "animals: [{id: A1, species: cow, price: 300}]}\n"
            "  - {at: 2025-01-05, allocate: AL1, from: T, to: OP, amount: 300}\n"
            "  - {at: 2025-01-01, register: A1, owner: S}\n"
        ),
    )
    result = run("replay", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "payments: 2 applied, 0 refused" in result.stdout


def test_dispose_and_export_are_departures_for_early_disposal(run: Run, write: Write) -> None:
    path = write(
        "s.yaml",
        small(
            "  - {at: 2025-01-01, register: A1, owner: S, species: cow}\n"
            "  - {at: 2025-01-01, register: A2, owner: S, species: sheep}\n"
            "  - {at: 2025-01-02, purchase: P1, buyer: F, seller: S, animals: "
            "[{id: A1, species: cow, price: 300}, {id: A2, species: sheep, price: 40}]}\n"
            "  - {at: 2025-01-03, transfer_ownership: A1, to: F}\n"
            "  - {at: 2025-01-03, transfer_ownership: A2, to: F}\n"
            "  - {at: 2025-03-01, dispose: A1}\n"
            "  - {at: 2025-03-02, export: A2}\n",
            "  findings: [EARLY_DISPOSAL P1/A1, EARLY_DISPOSAL P1/A2]",
        ),
    )
    result = run("replay", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr


def test_set_changes_a_program_setting_and_the_report_lists_it(run: Run, in_repo: Path) -> None:
    scenario = "scenarios/leasing-subsidy.yaml"
    as_written = {f["rule"] for f in report(run, scenario)["findings"]}
    assert {"IDLE_FUNDS", "SUBSIDY_OVER_CAP"} <= as_written
    patient = report(run, scenario, "--set", "programs.AGROLEASE-2025.max_idle_days=240")
    assert {f["rule"] for f in patient["findings"]} == as_written - {"IDLE_FUNDS"}
    assert patient["overrides"] == ["--set programs.AGROLEASE-2025.max_idle_days=240"]
    for cap in ("50", "null"):
        generous = report(
            run, scenario, "--set", f"programs.AGROLEASE-2025.subsidy_cap_percent={cap}"
        )
        assert {f["rule"] for f in generous["findings"]} == as_written - {"SUBSIDY_OVER_CAP"}


def test_mode_option_and_set_mode_are_the_same_run(run: Run, in_repo: Path) -> None:
    by_option = report(run, "scenarios/road-repair.yaml", "--mode", "enforce")
    by_set = report(run, "scenarios/road-repair.yaml", "--set", "mode=enforce")
    assert by_option["mode"] == by_set["mode"] == "enforce"
    assert {**by_option, "overrides": []} == {**by_set, "overrides": []}
    assert [(f["rule"], f["status"]) for f in by_option["findings"]] == [
        ("OVERPAYMENT", "refused"),
        ("INSUFFICIENT_FUNDS", "refused"),  # the cash-out: the contractor holds nothing extra
        ("IDLE_FUNDS", "open"),  # the blocked money waits at the operator
    ]


def test_as_of_is_time_travel(run: Run, in_repo: Path) -> None:
    data = report(run, "scenarios/auyl-amanaty.yaml", "--as-of", "2025-02-21")
    assert data["as_of"] == "2025-02-21T00:00:00+05:00"
    assert [(f["rule"], f["subject"]) for f in data["findings"]] == [
        ("UNREGISTERED_ANIMAL", "P-DANA/KZ-Z-031"),
        ("RELATED_PARTY", "T-P-YERLAN"),
    ]
    assert data["balances"] == {"AA-2025": {"F-BOLAT": "376000.00", "F-DANA": "752000.00"}}


def test_the_json_report_states_utilisation_per_program_in_tenge(run: Run, in_repo: Path) -> None:
    data = report(run, "scenarios/road-repair.yaml")
    assert data["programs"]["ROADS-2025"] == {
        "allocated": "200000000.00",
        "spent": "150000000.00",
        "on_purpose": "150000000.00",
        "misused": "0.00",
        "idle": "40000000.00",
        "returned": "10000000.00",
        "held": "40000000.00",
        "blocked": "0.00",
        "idle_days": "15.2",
    }
    assert data["findings_by_rule"]["IDLE_FUNDS"] == {
        "count": 2,
        "refused": 0,
        "amount": "40000000.00",
    }
    assert data["expectations"] == {"checked": 15, "failed": []}


def test_db_keeps_the_ledger_and_must_be_empty(run: Run, in_repo: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'scenario.db'}"
    first = run("replay", "scenarios/school-meals.yaml", "--db", url)
    assert first.exit_code == 0, first.stderr
    assert f"the ledger is kept in {url}" in first.stderr
    again = run("replay", "scenarios/school-meals.yaml", "--db", url)
    assert again.exit_code == 2
    assert again.stderr.splitlines()[0] == (
        f"--db: -: {url} is not empty: a scenario replays into a fresh ledger"
    )


def pilot_copy(root: Path) -> Path:
    folder = root / "pilot"
    shutil.copytree(REPO / "examples" / "akmola-small", folder)
    return folder


def test_a_pilot_folder_scenario_loads_the_folder_relative_to_the_file(
    run: Run, write: Write, tmp_path: Path
) -> None:
    folder = pilot_copy(tmp_path)
    planted = json.loads((folder / "planted.json").read_text())
    counts = Counter(p["rule"] for p in planted)
    path = write(
        "pilot.yaml",
        "pilot: pilot\nexpect:\n  finding_counts:\n"
        + "".join(f"    {rule}: {n}\n" for rule, n in sorted(counts.items())),
    )
    result = run("replay", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "(pilot), observe mode" in result.stdout


def test_parameters_patch_a_copy_of_the_pilot_folder_never_the_folder(
    run: Run, write: Write, tmp_path: Path
) -> None:
    folder = pilot_copy(tmp_path)
    before = (folder / "programs.csv").read_bytes()
    path = write("pilot.yaml", "pilot: pilot\n")
    idle = [f for f in report(run, str(path))["findings"] if f["rule"] == "IDLE_FUNDS"]
    strict = report(run, str(path), "--set", "programs.AA-2025.max_idle_days=0")
    strict_idle = [f for f in strict["findings"] if f["rule"] == "IDLE_FUNDS"]
    assert len(strict_idle) > len(idle)
    assert (folder / "programs.csv").read_bytes() == before


def test_a_generated_scenario_finds_exactly_what_was_planted(run: Run, write: Write) -> None:
    path = write(
        "gen.yaml",
        "generate: {seed: 7, farmers: 12}\nexpect:\n  planted: true\n",
    )
    result = run("replay", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    clean = report(run, str(path), "--set", "generate.misuse_rate=0")
    assert clean["findings"] == []
    assert clean["expectations"]["failed"] == []


def test_an_amend_terms_step_extends_the_expiry_from_its_instant_on(run: Run, write: Write) -> None:
    # Without the amendment T2 (after the registered expiry) is SPENT_AFTER_EXPIRY and the
    # operator's 900 are UNRETURNED_AFTER_EXPIRY; with it, neither (as_of is 2026-01-10).
    steps = (
        "  - {at: 2025-01-01, allocate: AL1, from: T, to: OP, amount: 1000}\n"
        "  - {at: 2025-12-01, amend_terms: AA, expires_at: 2026-06-30, reason: order 17}\n"
        "  - {at: 2026-01-10, pay: T2, from: OP, to: F, amount: 100}\n"
    )
    idle_only = "  findings: [IDLE_FUNDS AL1]"
    amended = write("amended.yaml", small(steps, idle_only))
    result = run("replay", str(amended))
    assert result.exit_code == 0, result.stdout + result.stderr
    plain = write(
        "plain.yaml", small(steps.replace("expires_at: 2026-06-30", "max_idle_days: 30"), idle_only)
    )
    result = run("replay", str(plain))
    assert result.exit_code == 1
    assert "actual SPENT_AFTER_EXPIRY T2" in result.stdout
    assert "actual UNRETURNED_AFTER_EXPIRY AA/OP" in result.stdout


def test_an_amend_terms_step_that_changes_nothing_is_an_error_on_its_line(
    run: Run, write: Write
) -> None:
    path = write(
        "s.yaml",
        small("  - {at: 2025-12-01, amend_terms: AA, reason: nothing}\n"),
    )
    result = run("replay", str(path))
    assert result.exit_code == 2
    assert "s.yaml:15: timeline[0].amend_terms: give expires_at, max_idle_days or both" in (
        result.stdout + result.stderr
    )


def test_a_replay_removes_the_folder_a_killed_replay_left_and_says_so(
    run: Run, write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    killed = subprocess.Popen(["sleep", "60"])
    killed.kill()
    killed.wait()
    (temporary / f"coloring-scenario-{scratch._scope()}-{killed.pid}-1-k3x_9q2a").mkdir()
    result = run("replay", str(write("gen.yaml", "generate: {seed: 7, farmers: 12}\n")))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (
        f"removed 1 copy of a scenario's pilot folder left in {temporary} by a replay that was "
        "killed" in result.stderr
    )
    assert list(temporary.iterdir()) == []
