"""The fold from events to read models: one page of events in, one batch of SQL out.

`Fold.apply` routes each event to a handler that only buffers row changes; `Fold.write` sends
the page's changes to the database in a few `executemany` calls, inside the runner's
transaction. Handlers never read aggregates: everything comes from the events themselves.
"""

from __future__ import annotations

import json
from collections import defaultdict
from fractions import Fraction
from typing import Any

from coloring.domain.aggregates import final_roles
from coloring.domain.movements import Accepted, Refused, Transferred, movements
from coloring.domain.registry import facts
from coloring.domain.time import DAY_US
from coloring.projections.db import Cursor
from coloring.projections.docrules import (
    PriceBook,
    Terms,
)
from coloring.projections.judging import (
    FINDING_INSERT,
    chunks,
    judge_documents,
    judge_settlements,
)

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
        self.allocations: dict[str, list[int]] = {}
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

    def apply(self, topic: str, e: Any, notification_id: int) -> None:
        handler = getattr(self, "on_" + topic.replace("coloring.", "").replace(".", "_"), None)
        if handler is not None:
            handler(e, notification_id)

    def on_Ledger_Opened(self, e: Any, n: int) -> None:
        self.mode = e.mode

    def on_Participant_Registered(self, e: Any, n: int) -> None:
        self.regions[e.participant_id] = e.region
        self.rows["participants"].append(
            (e.participant_id, e.name, e.role, e.region, ";".join(e.related_to))
        )

    def on_Program_Registered(self, e: Any, n: int) -> None:
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

    def on_Program_TermsAmended(self, e: Any, n: int) -> None:
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

    def on_PriceList_PriceQuoted(self, e: Any, n: int) -> None:
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

    def on_TaggedTenge_UnitsAllocated(self, e: Any, n: int) -> None:
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

    def on_TaggedTenge_PaymentsRecorded(self, e: Any, n: int) -> None:
        for i, m in enumerate(movements(e.program_id, e.entries)):
            if isinstance(m, Transferred):
                self.on_TaggedTenge_UnitsTransferred(m, n, i)
            elif isinstance(m, Refused):
                self.on_TaggedTenge_TransferRefused(m, n, i)
            elif isinstance(m, Accepted):
                self.on_Contract_ActAccepted(m, n)
            else:
                self.on_TaggedTenge_UnitsAllocated(m, n)

    def _payment(
        self,
        e: Any,
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

    def on_TaggedTenge_UnitsTransferred(self, e: Any, n: int, entry: int | None = None) -> None:
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

    def on_TaggedTenge_TransferRefused(self, e: Any, n: int, entry: int | None = None) -> None:
        self._payment(e, n, "refused", None, None, entry)

    def _payment_findings(
        self, e: Any, program_id: str, status: str, n: int, entry: int | None
    ) -> None:
        if not e.findings:
            return
        # The payment's address in the log: its event, and its entry when that is a page.
        address: dict[str, Any] = {"transfer": e.transfer_id, "notification": n}
        if entry is not None:
            address["entry"] = entry
        evidence = json.dumps({**address, "purpose_ref": e.purpose_ref}, sort_keys=True)
        # The verdict on the event is final, settlement rules included: the payment was judged
        # against every record before it. Only animals added later to a purchase change what
        # came before; on_Purchase_AnimalsAdded has those purchases re-judged.
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
        e: Any,
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

    def on_Loan_Issued(self, e: Any, n: int) -> None:
        self._document(e, "loan", e.lender, e.borrower, None, e.amount, None)

    def on_Purchase_Contracted(self, e: Any, n: int) -> None:
        self._document(
            e, "purchase", e.buyer, e.seller, e.buyer, sum(int(a[2]) for a in e.animals), None
        )
        self._animals(e.document_id, e.animals, e.seq)

    def on_Purchase_AnimalsAdded(self, e: Any, n: int) -> None:
        self.rejudged_purchases.add(e.purchase_id)
        self.rows["purchase_value"].append((sum(int(a[2]) for a in e.animals), e.purchase_id))
        self._animals(e.purchase_id, e.animals, e.seq)

    def _animals(self, purchase_id: str, animals: list[list[Any]], seq: int) -> None:
        for animal_id, species, price in animals:
            self.animals.add(animal_id)
            self.rows["purchase_animals"].append((purchase_id, animal_id, species, price, seq))

    def on_Subsidy_Approved(self, e: Any, n: int) -> None:
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

    def on_Contract_Signed(self, e: Any, n: int) -> None:
        self.signed.add(e.document_id)
        self._document(
            e, "contract", e.customer, e.contractor, e.customer, e.value, 0, e.parent_contract_id
        )

    def on_Contract_ActAccepted(self, e: Any, n: int) -> None:
        self._dated(e.at_us)
        self.accepted[e.contract_id] += e.amount
        self.rows["acts"].append((e.act_id, e.contract_id, e.amount, e.at_us, e.at_offset, e.seq))

    on_EarlyActs_ActAccepted = on_Contract_ActAccepted

    def on_RegistryExtract_Recorded(self, e: Any, n: int) -> None:
        for fact in facts(e.rows):
            self.on_Animal_FactRecorded(fact, n)

    def on_Animal_FactRecorded(self, e: Any, n: int) -> None:
        self._dated(e.at_us)
        self.animals.add(e.animal_id)
        self.rows["registry"].append(
            (e.animal_id, e.seq, e.at_us, e.at_offset, e.registry_event, e.owner, e.species)
        )

    # -- writing a page --------------------------------------------------------------------

    _INSERTS = {
        "participants": "rm_participants VALUES (?,?,?,?,?)",
        "programs": "rm_programs VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        "amendments": "rm_program_amendments VALUES (?,?,?,?,?,?,?,?)",
        "prices": "rm_prices VALUES (?,?,?,?,?)",
        "movements": "rm_movements VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        "deliveries": "rm_deliveries VALUES (?,?,?,?,?,?,?,?)",
        "unit_moves": "rm_unit_moves VALUES (?,?,?,?,?,?,?,?,?)",
        "documents": "rm_documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        "purchase_animals": "rm_purchase_animals VALUES (?,?,?,?,?)",
        "subsidies": "rm_subsidies VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        "acts": "rm_acts VALUES (?,?,?,?,?,?)",
        "registry": "rm_registry VALUES (?,?,?,?,?,?,?)",
    }

    def _write_holdings(self, c: Cursor) -> None:
        """Each changed balance after each movement of the page (rm_balance_steps), from the
        balances before it, and the balances after the page (rm_holdings)."""
        if not self.steps:
            return
        running: dict[tuple[str, str], int] = defaultdict(int)
        programs = sorted({p for p, *_ in self.steps})
        holders = sorted({h for _, h, *_ in self.steps})
        program_marks = ",".join("?" * len(programs))
        for chunk in chunks(holders):
            for p, h, held in c.query(
                "SELECT program_id, participant_id, held FROM rm_holdings "
                f"WHERE program_id IN ({program_marks}) AND participant_id IN "
                f"({','.join('?' * len(chunk))})",
                [*programs, *chunk],
            ):
                running[(p, h)] = held
        rows = []
        for p, h, at_us, seq, delta in self.steps:
            running[(p, h)] += delta
            rows.append((p, h, at_us, seq, running[(p, h)]))
        c.executemany("INSERT INTO rm_balance_steps VALUES (?,?,?,?,?)", rows)
        after = {(p, h): running[(p, h)] for p, h, *_ in self.steps}
        c.executemany(
            "INSERT INTO rm_holders VALUES (?,?) ON CONFLICT (program_id, participant_id) "
            "DO NOTHING",
            sorted(after),
        )
        c.executemany(
            "INSERT INTO rm_holdings VALUES (?,?,?) ON CONFLICT (program_id, participant_id) "
            "DO UPDATE SET held = excluded.held",
            [(p, h, held) for (p, h), held in after.items() if held],
        )
        # A holder that passed everything on has no row, however the pages fell.
        c.executemany(
            "DELETE FROM rm_holdings WHERE program_id = ? AND participant_id = ?",
            [(p, h) for (p, h), held in after.items() if not held],
        )

    def write(self, c: Cursor) -> None:
        """Send the buffered page to the database (inside the caller's transaction)."""
        for key, target in self._INSERTS.items():
            c.executemany("INSERT INTO " + target, self.rows[key])
        c.executemany(FINDING_INSERT, self.rows["findings"])
        c.executemany(
            "INSERT INTO rm_allocations VALUES (?,?,?,?,?,?)",
            [(a, *v) for a, v in self.allocations.items()],
        )
        moves: dict[tuple[str, int], int] = defaultdict(int)
        for alloc, column, units in self.rows["allocation_moves"]:
            moves[(alloc, column)] += units
        c.executemany(
            "UPDATE rm_allocations SET held = held - ?, spent = spent + ? WHERE allocation_id = ?",
            [(u, u, a) for (a, col), u in moves.items() if col == 3],
        )
        c.executemany(
            "UPDATE rm_allocations SET held = held - ?, returned = returned + ? "
            "WHERE allocation_id = ?",
            [(u, u, a) for (a, col), u in moves.items() if col == 4],
        )
        self._write_holdings(c)
        departed: dict[tuple[str, int], int] = defaultdict(int)
        for units, delivery_id, at_us in self.departures:
            departed[(delivery_id, at_us)] += units
        c.executemany(
            "UPDATE rm_deliveries SET departed_within = departed_within + ? "
            "WHERE delivery_id = ? AND ? <= at_us + idle_limit_us",
            [(u, d, t) for (d, t), u in departed.items()],
        )
        c.executemany(
            "UPDATE rm_documents SET paid = paid + ? WHERE document_id = ?",
            [(v, d) for d, v in self.paid.items()],
        )
        c.executemany(
            "UPDATE rm_documents SET accepted = accepted + ? WHERE document_id = ?",
            [(v, d) for d, v in self.accepted.items()],
        )
        # Acts accepted before their contract was signed (EarlyActs) found no row to add to.
        c.executemany(
            "UPDATE rm_documents SET accepted = (SELECT COALESCE(SUM(amount), 0) FROM rm_acts "
            "WHERE rm_acts.contract_id = rm_documents.document_id) WHERE document_id = ?",
            [(d,) for d in sorted(self.signed)],
        )
        c.executemany(
            "UPDATE rm_documents SET value = value + ? WHERE document_id = ?",
            self.rows["purchase_value"],
        )
        if self.mode is not None:
            _meta(c, "mode", self.mode)
        if self.latest_us is not None:
            # The log is in record order per batch, not in time order (a batch's pages of money
            # movements follow its other events), so a later page may end earlier in time.
            c.execute(
                "INSERT INTO rm_meta VALUES ('latest_us', ?) ON CONFLICT (key) DO UPDATE "
                "SET value = excluded.value "
                "WHERE CAST(rm_meta.value AS BIGINT) < CAST(excluded.value AS BIGINT)",
                (str(self.latest_us),),
            )
        judge_documents(
            c, self.terms, self.regions, self.book, self.animals, self.assets, self.items
        )
        judge_settlements(c, self.rejudged_purchases)
        self._reset()


def _meta(c: Cursor, key: str, value: str) -> None:
    c.execute(
        "INSERT INTO rm_meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
