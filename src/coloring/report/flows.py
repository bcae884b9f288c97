"""Where each program's money went, as the links of a flow diagram, aggregated in SQL
(`coloring.projections.reporting`).

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

from coloring.projections import reporting
from coloring.projections.db import Database
from coloring.projections.spending import Misspent, misspent
from coloring.report.scope import Scope

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


def _top(db: Database, scope: Scope, top: int) -> _Top:
    keys, nodes, others = [], {}, {}
    for program, pid, name, role, region, n in reporting.top_payees(db, scope.t, scope.only, top):
        keys.append(f"{program}|{pid}")
        detail = f"{name}, {role}" + (f", {region}" if region else "")
        nodes[(program, pid)] = Node(pid, pid, role, detail)
        others[(program, role)] = max(0, n - top)
    return _Top(keys, nodes, others)


def flows(db: Database, scope: Scope, top: int = 8) -> dict[str, Flows]:
    """Per program: the aggregated links between nodes and into the sinks."""
    chosen = _top(db, scope, top)
    out = {p.program_id: Flows(p.program_id) for p in scope.programs}
    links = reporting.node_links(db, scope.t, scope.only, chosen.keys)
    misused = _misused_links(db, chosen, list(misspent(db, scope.t).values()))
    for program, source, target, amount, count in links:
        if program in out and source != target:
            if target == "=spent_ok":
                bad, bad_count, all_bad = misused.get((program, source), (0, 0, 0))
                if bad:
                    out[program].links.append(Link(source, "=spent_flagged", bad, bad_count))
                amount, count = amount - bad, count - all_bad
                if not amount:
                    continue
            out[program].links.append(Link(source, target, amount, count))
    for program, holder, idle, held in reporting.remaining(db, scope.t, scope.only, chosen.keys):
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
    roles = reporting.roles(db, sorted({s.payer for s in spent}))
    keys = set(chosen.keys)
    out: dict[tuple[str, str], tuple[int, int, int]] = {}
    for s in spent:
        role = roles.get(s.payer, "other")
        node = s.payer if role == "treasury" or f"{s.program_id}|{s.payer}" in keys else f"*{role}"
        amount, count, whole = out.get((s.program_id, node), (0, 0, 0))
        out[(s.program_id, node)] = (amount + s.misused, count + 1, whole + (s.misused == s.amount))
    return out


def _name_nodes(db: Database, out: dict[str, Flows], chosen: _Top) -> None:
    for program, f in out.items():
        used = dict.fromkeys(k for link in f.links for k in (link.source, link.target))
        missing = [k for k in used if k not in SINKS and not k.startswith("*")]
        found = {k: chosen.nodes[(program, k)] for k in missing if (program, k) in chosen.nodes}
        rest = [k for k in missing if k not in found]
        if rest:  # treasuries: they pay but never receive held units
            for pid, name, role, region in reporting.participants(db, rest):
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
