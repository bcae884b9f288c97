"""One aggregate per animal: how ledgers written before registry pages recorded the registry.

New registry rows are recorded as pages (`coloring.domain.registry.RegistryExtract`); these
events still replay and fold, so their class and topics stay.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from coloring.domain.ids import natural_key
from coloring.domain.perrecord import PerRecordEvent
from coloring.domain.registry import RegistryFact
from coloring.domain.topics import TopicAggregate


class Animal(TopicAggregate):
    """One animal's history in the identification registry."""

    TOPIC = "coloring.Animal"

    class Attested(Aggregate.Created):
        animal_id: str

    class FactRecorded(PerRecordEvent[RegistryFact]):
        """A registry row: the fields of the extract's row, by name (`fact()` reads it as one).
        No command records it any more: new rows are recorded in extracts; older ledgers
        recorded them here, and they still replay."""

        def fact(self) -> RegistryFact:
            return self.row()

        def apply(self, aggregate: Animal) -> None:
            fact = self.fact()
            aggregate.owner = fact.owner
            aggregate.history.append((fact.at_us, fact.registry_event, fact.owner))

    create_id = natural_key("animals", "animal_id")

    @event(Attested)
    def __init__(self, animal_id: str) -> None:
        self.animal_id = animal_id
        self.owner: str | None = None
        self.history: list[tuple[int, str, str | None]] = []
