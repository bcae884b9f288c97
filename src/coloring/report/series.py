"""Utilisation over time, idle time at intermediaries and the risk map, aggregated in SQL.

Days are calendar days at +05:00 (the contract's default offset); amounts are tiyn. Every
query returns rows per program and day, bucket or region, never per event.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from coloring.domain.time import DAY_US, KZ_OFFSET_MINUTES
from coloring.projections import queries
from coloring.projections.db import Database
from coloring.projections.spending import misspent
from coloring.report.scope import Scope, number

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
    where, params = scope.where()
    first = db.query(
        f"SELECT MIN(at_us) FROM rm_movements WHERE status = 'applied' AND at_us <= ?{where}",
        [scope.t, *params],
    )[0][0]
    unit, grid = buckets(number(first) if first is not None else scope.t, scope.t)
    days = [(b.start_us + LOCAL_US) // DAY_US for b in grid]
    where_m, params_m = scope.where("m")
    sums: dict[str, list[list[int]]] = defaultdict(lambda: [[0] * len(grid) for _ in range(4)])
    for program, day, allocated, spent, returned in db.query(
        f"SELECT m.program_id, (m.at_us + {LOCAL_US}) / {DAY_US}, "
        "SUM(CASE WHEN m.kind = 'allocation' THEN m.amount ELSE 0 END), "
        "SUM(CASE WHEN m.outcome = 'spent' THEN m.amount ELSE 0 END), "
        "SUM(CASE WHEN m.outcome = 'returned' THEN m.amount ELSE 0 END) "
        f"FROM rm_movements m WHERE m.status = 'applied' AND m.at_us <= ?{where_m} GROUP BY 1, 2",
        [scope.t, *params_m],
    ):
        i = max(0, bisect_right(days, number(day)) - 1)
        for k, v in enumerate((allocated, spent, 0, returned)):
            sums[program][k][i] += number(v)
    # The misused part of what was spent, by verdict, moves from "on purpose" to "with findings".
    for spent in misspent(db, scope.t).values():
        i = max(0, bisect_right(days, (spent.at_us + LOCAL_US) // DAY_US) - 1)
        sums[spent.program_id][1][i] -= spent.misused
        sums[spent.program_id][2][i] += spent.misused
    idle = _idle_stock(db, scope, grid)
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


def _idle_stock(db: Database, scope: Scope, grid: list[Bucket]) -> dict[tuple[str, int], int]:
    """Units idle at each bucket end g: per holder, max(0, received before g - limit - paid out
    by g), because a holder's units leave in the order they came (FIFO). Only holders with a
    delivery that ever went idle are looked at."""
    ends = [min(b.end_us - 1, scope.t) for b in grid]
    where_d, params_d = scope.where("d")
    where_h, params_h = scope.where()
    values = ", ".join(f"({i}, ?)" for i in range(len(ends)))
    rows = db.query(
        f"WITH g(i, t) AS (VALUES {values}), "
        "h AS (SELECT DISTINCT program_id, holder FROM rm_deliveries "
        f"WHERE amount > departed_within AND at_us + idle_limit_us < ?{where_h}), "
        # one pass over each table against the (small) set of holders, not a loop per holder
        "hk AS (SELECT program_id || '|' || holder AS k FROM h), "
        "ev AS ("
        "SELECT d.program_id, d.holder, d.at_us + d.idle_limit_us AS t, 2 AS k, -1 AS i, "
        "d.amount AS late_in, 0 AS paid FROM rm_deliveries d "
        f"WHERE d.at_us <= ?{where_d} AND d.program_id || '|' || d.holder IN (SELECT k FROM hk) "
        "UNION ALL SELECT m.program_id, m.payer, m.at_us, 0, -1, 0, m.amount "
        "FROM rm_movements m WHERE m.status = 'applied' AND m.kind = 'transfer' "
        "AND m.at_us <= ? AND m.program_id || '|' || m.payer IN (SELECT k FROM hk) "
        "UNION ALL SELECT h.program_id, h.holder, g.t, 1, g.i, 0, 0 FROM h CROSS JOIN g), "
        "run AS (SELECT program_id, i, k, SUM(late_in) OVER w AS late_in, SUM(paid) OVER w AS paid "
        "FROM ev WINDOW w AS (PARTITION BY program_id, holder ORDER BY t, k "
        "ROWS UNBOUNDED PRECEDING)) "
        "SELECT program_id, i, SUM(CASE WHEN late_in > paid THEN late_in - paid ELSE 0 END) "
        "FROM run WHERE k = 1 GROUP BY 1, 2",
        [*ends, scope.t, *params_h, scope.t, *params_d, scope.t],
    )
    return {(p, number(i)): number(v) for p, i, v in rows}


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
    where_d, params_d = scope.where("d")
    where_m, params_m = scope.where()
    rows = db.query(
        "WITH d AS (SELECT d.program_id, d.holder, d.amount, d.at_us, d.idle_limit_us, "
        "SUM(d.amount) OVER (PARTITION BY d.program_id, d.holder ORDER BY d.at_us, mv.seq "
        "ROWS UNBOUNDED PRECEDING) AS c "
        "FROM rm_deliveries d JOIN rm_movements mv ON mv.movement_id = d.delivery_id "
        f"WHERE d.at_us <= ?{where_d}), "
        "o AS (SELECT program_id, payer AS holder, at_us, SUM(amount) OVER (PARTITION BY "
        "program_id, payer ORDER BY at_us, seq ROWS UNBOUNDED PRECEDING) AS c FROM rm_movements "
        f"WHERE status = 'applied' AND kind = 'transfer' AND at_us <= ?{where_m}), "
        "ev AS (SELECT program_id, holder, c, 0 AS k, at_us, NULL AS left_at, amount, "
        "idle_limit_us FROM d UNION ALL SELECT program_id, holder, c, 1, NULL, at_us, 0, 0 "
        "FROM o), "
        "x AS (SELECT k, program_id, at_us, amount, idle_limit_us, MIN(left_at) OVER "
        "(PARTITION BY program_id, holder ORDER BY c, k "
        "ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS left_at FROM ev), "
        "y AS (SELECT program_id, amount, idle_limit_us, "
        "COALESCE(left_at, ?) - at_us AS stay FROM x WHERE k = 0) "
        f"SELECT program_id, stay / {DAY_US}, CASE WHEN stay > idle_limit_us THEN 1 ELSE 0 END, "
        "COUNT(*), SUM(amount) FROM y GROUP BY 1, 2, 3",
        [scope.t, *params_d, scope.t, *params_m, scope.t],
    )
    out: dict[str, list[Stay]] = defaultdict(list)
    for program, days, over, count, amount in rows:
        out[program].append(Stay(number(days), bool(number(over)), number(count), number(amount)))
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
    where_f, params_f = scope.where()
    where_d, params_d = scope.where()
    base = (
        "WITH f AS (SELECT program_id, rule, subject, amount, COALESCE(party_a, party_b) AS who "
        f"FROM rm_findings WHERE known_us <= ?{where_f} "
        "UNION ALL SELECT program_id, 'IDLE_FUNDS', delivery_id, amount - departed_within, holder "
        f"FROM rm_deliveries WHERE at_us + idle_limit_us < ? AND amount > departed_within"
        f"{where_d}), "
        "r AS (SELECT f.program_id, COALESCE(p.region, '') AS region, f.rule, f.subject, "
        "f.amount FROM f LEFT JOIN rm_participants p ON p.participant_id = f.who) "
    )
    params = [scope.t, *params_f, scope.t, *params_d]
    cells: dict[tuple[str, str], RiskCell] = defaultdict(RiskCell)
    for program, region, rule, count, amount in db.query(
        base + "SELECT program_id, region, rule, COUNT(*), SUM(amount) FROM r GROUP BY 1, 2, 3",
        params,
    ):
        cells[(region, program)].by_rule[rule] = (number(count), number(amount))
    for program, region, at_risk in db.query(
        base + "SELECT program_id, region, SUM(top) FROM (SELECT program_id, region, subject, "
        "MAX(amount) AS top FROM r GROUP BY 1, 2, 3) s GROUP BY 1, 2",
        params,
    ):
        cells[(region, program)].at_risk += number(at_risk)
    wanted = {p.program_id for p in scope.programs}
    unreturned = [f for f in queries.unreturned_findings(db, scope.t) if f.program in wanted]
    regions = _regions(db, sorted({f.participants[0] for f in unreturned}))
    for f in unreturned:
        cell = cells[(regions.get(f.participants[0], ""), f.program)]
        count, amount = cell.by_rule.get(f.rule, (0, 0))
        cell.by_rule[f.rule] = (count + 1, amount + f.amount)
        cell.at_risk += f.amount
    return dict(cells)


def _regions(db: Database, ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for pid, region in db.query(
            "SELECT participant_id, region FROM rm_participants "
            f"WHERE participant_id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            out[pid] = region or ""
    return out
