"""The money: allocations, and payments judged at their instant against the state after the
previous one (docs/architecture.md, "How a payment flows")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from coloring.domain.acts import EarlyActs
from coloring.domain.aggregates import Participant, Program, TaggedTenge
from coloring.domain.build import maker
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

# A payment's facts built without the frozen dataclasses' `__init__` (`domain.build`): 5 and
# 3 us of each payment's judging, which builds them once a payment (2026-12-07).
_payment_facts = maker(PaymentFacts)
_document_facts = maker(DocumentFacts)


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
        seq = self.store.next_seq("movement", r.allocation_id, r, r.at, source)
        tagged = self._tagged(r.program_id, seq)
        tagged.allocate(r, _outcome(recipient.role, program), seq)
        self._changed(tagged)

    def pay(self, r: TransferRecord, source: str = "api") -> PaymentResult:
        """Judge and apply (or refuse) one payment; returns what happened."""
        verdict = self._judged(r, source, _Run(self.mode() == Mode.ENFORCE))
        return PaymentResult(
            r.transfer_id,
            not verdict.refused,
            verdict.outcome,
            verdict.settles,
            [(str(rule), amount) for rule, amount in verdict.findings],
        )

    def pay_all(self, payments: Iterable[tuple[TransferRecord, str]]) -> int:
        """`pay` each payment (with its source) in turn; returns how many were applied. For the
        runs of a folder's payments between its other records: the ledger's mode and each
        program, its units and its route are looked up once a run, not once a payment."""
        run = _Run(self.mode() == Mode.ENFORCE)
        return sum(not self._judged(r, source, run).refused for r, source in payments)

    def _judged(self, r: TransferRecord, source: str, run: _Run) -> Verdict:
        """Judge and apply (or refuse) one payment; `run`: what payments before it in the same
        run looked up (nothing changes a program, its units or its route within a run but
        the payments themselves, on the very objects kept)."""
        require_positive(r.amount)
        program_id = r.program_id
        known = run.programs.get(program_id)
        program = self._program(program_id) if known is None else known[0]
        payer = self._participant(r.payer)
        payee = self._participant(r.payee)
        seq = self.store.next_seq("movement", r.transfer_id, r, r.at, source)
        if known is None:
            known = run.programs[program_id] = (
                program,
                self._tagged(program_id, seq),
                *self._route(program),
            )
        _, tagged, hops, final = known
        held = tagged.held(r.payer)
        before = 0
        # The pieces the payment would move: judged (a round trip) and then moved.
        peeked = tagged.peek(r.payer, r.amount) if r.amount <= held else None
        if peeked is not None and payee.role != "treasury":
            before = held_by_before(peeked, r.payee)
        at_us = r.at.us
        verdict: Verdict = judge_payment(
            _payment_facts(
                program_id=program_id,
                payer=r.payer,
                payee=r.payee,
                payer_role=payer.role,
                payee_role=payee.role,
                amount=r.amount,
                at_us=at_us,
                purpose_ref=r.purpose_ref,
                held=held,
                hops=hops,
                final_roles=final,
                expires_at_us=program.expires_at_us,
                document=self._document(r.purpose_ref, at_us, tagged) if r.purpose_ref else None,
                related=partial(self._related, (payer, payee)),
                units_held_before_by_payee=before,
                enforce=run.enforce,
            )
        )
        findings = [PaymentFinding(str(rule), amount) for rule, amount in verdict.findings]
        if verdict.refused:
            tagged.refuse(r, findings, seq)
        else:
            tagged.transfer(r, verdict.settles, verdict.outcome, findings, seq, peeked)
        self._changed(tagged)
        return verdict

    def holdings(self, program_id: str) -> dict[str, list[PieceRow]]:
        """The live FIFO queues of a program: holder -> pieces (allocation, start, end, ...)."""
        tagged = self.store.get(TaggedTenge.create_id(program_id))
        if not isinstance(tagged, TaggedTenge):
            return {}
        return {holder: [p.row() for p in queue] for holder, queue in tagged.queues.items()}

    def _related(self, known: tuple[Participant, ...], a: str, b: str) -> bool:
        """Whether `a` or `b` names the other as related. `known` (the payment's payer and
        payee, which most questions name) are not looked up in the store again."""
        pa, pb = self._known(known, a), self._known(known, b)
        return (pa is not None and b in pa.related_to) or (pb is not None and a in pb.related_to)

    def _known(self, known: tuple[Participant, ...], participant_id: str) -> Participant | None:
        for p in known:
            if p.participant_id == participant_id:
                return p
        found = self.store.get(Participant.create_id(participant_id))
        return found if isinstance(found, Participant) else None

    def _document(self, purpose_ref: str, at_us: int, tagged: TaggedTenge) -> DocumentFacts | None:
        """The document a payment names, as the payment sees it; `tagged`: the payment's
        program's units (most documents are of the payment's program)."""
        doc = self.store.get(Document.create_id(purpose_ref))
        if not isinstance(doc, Document) or doc.at_us > at_us:
            return None
        units: object = tagged
        if doc.program_id != tagged.program_id:
            units = self.store.get(TaggedTenge.create_id(doc.program_id))
        paid = units.paid_towards(doc.document_id) if isinstance(units, TaggedTenge) else 0
        owners: tuple[str | None, ...] = ()
        if isinstance(doc, Purchase):
            owners = tuple(self.store.current_owner(i) for i in doc.animal_ids())
        payable = doc.payable()
        if isinstance(doc, Contract):
            # Acts are counted wherever they were recorded: early (before the contract), on
            # the contract (ledgers written before pages), in the program's pages.
            early = self.store.get(EarlyActs.create_id(doc.document_id))
            accepted = doc.accepted + (early.accepted if isinstance(early, EarlyActs) else 0)
            if isinstance(units, TaggedTenge):
                accepted += units.accepted_towards(doc.document_id)
            payable = min(doc.value, accepted)
        return _document_facts(
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


class _Run:
    """What payments judged in one run share: the ledger's mode, and each program met with its
    units and route."""

    __slots__ = ("enforce", "programs")

    def __init__(self, enforce: bool) -> None:
        self.enforce = enforce
        self.programs: dict[
            str, tuple[Program, TaggedTenge, frozenset[tuple[str, str]], frozenset[str]]
        ] = {}


def _outcome(role: str, program: Program) -> str:
    if role == "treasury":
        return RETURNED
    return SPENT if role in program.final_roles else HELD
