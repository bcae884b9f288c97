"""The fold from events to read models: one page of events in, one batch of SQL out.

`Fold.apply` dispatches each event by its class to a handler typed by that class, which only
buffers row changes; `Fold.write` sends the page's changes to the database
(`coloring.projections.pagewrite`), inside the runner's transaction. Handlers never read
aggregates: everything comes from the events themselves. A page event's entries and registry
rows are folded through the typed movements and facts of the domain, the same handlers as the
per-record events of older ledgers.
"""

from __future__ import annotations

import json
from collections import defaultdict
from fractions import Fraction
from typing import Any

from coloring.domain.acts import EarlyActs
from coloring.domain.aggregates import Ledger, Participant, Program, final_roles
from coloring.domain.documents import Animal, Contract, Loan, PriceList, Purchase, Subsidy
from coloring.domain.movements import Accepted, Allocated, Refused, Transferred, movements
from coloring.domain.registry import RegistryExtract, RegistryFact, facts
from coloring.domain.tagged import TaggedTenge
from coloring.domain.time import DAY_US
from coloring.projections.db import Cursor
from coloring.projections.docrules import (
    PriceBook,
    Terms,
)
from coloring.projections.pagewrite import write_page

Allocation = Allocated | TaggedTenge.UnitsAllocated
Payment = Transferred | TaggedTenge.UnitsTransferred
Refusal = Refused | TaggedTenge.TransferRefused
Act = Accepted | Contract.ActAccepted | EarlyActs.ActAccepted
Fact = RegistryFact | Animal.FactRecorded
DocumentEvent = Loan.Issued | Purchase.Contracted | Subsidy.Approved | Contract.Signed
"""A movement of a page and the per-record event of older ledgers have the same fields."""

IDLE_LIMIT_CAP_US = 2**62
"""An idle limit past every instant (years 1 to 9999 span under 2**59 us) means never idle;
capped so that arrival + limit stays a 64-bit integer in the database."""


class Fold:
    """Buffers one page of read-model changes. Reference data (programs, regions, prices) is
    small and kept in memory, loaded from the read models when the fold starts."""

    def __init__(self, c: Cursor) -> None:
        self.terms: dict[str, Terms] = {}
        self.idle_days: dict[str, int] = {}
        self.regions: dict[str, str | None] = {}
        self.book: PriceBook = defaultdict(list)
        for pid, retention, cap, tol, idle in c.query(
            "SELECT program_id, retention_days, subsidy_cap_percent, price_tolerance_percent, "
            "max_idle_days FROM rm_programs"
        ):
            self._remember_program(pid, retention, cap, tol, idle)
        for pid, idle in c.query(
            "SELECT program_id, max_idle_days FROM rm_program_amendments ORDER BY seq"
        ):
            self.idle_days[pid] = idle
        for pid, region in c.query("SELECT participant_id, region FROM rm_participants"):
            self.regions[pid] = region
        for item, region, valid_from, seq, price in c.query(
            "SELECT item, region, valid_from_us, seq, price FROM rm_prices"
        ):
            self.book[item].append((region, valid_from, seq, price))
        self._reset()

    def _remember_program(
        self, pid: str, retention: int | None, cap: str | None, tol: str, idle: int
    ) -> None:
        self.terms[pid] = Terms(retention, None if cap is None else Fraction(cap), Fraction(tol))
        self.idle_days[pid] = idle

    def _reset(self) -> None:
        self.rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.steps: list[tuple[str, str, int, int, int]] = []
        self.allocations: dict[str, list[str | int]] = {}
        self.paid: dict[str, int] = defaultdict(int)
        self.accepted: dict[str, int] = defaultdict(int)
        self.departures: list[tuple[int, str, int]] = []
        self.animals: set[str] = set()
        self.rejudged_purchases: set[str] = set()
        self.signed: set[str] = set()
        self.assets: set[str] = set()
        self.items: set[str] = set()
        self.latest_us: int | None = None
        self.mode: str | None = None

    def _dated(self, at_us: int) -> None:
        if self.latest_us is None or at_us > self.latest_us:
            self.latest_us = at_us

    # -- routing -----------------------------------------------------------------------

    def apply(self, topic: str, event: object, n: int) -> None:
        """Fold one event (`topic` as recorded, notification id `n`), dispatched on its class;
        events no read model needs (an aggregate's creation, a price list opened) are skipped.
        Page events come first: they are most of a log."""
        match event:
            case TaggedTenge.PaymentsRecorded():
                self.on_payments_recorded(event, n)
            case RegistryExtract.Recorded():
                self.on_registry_extract(event, n)
            case Purchase.Contracted():
                self.on_purchase_contracted(event, n)
            case Purchase.AnimalsAdded():
                self.on_animals_added(event, n)
            case Subsidy.Approved():
                self.on_subsidy_approved(event, n)
            case Contract.Signed():
                self.on_contract_signed(event, n)
            case Loan.Issued():
                self.on_loan_issued(event, n)
            case Contract.ActAccepted() | EarlyActs.ActAccepted():
                self.on_act_accepted(event)
            case Participant.Registered():
                self.on_participant_registered(event)
            case Program.Registered():
                self.on_program_registered(event)
            case Program.TermsAmended():
                self.on_terms_amended(event)
            case PriceList.PriceQuoted():
                self.on_price_quoted(event)
            case Ledger.Opened():
                self.mode = event.mode
            case TaggedTenge.UnitsAllocated():
                self.on_units_allocated(event, n)
            case TaggedTenge.UnitsTransferred():
                self.on_units_transferred(event, n)
            case TaggedTenge.TransferRefused():
                self.on_transfer_refused(event, n)
            case Animal.FactRecorded():
                self.on_fact_recorded(event)

    def on_participant_registered(self, e: Participant.Registered) -> None:
        self.regions[e.participant_id] = e.region
        self.rows["participants"].append(
            (e.participant_id, e.name, e.role, e.region, ";".join(e.related_to))
        )

    def on_program_registered(self, e: Program.Registered) -> None:
        finals = sorted(final_roles(e.route))
        self._remember_program(
            e.program_id,
            e.retention_days,
            e.subsidy_cap_percent,
            e.price_tolerance_percent,
            e.max_idle_days,
        )
        self.rows["programs"].append(
            (
                e.program_id,
                e.name,
                e.kind,
                " ".join(f"{a}>{b}" for a, b in e.route),
                " ".join(finals),
                e.expires_at_us,
                e.expires_at_offset,
                e.max_idle_days,
                e.subsidy_cap_percent,
                e.retention_days,
                e.price_tolerance_percent,
            )
        )

    def on_terms_amended(self, e: Program.TermsAmended) -> None:
        # Deliveries from now on get the new limit; earlier ones keep the one they arrived under.
        self.idle_days[e.program_id] = e.max_idle_days
        self.rows["amendments"].append(
            (
                e.program_id,
                e.seq,
                e.at_us,
                e.at_offset,
                e.expires_at_us,
                e.expires_at_offset,
                e.max_idle_days,
                e.reason,
            )
        )

    def on_price_quoted(self, e: PriceList.PriceQuoted) -> None:
        self.book[e.item].append((e.region, e.valid_from_us, e.seq, e.price))
        self.items.add(e.item)
        self.rows["prices"].append((e.item, e.region, e.valid_from_us, e.seq, e.price))

    # -- money -------------------------------------------------------------------------

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
        self.rows["deliveries"].append(
            (delivery_id, program_id, holder, amount, at_us, at_offset, limit, 0)
        )

    def on_units_allocated(self, e: Allocation, n: int) -> None:
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

    def on_payments_recorded(self, e: TaggedTenge.PaymentsRecorded, n: int) -> None:
        for i, m in enumerate(movements(e.program_id, e.entries)):
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
        e: Payment | Refusal,
        n: int,
        status: str,
        outcome: str | None,
        settles: str | None,
        entry: int | None,
    ) -> None:
        """The movement row and the findings recorded on a payment's event."""
        self._dated(e.at_us)
        self.rows["movements"].append(
            (
                e.transfer_id,
                "transfer",
                e.program_id,
                e.payer,
                e.payee,
                e.amount,
                e.at_us,
                e.at_offset,
                status,
                outcome,
                e.purpose_ref,
                settles,
                e.seq,
                n,
            )
        )
        self._payment_findings(
            e, e.program_id, "open" if status == "applied" else "refused", n, entry
        )

    def on_units_transferred(self, e: Payment, n: int, entry: int | None = None) -> None:
        self._payment(e, n, "applied", e.outcome, e.settles, entry)
        program_id = e.program_id
        self.steps.append((program_id, e.payer, e.at_us, e.seq, -e.amount))
        if e.outcome == "held":
            self._deliver(program_id, e.transfer_id, e.payee, e.amount, e.at_us, e.at_offset, e.seq)
        elif e.outcome in ("spent", "returned"):
            column = 3 if e.outcome == "spent" else 4
            per_allocation: dict[str, int] = defaultdict(int)
            for alloc, start, end, _ in e.pieces:
                per_allocation[alloc] += end - start
            for alloc, units in per_allocation.items():
                self.rows["allocation_moves"].append((alloc, column, units))
        for alloc, start, end, delivered_by in e.pieces:
            self.departures.append((end - start, delivered_by, e.at_us))
            self.rows["unit_moves"].append(
                (alloc, start, end, e.seq, e.at_us, e.at_offset, e.payee, e.transfer_id, e.outcome)
            )
        if e.settles is not None:
            self.paid[e.settles] += e.amount

    def on_transfer_refused(self, e: Refusal, n: int, entry: int | None = None) -> None:
        self._payment(e, n, "refused", None, None, entry)

    def _payment_findings(
        self, e: Payment | Refusal, program_id: str, status: str, n: int, entry: int | None
    ) -> None:
        if not e.findings:
            return
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

    # -- documents and registry ----------------------------------------------------------

    def _document(
        self,
        e: DocumentEvent,
        kind: str,
        payer: str | None,
        payee: str,
        party: str | None,
        value: int,
        accepted: int | None,
        parent: str | None = None,
    ) -> None:
        self._dated(e.at_us)
        self.rows["documents"].append(
            (
                e.document_id,
                kind,
                e.program_id,
                payer,
                payee,
                party,
                e.at_us,
                e.at_offset,
                value,
                accepted,
                0,
                parent,
                e.seq,
            )
        )

    def on_loan_issued(self, e: Loan.Issued, n: int) -> None:
        self._document(e, "loan", e.lender, e.borrower, None, e.amount, None)

    def on_purchase_contracted(self, e: Purchase.Contracted, n: int) -> None:
        self._document(
            e, "purchase", e.buyer, e.seller, e.buyer, sum(int(a[2]) for a in e.animals), None
        )
        self._animals(e.document_id, e)

    def on_animals_added(self, e: Purchase.AnimalsAdded, n: int) -> None:
        self.rejudged_purchases.add(e.purchase_id)
        self.rows["purchase_value"].append((sum(int(a[2]) for a in e.animals), e.purchase_id))
        self._animals(e.purchase_id, e)

    def _animals(self, purchase_id: str, e: Purchase.Contracted | Purchase.AnimalsAdded) -> None:
        for animal_id, species, price in e.animals:
            self.animals.add(animal_id)
            self.rows["purchase_animals"].append((purchase_id, animal_id, species, price, e.seq))

    def on_subsidy_approved(self, e: Subsidy.Approved, n: int) -> None:
        self._document(e, "subsidy", None, e.supplier, e.applicant, e.amount, None)
        self.assets.add(e.asset_id)
        self.rows["subsidies"].append(
            (
                e.document_id,
                e.program_id,
                e.applicant,
                e.supplier,
                e.asset_id,
                e.asset_kind,
                e.asset_value,
                e.amount,
                e.at_us,
                e.at_offset,
                e.seq,
            )
        )

    def on_contract_signed(self, e: Contract.Signed, n: int) -> None:
        self.signed.add(e.document_id)
        self._document(
            e, "contract", e.customer, e.contractor, e.customer, e.value, 0, e.parent_contract_id
        )

    def on_act_accepted(self, e: Act) -> None:
        self._dated(e.at_us)
        self.accepted[e.contract_id] += e.amount
        self.rows["acts"].append((e.act_id, e.contract_id, e.amount, e.at_us, e.at_offset, e.seq))

    def on_registry_extract(self, e: RegistryExtract.Recorded, n: int) -> None:
        for fact in facts(e.rows):
            self.on_fact_recorded(fact)

    def on_fact_recorded(self, e: Fact) -> None:
        self._dated(e.at_us)
        self.animals.add(e.animal_id)
        self.rows["registry"].append(
            (e.animal_id, e.seq, e.at_us, e.at_offset, e.registry_event, e.owner, e.species)
        )

    def write(self, c: Cursor) -> None:
        """Send the buffered page to the database (inside the caller's transaction)."""
        write_page(c, self)
        self._reset()
