"""Purpose documents: loans, purchases, subsidies, contracts with acts.

A payment is "on purpose" only against a document. Each document knows its parties and its
payable value; what it has been paid is counted by the program's `TaggedTenge`, where the
payment itself is atomic. Registry facts (`coloring.domain.registry`) and reference prices
(`coloring.domain.prices`) are recorded as events of their own, never looked up at replay time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from coloring.domain.aggregates import natural_id
from coloring.domain.topics import TopicAggregate


class Document(TopicAggregate):
    """Common shape: the payee and (where named) the payer a payment must match, and the party
    (buyer, applicant or customer) that RELATED_PARTY compares the payee with."""

    kind = ""
    if TYPE_CHECKING:
        document_id: str
        program_id: str
        at_us: int
        payee: str
        payer: str | None
        party: str | None

    @staticmethod
    def create_id(document_id: str) -> UUID:
        return natural_id("documents", document_id)

    def _keep(
        self,
        document_id: str,
        program_id: str,
        at_us: int,
        payee: str,
        payer: str | None = None,
        party: str | None = None,
    ) -> None:
        """What every kind keeps of its created event: which of its own parties is the payee,
        the payer and the related party are the kind's to say."""
        self.document_id = document_id
        self.program_id = program_id
        self.at_us = at_us
        self.payee = payee
        self.payer = payer
        self.party = party

    def payable(self) -> int:
        raise NotImplementedError


class Loan(Document):
    TOPIC = "coloring.Loan"
    kind = "loan"

    class Issued(Aggregate.Created):
        document_id: str
        program_id: str
        lender: str
        borrower: str
        amount: int
        at_us: int
        at_offset: int
        seq: int

    @event(Issued)
    def __init__(
        self,
        document_id: str,
        program_id: str,
        lender: str,
        borrower: str,
        amount: int,
        at_us: int,
        at_offset: int,
        seq: int,
    ) -> None:
        self._keep(document_id, program_id, at_us, payee=borrower, payer=lender)
        self.amount = amount

    def payable(self) -> int:
        return self.amount


class PurchasedAnimal(NamedTuple):
    """An animal of a purchase, at its contracted price (tiyn)."""

    animal_id: str
    species: str
    price: int


AnimalArray = Sequence[str | int]
"""A purchased animal in a purchase's events: the named tuple when recorded, the JSON array
`[animal_id, species, price]` it is written as when read back (`purchased` reads both)."""


def purchased(animals: Sequence[AnimalArray]) -> list[PurchasedAnimal]:
    """The purchased animals of an event, as named tuples (a JSON array becomes one here)."""
    return [_tuple(PurchasedAnimal, a) for a in animals]


# A named tuple from a JSON array without its constructor's argument parsing (as `movements`).
_tuple = tuple.__new__


class Purchase(Document):
    """A livestock purchase and its animals, in file order."""

    TOPIC = "coloring.Purchase"
    kind = "purchase"

    class Contracted(Aggregate.Created):
        document_id: str
        program_id: str
        buyer: str
        seller: str
        at_us: int
        at_offset: int
        animals: Sequence[AnimalArray]
        seq: int

    class AnimalsAdded(Aggregate.Event):
        """Animals of a purchase recorded in a later load (purchase_animals is undated)."""

        purchase_id: str
        animals: Sequence[AnimalArray]
        seq: int

    @event(Contracted)
    def __init__(
        self,
        document_id: str,
        program_id: str,
        buyer: str,
        seller: str,
        at_us: int,
        at_offset: int,
        animals: Sequence[AnimalArray],
        seq: int,
    ) -> None:
        self._keep(document_id, program_id, at_us, payee=seller, payer=buyer, party=buyer)
        self.animals = purchased(animals)

    def add_animals(self, animals: list[PurchasedAnimal], seq: int) -> None:
        self._animals_added(purchase_id=self.document_id, animals=animals, seq=seq)

    @event(AnimalsAdded)
    def _animals_added(self, purchase_id: str, animals: Sequence[AnimalArray], seq: int) -> None:
        self.animals.extend(purchased(animals))

    def payable(self) -> int:
        return sum(a.price for a in self.animals)

    def animal_ids(self) -> list[str]:
        return [a.animal_id for a in self.animals]


class Subsidy(Document):
    TOPIC = "coloring.Subsidy"
    kind = "subsidy"

    class Approved(Aggregate.Created):
        document_id: str
        program_id: str
        applicant: str
        supplier: str
        asset_id: str
        asset_kind: str
        asset_value: int
        amount: int
        at_us: int
        at_offset: int
        seq: int

    @event(Approved)
    def __init__(
        self,
        document_id: str,
        program_id: str,
        applicant: str,
        supplier: str,
        asset_id: str,
        asset_kind: str,
        asset_value: int,
        amount: int,
        at_us: int,
        at_offset: int,
        seq: int,
    ) -> None:
        self._keep(document_id, program_id, at_us, payee=supplier, party=applicant)
        self.amount = amount

    def payable(self) -> int:
        return self.amount


class AcceptedAct(Aggregate.Event):
    """An act of work accepted under a contract, as `Contract` (older ledgers) and `EarlyActs`
    record it: one shape, so the projections read both alike (no topic: never stored as such)."""

    contract_id: str
    act_id: str
    amount: int
    at_us: int
    at_offset: int
    seq: int


class Contract(Document):
    """A contract (or subcontract) and the acts of work accepted under it."""

    TOPIC = "coloring.Contract"
    kind = "contract"

    class Signed(Aggregate.Created):
        document_id: str
        program_id: str
        customer: str
        contractor: str
        value: int
        at_us: int
        at_offset: int
        parent_contract_id: str | None
        seq: int

    class ActAccepted(AcceptedAct):
        """An act of work accepted under this contract, as older ledgers recorded it."""

    @event(Signed)
    def __init__(
        self,
        document_id: str,
        program_id: str,
        customer: str,
        contractor: str,
        value: int,
        at_us: int,
        at_offset: int,
        parent_contract_id: str | None,
        seq: int,
    ) -> None:
        self._keep(document_id, program_id, at_us, payee=contractor, payer=customer, party=customer)
        self.value = value
        self.accepted = 0

    # No command: an act on a signed contract is recorded in its program's page
    # (`TaggedTenge.accept_act`); older ledgers recorded it here, and it still replays.
    @event(ActAccepted)
    def _act_accepted(
        self, contract_id: str, act_id: str, amount: int, at_us: int, at_offset: int, seq: int
    ) -> None:
        self.accepted += amount

    def payable(self) -> int:
        """The lesser of the value and the acts accepted so far (records arrive in time
        order and acts precede transfers at one instant, so "so far" is "at or before")."""
        return min(self.value, self.accepted)
