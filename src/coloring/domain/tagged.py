"""The tagged units of one program: the ledger's money and its consistency boundary.

One `TaggedTenge` per program holds every FIFO queue of that colour, so a payment is a change of
one aggregate and the balance check, the unit move and the settlement count of a document are
atomic (docs/architecture.md). A batch's movements are recorded as one page event.
"""

from __future__ import annotations

from collections import deque
from typing import cast

from eventsourcing.domain import Aggregate, event

from coloring.domain.errors import InvalidAmountError
from coloring.domain.ids import natural_key
from coloring.domain.movements import (
    Accepted,
    Allocated,
    JsonEntry,
    M,
    MovedPiece,
    Movement,
    PaymentFinding,
    Refused,
    Transferred,
    as_movement,
    movements,
)
from coloring.domain.perrecord import PerRecordEvent
from coloring.domain.records import AllocationRecord, TransferRecord
from coloring.domain.topics import TopicAggregate
from coloring.domain.units import Piece, Queue, peek_prefix, take_prefix


class _PerRecordEvent(PerRecordEvent[M]):
    """One movement as a ledger written before pages recorded it (see `TaggedTenge`'s note on
    the per-record events); the base of those events, with no topic of its own. Each subclass
    names its movement (`_PerRecordEvent[Allocated]`) and has that movement's fields, by name
    (`coloring.domain.perrecord`); `movement()` reads it as the page's entry would be read."""

    program_id: str

    def movement(self) -> M:
        return as_movement(cast("type[M]", self._row), self)

    def apply(self, aggregate: TaggedTenge) -> None:
        aggregate._apply(self.movement())


class TaggedTenge(TopicAggregate):
    """Every unit of one program: per holder a FIFO queue of pieces, per document what it was paid.

    Units reaching a final role are spent and units paid to a treasury are returned: both leave
    the queues. For each allocation `amount = held + spent + returned` at every version.
    """

    TOPIC = "coloring.TaggedTenge"

    class Opened(Aggregate.Created):
        program_id: str
        seq: int

    class PaymentsRecorded(Aggregate.Event):
        """A page of this program's money movements, as they were applied: allocations,
        payments and refusals of one batch, each an entry (see `coloring.domain.movements`).
        On replay the entries are applied in order; the live aggregate applied each one while
        it was judged (judging a payment needs the state after the previous one)."""

        program_id: str
        entries: list[JsonEntry]  # `movements` reads them as typed movements

        def apply(self, aggregate: TaggedTenge) -> None:
            aggregate._replay_page(self.entries)

    # The per-record events of ledgers written before pages: still replayed, never recorded.
    # Their pieces and findings are JSON arrays as stored (`[allocation, start, end,
    # delivered_by]`, `[rule, amount]`); `movement()` gives the typed movement that the fold
    # reads and that a replay applies as a page's entry would be applied.

    class UnitsAllocated(_PerRecordEvent[Allocated]):
        """An allocation."""

    class UnitsTransferred(_PerRecordEvent[Transferred]):
        """A payment applied."""

    class TransferRefused(_PerRecordEvent[Refused]):
        """A payment refused: nothing moves on replay (`_apply` passes a refusal by), it is
        history, not state."""

    create_id = natural_key("tagged-tenge", "program_id")

    @event(Opened)
    def __init__(self, program_id: str, seq: int) -> None:
        self.program_id = program_id
        self.queues: dict[str, Queue] = {}
        # Kept beside the queues so that a balance check does not walk a long queue.
        self.balances: dict[str, int] = {}
        self.settled: dict[str, int] = {}

    # -- queries -------------------------------------------------------------------------

    def held(self, holder: str) -> int:
        return self.balances.get(holder, 0)

    def peek(self, holder: str, amount: int) -> list[Piece]:
        return peek_prefix(self.queues.get(holder, deque()), amount)

    def paid_towards(self, document_id: str) -> int:
        return self.settled.get(document_id, 0)

    def accepted_towards(self, contract_id: str) -> int:
        """Acts accepted under the contract and recorded in this program's pages."""
        return int(self.__dict__.get("accepted", {}).get(contract_id, 0))

    # -- commands --------------------------------------------------------------------------

    def allocate(self, r: AllocationRecord, outcome: str, seq: int) -> None:
        """Issue the allocation's units to its recipient, as a payment would deliver them."""
        if not isinstance(r.amount, int) or r.amount <= 0:
            raise InvalidAmountError(r.amount)
        self._apply_live(
            Allocated(
                self.program_id,
                seq,
                r.allocation_id,
                r.payer,
                r.recipient,
                r.amount,
                r.at.us,
                r.at.offset_minutes,
                outcome,
            )
        )

    def transfer(
        self,
        r: TransferRecord,
        settles: str | None,
        outcome: str,
        findings: list[PaymentFinding],
        seq: int,
        peeked: list[Piece] | None = None,
    ) -> list[MovedPiece]:
        """Apply a payment the application has judged; returns the pieces moved. `peeked`: what
        `peek(r.payer, r.amount)` gave the judging, if it asked (nothing changed since)."""
        if not isinstance(r.amount, int) or r.amount <= 0:
            raise InvalidAmountError(r.amount)
        if r.amount > self.held(r.payer):
            raise InsufficientUnitsError(r.payer, self.program_id, r.amount, self.held(r.payer))
        if peeked is None:
            peeked = self.peek(r.payer, r.amount)
        pieces = [MovedPiece(p.allocation_id, p.start, p.end, p.delivered_by) for p in peeked]
        self._apply_live(Transferred(*self._payment(r, seq), settles, outcome, pieces, findings))
        return pieces

    def refuse(self, r: TransferRecord, findings: list[PaymentFinding], seq: int) -> None:
        self._apply_live(Refused(*self._payment(r, seq), findings))

    def accept_act(
        self, act_id: str, contract_id: str, amount: int, at_us: int, at_offset: int, seq: int
    ) -> None:
        """An act under a contract of this program: what the contract may be paid grows."""
        if not isinstance(amount, int) or amount <= 0:
            raise InvalidAmountError(amount)
        self._apply_live(
            Accepted(self.program_id, seq, act_id, contract_id, amount, at_us, at_offset)
        )

    def _payment(
        self, r: TransferRecord, seq: int
    ) -> tuple[str, int, str, str, str, int, int, int, str | None]:
        """The first nine fields of a payment's movement, applied (`Transferred`) or refused."""
        return (
            self.program_id,
            seq,
            r.transfer_id,
            r.payer,
            r.payee,
            r.amount,
            r.at.us,
            r.at.offset_minutes,
            r.purpose_ref,
        )

    def record_page(self) -> list[Movement]:
        """Record the movements applied since the last page as one `PaymentsRecorded` event;
        returns them (empty: nothing to record)."""
        page: list[Movement] = self.__dict__.pop("_page", [])
        if page:
            entries = [m.to_entry() for m in page]
            # The entries are already applied: the event's mutator recognises this very list.
            self._sealing = entries
            try:
                self.trigger_event(
                    self.PaymentsRecorded, program_id=self.program_id, entries=entries
                )
            finally:
                del self._sealing
        return page

    # -- state changes, shared by the live path and every replay ---------------------------

    def _apply_live(self, m: Movement) -> None:
        self._apply(m)
        self.__dict__.setdefault("_page", []).append(m)

    def _replay_page(self, entries: list[JsonEntry]) -> None:
        if self.__dict__.get("_sealing") is entries:
            return
        for m in movements(self.program_id, entries):
            self._apply(m)

    def _apply(self, m: Movement) -> None:
        if isinstance(m, Allocated):
            self._issue(m.allocation_id, m.recipient, m.amount, m.outcome)
        elif isinstance(m, Transferred):
            self._move(m.transfer_id, m.payer, m.payee, m.amount, m.outcome, m.settles)
        elif isinstance(m, Accepted):
            # Not set by __init__: snapshots taken before acts were pages do not have it.
            accepted = self.__dict__.setdefault("accepted", {})
            accepted[m.contract_id] = accepted.get(m.contract_id, 0) + m.amount

    def _issue(self, allocation_id: str, recipient: str, amount: int, outcome: str) -> None:
        if outcome == "held":
            self.queues.setdefault(recipient, deque()).append(
                Piece(allocation_id, 0, amount, allocation_id, ())
            )
            self.balances[recipient] = self.balances.get(recipient, 0) + amount

    def _move(
        self,
        transfer_id: str,
        payer: str,
        payee: str,
        amount: int,
        outcome: str,
        settles: str | None,
    ) -> None:
        taken = take_prefix(self.queues[payer], amount)
        if not self.queues[payer]:
            del self.queues[payer]
            del self.balances[payer]
        else:
            self.balances[payer] -= amount
        if outcome == "held":
            self.balances[payee] = self.balances.get(payee, 0) + amount
            queue = self.queues.setdefault(payee, deque())
            for piece in taken:
                piece.delivered_by = transfer_id
                piece.previous = (*piece.previous, payer)
                queue.append(piece)
        if settles is not None:
            self.settled[settles] = self.settled.get(settles, 0) + amount


class InsufficientUnitsError(InvalidAmountError):
    def __init__(self, payer: str, program_id: str, amount: int, held: int) -> None:
        Exception.__init__(self, f"{payer} holds {held} tiyn of {program_id}, cannot pay {amount}")
