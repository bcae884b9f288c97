"""Aggregate ids are uuid5 of a natural key: the ledgers find their aggregates by them, so
every aggregate's id is pinned here, as the library gives it on creation and as the
application computes it to look one up (`create_id`)."""

from __future__ import annotations

from collections.abc import Callable
from inspect import signature
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate

from coloring.application import ColoringApplication
from coloring.domain.acts import EarlyActs
from coloring.domain.aggregates import Ledger, Participant, Program, TaggedTenge
from coloring.domain.animals import Animal
from coloring.domain.documents import Loan
from coloring.domain.prices import PriceList
from coloring.domain.registry import RegistryExtract, RegistryFact
from strategies import program

ROWS = [RegistryFact(7, "KZ1", "cow", "registered", "F1", 0, 0)]

# (an aggregate created by its constructor, its id looked up by the application, the id)
CASES: list[tuple[Callable[[], Aggregate], Callable[[], UUID], str]] = [
    (
        lambda: Ledger(mode="observe"),
        Ledger.create_id,
        "83aa76be-fa09-58ff-9335-a316972c1469",
    ),
    (
        lambda: PriceList(),
        PriceList.create_id,
        "7772100c-9b24-5f04-b9fb-82c9265d5b5a",
    ),
    (
        lambda: Participant(
            participant_id="F1", name="F", role="farmer", region=None, related_to=[], seq=1
        ),
        lambda: Participant.create_id("F1"),
        "e583cb3b-ff01-5980-8019-8fe82ee6bc47",
    ),
    (
        lambda: TaggedTenge(program_id="P1", seq=0),
        lambda: TaggedTenge.create_id("P1"),
        "8567f0d7-b8d4-51c9-a8c8-eb7dc8b784d0",
    ),
    (
        lambda: Animal(animal_id="KZ1"),
        lambda: Animal.create_id("KZ1"),
        "9856f173-f990-53a7-9117-1f1fbd033df3",
    ),
    (
        lambda: EarlyActs(contract_id="C1"),
        lambda: EarlyActs.create_id("C1"),
        "8dd2c27a-ff80-575d-850d-f85050354dd5",
    ),
    (
        lambda: RegistryExtract(rows=ROWS),
        lambda: RegistryExtract.create_id(ROWS),
        "ac520083-73b0-55f0-b058-891132200af5",
    ),
]


@pytest.mark.parametrize(("make", "looked_up", "expected"), CASES)
def test_an_aggregate_has_the_id_of_its_natural_key_created_or_looked_up(
    make: Callable[[], Aggregate], looked_up: Callable[[], UUID], expected: str
) -> None:
    assert make().id == looked_up() == UUID(expected)


def test_a_program_the_application_registers_is_stored_under_its_natural_id() -> None:
    app = ColoringApplication("sqlite:///:memory:")
    try:
        app.register_program(program("P1"))
        registered = app.store.get(UUID("db26dfe9-7f52-53cf-9ff7-994f996ea606"))
    finally:
        app.close()
    assert isinstance(registered, Program)
    assert registered.id == Program.create_id("P1")


def test_a_documents_id_is_the_id_of_its_document_id() -> None:
    assert Loan.create_id("L1") == UUID("4e7311f7-f903-5aba-ad31-85316e5e3ddc")


@pytest.mark.parametrize(
    ("aggregate", "field"),
    [
        (Participant, "participant_id"),
        (Program, "program_id"),
        (TaggedTenge, "program_id"),
        (Animal, "animal_id"),
        (EarlyActs, "contract_id"),
    ],
)
def test_create_id_names_the_created_events_field_the_library_passes_it(
    aggregate: type[Aggregate], field: str
) -> None:
    assert list(signature(aggregate.create_id).parameters) == [field]
    assert aggregate.create_id(**{field: "K"}) == aggregate.create_id("K")
