"""Findings counted and summed by one or more keys (rule, program, region, participant,
status): the grouped questions of `coloring findings --group-by` and the workbook's totals.

Every finding lands in exactly one group, so the groups' counts and amounts add up to the
ungrouped list's: a finding with two participants is grouped under its first (the payer, or the
holder), and so is its region; a missing value is grouped as "-"."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from coloring.domain.rules import Rule


class Grouped(Protocol):
    """What grouping reads of a finding (`api.results.Finding`, or the command line's)."""

    @property
    def rule(self) -> str: ...
    @property
    def program(self) -> str: ...
    @property
    def region(self) -> str | None: ...
    @property
    def participants(self) -> tuple[str, ...]: ...
    @property
    def status(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...


KEYS: dict[str, Callable[[Grouped], str]] = {
    "rule": lambda f: f.rule,
    "program": lambda f: f.program,
    "region": lambda f: f.region or "-",
    "participant": lambda f: f.participants[0] if f.participants else "-",
    "status": lambda f: f.status,
}
_RULE_ORDER = {r.value: n for n, r in enumerate(Rule)}


@dataclass(frozen=True, slots=True)
class Group:
    key: tuple[str, ...]
    count: int
    refused: int
    amount: Decimal


def group(findings: Iterable[Grouped], by: Sequence[str], sort: str = "key") -> list[Group]:
    """One `Group` per distinct key; sorted by key (rules in the contract's order) or, with
    `sort="amount"`, by amount, largest first (ties by key)."""
    unknown = [k for k in by if k not in KEYS]
    if unknown or not by:
        raise ValueError(f"group by {', '.join(unknown) or 'nothing'}: keys are {', '.join(KEYS)}")
    readers = [KEYS[k] for k in by]
    counts: dict[tuple[str, ...], list[int]] = {}
    amounts: dict[tuple[str, ...], Decimal] = {}
    for f in findings:
        key = tuple(read(f) for read in readers)
        tally = counts.setdefault(key, [0, 0])
        tally[0] += 1
        tally[1] += f.status == "refused"
        amounts[key] = amounts.get(key, Decimal("0.00")) + f.amount
    groups = [Group(k, c, r, amounts[k]) for k, (c, r) in counts.items()]

    def order(g: Group) -> tuple[tuple[int, str], ...]:
        return tuple(
            (_RULE_ORDER.get(v, len(_RULE_ORDER)) if k == "rule" else 0, v)
            for k, v in zip(by, g.key, strict=True)
        )

    groups.sort(key=order)
    if sort == "amount":
        groups.sort(key=lambda g: g.amount, reverse=True)
    return groups
