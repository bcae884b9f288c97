"""A ledger written before registry pages (one `Animal` aggregate per animal, one event per
registry row) still replays, and folds each row as an extract's row with the same fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from folds import empty_folds

from coloring.domain.animals import Animal
from coloring.domain.registry import RegistryExtract, RegistryFact
from coloring.store import LedgerStore

AT = 1_700_000_000_000_000
FACTS = [
    RegistryFact(7, "KZ1", "cattle", "registered", "F1", AT, 300),
    RegistryFact(9, "KZ1", "cattle", "disposed", None, AT + 5, 0),
]


@pytest.fixture
def store() -> Iterator[LedgerStore]:
    ledger = LedgerStore("sqlite:///:memory:")
    yield ledger
    ledger.close()


def old_events(store: LedgerStore) -> list[Any]:
    """The animal's events as an older ledger holds them, stored and read back."""
    animal = Animal(animal_id="KZ1")
    for fact in FACTS:
        animal.trigger_event(Animal.FactRecorded, **fact._asdict())
    events = animal.collect_events()
    return [store.mapper.to_domain_event(store.mapper.to_stored_event(e)) for e in events]


def test_a_stored_registry_event_reads_back_as_the_fact_an_extract_would_hold(
    store: LedgerStore,
) -> None:
    _, *recorded = old_events(store)
    assert [e.fact() for e in recorded] == FACTS
    assert sorted(vars(recorded[0])) == sorted(
        [*RegistryFact._fields, "originator_id", "originator_version", "timestamp"]
    )


def test_an_animal_of_an_older_ledger_replays_to_its_owner_and_history(
    store: LedgerStore,
) -> None:
    animal = None
    for e in old_events(store):
        animal = e.mutate(animal)
    assert isinstance(animal, Animal)
    assert animal.owner is None
    assert animal.history == [(AT, "registered", "F1"), (AT + 5, "disposed", None)]


def test_the_fold_reads_an_old_registry_event_as_the_extract_row_of_the_same_fact(
    store: LedgerStore,
) -> None:
    old, new = empty_folds()
    for e in old_events(store)[1:]:
        old.apply(e, 1)
    (page,) = RegistryExtract(rows=FACTS).collect_events()
    new.apply(page, 1)
    assert old.rows["registry"] == new.rows["registry"]
    assert old.animals == new.animals == {"KZ1"}
