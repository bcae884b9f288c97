"""Checking a report against a scenario's `expect`: one comparison per item, and for each one
that fails a line `file:line: expect.FIELD: expected X, actual Y` (the line of the expectation)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from coloring.domain.money import format_tiyn
from coloring.projections.queries import Finding
from coloring.scenarios.model import Expect
from coloring.scenarios.report import METRICS, Report
from coloring.scenarios.source import Document, render

NOT_LISTED = "(not listed)"
NOT_FOUND = "(no such finding)"
NOT_PLANTED = "(not planted)"


@dataclass(frozen=True)
class Failure:
    where: str
    field: str
    expected: str
    actual: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: expected {self.expected}, actual {self.actual}"

    def as_dict(self) -> dict[str, str]:
        # `where` already names the line; `line` is only the order of the failures.
        return {k: v for k, v in asdict(self).items() if k != "line"}


@dataclass
class Outcome:
    checked: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def compare(self, doc: Document, path: tuple[Any, ...], expected: str, actual: str) -> None:
        self.checked += 1
        if expected != actual:
            failure = Failure(doc.where(path), render(path), expected, actual, doc.line(path))
            self.failures.append(failure)

    def summary(self) -> str:
        if not self.checked:
            return "expectations: none"
        if self.ok:
            return f"expectations: {self.checked} checked, all hold"
        return f"expectations: {len(self.failures)} of {self.checked} failed"

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "failed": [f.as_dict() for f in self.failures],
        }


def _label(f: Finding) -> str:
    return f"{f.rule} {f.subject} ({f.status}, {format_tiyn(f.amount)})"


def check(doc: Document, expect: Expect, report: Report) -> Outcome:
    """Compare the report with every expectation given; unchecked parts are left alone."""
    out = Outcome()
    if expect.findings is not None:
        _findings(out, doc, expect, report)
    if expect.planted:
        _planted(out, doc, report)
    if expect.finding_counts is not None:
        by_rule = report.by_rule()
        wanted = {r.value: n for r, n in expect.finding_counts.items()}
        for rule in sorted(set(wanted) | set(by_rule)):
            n = by_rule[rule].count if rule in by_rule else 0
            path = ("expect", "finding_counts", rule)
            out.compare(doc, path, str(wanted.get(rule, 0)), str(n))
    if expect.balances is not None:
        for pid, holders in expect.balances.items():
            held = report.balances.get(pid, {})
            for holder in sorted(set(holders) | {h for h, v in held.items() if v}):
                out.compare(
                    doc,
                    ("expect", "balances", pid, holder),
                    format_tiyn(holders.get(holder, 0)),
                    format_tiyn(held.get(holder, 0)),
                )
    if expect.programs is not None:
        for pid, metrics in expect.programs.items():
            use = report.programs.get(pid)
            if use is None:
                out.compare(doc, ("expect", "programs", pid), "a program", "no such program")
                continue
            amounts = use.amounts()
            for name, _ in METRICS:
                value = getattr(metrics, name)
                if value is not None:
                    out.compare(
                        doc,
                        ("expect", "programs", pid, name),
                        format_tiyn(value),
                        format_tiyn(amounts[name]),
                    )
    if expect.payments is not None:
        for name, n in (("applied", report.applied), ("refused", report.refused)):
            value = getattr(expect.payments, name)
            if value is not None:
                out.compare(doc, ("expect", "payments", name), str(value), str(n))
    out.failures.sort(key=lambda f: f.line)  # stable: items of one line keep their order
    return out


def _findings(out: Outcome, doc: Document, expect: Expect, report: Report) -> None:
    actual = {(f.rule, f.subject): f for f in report.findings}
    listed: set[tuple[str, str]] = set()
    for k, e in enumerate(expect.findings or ()):
        key = (e.rule.value, e.subject)
        listed.add(key)
        path = ("expect", "findings", k)
        found = actual.get(key)
        if found is None:
            out.compare(doc, path, f"{e.rule.value} {e.subject}", NOT_FOUND)
            continue
        out.checked += 1
        if e.status is not None:
            out.compare(doc, (*path, "status"), e.status, found.status)
        if e.amount is not None:
            out.compare(doc, (*path, "amount"), format_tiyn(e.amount), format_tiyn(found.amount))
    for key, f in actual.items():
        if key not in listed:
            out.compare(doc, ("expect", "findings"), NOT_LISTED, _label(f))


def _planted(out: Outcome, doc: Document, report: Report) -> None:
    path = ("expect", "planted")
    if report.planted is None:
        out.compare(doc, path, "a generated folder", f"a {report.source} scenario")
        return
    found = {(f.rule, f.subject) for f in report.findings}
    for rule, subject in sorted(report.planted - found):
        out.compare(doc, path, f"{rule} {subject} (planted)", NOT_FOUND)
    for rule, subject in sorted(found - report.planted):
        out.compare(doc, path, NOT_PLANTED, f"{rule} {subject}")
    out.checked += len(report.planted & found)
