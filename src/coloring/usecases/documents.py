"""The documents money is paid against (loans, purchases and their animals, subsidies,
contracts and their acts) and the registry rows the document rules read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from functools import partial

from coloring.domain import records
from coloring.domain.acts import EarlyActs
from coloring.domain.documents import (
    Contract,
    Document,
    Loan,
    Purchase,
    PurchasedAnimal,
    Subsidy,
)
from coloring.domain.errors import UnknownRecordError
from coloring.domain.registry import OWNING_EVENTS, RegistryFact
from coloring.domain.time import Instant
from coloring.recordkeys import registry_key
from coloring.usecases.base import DocumentRecord, UseCase, require_positive

# A fact from its fields in order, without the named tuple's keyword parsing (1 us a row).
_fact = partial(tuple.__new__, RegistryFact)


class Documents(UseCase):
    """Documents, their animals and acts, and registry rows."""

    def issue_loan(self, r: records.LoanRecord, source: str = "api") -> None:
        require_positive(r.amount)
        self._record_document(Loan, r.loan_id, r, (r.lender, r.borrower), source)

    def contract_purchase(self, r: records.PurchaseRecord, source: str = "api") -> None:
        require_positive(*(a.price for a in r.animals))
        animals = [PurchasedAnimal(a.animal_id, a.species, a.price) for a in r.animals]
        self._record_document(
            Purchase, r.purchase_id, r, (r.buyer, r.seller), source, r.animals, animals=animals
        )

    def add_animals(self, animals: Sequence[records.AnimalRecord], source: str = "api") -> None:
        """Animals of a purchase recorded earlier (purchase_animals.csv is undated)."""
        by_purchase: dict[str, list[records.AnimalRecord]] = {}
        for animal in animals:
            by_purchase.setdefault(animal.purchase_id, []).append(animal)
        for purchase_id, group in by_purchase.items():
            purchase = self.store.get(Document.create_id(purchase_id))
            if not isinstance(purchase, Purchase):
                raise UnknownRecordError(f"{source}: no purchase {purchase_id!r} in the ledger")
            seq = self.store.take_seq()
            for animal in group:
                self._index_animal(animal, seq, source)
            purchase.add_animals(
                [PurchasedAnimal(a.animal_id, a.species, a.price) for a in group], seq=seq
            )
            self.store.touch(purchase)
        self.store.command_done()

    def approve_subsidy(self, r: records.SubsidyRecord, source: str = "api") -> None:
        require_positive(r.amount, r.asset_value)
        self._record_document(Subsidy, r.subsidy_id, r, (r.applicant, r.supplier), source)

    def sign_contract(self, r: records.ContractRecord, source: str = "api") -> None:
        require_positive(r.value)
        # The parent is not looked up: a subcontract may be signed before its parent (or listed
        # before it at one instant), and the reader has checked that the parent exists.
        self._record_document(Contract, r.contract_id, r, (r.customer, r.contractor), source)

    def accept_act(self, r: records.ActRecord, source: str = "api") -> None:
        """Record an accepted act, in the page of the contract's program. An act dated before its
        contract is signed waits for it in `EarlyActs` (the pilot reader has checked that the
        contract is in the folder)."""
        require_positive(r.amount)
        found = self.store.get(Document.create_id(r.contract_id))
        if found is not None and not isinstance(found, Contract):
            raise UnknownRecordError(f"{source}: {r.contract_id!r} is not a contract")
        seq = self.store.next_seq("act", r.act_id, r, r.at, source)
        if isinstance(found, Contract):
            # Recorded in the program's page with the payments it allows.
            tagged = self._tagged(found.program_id, seq)
            tagged.accept_act(r.act_id, r.contract_id, r.amount, r.at.us, r.at.offset_minutes, seq)
            self._changed(tagged)
            return
        early = self.store.get(EarlyActs.create_id(r.contract_id))
        contract = early if isinstance(early, EarlyActs) else EarlyActs(r.contract_id)
        contract.accept_act(r.act_id, r.amount, r.at.us, r.at.offset_minutes, seq)
        self._changed(contract)

    def record_registry_fact(
        self, r: records.RegistryRecord, occurrence: int = 0, source: str = "api"
    ) -> None:
        """A registry row, recorded with the batch's others as one `RegistryExtract`."""
        self.record_registry_facts([(r, occurrence, source)])

    def record_registry_facts(
        self, rows: Sequence[tuple[records.RegistryRecord, int, str]]
    ) -> None:
        """Registry rows (each with its occurrence and source), in record order: one call for
        a run of rows, as a load meets them (a registry extract is most of a large folder)."""
        next_seq, record_fact = self.store.next_seq, self.store.record_fact
        for r, occurrence, source in rows:
            at = r.at
            seq = next_seq("registry", registry_key(r, occurrence), r, at, source)
            owner = r.owner if r.event in OWNING_EVENTS else None
            record_fact(
                _fact((seq, r.animal_id, r.species, r.event, owner, at.us, at.offset_minutes))
            )
        self.store.command_done()

    def owner_of(self, animal_id: str, at: Instant) -> str | None:
        """The animal's registered owner at `at` (None: unregistered, disposed, exported)."""
        owner = None
        for fact_at, _, fact_owner in self.store.registry_history(animal_id):
            if fact_at > at.us:
                break
            owner = fact_owner
        return owner

    def _record_document(
        self,
        kind: type[Document],
        document_id: str,
        r: DocumentRecord,
        parties: tuple[str, str],
        source: str,
        indexed: Sequence[records.AnimalRecord] = (),
        **converted: object,
    ) -> None:
        """Check and record a new document, with the index rows of its animals (`indexed`, a
        purchase's), added before the document is saved so that outside a batch they are saved
        with it. Its created event holds the record's fields by name, in every kind's ledgers:
        the id as `document_id`, the instant `at` as `at_us` and `at_offset`, and the sequence
        number last; `converted` gives a field the event holds in another form (a purchase's
        animals)."""
        seq = self._new_document(document_id, r.program_id, parties, r, source)
        for animal in indexed:
            self._index_animal(animal, seq, source)
        terms = {f.name: getattr(r, f.name) for f in fields(r)[1:]}  # after the id
        at = terms.pop("at")
        self._changed(
            kind.record(
                document_id=document_id,
                **(terms | converted),
                at_us=at.us,
                at_offset=at.offset_minutes,
                seq=seq,
            )
        )

    def _index_animal(self, animal: records.AnimalRecord, seq: int, source: str) -> None:
        key = f"{animal.purchase_id}/{animal.animal_id}"
        self.store.index_row("purchase_animal", key, animal, seq, source)
