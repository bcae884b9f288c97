"""The money: allocations, and payments judged at their instant against the state after the
previous one (docs/architecture.md, "How a payment flows")."""

from __future__ import annotations

from dataclasses import dataclass

from coloring.domain.acts import EarlyActs
from coloring.domain.aggregates import Participant, Program, TaggedTenge
from coloring.domain.documents import Contract, Document, Purchase
from coloring.domain.movements import PaymentFinding
from coloring.domain.records import AllocationRecord, Mode, TransferRecord
from coloring.domain.rules import (
    HELD,
    RETURNED,
    SPENT,
    DocumentFacts,
    PaymentFacts,
    Verdict,
    judge_payment,
)
from coloring.domain.units import PieceRow, held_by_before
from coloring.usecases.base import UseCase, require_positive


@dataclass(frozen=True)
class PaymentResult:
    transfer_id: str
    applied: bool
    outcome: str
    settles: str | None
    findings: list[tuple[str, int]]


class Money(UseCase):
    """Allocations and payments, applied to the program's `TaggedTenge`."""

    def allocate(self, r: AllocationRecord, source: str = "api") -> None:
        require_positive(r.amount)
        program = self._program(r.program_id)
        recipient = self._participant(r.recipient)
        self._participant(r.payer)
        seq = self.store._next_seq("movement", r.allocation_id, r, r.at, source)
        tagged = self._tagged(r.program_id, seq)
        tagged.allocate(r, _outcome(recipient.role, program), seq)
        self._changed(tagged)

    def pay(self, r: TransferRecord, source: str = "api") -> PaymentResult:
        """Judge and apply (or refuse) one payment; returns what happened."""
        require_positive(r.amount)
        program = self._program(r.program_id)
        payer = self._participant(r.payer)
        payee = self._participant(r.payee)
        seq = self.store._next_seq("movement", r.transfer_id, r, r.at, source)
        tagged = self._tagged(r.program_id, seq)
        hops, final = self._route(program)
        held = tagged.held(r.payer)
        before = 0
        # The pieces the payment would move: judged (a round trip) and then moved.
        peeked = tagged.peek(r.payer, r.amount) if r.amount <= held else None
        if peeked is not None and payee.role != "treasury":
            before = held_by_before(peeked, r.payee)
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
        findings = [PaymentFinding(str(rule), amount) for rule, amount in verdict.findings]
        if verdict.refused:
            tagged.refuse(r, findings, seq)
        else:
            tagged.transfer(r, verdict.settles, verdict.outcome, findings, seq, peeked)
        self._changed(tagged)
        return PaymentResult(
            r.transfer_id,
            not verdict.refused,
            verdict.outcome,
            verdict.settles,
            [(str(rule), amount) for rule, amount in verdict.findings],
        )

    def holdings(self, program_id: str) -> dict[str, list[PieceRow]]:
        """The live FIFO queues of a program: holder -> pieces (allocation, start, end, ...)."""
        tagged = self.store.get(TaggedTenge.create_id(program_id))
        if not isinstance(tagged, TaggedTenge):
            return {}
        return {holder: [p.row() for p in queue] for holder, queue in tagged.queues.items()}

    def _related(self, a: str, b: str) -> bool:
        pa = self.store.get(Participant.create_id(a))
        pb = self.store.get(Participant.create_id(b))
        return (isinstance(pa, Participant) and b in pa.related_to) or (
            isinstance(pb, Participant) and a in pb.related_to
        )

    def _document_facts(self, purpose_ref: str, at_us: int) -> DocumentFacts | None:
        doc = self.store.get(Document.create_id(purpose_ref))
        if not isinstance(doc, Document) or doc.at_us > at_us:
            return None
        tagged = self.store.get(TaggedTenge.create_id(doc.program_id))
        paid = tagged.paid_towards(doc.document_id) if isinstance(tagged, TaggedTenge) else 0
        owners: tuple[str | None, ...] = ()
        if isinstance(doc, Purchase):
            owners = tuple(self.store._current_owner(i) for i in doc.animal_ids())
        payable = doc.payable()
        if isinstance(doc, Contract):
            # Acts are counted wherever they were recorded: early (before the contract), on
            # the contract (ledgers written before pages), in the program's pages.
            early = self.store.get(EarlyActs.create_id(doc.document_id))
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


def _outcome(role: str, program: Program) -> str:
    if role == "treasury":
        return RETURNED
    return SPENT if role in program.final_roles else HELD
