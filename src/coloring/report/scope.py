"""What a report covers (the evaluation instant, one program or all) and the SQL pieces every
query of the report shares. SQL is portable (SQLite >= 3.28 and PostgreSQL: window functions,
`VALUES` lists, ordinal GROUP BY); every sum is converted with `int()` because PostgreSQL
returns `SUM(BIGINT)` as a decimal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coloring.domain.rulebook import MISUSE_RULES
from coloring.projections.db import Database
from coloring.projections.terms import program_terms

# Findings whose subject is the applied payment (transfer id) that carries them.
PAYMENT_RULES = MISUSE_RULES


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

    def where(self, alias: str = "") -> tuple[str, list[Any]]:
        """` AND <alias>.program_id = ?` and its parameter when the report is for one program."""
        if self.only is None:
            return "", []
        column = f"{alias}.program_id" if alias else "program_id"
        return f" AND {column} = ?", [self.only]


def programs(db: Database, only: str | None = None, t: int | None = None) -> tuple[Program, ...]:
    """The programs (or the one asked for), with the expiry and idle limit in force at `t`
    (as registered when there is no instant: an empty ledger)."""
    finals = dict(db.query("SELECT program_id, final_roles FROM rm_programs"))
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


def flagged_cte(t: int) -> tuple[str, list[Any]]:
    """`flagged(subject)`: the payments that carry a finding known at the instant `t`."""
    marks = ",".join("?" * len(PAYMENT_RULES))
    return (
        "flagged AS (SELECT DISTINCT subject FROM rm_findings WHERE known_us <= ? "
        f"AND rule IN ({marks}))",
        [t, *(str(r) for r in PAYMENT_RULES)],
    )


def number(value: Any) -> int:
    return int(value or 0)
