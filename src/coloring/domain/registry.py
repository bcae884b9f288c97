"""The animal registry as reference data: pages of registry rows, no aggregate per animal.

The registry is not money: nothing about an animal has to be decided atomically with anything
else, and the rules need only look-ups (the owner now, the owner at an instant, the history of
an animal), which the application answers from memory and from the record index, and the
projections from `rm_registry`. So a batch's registry rows are recorded as one immutable
`RegistryExtract.Recorded` event, each page its own aggregate (never loaded, never replayed).
Ledgers written before pages hold one `Animal` aggregate per animal (`animals.Animal`); they
still replay and fold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from coloring.domain.aggregates import natural_id
from coloring.domain.topics import TopicAggregate

OWNING_EVENTS = ("registered", "transferred")
"""Registry events after which the animal has an owner; after the others it has none."""


class RegistryFact(NamedTuple):
    """One registry row as recorded: `owner` is None unless the event gives the animal one.
    A named tuple, so an extract's event writes it as the JSON array of its fields."""

    seq: int
    animal_id: str
    species: str
    registry_event: str
    owner: str | None
    at_us: int
    at_offset: int


FactArray = Sequence[str | int | None]
"""A registry row in an extract's event: the fact when recorded, the JSON array
`[seq, animal_id, species, registry_event, owner, at_us, at_offset]` when read back."""


def facts(rows: Sequence[FactArray]) -> list[RegistryFact]:
    """The facts of an extract's rows, in record order (a JSON array becomes one here)."""
    return [_tuple(RegistryFact, row) for row in rows]


def first_seq(rows: Sequence[FactArray]) -> int:
    """The record sequence number of an extract's first row."""
    return _tuple(RegistryFact, rows[0]).seq


# A named tuple from a JSON array without its constructor's argument parsing (as `movements`).
_tuple = tuple.__new__


class RegistryExtract(TopicAggregate):
    """One page of registry rows, in record order."""

    TOPIC = "coloring.RegistryExtract"

    class Recorded(Aggregate.Created):
        rows: Sequence[FactArray]

    @staticmethod
    def create_id(rows: Sequence[FactArray]) -> UUID:
        """Named after its first row's position in the record order."""
        return natural_id("registry-extract", str(first_seq(rows)))

    @event(Recorded)
    def __init__(self, rows: Sequence[FactArray]) -> None:
        # History, not state: the rows are read from the event, never from the aggregate.
        self.size = len(rows)
