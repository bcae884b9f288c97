"""`replay(scenario, **overrides)`: a scenario replayed into a fresh in-memory ledger, with the
parameters changed as `coloring replay --set` changes them; the expectations are checked and
reported, never raised (a what-if is not an error)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Any

from coloring.api.ledger import finding, instant, utilisation
from coloring.api.results import Balance, Finding, Rows, RuleTotal, Utilisation, tenge
from coloring.scenarios.expect import check
from coloring.scenarios.replay import load
from coloring.scenarios.replay import replay as replay_loaded
from coloring.scenarios.report import Report


@dataclass(frozen=True, slots=True)
class Expectations:
    """The scenario's `expect` checked against this replay: `failures` as
    `file:line: expect.FIELD: expected X, actual Y`."""

    checked: int
    failures: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True, slots=True)
class Replay:
    """What `coloring replay` reports, as typed values."""

    title: str
    mode: str
    as_of: str
    overrides: tuple[str, ...]
    applied: int
    refused: int
    utilisation: Rows[Utilisation]
    findings: Rows[Finding]
    balances: Rows[Balance]
    by_rule: Rows[RuleTotal]
    expectations: Expectations

    def total(self, metric: str) -> Decimal:
        """A utilisation figure summed over programs, e.g. `total("misused")`."""
        return sum((getattr(u, metric) for u in self.utilisation), Decimal("0.00"))

    def findings_by_rule(self) -> dict[str, int]:
        return dict(Counter(f.rule for f in self.findings))


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        found = instant(value)
        assert found is not None
        return found.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def assignments(overrides: dict[str, Any]) -> list[str]:
    """`{"programs.AA-2025.max_idle_days": 60, "mode": "enforce"}` -> the `--set` texts."""
    return [f"{path}={_text(value)}" for path, value in overrides.items()]


def from_report(report: Report, checked: int, failures: tuple[str, ...]) -> Replay:
    return Replay(
        report.title,
        report.mode,
        report.as_of,
        report.overrides,
        report.applied,
        report.refused,
        Rows(Utilisation, (utilisation(u) for u in report.programs.values())),
        Rows(Finding, (finding(f, report.regions) for f in report.findings)),
        Rows(
            Balance,
            (
                Balance(p, h, tenge(v))
                for p, holders in report.balances.items()
                for h, v in holders.items()
            ),
        ),
        Rows(
            RuleTotal,
            (
                RuleTotal(rule, t.count, t.refused, tenge(t.amount))
                for rule, t in report.by_rule().items()
            ),
        ),
        Expectations(checked, failures),
    )


def replay(scenario: str | PathLike[str], **overrides: Any) -> Replay:
    """Replay a scenario file with parameters changed, e.g.
    `replay("scenarios/auyl-amanaty.yaml", mode="enforce", as_of="2025-09-30")` or
    `replay(path, **{"programs.AA-2025.max_idle_days": 60})`. Raises `ColoringError` for a bad
    scenario or parameter (with its `file:line`)."""
    loaded = load(Path(scenario), assignments(overrides))
    report = replay_loaded(loaded)
    outcome = check(loaded.doc, loaded.scenario.expect, report)
    return from_report(report, outcome.checked, tuple(str(f) for f in outcome.failures))
