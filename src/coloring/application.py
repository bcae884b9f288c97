"""The use cases of the ledger: one method each, records in, plain results out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from coloring.domain.acts import EarlyActs
from coloring.domain.aggregates import Ledger, Participant, Program, TaggedTenge
from coloring.domain.documents import Contract, Document, Loan, PriceList, Purchase, Subsidy
from coloring.domain.errors import (
    DuplicateRecordError,
    InvalidAmountError,
    LedgerModeError,
    TermsAmendmentError,
    UnknownRecordError,
)
from coloring.domain.money import MAX_TIYN
from coloring.domain.records import (
    ActRecord,
    AllocationRecord,
    AnimalRecord,
    ContractRecord,
    LoanRecord,
    Mode,
    ParticipantRecord,
    ProgramRecord,
    PurchaseRecord,
    ReferencePriceRecord,
    RegistryRecord,
    SubsidyRecord,
    TermsAmendment,
    TransferRecord,
)
from coloring.domain.registry import OWNING_EVENTS, RegistryFact
from coloring.domain.rules import (
    HELD,
    RETURNED,
    SPENT,
    DocumentFacts,
    PaymentFacts,
    Verdict,
    judge_payment,
)
from coloring.domain.time import MAX_DAYS, Instant
from coloring.domain.units import held_by_before
from coloring.store import LedgerStore, digest, price_key, registry_key

__all__ = ["ColoringApplication", "PaymentResult", "digest", "price_key", "registry_key"]


@dataclass(frozen=True)
class PaymentResult:
    transfer_id: str
    applied: bool
    outcome: str
    settles: str | None
    findings: list[tuple[str, int]]


class ColoringApplication(LedgerStore):
    """The ledger application. Configure with a database URL (see `coloring.persistence`)."""

    name = "coloring"

    # -- ledger ------------------------------------------------------------------------

    def mode(self) -> str | None:
        if self._mode is None:
            ledger = self._get(Ledger.create_id())
            self._mode = ledger.mode if isinstance(ledger, Ledger) else None
        return self._mode

    def open_ledger(self, mode: str | None) -> str:
        """Open the ledger in `mode` (default observe); a ledger keeps the mode it opened in."""
        current = self.mode()
        if current is None:
            chosen = Mode(mode or Mode.OBSERVE).value
            self._touch(Ledger(mode=chosen))
            self._mode = chosen
            self._done()
            return chosen
        if mode is not None and mode != current:
            raise LedgerModeError(
                f"this ledger was opened in {current} mode; use --mode {current} "
                f"or load into a fresh ledger to use {mode}"
            )
        return current

    # -- parties and programs ----------------------------------------------------------

    def register_participant(self, r: ParticipantRecord, source: str = "api") -> None:
        seq = self._next_seq("participant", r.participant_id, r, None, source)
        self._touch(
            Participant(
                participant_id=r.participant_id,
                name=r.name,
                role=r.role,
                region=r.region,
                related_to=list(r.related_to),
                seq=seq,
            )
        )
        self._done()

    def register_program(self, r: ProgramRecord, source: str = "api") -> None:
        seq = self._next_seq("program", r.program_id, r, None, source)
        self._touch(
            Program(
                program_id=r.program_id,
                name=r.name,
                kind=r.kind,
                route=[list(hop) for hop in r.route],
                expires_at_us=r.expires_at.us,
                expires_at_offset=r.expires_at.offset_minutes,
                max_idle_days=r.max_idle_days,
                subsidy_cap_percent=None
                if r.subsidy_cap_percent is None
                else str(r.subsidy_cap_percent),
                retention_days=r.retention_days,
                price_tolerance_percent=str(r.price_tolerance_percent),
                seq=seq,
            )
        )
        self._done()

    def amend_program(self, a: TermsAmendment, source: str = "api") -> int:
        """Change a program's expiry and/or idle limit from `a.at` on; returns the amendment's
        number (1 for the first). History keeps both: payments and deliveries before `a.at` were
        judged, and stay judged, under the terms then in force."""
        program = self._program(a.program_id)
        if a.expires_at is None and a.max_idle_days is None:
            raise TermsAmendmentError("an amendment changes expires_at, max_idle_days or both")
        if not a.reason.strip():
            raise TermsAmendmentError("an amendment needs a reason (it is kept in the history)")
        if a.max_idle_days is not None and not 0 <= a.max_idle_days <= MAX_DAYS:
            raise TermsAmendmentError(
                f"max_idle_days must be a whole number from 0 to {MAX_DAYS}, got {a.max_idle_days}"
            )
        expires_at_us = program.expires_at_us if a.expires_at is None else a.expires_at.us
        if a.expires_at is not None and a.expires_at.us < a.at.us:
            # An expiry in the past of the amendment would judge money retroactively.
            raise TermsAmendmentError(
                f"the new expires_at {a.expires_at} is before the amendment instant {a.at}"
            )
        number = program.amendments + 1
        seq = self._next_seq("amendment", f"{a.program_id}/{number}", a, a.at, source)
        program.amend_terms(
            program_id=a.program_id,
            expires_at_us=expires_at_us,
            expires_at_offset=program.expires_at_offset
            if a.expires_at is None
            else a.expires_at.offset_minutes,
            max_idle_days=program.max_idle_days if a.max_idle_days is None else a.max_idle_days,
            at_us=a.at.us,
            at_offset=a.at.offset_minutes,
            reason=a.reason,
            seq=seq,
        )
        self._touch(program)
        self._done()
        return number

    def quote_price(
        self, r: ReferencePriceRecord, occurrence: int = 0, source: str = "api"
    ) -> None:
        key = price_key(r, occurrence)
        seq = self._next_seq("price", key, r, None, source)
        price_list = self._get(PriceList.create_id())
        if not isinstance(price_list, PriceList):
            price_list = PriceList()
        price_list.quote(
            item=r.item,
            region=r.region,
            price=r.price,
            valid_from_us=r.valid_from.us,
            valid_from_offset=r.valid_from.offset_minutes,
            seq=seq,
        )
        self._touch(price_list)
        self._done()

    # -- money ---------------------------------------------------------------------------

    def allocate(self, r: AllocationRecord, source: str = "api") -> None:
        _positive(r.amount)
        program = self._program(r.program_id)
        recipient = self._participant(r.recipient)
        self._participant(r.payer)
        seq = self._next_seq("movement", r.allocation_id, r, r.at, source)
        tagged = self._tagged(r.program_id, seq)
        tagged.allocate(
            allocation_id=r.allocation_id,
            payer=r.payer,
            recipient=r.recipient,
            amount=r.amount,
            at_us=r.at.us,
            at_offset=r.at.offset_minutes,
            outcome=_outcome(recipient.role, program),
            seq=seq,
        )
        self._touch(tagged)
        self._done()

    def pay(self, r: TransferRecord, source: str = "api") -> PaymentResult:
        """Judge and apply (or refuse) one payment; returns what happened."""
        _positive(r.amount)
        program = self._program(r.program_id)
        payer = self._participant(r.payer)
        payee = self._participant(r.payee)
        seq = self._next_seq("movement", r.transfer_id, r, r.at, source)
        tagged = self._tagged(r.program_id, seq)
        hops, final = self._route(program)
        held = tagged.held(r.payer)
        before = 0
        if r.amount <= held and payee.role != "treasury":
            before = held_by_before(tagged.peek(r.payer, r.amount), r.payee)
        verdict: Verdict = judge_payment(
            PaymentFacts(
                program_id=r.program_id,
                payer=r.payer,
                payee=r.payee,
                payer_role=payer.role,
                payee_role=payee.role,
                amount=r.amount,
                at_us=r.at.us,
                purpose_ref=r.purpose_ref,
                held=held,
                hops=hops,
                final_roles=final,
                expires_at_us=program.expires_at_us,
                document=self._document_facts(r.purpose_ref, r.at.us) if r.purpose_ref else None,
                related=self._related,
                units_held_before_by_payee=before,
                enforce=self.mode() == Mode.ENFORCE,
            )
        )
        findings = [[str(rule), amount] for rule, amount in verdict.findings]
        common: dict[str, Any] = dict(
            transfer_id=r.transfer_id,
            payer=r.payer,
            payee=r.payee,
            amount=r.amount,
            at_us=r.at.us,
            at_offset=r.at.offset_minutes,
            purpose_ref=r.purpose_ref,
            findings=findings,
            seq=seq,
        )
        if verdict.refused:
            tagged.refuse(**common)
        else:
            tagged.transfer(**common, settles=verdict.settles, outcome=verdict.outcome)
        self._touch(tagged)
        self._done()
        return PaymentResult(
            r.transfer_id,
            not verdict.refused,
            verdict.outcome,
            verdict.settles,
            [(str(rule), amount) for rule, amount in verdict.findings],
        )

    # -- documents and registry ----------------------------------------------------------

    def issue_loan(self, r: LoanRecord, source: str = "api") -> None:
        _positive(r.amount)
        self._new_document(r.loan_id, r.program_id, (r.lender, r.borrower))
        seq = self._next_seq("document", r.loan_id, r, r.at, source)
        self._touch(
            Loan(
                document_id=r.loan_id,
                program_id=r.program_id,
                lender=r.lender,
                borrower=r.borrower,
                amount=r.amount,
                at_us=r.at.us,
                at_offset=r.at.offset_minutes,
                seq=seq,
            )
        )
        self._done()

    def contract_purchase(self, r: PurchaseRecord, source: str = "api") -> None:
        _positive(*(a.price for a in r.animals))
        self._new_document(r.purchase_id, r.program_id, (r.buyer, r.seller))
        seq = self._next_seq("document", r.purchase_id, r, r.at, source)
        for animal in r.animals:
            self._index_animal(animal, seq, source)
        self._touch(
            Purchase(
                document_id=r.purchase_id,
                program_id=r.program_id,
                buyer=r.buyer,
                seller=r.seller,
                at_us=r.at.us,
                at_offset=r.at.offset_minutes,
                animals=[[a.animal_id, a.species, a.price] for a in r.animals],
                seq=seq,
            )
        )
        self._done()

    def add_animals(self, animals: Sequence[AnimalRecord], source: str = "api") -> None:
        """Animals of a purchase recorded earlier (purchase_animals.csv is undated)."""
        by_purchase: dict[str, list[AnimalRecord]] = {}
        for animal in animals:
            by_purchase.setdefault(animal.purchase_id, []).append(animal)
        for purchase_id, group in by_purchase.items():
            purchase = self._get(Document.create_id(purchase_id))
            if not isinstance(purchase, Purchase):
                raise UnknownRecordError(f"{source}: no purchase {purchase_id!r} in the ledger")
            self.seq += 1
            seq = self.seq
            for animal in group:
                self._index_animal(animal, seq, source)
            purchase.add_animals([[a.animal_id, a.species, a.price] for a in group], seq=seq)
            self._touch(purchase)
        self._done()

    def approve_subsidy(self, r: SubsidyRecord, source: str = "api") -> None:
        _positive(r.amount, r.asset_value)
        self._new_document(r.subsidy_id, r.program_id, (r.applicant, r.supplier))
        seq = self._next_seq("document", r.subsidy_id, r, r.at, source)
        self._touch(
            Subsidy(
                document_id=r.subsidy_id,
                program_id=r.program_id,
                applicant=r.applicant,
                supplier=r.supplier,
                asset_id=r.asset_id,
                asset_kind=r.asset_kind,
                asset_value=r.asset_value,
                amount=r.amount,
                at_us=r.at.us,
                at_offset=r.at.offset_minutes,
                seq=seq,
            )
        )
        self._done()

    def sign_contract(self, r: ContractRecord, source: str = "api") -> None:
        _positive(r.value)
        # The parent is not looked up: a subcontract may be signed before its parent (or listed
        # before it at one instant), and the reader has checked that the parent exists.
        self._new_document(r.contract_id, r.program_id, (r.customer, r.contractor))
        seq = self._next_seq("document", r.contract_id, r, r.at, source)
        self._touch(
            Contract(
                document_id=r.contract_id,
                program_id=r.program_id,
                customer=r.customer,
                contractor=r.contractor,
                value=r.value,
                at_us=r.at.us,
                at_offset=r.at.offset_minutes,
                parent_contract_id=r.parent_contract_id,
                seq=seq,
            )
        )
        self._done()

    def accept_act(self, r: ActRecord, source: str = "api") -> None:
        """Record an accepted act, in the page of the contract's program. An act dated before its
        contract is signed waits for it in `EarlyActs` (the pilot reader has checked that the
        contract is in the folder)."""
        _positive(r.amount)
        found = self._get(Document.create_id(r.contract_id))
        if found is not None and not isinstance(found, Contract):
            raise UnknownRecordError(f"{source}: {r.contract_id!r} is not a contract")
        seq = self._next_seq("act", r.act_id, r, r.at, source)
        if isinstance(found, Contract):
            # Recorded in the program's page with the payments it allows.
            tagged = self._tagged(found.program_id, seq)
            tagged.accept_act(r.act_id, r.contract_id, r.amount, r.at.us, r.at.offset_minutes, seq)
            self._touch(tagged)
            self._done()
            return
        early = self._get(EarlyActs.create_id(r.contract_id))
        contract = early if isinstance(early, EarlyActs) else EarlyActs(r.contract_id)
        contract.accept_act(
            act_id=r.act_id,
            amount=r.amount,
            at_us=r.at.us,
            at_offset=r.at.offset_minutes,
            seq=seq,
        )
        self._touch(contract)
        self._done()

    def record_registry_fact(
        self, r: RegistryRecord, occurrence: int = 0, source: str = "api"
    ) -> None:
        """A registry row, recorded with the batch's others as one `RegistryExtract`."""
        key = registry_key(r, occurrence)
        seq = self._next_seq("registry", key, r, r.at, source)
        self._record_fact(
            RegistryFact(
                seq=seq,
                animal_id=r.animal_id,
                species=r.species,
                registry_event=r.event,
                owner=r.owner if r.event in OWNING_EVENTS else None,
                at_us=r.at.us,
                at_offset=r.at.offset_minutes,
            )
        )
        self._done()

    # -- reads used by the commands ----------------------------------------------------

    def owner_of(self, animal_id: str, at: Instant) -> str | None:
        """The animal's registered owner at `at` (None: unregistered, disposed, exported)."""
        owner = None
        for fact_at, _, fact_owner in self._registry_history(animal_id):
            if fact_at > at.us:
                break
            owner = fact_owner
        return owner

    def holdings(self, program_id: str) -> dict[str, list[list[Any]]]:
        """The live FIFO queues of a program: holder -> pieces (allocation, start, end, ...)."""
        tagged = self._get(TaggedTenge.create_id(program_id))
        if not isinstance(tagged, TaggedTenge):
            return {}
        return {
            holder: [[*p[:4], list(p[4])] for p in queue] for holder, queue in tagged.queues.items()
        }

    def _participant(self, participant_id: str) -> Participant:
        p = self._get(Participant.create_id(participant_id))
        if not isinstance(p, Participant):
            raise UnknownRecordError(f"unknown participant {participant_id!r}")
        return p

    def _route(self, program: Program) -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
        """The program's hops and final roles, made once per program: a route never changes
        (amendments change the expiry and the idle limit only)."""
        route = self._routes.get(program.program_id)
        if route is None:
            route = self._routes[program.program_id] = (
                frozenset(program.hops),
                frozenset(program.final_roles),
            )
        return route

    def _program(self, program_id: str) -> Program:
        p = self._get(Program.create_id(program_id))
        if not isinstance(p, Program):
            raise UnknownRecordError(f"unknown program {program_id!r}")
        return p

    def _tagged(self, program_id: str, seq: int) -> TaggedTenge:
        tagged = self._get(TaggedTenge.create_id(program_id))
        if not isinstance(tagged, TaggedTenge):
            tagged = TaggedTenge(program_id=program_id, seq=seq)
            self._touch(tagged)
        return tagged

    def _new_document(self, document_id: str, program_id: str, parties: tuple[str, ...]) -> None:
        self._program(program_id)
        for party in parties:
            self._participant(party)
        if self._get(Document.create_id(document_id)) is not None:
            raise DuplicateRecordError(f"document {document_id!r} is already in the ledger")

    def _index_animal(self, animal: AnimalRecord, seq: int, source: str) -> None:
        self._index.append(
            (
                "purchase_animal",
                f"{animal.purchase_id}/{animal.animal_id}",
                digest(animal),
                seq,
                None,
                source,
            )
        )

    def _related(self, a: str, b: str) -> bool:
        pa = self._get(Participant.create_id(a))
        pb = self._get(Participant.create_id(b))
        return (isinstance(pa, Participant) and b in pa.related_to) or (
            isinstance(pb, Participant) and a in pb.related_to
        )

    def _document_facts(self, purpose_ref: str, at_us: int) -> DocumentFacts | None:
        doc = self._get(Document.create_id(purpose_ref))
        if not isinstance(doc, Document) or doc.at_us > at_us:
            return None
        tagged = self._get(TaggedTenge.create_id(doc.program_id))
        paid = tagged.paid_towards(doc.document_id) if isinstance(tagged, TaggedTenge) else 0
        owners: tuple[str | None, ...] = ()
        if isinstance(doc, Purchase):
            owners = tuple(self._current_owner(i) for i in doc.animal_ids())
        payable = doc.payable()
        if isinstance(doc, Contract):
            # Acts are counted wherever they were recorded: early (before the contract), on
            # the contract (ledgers written before pages), in the program's pages.
            early = self._get(EarlyActs.create_id(doc.document_id))
            accepted = doc.accepted + (early.accepted if isinstance(early, EarlyActs) else 0)
            if isinstance(tagged, TaggedTenge):
                accepted += tagged.accepted_towards(doc.document_id)
            payable = min(doc.value, accepted)
        return DocumentFacts(
            document_id=doc.document_id,
            kind=doc.kind,
            program_id=doc.program_id,
            payee=doc.payee,
            payer=doc.payer,
            party=doc.party,
            payable=payable,
            paid=paid,
            animal_owners=owners,
        )


def _positive(*amounts: int) -> None:
    """Amounts are whole tiyn above zero; checked before a command changes anything."""
    for amount in amounts:
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_TIYN:
            raise InvalidAmountError(amount)


def _outcome(role: str, program: Program) -> str:
    if role == "treasury":
        return RETURNED
    return SPENT if role in program.final_roles else HELD
