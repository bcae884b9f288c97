"""What a replay shows: utilisation per program, findings by rule, balances, read from the read
models at the evaluation instant.

Utilisation of a program (amounts in tiyn):
- allocated: issued by allocations; spent: reached a final role; returned: paid to a treasury;
  held: still coloured with a non-treasury holder (allocated = spent + returned + held);
- on_purpose and misused: what was spent, split by verdict (`projections.verdict`): misused is
  the part of the spending that findings on the payment or on the document it settles concern,
  on_purpose the rest (spent = on_purpose + misused);
- idle: units kept beyond `max_idle_days` (the IDLE_FUNDS findings);
- blocked: refused for a rule breach (enforce mode), not for want of funds;
- idle_days: how long, on average per tenge, coloured money waited with a holder before moving
  on (until the evaluation instant for money still held), in days to one decimal.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from coloring.domain.money import format_tiyn
from coloring.domain.rulebook import Rule
from coloring.domain.time import DAY_US, KZ_OFFSET_MINUTES, Instant, format_instant
from coloring.projections import queries, reporting
from coloring.projections.db import Database
from coloring.projections.spending import misspent

METRICS = (
    ("allocated", "allocated"),
    ("spent", "spent (reached a final role)"),
    ("on_purpose", "spent on purpose"),
    ("misused", "spent with findings (misused)"),
    ("idle", "idle (kept beyond max_idle_days)"),
    ("returned", "returned to a treasury"),
    ("held", "still held"),
    ("blocked", "blocked (refused by a rule)"),
)


@dataclass
class Utilisation:
    program: str
    allocated: int = 0
    spent: int = 0
    on_purpose: int = 0
    misused: int = 0
    idle: int = 0
    returned: int = 0
    held: int = 0
    blocked: int = 0
    idle_tenths: int = 0  # idle days x 10

    @property
    def idle_days(self) -> str:
        return f"{self.idle_tenths // 10}.{self.idle_tenths % 10}"

    def amounts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name, _ in METRICS}

    def as_dict(self) -> dict[str, str]:
        out = {name: format_tiyn(v) for name, v in self.amounts().items()}
        out["idle_days"] = self.idle_days
        return out


@dataclass(frozen=True)
class RuleTotal:
    count: int
    refused: int
    amount: int


@dataclass
class Report:
    title: str
    file: str
    source: str
    mode: str
    as_of: str
    overrides: tuple[str, ...]
    applied: int = 0
    refused: int = 0
    programs: dict[str, Utilisation] = field(default_factory=dict)
    findings: list[queries.Finding] = field(default_factory=list)
    balances: dict[str, dict[str, int]] = field(default_factory=dict)
    planted: frozenset[tuple[str, str]] | None = None  # a generated folder's planted.json
    regions: dict[str, str | None] = field(default_factory=dict)  # participant -> region

    def by_rule(self) -> dict[str, RuleTotal]:
        count: Counter[str] = Counter()
        refused: Counter[str] = Counter()
        amount: Counter[str] = Counter()
        for f in self.findings:
            count[f.rule] += 1
            amount[f.rule] += f.amount
            refused[f.rule] += f.status == "refused"
        order = [r.value for r in Rule]
        return {
            rule: RuleTotal(count[rule], refused[rule], amount[rule])
            for rule in sorted(count, key=order.index)
        }

    def total(self, metric: str) -> int:
        return sum(int(getattr(u, metric)) for u in self.programs.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "scenario": self.file,
            "source": self.source,
            "mode": self.mode,
            "as_of": self.as_of,
            "overrides": list(self.overrides),
            "payments": {"applied": self.applied, "refused": self.refused},
            "programs": {p: u.as_dict() for p, u in self.programs.items()},
            "findings_by_rule": {
                rule: {"count": t.count, "refused": t.refused, "amount": format_tiyn(t.amount)}
                for rule, t in self.by_rule().items()
            },
            "findings": [
                {k: v for k, v in f.as_dict().items() if k != "evidence"} for f in self.findings
            ],
            "balances": {
                p: {h: format_tiyn(v) for h, v in holders.items()}
                for p, holders in self.balances.items()
            },
        }


def build(
    db: Database,
    as_of: Instant | None,
    *,
    title: str,
    file: str,
    source: str,
    mode: str,
    overrides: tuple[str, ...],
) -> Report:
    """Read the report from the read models (already caught up) at the evaluation instant."""
    as_of_us = None if as_of is None else as_of.us
    t = queries.evaluation_instant(db, as_of_us)
    report = Report(title, file, source, mode, _shown(db, as_of, t), overrides)
    for pid in reporting.program_ids(db):
        report.programs[pid] = Utilisation(pid)
    if t is None:
        return report
    report.findings = queries.findings(db, as_of_us)
    for b in queries.balances(db, as_of_us):
        report.balances.setdefault(b.program, {})[b.participant] = b.held
        _use(report, b.program).held += b.held
    refused_for_funds: set[str] = set()
    for f in report.findings:
        if f.rule == Rule.IDLE_FUNDS:
            _use(report, f.program).idle += f.amount
        elif f.rule == Rule.INSUFFICIENT_FUNDS:
            refused_for_funds.add(f.subject)
    for spent in misspent(db, t).values():
        _use(report, spent.program_id).misused += spent.misused
    waited, weight = _flows(report, db, t, refused_for_funds)
    for pid, use in report.programs.items():
        use.on_purpose = use.spent - use.misused
        if weight[pid]:
            use.idle_tenths = (waited[pid] * 10 * 2 + weight[pid] * DAY_US) // (
                2 * weight[pid] * DAY_US
            )
    return report


def _shown(db: Database, as_of: Instant | None, t: int | None) -> str:
    """The evaluation instant as the report prints it."""
    if as_of is not None:
        return as_of.isoformat()
    if t is not None:
        offset = reporting.latest_offset(db)
        return format_instant(t, KZ_OFFSET_MINUTES if offset is None else offset)
    return "-"


def _flows(
    report: Report, db: Database, t: int, refused_for_funds: set[str]
) -> tuple[Counter[str], Counter[str]]:
    """Add each movement until `t` to its program's utilisation; return, per program, the
    tiyn-microseconds money waited with intermediaries (first in, first out) and the tiyn that
    waited."""
    movements = reporting.movements_until(db, t)
    queues: dict[tuple[str, str], deque[list[int]]] = defaultdict(deque)
    waited: Counter[str] = Counter()
    weight: Counter[str] = Counter()
    for mid, kind, pid, payer, payee, amount, at_us, status, outcome in movements:
        use = _use(report, pid)
        if status != "applied":
            report.refused += kind == "transfer"
            if mid not in refused_for_funds:
                use.blocked += amount
            continue
        if kind == "allocation":
            use.allocated += amount
        else:
            report.applied += 1
            queue = queues[(pid, payer)]
            left = amount
            while left and queue:
                piece = queue[0]
                take = min(left, piece[0])
                waited[pid] += take * (at_us - piece[1])
                weight[pid] += take
                left -= take
                piece[0] -= take
                if piece[0] == 0:
                    queue.popleft()
        if outcome == "held":
            queues[(pid, payee)].append([amount, at_us])
        elif outcome == "spent":
            use.spent += amount
        elif outcome == "returned":
            use.returned += amount
    for (pid, _), queue in queues.items():
        for left, arrived in queue:
            waited[pid] += left * (t - arrived)
            weight[pid] += left
    return waited, weight


def _use(report: Report, program: str) -> Utilisation:
    use = report.programs.get(program)
    if use is None:
        use = report.programs[program] = Utilisation(program)
    return use
