"""Purpose documents: loans, purchases, subsidies, contracts with acts.

A payment is "on purpose" only against a document. Each document knows its parties and its
payable value; what it has been paid is counted by the program's `TaggedTenge`, where the
payment itself is atomic. Registry facts (`coloring.domain.registry`) and reference prices
(`coloring.domain.prices`) are recorded as events of their own, never looked up at replay time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Self, cast

from eventsourcing.domain import Aggregate, event

from coloring.domain.ids import natural_key
from coloring.domain.topics import TopicAggregate


class DocumentCreated(Aggregate.Created):
    """The created event of a document, whatever its kind: each kind's adds its parties, terms
    and instant, in the order its ledgers hold them."""

    document_id: str
    program_id: str
    if TYPE_CHECKING:
        at_us: int  # every kind's, in its place

    def apply(self, document: Document) -> None:
        """Called by the library when the event is recorded and on every replay."""
        document._keep(self)


class Roles(NamedTuple):
    """What a kind of document is to a payment: its name, the payee and (where named) the payer
    a payment must match, the party (buyer, applicant or customer) that RELATED_PARTY compares
    the payee with, and the value (a purchase's: its animals' prices)."""

    kind: str
    payee: str
    payer: str | None
    party: str | None
    value: int


def roles(e: DocumentCreated) -> Roles:
    """Each kind's roles from its created event: the one place the kinds differ in."""
    match e:
        case Loan.Issued():
            return Roles("loan", e.borrower, e.lender, None, e.amount)
        case Purchase.Contracted():
            return Roles("purchase", e.seller, e.buyer, e.buyer, _value(e.animals))
        case Subsidy.Approved():
            return Roles("subsidy", e.supplier, None, e.applicant, e.amount)
        case Contract.Signed():
            return Roles("contract", e.contractor, e.customer, e.customer, e.value)
    raise TypeError(f"not a document's created event: {e!r}")


class Document(TopicAggregate):
    """A document of any kind, as a payment sees it (`Roles`)."""

    if TYPE_CHECKING:  # kept of the created event (`_keep`)
        kind: str
        document_id: str
        program_id: str
        at_us: int
        payee: str
        payer: str | None
        party: str | None
        value: int

    create_id = natural_key("documents", "document_id")

    @classmethod
    def record(cls, **fields: Any) -> Self:
        """A new document of this kind, from the fields of the one created event it declares."""
        (created,) = (
            e for e in vars(cls).values() if isinstance(e, type) and issubclass(e, DocumentCreated)
        )
        return cls._create(created, **fields)

    def _keep(self, e: DocumentCreated) -> None:
        """What every kind keeps of its created event."""
        self.document_id, self.program_id, self.at_us = e.document_id, e.program_id, e.at_us
        self.kind, self.payee, self.payer, self.party, self.value = roles(e)

    def payable(self) -> int:
        """The document's value (a contract's is capped by the acts accepted so far)."""
        return self.value


class Loan(Document):
    TOPIC = "coloring.Loan"

    class Issued(DocumentCreated):
        lender: str
        borrower: str
        amount: int
        at_us: int
        at_offset: int
        seq: int


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


def _value(animals: Sequence[AnimalArray]) -> int:
    """The animals' prices summed, read in place: recording and replay make the named tuples
    once, in `Contracted.apply`."""
    return sum(cast(int, a[2]) for a in animals)


# A named tuple from a JSON array without its constructor's argument parsing (as `movements`).
_tuple = tuple.__new__


class Purchase(Document):
    """A livestock purchase and its animals, in file order: its value is their prices'."""

    TOPIC = "coloring.Purchase"
    if TYPE_CHECKING:
        animals: list[PurchasedAnimal]

    class Contracted(DocumentCreated):
        buyer: str
        seller: str
        at_us: int
        at_offset: int
        animals: Sequence[AnimalArray]
        seq: int

        def apply(self, document: Document) -> None:
            cast(Purchase, document).animals = purchased(self.animals)  # in file order
            super().apply(document)

    class AnimalsAdded(Aggregate.Event):
        """Animals of a purchase recorded in a later load (purchase_animals is undated)."""

        purchase_id: str
        animals: Sequence[AnimalArray]
        seq: int

    def add_animals(self, animals: list[PurchasedAnimal], seq: int) -> None:
        self._animals_added(purchase_id=self.document_id, animals=animals, seq=seq)

    @event(AnimalsAdded)
    def _animals_added(self, purchase_id: str, animals: Sequence[AnimalArray], seq: int) -> None:
        added = purchased(animals)
        self.animals.extend(added)
        self.value += _value(added)

    def animal_ids(self) -> list[str]:
        return [a.animal_id for a in self.animals]


class Subsidy(Document):
    TOPIC = "coloring.Subsidy"

    class Approved(DocumentCreated):
        applicant: str
        supplier: str
        asset_id: str
        asset_kind: str
        asset_value: int
        amount: int
        at_us: int
        at_offset: int
        seq: int


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
    accepted = 0  # acts accepted on the contract itself, as older ledgers recorded them

    class Signed(DocumentCreated):
        customer: str
        contractor: str
        value: int
        at_us: int
        at_offset: int
        parent_contract_id: str | None
        seq: int

    class ActAccepted(AcceptedAct):
        """An act of work accepted under this contract, as older ledgers recorded it."""

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
