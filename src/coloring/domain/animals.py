"""One aggregate per animal: how ledgers written before registry pages recorded the registry.

New registry rows are recorded as pages (`coloring.domain.registry.RegistryExtract`); these
events still replay and fold, so their class and topics stay.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from coloring.domain.aggregates import natural_id
from coloring.domain.topics import TopicAggregate


class Animal(TopicAggregate):
    """One animal's history in the identification registry."""

    TOPIC = "coloring.Animal"

    class Attested(Aggregate.Created):
        animal_id: str

    class FactRecorded(Aggregate.Event):
        animal_id: str
        species: str
        registry_event: str
        owner: str | None
        at_us: int
        at_offset: int
        seq: int

    @staticmethod
    def create_id(animal_id: str) -> UUID:
        return natural_id("animals", animal_id)

    @event(Attested)
    def __init__(self, animal_id: str) -> None:
        self.animal_id = animal_id
        self.owner: str | None = None
        self.history: list[tuple[int, str, str | None]] = []

    # No command: new registry rows are recorded in extracts; older ledgers recorded them
    # here, and they still replay.
    @event(FactRecorded)
    def _fact_recorded(
        self,
        animal_id: str,
        species: str,
        registry_event: str,
        owner: str | None,
        at_us: int,
        at_offset: int,
        seq: int,
    ) -> None:
        self.owner = owner
        self.history.append((at_us, registry_event, owner))
