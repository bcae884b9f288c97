"""The scenario format: the published JSON Schema is the models', values are read exactly, the
commands have help, and the walkthrough in docs/scenarios.md replays as it says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from scenario_helpers import REPO, Run, Write, scenario_app

from coloring.domain.time import parse_instant
from coloring.scenarios.model import Scenario
from coloring.scenarios.schema import schema_text
from coloring.scenarios.source import scalar


def test_the_published_schema_is_generated_from_the_models() -> None:
    published = (REPO / "docs" / "scenario.schema.json").read_text(encoding="utf-8")
    assert published == schema_text(), (
        "refresh it: python -m coloring.scenarios.schema > docs/scenario.schema.json"
    )
    schema = json.loads(published)
    assert schema["additionalProperties"] is False
    assert {"timeline", "pilot", "generate", "parameters", "expect"} <= set(schema["properties"])


def test_replay_compare_and_sweep_are_registered_with_help(run: Run) -> None:
    app = scenario_app()
    assert sorted(c.name or "" for c in app.registered_commands) == ["compare", "replay", "sweep"]
    for command in ("replay", "compare", "sweep"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "--set" in result.stdout


@pytest.mark.parametrize(
    ("written", "tiyn"),
    [(376000, 37600000), ("376000", 37600000), ("1250000.5", 125000050), (100_000, 10000000)],
)
def test_amounts_are_tenge_read_exactly(written: object, tiyn: int) -> None:
    scenario = Scenario.model_validate(
        {
            "generate": {},
            "expect": {"programs": {"P": {"spent": written, "held": 0, "idle": "0.00"}}},
        }
    )
    programs = scenario.expect.programs or {}
    assert (programs["P"].spent, programs["P"].held, programs["P"].idle) == (tiyn, 0, 0)


def test_yaml_scalars_keep_decimals_and_dates_as_text() -> None:
    assert scalar("60") == 60
    assert scalar("12.5") == "12.5"  # never a float
    assert scalar("2025-06-01") == "2025-06-01"  # parsed by the contract's rules, not YAML's
    assert scalar("null") is None
    assert scalar("no") == "no"  # YAML 1.1's booleans other than true/false are text
    assert scalar("enforce") == "enforce"


def test_times_are_the_contracts() -> None:
    scenario = Scenario.model_validate({"generate": {}, "parameters": {"as_of": "2025-06-30"}})
    assert scenario.parameters.as_of == parse_instant("2025-06-30T00:00+05:00")


def test_the_walkthrough_in_the_docs_replays_as_described(run: Run, write: Write) -> None:
    doc = (REPO / "docs" / "scenarios.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(title: A farmer pays.*?)```", doc, re.S)
    assert example is not None
    path = write("my-first.yaml", example.group(1))
    result = run("replay", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    late = write(
        "late.yaml",
        example.group(1).replace("at: 2025-03-06, pay: T-3", "at: 2025-03-08, pay: T-3"),
    )
    result = run("replay", str(late))
    assert result.exit_code == 1
    assert (
        "  late.yaml:34: expect.findings[0]: expected PAID_BEFORE_REREGISTRATION T-3, "
        "actual (no such finding)\n"
    ) in result.stdout
    assert "scenarios/my-first.yaml:34: expect.findings[0]" in doc


def test_every_shipped_scenario_is_valid_under_the_models() -> None:
    from coloring.scenarios import load

    for path in sorted((REPO / "scenarios").glob("*.yaml")):
        loaded = load(path)
        assert loaded.scenario.title, path
        assert loaded.scenario.expect != type(loaded.scenario.expect)(), f"{path}: no expect"


def test_a_timeline_scenario_may_omit_the_program_when_there_is_only_one(
    run: Run, write: Write
) -> None:
    path = write(
        "one.yaml",
        "participants:\n  T: {role: treasury}\n  S: {role: school}\n  C: {role: supplier}\n"
        "programs:\n  M: {kind: contract, route: treasury>school school>supplier, "
        "expires_at: 2025-12-31, max_idle_days: 5}\n"
        "timeline:\n  - {at: 2025-01-01, allocate: A1, from: T, to: S, amount: 10}\n"
        "  - {at: 2025-01-02, return: R1, from: S, amount: 10}\n"
        "expect:\n  programs: {M: {allocated: 10, returned: 10, held: 0}}\n",
    )
    result = run("replay", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr


def test_the_report_is_plain_text_for_any_terminal(run: Run, in_repo: Path) -> None:
    text = run("replay", "scenarios/school-meals.yaml").stdout
    assert "\x1b[" not in text  # no colour codes or wrapping in the data
    assert text.splitlines()[:4] == [
        "School meals: treasury > school > supplier micro-payments",
        "scenario scenarios/school-meals.yaml (timeline), observe mode, "
        "as of 2025-06-30T18:00:00+05:00",
        "payments: 17 applied, 0 refused",
        "",
    ]


def test_paths_in_messages_are_as_given(run: Run, in_repo: Path) -> None:
    absolute = str(Path("scenarios/road-repair.yaml").resolve())
    result = run("replay", absolute)
    assert result.exit_code == 0
    assert f"scenario {absolute} (timeline)" in result.stdout
