"""The fold from events to read models: one page of events in, one batch of SQL out.

`Fold.apply` dispatches each event by its class to a handler typed by that class (the money
movements' handlers are in `coloring.projections.foldmoney`), which only buffers row changes;
`Fold.write` sends the page's changes to the database
(`coloring.projections.pagewrite`), inside the runner's transaction. Handlers never read
aggregates: everything comes from the events themselves. A page event's entries and registry
entries are folded through the typed movements of the domain, by the same handlers as the
per-record events of older ledgers; an extract's rows in one loop of their own, unpacked as
the domain's `RegistryFact` is.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from typing import cast

from coloring.domain.aggregates import Ledger, Participant, Program, final_roles
from coloring.domain.animals import Animal
from coloring.domain.documents import (
    Contract,
    Loan,
    Purchase,
    PurchasedAnimal,
    Subsidy,
    purchased,
    roles,
)
from coloring.domain.prices import PriceList
from coloring.domain.registry import RegistryExtract, RegistryFact
from coloring.projections import schema
from coloring.projections.db import Cursor
from coloring.projections.docrules import (
    ReferenceData,
    Terms,
)
from coloring.projections.foldmoney import MoneyFold, handlers
from coloring.projections.judging import Judged, judge_all
from coloring.projections.pagewrite import write_page

DocumentEvent = Loan.Issued | Purchase.Contracted | Subsidy.Approved | Contract.Signed


class Fold(MoneyFold):
    """Buffers one page of read-model changes. Reference data (programs, regions, prices) is
    small and kept in memory, loaded from the read models when the fold starts."""

    def __init__(self, c: Cursor) -> None:
        self.reference = ReferenceData({}, {}, defaultdict(list))
        self.idle_days: dict[str, int] = {}
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
            self.reference.regions[pid] = region
        for item, region, valid_from, seq, price in c.query(
            "SELECT item, region, valid_from_us, seq, price FROM rm_prices"
        ):
            self.reference.book[item].append((region, valid_from, seq, price))
        # Read models with no findings yet (a rebuild, a ledger's first load): only what this
        # fold judges can have findings to replace.
        empty = not c.query("SELECT 1 FROM rm_findings LIMIT 1")
        self.judged = Judged() if empty else None
        self.bulk = schema.in_bulk(c)
        self.balances: dict[tuple[str, str], int] = {}
        self._reset()

    def _remember_program(
        self, pid: str, retention: int | None, cap: str | None, tol: str, idle: int
    ) -> None:
        self.reference.terms[pid] = Terms(
            retention, None if cap is None else Fraction(cap), Fraction(tol)
        )
        self.idle_days[pid] = idle

    # -- routing -----------------------------------------------------------------------

    def apply(self, event: object, n: int) -> None:
        """Fold one event (notification id `n`) by the handler its class registered, typed by
        that class (`foldmoney.handlers`)."""
        handlers.dispatch(type(event))(self, event, n)

    @handlers.register
    def on_ledger_opened(self, e: Ledger.Opened, n: int) -> None:
        self.mode = e.mode

    @handlers.register
    def on_participant_registered(self, e: Participant.Registered, n: int) -> None:
        self.reference.regions[e.participant_id] = e.region
        self.rows["participants"].append(
            (e.participant_id, e.name, e.role, e.region, ";".join(e.related_to))
        )

    @handlers.register
    def on_program_registered(self, e: Program.Registered, n: int) -> None:
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

    @handlers.register
    def on_terms_amended(self, e: Program.TermsAmended, n: int) -> None:
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

    @handlers.register
    def on_price_quoted(self, e: PriceList.PriceQuoted, n: int) -> None:
        self.reference.book[e.item].append((e.region, e.valid_from_us, e.seq, e.price))
        self.items.add(e.item)
        self.rows["prices"].append((e.item, e.region, e.valid_from_us, e.seq, e.price))

    # -- documents and registry ----------------------------------------------------------

    def _document(self, e: DocumentEvent, parent: str | None = None) -> None:
        self._dated(e.at_us)
        kind, payee, payer, party, value = roles(e)
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
                parent,
                e.seq,
            )
        )

    @handlers.register
    def on_loan_issued(self, e: Loan.Issued, n: int) -> None:
        self._document(e)

    @handlers.register
    def on_purchase_contracted(self, e: Purchase.Contracted, n: int) -> None:
        self._document(e)
        self._animals(e.document_id, purchased(e.animals), e.seq)

    @handlers.register
    def on_animals_added(self, e: Purchase.AnimalsAdded, n: int) -> None:
        animals = purchased(e.animals)
        self.rejudged_purchases.add(e.purchase_id)
        self.rows["purchase_value"].append((sum(a.price for a in animals), e.purchase_id))
        self._animals(e.purchase_id, animals, e.seq)

    def _animals(self, purchase_id: str, animals: list[PurchasedAnimal], seq: int) -> None:
        for animal_id, species, price in animals:
            self.animals.add(animal_id)
            self.rows["purchase_animals"].append((purchase_id, animal_id, species, price, seq))

    @handlers.register
    def on_subsidy_approved(self, e: Subsidy.Approved, n: int) -> None:
        self._document(e)
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

    @handlers.register
    def on_contract_signed(self, e: Contract.Signed, n: int) -> None:
        self._document(e, e.parent_contract_id)

    @handlers.register
    def on_registry_extract(self, e: RegistryExtract.Recorded, n: int) -> None:
        """As `on_fact_recorded` for each row, in one loop: an extract of a region's herd holds
        most of a log's records."""
        rows, animals = self.rows["registry"], self.animals
        latest = self.latest_us
        # Unpacked from the stored arrays, in the fields' order of `RegistryFact`: a fact
        # made of each only to be unpacked doubled the fold's apply of 303,577 registry rows
        # (0.49 against 0.30 CPU s).
        for seq, animal_id, species, event, owner, at_us, at_offset in cast(
            "list[RegistryFact]", e.rows
        ):
            rows.append((animal_id, seq, at_us, at_offset, event, owner, species))
            animals.add(animal_id)
            if latest is None or at_us > latest:
                latest = at_us
        self.latest_us = latest

    @handlers.register
    def on_fact_recorded(self, event: Animal.FactRecorded, n: int) -> None:
        e = event.fact()
        self._dated(e.at_us)
        self.animals.add(e.animal_id)
        self.rows["registry"].append(
            (e.animal_id, e.seq, e.at_us, e.at_offset, e.registry_event, e.owner, e.species)
        )

    def write(self, c: Cursor) -> None:
        """Send the buffered page to the database (inside the caller's transaction)."""
        if self.bulk and not schema.in_bulk(c):
            # Another run finished the bulk fold: every document is judged now, so this fold
            # no longer knows which findings exist.
            self.bulk = False
            self.judged = None
        write_page(c, self)
        self._reset()

    def finish(self, c: Cursor) -> None:
        """End a bulk fold: every purchased animal and subsidised asset judged once, instead
        of page by page (the same rows: a document's findings depend on the whole record
        only). The indexes its pages went without are created first: judging reads some of
        them."""
        schema.create_indexes(c)
        if schema.steps_left_to_end(c):
            # Begun by an older version, whose pages wrote no balance steps: all of them, in
            # the movements' order, replace those of the pages folded since.
            c.execute("DELETE FROM rm_balance_steps")
            c.execute(schema.BACKFILL_BALANCE_STEPS)
        judge_all(c, self.reference)
        schema.end_bulk(c)
        self.bulk = False
        # Every document is judged now: this fold no longer knows which findings exist.
        self.judged = None
