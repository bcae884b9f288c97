"""Utilisation over time, idle time at intermediaries and the risk map, aggregated in SQL
(`coloring.projections.reporting`).

Days are calendar days at +05:00 (the contract's default offset); amounts are tiyn. Every
query returns rows per program and day, bucket or region, never per event.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from coloring.domain.time import DAY_US, KZ_OFFSET_MINUTES
from coloring.projections import queries, reporting
from coloring.projections.db import Database
from coloring.projections.spending import misspent
from coloring.report.scope import Scope

LOCAL_US = KZ_OFFSET_MINUTES * 60_000_000
EPOCH = date(1970, 1, 1)
STATES = ("spent on purpose", "spent with findings", "returned", "idle", "held")


_FIRST_DAY, _LAST_DAY = (date.min - EPOCH).days, (date.max - EPOCH).days


def day_of(us: int) -> date:
    """The calendar day of an instant at +05:00; instants beyond the calendar's years 1-9999
    there (9999-12-31T23:00-12:00 is in year 10000 at +05:00) count on its first or last day."""
    days = (us + LOCAL_US) // DAY_US
    return EPOCH + timedelta(days=min(max(days, _FIRST_DAY), _LAST_DAY))


def start_of(d: date) -> int:
    return (d - EPOCH).days * DAY_US - LOCAL_US


@dataclass(frozen=True)
class Bucket:
    label: str
    start_us: int
    end_us: int  # exclusive


def buckets(first_us: int, t: int) -> tuple[str, list[Bucket]]:
    """Calendar buckets from `first_us` to `t`: days up to 5 weeks, weeks up to 9 months,
    months up to 10 years, then years."""
    first, last = day_of(first_us), day_of(t)
    span = (last - first).days + 1
    starts: list[date]
    if span <= 35:
        unit, starts = "day", [first + timedelta(days=i) for i in range(span)]
    elif span <= 270:
        monday = first - timedelta(days=first.weekday())
        unit = "week"
        starts = [monday + timedelta(weeks=i) for i in range((last - monday).days // 7 + 1)]
    else:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if months <= 120:
            unit = "month"
            starts = [
                date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
                for i in range(months)
            ]
        else:
            unit, starts = "year", [date(y, 1, 1) for y in range(first.year, last.year + 1)]
    label = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[unit]
    bounds = [start_of(d) for d in starts] + [t + 1]
    return unit, [
        Bucket(d.strftime(label), bounds[i], max(bounds[i + 1], bounds[i] + 1))
        for i, d in enumerate(starts)
    ]


@dataclass
class Timeline:
    """Per bucket end: money allocated so far and where it is (`STATES`), which sum to it."""

    program: str
    unit: str
    buckets: list[Bucket]
    allocated: list[int] = field(default_factory=list)
    states: dict[str, list[int]] = field(default_factory=dict)


def timelines(db: Database, scope: Scope) -> dict[str, Timeline]:
    first = reporting.first_applied(db, scope.t, scope.only)
    unit, grid = buckets(first if first is not None else scope.t, scope.t)
    days = [(b.start_us + LOCAL_US) // DAY_US for b in grid]
    sums: dict[str, list[list[int]]] = defaultdict(lambda: [[0] * len(grid) for _ in range(4)])
    for program, day, allocated, spent_that_day, returned in reporting.daily_sums(
        db, scope.t, scope.only, LOCAL_US
    ):
        i = max(0, bisect_right(days, day) - 1)
        for k, v in enumerate((allocated, spent_that_day, 0, returned)):
            sums[program][k][i] += v
    # The misused part of what was spent, by verdict, moves from "on purpose" to "with findings".
    for spent in misspent(db, scope.t).values():
        i = max(0, bisect_right(days, (spent.at_us + LOCAL_US) // DAY_US) - 1)
        sums[spent.program_id][1][i] -= spent.misused
        sums[spent.program_id][2][i] += spent.misused
    ends = [min(b.end_us - 1, scope.t) for b in grid]
    idle = reporting.idle_stock(db, scope.t, scope.only, ends)
    out = {}
    for p in scope.programs:
        running = [0, 0, 0, 0]
        line = Timeline(p.program_id, unit, grid, states={s: [] for s in STATES})
        for i in range(len(grid)):
            for k in range(4):
                running[k] += sums[p.program_id][k][i]
            allocated, ok, bad, returned = running
            held = allocated - ok - bad - returned
            parked = min(held, idle.get((p.program_id, i), 0))
            line.allocated.append(allocated)
            for name, v in zip(STATES, (ok, bad, returned, parked, held - parked), strict=True):
                line.states[name].append(v)
        out[p.program_id] = line
    return out


@dataclass(frozen=True)
class Stay:
    days: int  # whole days the delivery's last unit stayed (until it left, or until the instant)
    over: bool  # longer than the program's max_idle_days
    count: int
    amount: int


def stays(db: Database, scope: Scope) -> dict[str, list[Stay]]:
    """How long deliveries to intermediaries stayed: from arrival until their last unit left
    (the first payment by the holder that took the cumulative paid-out past the delivery's
    cumulative position in its queue), or until the instant when some of it is still there."""
    out: dict[str, list[Stay]] = defaultdict(list)
    for program, days, over, count, amount in reporting.stays(db, scope.t, scope.only):
        out[program].append(Stay(days, over, count, amount))
    for v in out.values():
        v.sort(key=lambda s: (s.days, s.over))
    return dict(out)


@dataclass
class RiskCell:
    at_risk: int = 0  # each finding subject once, at its largest amount
    by_rule: dict[str, tuple[int, int]] = field(default_factory=dict)  # rule -> (count, amount)


def risk(db: Database, scope: Scope) -> dict[tuple[str, str], RiskCell]:
    """(region, program) -> money at risk and findings by rule, known at the instant. A finding's
    region is its first participant's (the payer, buyer, applicant or holder)."""
    by_rule, at_risk = reporting.risk(db, scope.t, scope.only)
    cells: dict[tuple[str, str], RiskCell] = defaultdict(RiskCell)
    for program, region, rule, count, amount in by_rule:
        cells[(region, program)].by_rule[rule] = (count, amount)
    for program, region, top in at_risk:
        cells[(region, program)].at_risk += top
    wanted = {p.program_id for p in scope.programs}
    unreturned = [f for f in queries.unreturned_findings(db, scope.t) if f.program in wanted]
    regions = reporting.regions(db, sorted({f.participants[0] for f in unreturned}))
    for f in unreturned:
        cell = cells[(regions.get(f.participants[0], ""), f.program)]
        count, amount = cell.by_rule.get(f.rule, (0, 0))
        cell.by_rule[f.rule] = (count + 1, amount + f.amount)
        cell.at_risk += f.amount
    return dict(cells)
