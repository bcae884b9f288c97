"""Programs' money terms as registered and as amended: the history behind expiry and idle rules.

A `Program.TermsAmended` event changes a program's `expires_at` and/or `max_idle_days` from its
instant on. Nothing is rewritten: payments before it were judged under the old terms, each
delivery keeps the idle limit it arrived under, and UNRETURNED_AFTER_EXPIRY uses the expiry in
force at the evaluation instant.
"""

from __future__ import annotations

from dataclasses import dataclass

from coloring.domain.time import format_instant
from coloring.projections.db import Database


@dataclass(frozen=True)
class Amendment:
    at_us: int
    at_offset: int
    expires_at_us: int
    expires_at_offset: int
    max_idle_days: int
    reason: str

    def describe(self) -> str:
        return (
            f"amended at {format_instant(self.at_us, self.at_offset)}: expires_at "
            f"{format_instant(self.expires_at_us, self.expires_at_offset)}, max_idle_days "
            f"{self.max_idle_days} ({self.reason})"
        )


@dataclass(frozen=True)
class ProgramTerms:
    """A program's money terms as registered, with every amendment in order."""

    program_id: str
    name: str
    kind: str
    route: str
    expires_at_us: int
    expires_at_offset: int
    max_idle_days: int
    amendments: tuple[Amendment, ...] = ()

    def in_force(self, t: int) -> tuple[int, int, int, Amendment | None]:
        """(expires_at_us, its offset, max_idle_days, the amendment behind them) at `t`."""
        current = None
        for a in self.amendments:
            if a.at_us <= t:
                current = a
        if current is None:
            return self.expires_at_us, self.expires_at_offset, self.max_idle_days, None
        return current.expires_at_us, current.expires_at_offset, current.max_idle_days, current

    def known_at(self, t: int | None) -> tuple[Amendment, ...]:
        """The amendments made at or before `t` (all of them when `t` is None)."""
        return tuple(a for a in self.amendments if t is None or a.at_us <= t)

    def as_dict(self, t: int | None = None) -> dict[str, object]:
        return {
            "program": self.program_id,
            "name": self.name,
            "kind": self.kind,
            "route": self.route,
            "expires_at": format_instant(self.expires_at_us, self.expires_at_offset),
            "max_idle_days": self.max_idle_days,
            "amendments": [
                {
                    "at": format_instant(a.at_us, a.at_offset),
                    "expires_at": format_instant(a.expires_at_us, a.expires_at_offset),
                    "max_idle_days": a.max_idle_days,
                    "reason": a.reason,
                }
                for a in self.known_at(t)
            ],
        }


def program_terms(db: Database) -> list[ProgramTerms]:
    """Every program with its registered terms and its amendments (in the order made)."""
    amendments: dict[str, list[Amendment]] = {}
    for program_id, *row in db.query(
        "SELECT program_id, at_us, at_offset, expires_at_us, expires_at_offset, max_idle_days, "
        "reason FROM rm_program_amendments ORDER BY seq"
    ):
        amendments.setdefault(program_id, []).append(Amendment(*row))
    return [
        ProgramTerms(
            program_id,
            name,
            kind,
            route,
            expires_us,
            offset,
            idle,
            tuple(amendments.get(program_id, ())),
        )
        for program_id, name, kind, route, expires_us, offset, idle in db.query(
            "SELECT program_id, name, kind, route, expires_at_us, expires_at_offset, "
            "max_idle_days FROM rm_programs ORDER BY program_id"
        )
    ]
