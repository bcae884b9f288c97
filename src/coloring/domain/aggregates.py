"""Aggregates of the ledger: the ledger itself, parties, programs and the tagged units.

Aggregate boundaries (see docs/architecture.md): one `TaggedTenge` per program holds every FIFO
queue of that colour (`tagged.py`, re-exported here), so the balance check, the unit move and the
settlement count of a document are atomic. Documents are their own aggregates (`documents.py`);
the registry is reference data (`registry.py`). Command methods validate; `@event` bodies only
mutate, because they run again on every replay.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from coloring.domain.ids import natural_id, natural_key
from coloring.domain.tagged import InsufficientUnitsError, TaggedTenge
from coloring.domain.topics import TopicAggregate

__all__ = [
    "InsufficientUnitsError",
    "Ledger",
    "Participant",
    "Program",
    "TaggedTenge",
    "final_roles",
    "natural_id",
]


def final_roles(route: list[list[str]]) -> set[str]:
    """Roles that are a target in the route and never a source; a treasury never is."""
    sources = {a for a, _ in route}
    return {b for _, b in route if b not in sources and b != "treasury"}


class Ledger(TopicAggregate):
    """The ledger as a whole: the mode it was opened in (section 4)."""

    TOPIC = "coloring.Ledger"

    class Opened(Aggregate.Created):
        mode: str

    @staticmethod
    def create_id() -> UUID:
        return natural_id("ledger", "main")

    @event(Opened)
    def __init__(self, mode: str) -> None:
        self.mode = mode


class Participant(TopicAggregate):
    TOPIC = "coloring.Participant"

    class Registered(Aggregate.Created):
        participant_id: str
        name: str
        role: str
        region: str | None
        related_to: list[str]
        seq: int

    create_id = natural_key("participants", "participant_id")

    @event(Registered)
    def __init__(
        self,
        participant_id: str,
        name: str,
        role: str,
        region: str | None,
        related_to: list[str],
        seq: int,
    ) -> None:
        self.participant_id = participant_id
        self.name = name
        self.role = role
        self.region = region
        self.related_to = list(related_to)


class Program(TopicAggregate):
    """A colour: the terms every unit of this program is issued under."""

    TOPIC = "coloring.Program"

    class Registered(Aggregate.Created):
        program_id: str
        name: str
        kind: str
        route: list[list[str]]
        expires_at_us: int
        expires_at_offset: int
        max_idle_days: int
        subsidy_cap_percent: str | None
        retention_days: int | None
        price_tolerance_percent: str
        seq: int

    create_id = natural_key("programs", "program_id")

    @event(Registered)
    def __init__(
        self,
        program_id: str,
        name: str,
        kind: str,
        route: list[list[str]],
        expires_at_us: int,
        expires_at_offset: int,
        max_idle_days: int,
        subsidy_cap_percent: str | None,
        retention_days: int | None,
        price_tolerance_percent: str,
        seq: int,
    ) -> None:
        self.program_id = program_id
        self.name = name
        self.kind = kind
        self.route = [list(hop) for hop in route]
        self._set_terms(expires_at_us, expires_at_offset, max_idle_days)
        self.subsidy_cap_percent = subsidy_cap_percent
        self.retention_days = retention_days
        self.price_tolerance_percent = price_tolerance_percent
        self.amendments = 0

    class TermsAmended(Aggregate.Event):
        """The money's terms changed from `at` on: a new expiry and/or idle limit, and why."""

        program_id: str
        expires_at_us: int
        expires_at_offset: int
        max_idle_days: int
        at_us: int
        at_offset: int
        reason: str
        seq: int

    @event(TermsAmended)
    def amend_terms(
        self,
        program_id: str,
        expires_at_us: int,
        expires_at_offset: int,
        max_idle_days: int,
        at_us: int,
        at_offset: int,
        reason: str,
        seq: int,
    ) -> None:
        # Validated by the application (ColoringApplication.amend_program): this body replays.
        self._set_terms(expires_at_us, expires_at_offset, max_idle_days)
        self.amendments += 1

    def _set_terms(self, expires_at_us: int, expires_at_offset: int, max_idle_days: int) -> None:
        """The terms in force, which the registration sets and each amendment changes: when
        the money expires and how long it may stay idle."""
        self.expires_at_us = expires_at_us
        self.expires_at_offset = expires_at_offset
        self.max_idle_days = max_idle_days

    @property
    def hops(self) -> set[tuple[str, str]]:
        return {(a, b) for a, b in self.route}

    @property
    def final_roles(self) -> set[str]:
        return final_roles(self.route)
