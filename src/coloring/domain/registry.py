"""The animal registry as reference data: pages of registry rows, no aggregate per animal.

The registry is not money: nothing about an animal has to be decided atomically with anything
else, and the rules need only look-ups (the owner now, the owner at an instant, the history of
an animal), which the application answers from memory and from the record index, and the
projections from `rm_registry`. So a batch's registry rows are recorded as one immutable
`RegistryExtract.Recorded` event, each page its own aggregate (never loaded, never replayed).
Ledgers written before pages hold one `Animal` aggregate per animal (`documents.Animal`); they
still replay and fold.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from coloring.domain.aggregates import natural_id

OWNING_EVENTS = ("registered", "transferred")
"""Registry events after which the animal has an owner; after the others it has none."""


@dataclass(frozen=True, slots=True)
class RegistryFact:
    """One registry row as recorded: `owner` is None unless the event gives the animal one."""

    seq: int
    animal_id: str
    species: str
    registry_event: str
    owner: str | None
    at_us: int
    at_offset: int

    def to_row(self) -> list[Any]:
        return [
            self.seq,
            self.animal_id,
            self.species,
            self.registry_event,
            self.owner,
            self.at_us,
            self.at_offset,
        ]


def facts(rows: list[list[Any]]) -> Iterator[RegistryFact]:
    for row in rows:
        yield RegistryFact(*row)


class RegistryExtract(Aggregate):
    """One page of registry rows, in record order."""

    TOPIC = "coloring.RegistryExtract"

    class Created(Aggregate.Created):
        TOPIC = "coloring.RegistryExtract.Created"

    class Recorded(Created):
        TOPIC = "coloring.RegistryExtract.Recorded"
        rows: list[list[Any]]

    @staticmethod
    def create_id(rows: list[list[Any]]) -> UUID:
        """Named after its first row's position in the record order."""
        return natural_id("registry-extract", str(rows[0][0]))

    @event(Recorded)
    def __init__(self, rows: list[list[Any]]) -> None:
        # History, not state: the rows are read from the event, never from the aggregate.
        self.size = len(rows)
