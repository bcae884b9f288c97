"""Scenarios: a hand-written (or generated) story of coloured money, replayed into a fresh
ledger and checked against what it expects. See docs/scenarios.md.

    loaded = load(Path("scenarios/auyl-amanaty.yaml"), ["mode=enforce"])
    report = replay(loaded)
    outcome = check(loaded.doc, loaded.scenario.expect, report)
"""

from coloring.scenarios.expect import Outcome, check
from coloring.scenarios.replay import Loaded, load, replay
from coloring.scenarios.report import Report
from coloring.scenarios.source import Issue, ScenarioError

__all__ = ["Issue", "Loaded", "Outcome", "Report", "ScenarioError", "check", "load", "replay"]
