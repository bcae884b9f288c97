"""Scenarios: a hand-written (or generated) story of coloured money, replayed into a fresh
ledger and checked against what it expects. See docs/scenarios.md.

    loaded = load(Path("scenarios/auyl-amanaty.yaml"), ["mode=enforce"])
    report = replay(loaded)
    outcome = check(loaded.doc, loaded.scenario.expect, report)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coloring.scenarios.expect import Outcome, check
    from coloring.scenarios.replay import Loaded, load, replay
    from coloring.scenarios.report import Report
    from coloring.scenarios.source import Issue, ScenarioError

__all__ = ["Issue", "Loaded", "Outcome", "Report", "ScenarioError", "check", "load", "replay"]

# Each module and the names it exports, as the imports above; imported on first use.
_EXPORTS = {
    "expect": ("Outcome", "check"),
    "replay": ("Loaded", "load", "replay"),
    "report": ("Report",),
    "source": ("Issue", "ScenarioError"),
}
_HOME = {name: home for home, names in _EXPORTS.items() for name in names}


def __getattr__(name: str) -> Any:
    # Imported on first use: the command line imports `coloring.scenarios.commands`, and so
    # this package, at every start; the scenario modules take a fifth of a second to import.
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"coloring.scenarios.{home}"), name)
