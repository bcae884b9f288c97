"""The topics stored events are decoded by: every one, spelled out, so that a renamed or moved
aggregate or event class fails here rather than on a ledger written before the change."""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import resolve_topic

from coloring.domain.acts import EarlyActs
from coloring.domain.aggregates import Ledger, Participant, Program, TaggedTenge
from coloring.domain.animals import Animal
from coloring.domain.documents import Contract, Loan, Purchase, Subsidy
from coloring.domain.prices import PriceList
from coloring.domain.registry import RegistryExtract
from coloring.domain.topics import TopicAggregate

# Each aggregate's topic, then its event classes' names, as the ledgers hold them.
STORED = {
    "coloring.Animal": ["Attested", "Created", "FactRecorded"],
    "coloring.Contract": ["ActAccepted", "Created", "Signed"],
    "coloring.EarlyActs": ["ActAccepted", "Created", "Opened"],
    "coloring.Ledger": ["Created", "Opened"],
    "coloring.Loan": ["Created", "Issued"],
    "coloring.Participant": ["Created", "Registered"],
    "coloring.PriceList": ["Created", "Opened", "PriceQuoted"],
    "coloring.Program": ["Created", "Registered", "TermsAmended"],
    "coloring.Purchase": ["AnimalsAdded", "Contracted", "Created"],
    "coloring.RegistryExtract": ["Created", "Recorded"],
    "coloring.Subsidy": ["Approved", "Created"],
    "coloring.TaggedTenge": [
        "Created",
        "Opened",
        "PaymentsRecorded",
        "TransferRefused",
        "UnitsAllocated",
        "UnitsTransferred",
    ],
}

AGGREGATES: list[type[Aggregate]] = [
    Animal,
    Contract,
    EarlyActs,
    Ledger,
    Loan,
    Participant,
    PriceList,
    Program,
    Purchase,
    RegistryExtract,
    Subsidy,
    TaggedTenge,
]


def event_classes(aggregate: type[Aggregate]) -> dict[str, type[Aggregate.Event]]:
    return {
        name: value
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, Aggregate.Event) and name != "Event"
    }


def test_every_aggregate_and_event_class_resolves_by_the_topic_its_ledgers_hold() -> None:
    held = {}
    for aggregate in AGGREGATES:
        topic = aggregate.TOPIC  # type: ignore[attr-defined]
        assert resolve_topic(topic) is aggregate
        events = event_classes(aggregate)
        for name, cls in events.items():
            assert resolve_topic(f"{topic}.{name}") is cls
        held[topic] = sorted(events)
    assert held == STORED


class Example(TopicAggregate):
    TOPIC = "coloring.tests.Example"

    class Started(Aggregate.Created):
        name: str

    class Renamed(Aggregate.Event):
        name: str

    @staticmethod
    def create_id(name: str) -> UUID:
        return uuid4()

    @event(Started)
    def __init__(self, name: str) -> None:
        self.name = name

    @event(Renamed)
    def rename(self, name: str) -> None:
        self.name = name


def test_a_topic_aggregate_records_its_events_under_its_topic_and_their_class_names() -> None:
    example = Example("a")
    example.rename("b")
    started, renamed = example.collect_events()
    assert resolve_topic("coloring.tests.Example.Started") is type(started)
    assert resolve_topic("coloring.tests.Example.Renamed") is type(renamed)
