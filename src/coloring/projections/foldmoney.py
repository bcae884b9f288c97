"""The money half of the fold: allocations, payments, refusals and accepted acts buffered as
row changes, from a page's typed movements or the per-record events of older ledgers (same
fields, same handlers). `Fold` (`coloring.projections.fold`) adds the reference data and the
documents; `handlers` is the dispatch by event class both register their handlers with."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import singledispatch

from coloring.domain.acts import EarlyActs
from coloring.domain.documents import Contract
from coloring.domain.movements import (
    Accepted,
    Allocated,
    Movement,
    Refused,
    Transferred,
    movements,
)
from coloring.domain.tagged import TaggedTenge
from coloring.domain.time import DAY_US
from coloring.projections.db import PendingRow, SqlValue

Act = Accepted | Contract.ActAccepted | EarlyActs.ActAccepted
"""An act of a page and the per-record events of older ledgers have the same fields (the
per-record money events of older ledgers are folded as the movements they give, `movement()`)."""

IDLE_LIMIT_CAP_US = 2**62
"""An idle limit past every instant (years 1 to 9999 span under 2**59 us) means never idle;
capped so that arrival + limit stays a 64-bit integer in the database."""


_LEFT_AS = {"spent": 3, "returned": 4}
"""The `rm_allocations` column (by position) that a payment's outcome moves its units to."""


def _not_needed(fold: MoneyFold, event: object, n: int) -> None:
    """An event no read model needs (an aggregate's creation, a price list opened): skipped."""


handlers = singledispatch(_not_needed)
"""The fold's handler of each event class, `handlers.dispatch(type(event))`, called as
`(fold, event, n)`. Each handler registers itself (`@handlers.register`) by the class its
event is typed with, as the library's projections register theirs with `singledispatchmethod`;
`Fold.apply` goes to the dispatcher's cache directly, because `singledispatchmethod` builds a
bound method at every call (1.8 against 0.25 us an event)."""


class MoneyFold:
    """The buffers of one page of read-model changes, and the handlers of money movements."""

    idle_days: dict[str, int]
    """Each program's idle limit for deliveries from now on (reference data, see `Fold`)."""

    def _reset(self) -> None:
        # Rows for the database, per table (each table its columns).
        self.rows: dict[str, list[Sequence[SqlValue]]] = defaultdict(list)
        self.steps: list[tuple[str, str, int, int, int]] = []
        # (allocation, column: 3 spent or 4 returned, units) of payments out of the queues.
        self.allocation_moves: list[tuple[str, int, int]] = []
        self.allocations: dict[str, list[str | int]] = {}
        self.departures: list[tuple[int, str, int]] = []
        # This page's delivery rows, still in memory: what the page adds to them goes into the
        # row before it is inserted, not into an UPDATE after it.
        self.page_deliveries: dict[str, PendingRow] = {}
        self.animals: set[str] = set()
        self.rejudged_purchases: set[str] = set()
        self.assets: set[str] = set()
        self.items: set[str] = set()
        self.latest_us: int | None = None
        self.mode: str | None = None

    def _dated(self, at_us: int) -> None:
        if self.latest_us is None or at_us > self.latest_us:
            self.latest_us = at_us

    def _deliver(
        self,
        program_id: str,
        delivery_id: str,
        holder: str,
        amount: int,
        at_us: int,
        at_offset: int,
        seq: int,
    ) -> None:
        self.steps.append((program_id, holder, at_us, seq, amount))
        limit = min(self.idle_days[program_id] * DAY_US, IDLE_LIMIT_CAP_US)
        # The `rm_deliveries` row, kept so the page can complete it.
        row: PendingRow = [delivery_id, program_id, holder, amount, at_us, at_offset, limit, 0]
        self.page_deliveries[delivery_id] = row
        self.rows["deliveries"].append(row)

    def on_units_allocated(self, e: Allocated, n: int) -> None:
        self._dated(e.at_us)
        program_id = e.program_id
        self.rows["movements"].append(
            (
                e.allocation_id,
                "allocation",
                program_id,
                e.payer,
                e.recipient,
                e.amount,
                e.at_us,
                e.at_offset,
                "applied",
                e.outcome,
                None,
                None,
                e.seq,
                n,
            )
        )
        held = e.amount if e.outcome == "held" else 0
        self.allocations[e.allocation_id] = [
            program_id,
            e.amount,
            held,
            e.amount if e.outcome == "spent" else 0,
            e.amount if e.outcome == "returned" else 0,
        ]
        if e.outcome == "held":
            self._deliver(
                program_id, e.allocation_id, e.recipient, e.amount, e.at_us, e.at_offset, e.seq
            )
        self.rows["unit_moves"].append(
            (
                e.allocation_id,
                0,
                e.amount,
                e.seq,
                e.at_us,
                e.at_offset,
                e.recipient,
                e.allocation_id,
                e.outcome,
            )
        )

    @handlers.register
    def on_payments_recorded(self, e: TaggedTenge.PaymentsRecorded, n: int) -> None:
        self._movements(enumerate(movements(e.program_id, e.entries)), n)

    @handlers.register
    def on_per_record_movement(
        self,
        e: TaggedTenge.UnitsAllocated | TaggedTenge.UnitsTransferred | TaggedTenge.TransferRefused,
        n: int,
    ) -> None:
        """A movement an older ledger recorded as an event of its own (no page, no entry)."""
        self._movements([(None, e.movement())], n)

    def _movements(self, entries: Iterable[tuple[int | None, Movement]], n: int) -> None:
        for i, m in entries:
            if isinstance(m, Transferred):
                self.on_units_transferred(m, n, i)
            elif isinstance(m, Refused):
                self.on_transfer_refused(m, n, i)
            elif isinstance(m, Accepted):
                self.on_act_accepted(m)
            else:
                self.on_units_allocated(m, n)

    def _payment(
        self,
        e: Transferred | Refused,
        n: int,
        status: str,
        outcome: str | None,
        settles: str | None,
        entry: int | None,
    ) -> None:
        """The movement row and the findings recorded on a payment's event."""
        # The fields both kinds begin with, unpacked once: a named tuple's field read by name
        # is a generic attribute look-up, and a page's payments are most of a fold's Python.
        program_id, seq, transfer_id, payer, payee, amount, at_us, at_offset, ref = e[:9]
        self._dated(at_us)
        self.rows["movements"].append(
            (
                transfer_id,
                "transfer",
                program_id,
                payer,
                payee,
                amount,
                at_us,
                at_offset,
                status,
                outcome,
                ref,
                settles,
                seq,
                n,
            )
        )
        if e.findings:
            self._payment_findings(
                e, program_id, "open" if status == "applied" else "refused", n, entry
            )

    def on_units_transferred(self, e: Transferred, n: int, entry: int | None = None) -> None:
        self._payment(e, n, "applied", e.outcome, e.settles, entry)
        program_id, seq, transfer_id, payer, payee, amount, at_us, at_offset = e[:8]
        outcome, pieces = e.outcome, e.pieces
        self.steps.append((program_id, payer, at_us, seq, -amount))
        if outcome == "held":
            self._deliver(program_id, transfer_id, payee, amount, at_us, at_offset, seq)
        # Units out of their allocation's queue, summed per allocation by `write_page`.
        column = _LEFT_AS.get(outcome)
        unit_moves, deliveries = self.rows["unit_moves"], self.page_deliveries
        # What every piece's row ends with: the pieces of a payment moved together.
        moved = (seq, at_us, at_offset, payee, transfer_id, outcome)
        for alloc, start, end, delivered_by in pieces:
            units = end - start
            if column is not None:
                self.allocation_moves.append((alloc, column, units))
            # The units left the delivery that brought them: they count towards its passing
            # on if they left within its idle limit (a delivery of an earlier page: its row is
            # updated by `write_page`).
            delivery = deliveries.get(delivered_by)
            if delivery is None:
                self.departures.append((units, delivered_by, at_us))
            elif at_us <= delivery[4] + delivery[6]:
                delivery[7] += units
            unit_moves.append((alloc, start, end, *moved))

    def on_transfer_refused(self, e: Refused, n: int, entry: int | None = None) -> None:
        self._payment(e, n, "refused", None, None, entry)

    def _payment_findings(
        self, e: Transferred | Refused, program_id: str, status: str, n: int, entry: int | None
    ) -> None:
        # The payment's address in the log: its event, and its entry when that is a page.
        address: dict[str, str | int] = {"transfer": e.transfer_id, "notification": n}
        if entry is not None:
            address["entry"] = entry
        evidence = json.dumps({**address, "purpose_ref": e.purpose_ref}, sort_keys=True)
        # The verdict on the event is final, settlement rules included: the payment was judged
        # against every record before it. Only animals added later to a purchase change what
        # came before; on_animals_added has those purchases re-judged.
        for rule, amount in e.findings:
            self.rows["findings"].append(
                (
                    rule,
                    e.transfer_id,
                    program_id,
                    amount,
                    e.at_us,
                    e.at_offset,
                    status,
                    e.at_us,
                    e.payer,
                    e.payee,
                    evidence,
                )
            )

    @handlers.register
    def on_act_recorded(self, e: Contract.ActAccepted | EarlyActs.ActAccepted, n: int) -> None:
        self.on_act_accepted(e)

    def on_act_accepted(self, e: Act) -> None:
        self._dated(e.at_us)
        self.rows["acts"].append((e.act_id, e.contract_id, e.amount, e.at_us, e.at_offset, e.seq))
