"""Where each program's money went, as the links of a flow diagram, aggregated in SQL.

Nodes are participants; per program and role the `top` participants by money received keep
their own node and the rest are one "other <role>" node. Money that left the coloured ledger or
sits at a holder ends in one of five sinks: spent on purpose, spent with findings (the misused
part of a payment, by `projections.verdict`), returned (to a treasury), held (within the idle
limit) and idle (held longer than `max_idle_days` at the instant). What a holder still holds
comes from its deliveries and payments in first-in-first-out order, as the ledger moves units
(spec section 3).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from coloring.projections.db import Database
from coloring.projections.spending import Misspent, misspent
from coloring.report.scope import Scope, number

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


@dataclass(frozen=True)
class _Top:
    """The participants that keep their own node, and how many each grouped role holds."""

    keys: list[str]  # "program|participant"
    nodes: dict[tuple[str, str], Node]  # (program, participant) -> node
    others: dict[tuple[str, str], int]  # (program, role) -> participants grouped

    def key(self, table: str, column: str, party: str) -> str:
        """SQL for the node of `table.column` (a participant of `table.program_id` whose
        rm_participants row is `party`): itself when a top one or a treasury, else `*role`.
        Its parameters are `self.keys`."""
        marks = ",".join("?" * len(self.keys)) or "NULL"
        return (
            f"CASE WHEN {party}.role = 'treasury' OR {table}.program_id || '|' || "
            f"{table}.{column} IN ({marks}) THEN {table}.{column} ELSE '*' || {party}.role END"
        )


def _top(db: Database, scope: Scope, top: int) -> _Top:
    where, params = scope.where()
    rows = db.query(
        "WITH inflow AS (SELECT program_id, payee, SUM(amount) AS v FROM rm_movements "
        f"WHERE status = 'applied' AND outcome = 'held' AND at_us <= ?{where} "
        "GROUP BY program_id, payee), "
        "ranked AS (SELECT i.program_id, i.payee, p.name, p.role, p.region, ROW_NUMBER() OVER "
        "(PARTITION BY i.program_id, p.role ORDER BY i.v DESC, i.payee) AS rk, "
        "COUNT(*) OVER (PARTITION BY i.program_id, p.role) AS n "
        "FROM inflow i JOIN rm_participants p ON p.participant_id = i.payee) "
        "SELECT program_id, payee, name, role, region, rk, n FROM ranked WHERE rk <= ? "
        "ORDER BY program_id, role, rk",
        [scope.t, *params, top],
    )
    keys, nodes, others = [], {}, {}
    for program, pid, name, role, region, _, n in rows:
        keys.append(f"{program}|{pid}")
        detail = f"{name}, {role}" + (f", {region}" if region else "")
        nodes[(program, pid)] = Node(pid, pid, role, detail)
        others[(program, role)] = max(0, number(n) - top)
    return _Top(keys, nodes, others)


def flows(db: Database, scope: Scope, top: int = 8) -> dict[str, Flows]:
    """Per program: the aggregated links between nodes and into the sinks."""
    chosen = _top(db, scope, top)
    where, params = scope.where("m")
    out = {p.program_id: Flows(p.program_id) for p in scope.programs}
    links = db.query(
        f"SELECT m.program_id, {chosen.key('m', 'payer', 'pa')}, "
        f"CASE WHEN m.outcome = 'held' THEN {chosen.key('m', 'payee', 'pb')} "
        "WHEN m.outcome = 'returned' THEN '=returned' ELSE '=spent_ok' END, "
        "SUM(m.amount), COUNT(*) "
        "FROM rm_movements m JOIN rm_participants pa ON pa.participant_id = m.payer "
        "JOIN rm_participants pb ON pb.participant_id = m.payee "
        f"WHERE m.status = 'applied' AND m.at_us <= ?{where} "
        "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        [*chosen.keys, *chosen.keys, scope.t, *params],
    )
    misused = _misused_links(db, chosen, list(misspent(db, scope.t).values()))
    for program, source, target, amount, count in links:
        if program in out and source != target:
            if target == "=spent_ok":
                bad, bad_count, all_bad = misused.get((program, source), (0, 0, 0))
                if bad:
                    out[program].links.append(Link(source, "=spent_flagged", bad, bad_count))
                amount, count = number(amount) - bad, number(count) - all_bad
                if not amount:
                    continue
            out[program].links.append(Link(source, target, number(amount), number(count)))
    for program, holder, idle, held in _remaining(db, scope, chosen):
        if program in out:
            for sink, value in (("=held", held), ("=idle", idle)):
                if value:
                    out[program].links.append(Link(holder, sink, value, 0))
    for f in out.values():  # Python's order, not the database's collation
        f.links.sort(key=lambda link: (link.source, link.target))
    _name_nodes(db, out, chosen)
    return out


def _misused_links(
    db: Database, chosen: _Top, spent: list[Misspent]
) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(program, payer node) -> the misused part of the money spent, the payments with a misused
    part, and those misused whole (the others also spent some on purpose)."""
    roles: dict[str, str] = {}
    payers = sorted({s.payer for s in spent})
    for i in range(0, len(payers), 500):
        chunk = payers[i : i + 500]
        roles.update(
            db.query(
                "SELECT participant_id, role FROM rm_participants "
                f"WHERE participant_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        )
    keys = set(chosen.keys)
    out: dict[tuple[str, str], tuple[int, int, int]] = {}
    for s in spent:
        role = roles.get(s.payer, "other")
        node = s.payer if role == "treasury" or f"{s.program_id}|{s.payer}" in keys else f"*{role}"
        amount, count, whole = out.get((s.program_id, node), (0, 0, 0))
        out[(s.program_id, node)] = (amount + s.misused, count + 1, whole + (s.misused == s.amount))
    return out


def _remaining(db: Database, scope: Scope, chosen: _Top) -> list[tuple[str, str, int, int]]:
    """(program, node, idle, held within the limit) at the instant: a holder's units leave in
    the order they came, so delivery d still has `clamp(received up to d - paid out, 0, d)`."""
    where_d, params_d = scope.where("d")
    where_o, params_o = scope.where()
    rows = db.query(
        "WITH d AS (SELECT d.program_id, d.holder, d.amount, "
        "CASE WHEN d.at_us + d.idle_limit_us < ? THEN 1 ELSE 0 END AS late, "
        "SUM(d.amount) OVER (PARTITION BY d.program_id, d.holder ORDER BY d.at_us, mv.seq "
        "ROWS UNBOUNDED PRECEDING) AS cum_in "
        "FROM rm_deliveries d JOIN rm_movements mv ON mv.movement_id = d.delivery_id "
        f"WHERE d.at_us <= ?{where_d}), "
        "o AS (SELECT program_id, payer AS holder, SUM(amount) AS v FROM rm_movements "
        f"WHERE status = 'applied' AND kind = 'transfer' AND at_us <= ?{where_o} "
        "GROUP BY program_id, payer), "
        "r AS (SELECT d.program_id, d.holder, d.late, d.amount, "
        "d.cum_in - COALESCE(o.v, 0) AS left_end FROM d LEFT JOIN o "
        "ON o.program_id = d.program_id AND o.holder = d.holder), "
        "s AS (SELECT program_id, holder, late, CASE WHEN left_end <= 0 THEN 0 "
        "WHEN left_end >= amount THEN amount ELSE left_end END AS rest FROM r) "
        f"SELECT s.program_id, {chosen.key('s', 'holder', 'ph')}, "
        "SUM(CASE WHEN s.late = 1 THEN s.rest ELSE 0 END), "
        "SUM(CASE WHEN s.late = 1 THEN 0 ELSE s.rest END) "
        "FROM s JOIN rm_participants ph ON ph.participant_id = s.holder "
        "GROUP BY 1, 2 HAVING SUM(s.rest) > 0 ORDER BY 1, 2",
        [scope.t, scope.t, *params_d, scope.t, *params_o, *chosen.keys],
    )
    return [(p, k, number(idle), number(held)) for p, k, idle, held in rows]


def _name_nodes(db: Database, out: dict[str, Flows], chosen: _Top) -> None:
    for program, f in out.items():
        used = dict.fromkeys(k for link in f.links for k in (link.source, link.target))
        missing = [k for k in used if k not in SINKS and not k.startswith("*")]
        found = {k: chosen.nodes[(program, k)] for k in missing if (program, k) in chosen.nodes}
        rest = [k for k in missing if k not in found]
        if rest:  # treasuries: they pay but never receive held units
            for pid, name, role, region in db.query(
                "SELECT participant_id, name, role, region FROM rm_participants "
                f"WHERE participant_id IN ({','.join('?' * len(rest))})",
                rest,
            ):
                found[pid] = Node(
                    pid, pid, role, f"{name}, {role}" + (f", {region}" if region else "")
                )
        for key in used:
            if key in SINKS:
                f.nodes[key] = Node(key, SINKS[key], key)
            elif key.startswith("*"):
                role = key[1:]
                n = chosen.others.get((program, role), 0)
                f.nodes[key] = Node(key, f"other {role} ({n})", role, f"{n} participants")
            else:
                f.nodes[key] = found.get(key, Node(key, key, "other"))


def totals(f: Flows) -> dict[str, tuple[int, int]]:
    """(money in, money out) per node."""
    io: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for link in f.links:
        io[link.source][1] += link.amount
        io[link.target][0] += link.amount
    return {k: (v[0], v[1]) for k, v in io.items()}
