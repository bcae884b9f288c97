"""Where each program's money went, as the links of a flow diagram, aggregated in SQL.

Nodes are participants; per program and role the `top` participants by money received keep
their own node and the rest are one "other <role>" node. Money that left the coloured ledger or
sits at a holder ends in one of five sinks: spent on purpose, spent with findings (the payment
carries a finding), returned (to a treasury), held (within the idle limit) and idle (held longer
than `max_idle_days` at the instant). What a holder still holds comes from its deliveries and
payments in first-in-first-out order, as the ledger moves units (spec section 3).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from coloring.projections.db import Database
from coloring.report.scope import Scope, flagged_cte, number

SINKS = {
    "=spent_ok": "spent on purpose",
    "=spent_flagged": "spent with findings",
    "=returned": "returned",
    "=held": "held",
    "=idle": "idle",
}


@dataclass(frozen=True)
class Node:
    key: str  # participant id, "*role" for the other participants of a role, "=sink"
    label: str
    role: str
    detail: str = ""


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    amount: int
    count: int


@dataclass
class Flows:
    program: str
    nodes: dict[str, Node] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)


def _ranked(scope: Scope) -> tuple[str, list[Any]]:
    """CTEs `m` (applied movements at the instant) and `ranked` (receivers ranked per role)."""
    where, params = scope.where()
    return (
        "m AS (SELECT movement_id, kind, program_id, payer, payee, amount, outcome "
        f"FROM rm_movements WHERE status = 'applied' AND at_us <= ?{where}), "
        "inflow AS (SELECT program_id, payee AS pid, SUM(amount) AS v FROM m "
        "WHERE outcome = 'held' GROUP BY program_id, payee), "
        "ranked AS (SELECT i.program_id, i.pid, p.role, ROW_NUMBER() OVER "
        "(PARTITION BY i.program_id, p.role ORDER BY i.v DESC, i.pid) AS rk "
        "FROM inflow i JOIN rm_participants p ON p.participant_id = i.pid)",
        [scope.t, *params],
    )


def _key(column: str, part: str, rank: str, top: int) -> str:
    return f"CASE WHEN COALESCE({rank}.rk, 0) <= {int(top)} THEN {column} ELSE '*' || {part}.role END"


def flows(db: Database, scope: Scope, top: int = 8) -> dict[str, Flows]:
    """Per program: the aggregated links between nodes and into the sinks."""
    ranked, ranked_params = _ranked(scope)
    flagged, flagged_params = flagged_cte(scope.t)
    out = {p.program_id: Flows(p.program_id) for p in scope.programs}
    links = db.query(
        f"WITH {ranked}, {flagged} "
        f"SELECT m.program_id, {_key('m.payer', 'pa', 'ra', top)}, "
        f"CASE WHEN m.outcome = 'held' THEN {_key('m.payee', 'pb', 'rb', top)} "
        "WHEN m.outcome = 'returned' THEN '=returned' "
        "WHEN f.subject IS NULL THEN '=spent_ok' ELSE '=spent_flagged' END, "
        "SUM(m.amount), COUNT(*) "
        "FROM m JOIN rm_participants pa ON pa.participant_id = m.payer "
        "JOIN rm_participants pb ON pb.participant_id = m.payee "
        "LEFT JOIN ranked ra ON ra.program_id = m.program_id AND ra.pid = m.payer "
        "LEFT JOIN ranked rb ON rb.program_id = m.program_id AND rb.pid = m.payee "
        "LEFT JOIN flagged f ON f.subject = m.movement_id "
        "GROUP BY 1, 2, 3",
        [*ranked_params, *flagged_params],
    )
    for program, source, target, amount, count in links:
        if program in out and source != target:
            out[program].links.append(Link(source, target, number(amount), number(count)))
    for program, holder, idle, held in _remaining(db, scope, ranked, ranked_params, top):
        if program in out:
            for sink, value in (("=held", held), ("=idle", idle)):
                if value:
                    out[program].links.append(Link(holder, sink, value, 0))
    _name_nodes(db, scope, out, ranked, ranked_params, top)
    return out


def _remaining(
    db: Database, scope: Scope, ranked: str, ranked_params: list[Any], top: int
) -> list[tuple[str, str, int, int]]:
    """(program, node, idle, held within the limit) at the instant: a holder's units leave in
    the order they came, so delivery d still has `clamp(received up to d - paid out, 0, d)`."""
    where, params = scope.where("d")
    rows = db.query(
        f"WITH {ranked}, "
        "d AS (SELECT d.program_id, d.holder, d.amount, "
        "CASE WHEN d.at_us + d.idle_limit_us < ? THEN 1 ELSE 0 END AS late, "
        "SUM(d.amount) OVER (PARTITION BY d.program_id, d.holder ORDER BY d.at_us, mv.seq "
        "ROWS UNBOUNDED PRECEDING) AS cum_in "
        "FROM rm_deliveries d JOIN rm_movements mv ON mv.movement_id = d.delivery_id "
        f"WHERE d.at_us <= ?{where}), "
        "o AS (SELECT program_id, payer AS holder, SUM(amount) AS v FROM m "
        "WHERE kind = 'transfer' GROUP BY program_id, payer), "
        "r AS (SELECT d.program_id, d.holder, d.late, d.amount, "
        "d.cum_in - COALESCE(o.v, 0) AS left_end FROM d LEFT JOIN o "
        "ON o.program_id = d.program_id AND o.holder = d.holder), "
        "s AS (SELECT program_id, holder, late, CASE WHEN left_end <= 0 THEN 0 "
        "WHEN left_end >= amount THEN amount ELSE left_end END AS rest FROM r) "
        f"SELECT s.program_id, {_key('s.holder', 'ph', 'rh', top)}, "
        "SUM(CASE WHEN s.late = 1 THEN s.rest ELSE 0 END), "
        "SUM(CASE WHEN s.late = 1 THEN 0 ELSE s.rest END) "
        "FROM s JOIN rm_participants ph ON ph.participant_id = s.holder "
        "LEFT JOIN ranked rh ON rh.program_id = s.program_id AND rh.pid = s.holder "
        "GROUP BY 1, 2 HAVING SUM(s.rest) > 0",
        [*ranked_params, scope.t, scope.t, *params],
    )
    return [(p, k, number(idle), number(held)) for p, k, idle, held in rows]


def _name_nodes(
    db: Database,
    scope: Scope,
    out: dict[str, Flows],
    ranked: str,
    ranked_params: list[Any],
    top: int,
) -> None:
    others: dict[tuple[str, str], int] = {
        (p, role): number(n)
        for p, role, n in db.query(
            f"WITH {ranked} SELECT program_id, role, COUNT(*) FROM ranked "
            f"WHERE rk > {int(top)} GROUP BY 1, 2",
            ranked_params,
        )
    }
    ids = sorted(
        {k for f in out.values() for link in f.links for k in (link.source, link.target)}
        - set(SINKS)
    )
    people: dict[str, tuple[str, str, str]] = {}
    participant_ids = [k for k in ids if not k.startswith("*")]
    for i in range(0, len(participant_ids), 500):
        chunk = participant_ids[i : i + 500]
        for pid, name, role, region in db.query(
            "SELECT participant_id, name, role, region FROM rm_participants "
            f"WHERE participant_id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            people[pid] = (name, role, region or "")
    for program, f in out.items():
        used: dict[str, None] = {}
        for link in f.links:
            used[link.source] = None
            used[link.target] = None
        for key in used:
            if key in SINKS:
                f.nodes[key] = Node(key, SINKS[key], key)
            elif key.startswith("*"):
                role = key[1:]
                n = others.get((program, role), 0)
                f.nodes[key] = Node(key, f"other {role} ({n})", role, f"{n} participants")
            else:
                name, role, region = people.get(key, (key, "other", ""))
                detail = f"{name}, {role}" + (f", {region}" if region else "")
                f.nodes[key] = Node(key, key, role, detail)


def totals(f: Flows) -> dict[str, tuple[int, int]]:
    """(money in, money out) per node."""
    io: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for link in f.links:
        io[link.source][1] += link.amount
        io[link.target][0] += link.amount
    return {k: (v[0], v[1]) for k, v in io.items()}
