"""What a report covers: the evaluation instant and the programs, one or all (the questions
to the read models are `coloring.projections.reporting`'s)."""

from __future__ import annotations

from dataclasses import dataclass

from coloring.projections import reporting
from coloring.projections.db import Database
from coloring.projections.terms import program_terms


@dataclass(frozen=True)
class Program:
    program_id: str
    name: str
    kind: str
    route: str
    final_roles: tuple[str, ...]
    max_idle_days: int
    expires_at_us: int
    expires_at_offset: int

    def role_depths(self) -> dict[str, int]:
        """How many hops each role of the route is from the treasury (breadth first)."""
        hops = [tuple(step.split(">", 1)) for step in self.route.split() if ">" in step]
        depth = {"treasury": 0}
        frontier = ["treasury"]
        while frontier:
            following = []
            for source in frontier:
                for a, b in hops:
                    if a == source and b not in depth:
                        depth[b] = depth[source] + 1
                        following.append(b)
            frontier = following
        return depth


@dataclass(frozen=True)
class Scope:
    """The evaluation instant `t` (microseconds, UTC) and the programs the report covers."""

    t: int
    programs: tuple[Program, ...]
    only: str | None = None


def programs(db: Database, only: str | None = None, t: int | None = None) -> tuple[Program, ...]:
    """The programs (or the one asked for), with the expiry and idle limit in force at `t`
    (as registered when there is no instant: an empty ledger)."""
    finals = reporting.final_roles(db)
    chosen = []
    for terms in program_terms(db):
        if only is not None and terms.program_id != only:
            continue
        expires_us, offset, idle, _ = terms.in_force(-(2**62) if t is None else t)
        chosen.append(
            Program(
                terms.program_id,
                terms.name,
                terms.kind,
                terms.route,
                tuple(finals[terms.program_id].split()),
                idle,
                expires_us,
                offset,
            )
        )
    return tuple(chosen)
