"""The ledger against a tiny independent model: per (program, holder) a list of unit ranges.

The machine allocates and pays at random among a fixed cast (treasury, operator, bank, two
farmers, seller) in two programs, sometimes beyond holdings, sometimes to the treasury, sometimes
after a program's expiry. Payments carry no `purpose_ref`, so the model can predict every
verdict on its own: INSUFFICIENT_FUNDS, OFF_ROUTE, MISSING_DOCUMENT, SPENT_AFTER_EXPIRY and
ROUND_TRIP, and in enforce mode which payments are refused. After every step the ledger must hold
the same units in the same order as the model, and every allocation must be conserved.

Then two properties over random plans with documents: what a document has been paid is exactly
the applied payments that settle it, and in enforce mode a refused payment moves nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from coloring.application import ColoringApplication, PaymentResult
from coloring.domain import records
from coloring.domain.aggregates import TaggedTenge
from coloring.domain.rules import ENFORCEABLE
from coloring.domain.time import Instant
from strategies import (
    CAST,
    LIVESTOCK_ROUTE,
    OPEN_ROUTE,
    ROLE_OF,
    SHORT_ROUTE,
    T0,
    PlanRecord,
    after,
    ledger_plans,
    program,
    reopen,
    runs,
    tiyn,
    unit_outcomes,
)

PROGRAMS = {
    # P1 expires early, so that many payments come after its expiry.
    "P1": program("P1", LIVESTOCK_ROUTE, expires_at=after(T0, days=4)),
    # P2 has no bank in its route: units paid to the bank stay coloured, off route.
    "P2": program("P2", SHORT_ROUTE, expires_at=after(T0, days=365)),
}
FINAL_ROLES = {"seller"}
EVERYONE = tuple(p.participant_id for p in CAST)

# A model range: [allocation_id, start, end, previous holders (tuple)]
Range = list[Any]


def take(queue: list[Range], amount: int) -> list[Range]:
    """The model's FIFO: remove `amount` units from the front of `queue`."""
    taken: list[Range] = []
    while amount:
        alloc, start, end, previous = queue[0]
        if end - start <= amount:
            taken.append(queue.pop(0))
            amount -= end - start
        else:
            taken.append([alloc, start, start + amount, previous])
            queue[0] = [alloc, start + amount, end, previous]
            amount = 0
    return taken


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self, new_database: Callable[[], str], mode: str) -> None:
        super().__init__()
        self.mode = mode
        self.app = ColoringApplication(new_database())
        self.app.open_ledger(mode)
        with self.app.store.batch():
            for participant in CAST:
                self.app.register_participant(participant)
            for record in PROGRAMS.values():
                self.app.register_program(record)
        self.clock = T0.us
        self.count = 0
        self.queues: dict[tuple[str, str], list[Range]] = {}
        self.amounts: dict[str, int] = {}
        self.spent: Counter[str] = Counter()
        self.returned: Counter[str] = Counter()

    # -- helpers ---------------------------------------------------------------------------

    def tick(self, hours: int) -> Instant:
        self.clock += hours * 3600 * 1_000_000
        return Instant(self.clock)

    def next_id(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def held(self, program_id: str, holder: str) -> int:
        return sum(end - start for _, start, end, _ in self.queues.get((program_id, holder), []))

    def deliver(self, program_id: str, payee: str, ranges: list[Range], payer: str | None) -> None:
        role = ROLE_OF[payee]
        for alloc, start, end, previous in ranges:
            if role == "treasury":
                self.returned[alloc] += end - start
            elif role in FINAL_ROLES:
                self.spent[alloc] += end - start
            else:
                moved = (*previous, payer) if payer else previous
                self.queues.setdefault((program_id, payee), []).append([alloc, start, end, moved])

    def expected_findings(
        self, program_id: str, payer: str, payee: str, amount: int, at: Instant
    ) -> list[tuple[str, int]]:
        if amount > self.held(program_id, payer):
            return [("INSUFFICIENT_FUNDS", amount)]
        record = PROGRAMS[program_id]
        payer_role, payee_role = ROLE_OF[payer], ROLE_OF[payee]
        if payee_role == "treasury":
            return []
        findings = []
        if (payer_role, payee_role) not in record.route:
            findings.append(("OFF_ROUTE", amount))
        if payee_role in FINAL_ROLES:
            findings.append(("MISSING_DOCUMENT", amount))
        if at > record.expires_at:
            findings.append(("SPENT_AFTER_EXPIRY", amount))
        front = take([list(r) for r in self.queues[(program_id, payer)]], amount)
        if any(payee in previous for *_, previous in front):
            findings.append(("ROUND_TRIP", amount))
        return findings

    # -- rules -----------------------------------------------------------------------------

    @rule(
        program_id=st.sampled_from(sorted(PROGRAMS)),
        recipient=st.sampled_from(["OP", "OP", "B", "F1", "S"]),
        amount=tiyn(400),
        hours=st.integers(min_value=0, max_value=12),
    )
    def allocate(self, program_id: str, recipient: str, amount: int, hours: int) -> None:
        allocation_id = self.next_id("A")
        self.app.allocate(
            records.AllocationRecord(
                allocation_id, program_id, "T", recipient, amount, self.tick(hours)
            )
        )
        self.amounts[allocation_id] = amount
        self.deliver(program_id, recipient, [[allocation_id, 0, amount, ()]], None)

    @precondition(lambda self: bool(self.amounts))
    @rule(
        data=st.data(),
        program_id=st.sampled_from(sorted(PROGRAMS)),
        payee=st.sampled_from(EVERYONE),
        share=st.integers(min_value=0, max_value=9),
        hours=st.integers(min_value=0, max_value=12),
    )
    def pay(self, data: st.DataObject, program_id: str, payee: str, share: int, hours: int) -> None:
        """Mostly from a holder of the program, sometimes from anyone (the treasury too)."""
        holders = sorted(h for (p, h), q in self.queues.items() if p == program_id and q)
        payer = data.draw(st.sampled_from(holders * 4 + list(EVERYONE)), label="payer")
        if payer == payee:
            payee = "T" if payer != "T" else "OP"
        self.check_payment(program_id, payer, payee, share, hours)

    @precondition(lambda self: any(r[3] for q in self.queues.values() for r in q))
    @rule(
        data=st.data(),
        share=st.integers(min_value=0, max_value=9),
        hours=st.integers(min_value=0, max_value=12),
    )
    def pay_back_to_a_previous_holder(self, data: st.DataObject, share: int, hours: int) -> None:
        """A holder pays (part of) its queue to someone who held units of it before."""
        candidates = sorted(
            (program_id, holder, previous)
            for (program_id, holder), q in self.queues.items()
            for *_, r_previous in q
            for previous in r_previous
        )
        program_id, payer, payee = data.draw(st.sampled_from(candidates), label="round trip")
        self.check_payment(program_id, payer, payee, share, hours)

    def check_payment(
        self, program_id: str, payer: str, payee: str, share: int, hours: int
    ) -> None:
        """Pay `share` eighths of the payer's holdings (at least 1 tiyn), 9: one tiyn more; and
        check the verdict and the units moved against the model."""
        held = self.held(program_id, payer)
        amount = held + 1 if share == 9 else max(held * share // 8, 1)
        at = self.tick(hours)
        expected = self.expected_findings(program_id, payer, payee, amount, at)
        refused_for = [f for f in expected if f[0] in ENFORCEABLE]
        if expected and expected[0][0] == "INSUFFICIENT_FUNDS":
            refused, expected_kept = True, expected
        elif self.mode == "enforce" and refused_for:
            refused, expected_kept = True, refused_for
        else:
            refused, expected_kept = False, expected
        before = self.app.holdings(program_id)
        result: PaymentResult = self.app.pay(
            records.TransferRecord(self.next_id("T"), at, program_id, payer, payee, amount)
        )
        assert result.applied is not refused
        assert result.findings == expected_kept
        if refused:
            assert self.app.holdings(program_id) == before
            return
        taken = take(self.queues[(program_id, payer)], amount)
        self.deliver(program_id, payee, taken, payer)

    @precondition(lambda self: self.count % 7 == 0)
    @rule()
    def rebuild_from_the_stored_events(self) -> None:
        self.check_rebuilt_state()

    @rule()
    def snapshot_the_units(self) -> None:
        """As a load does at its end (even when nothing changed since the last snapshot);
        later rebuilds start from the snapshot."""
        self.app.store.snapshot_units()

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def the_ledger_holds_the_models_units_in_the_models_order(self) -> None:
        for program_id in PROGRAMS:
            actual = {h: runs(q) for h, q in self.app.holdings(program_id).items()}
            expected = {
                holder: runs(q) for (p, holder), q in self.queues.items() if p == program_id and q
            }
            assert actual == expected

    @invariant()
    def every_allocation_is_held_spent_or_returned(self) -> None:
        held: Counter[str] = Counter()
        for program_id in PROGRAMS:
            for queue in self.app.holdings(program_id).values():
                for alloc, start, end, *_ in queue:
                    held[alloc] += end - start
        for alloc, amount in self.amounts.items():
            assert held[alloc] + self.spent[alloc] + self.returned[alloc] == amount

    @invariant()
    def no_unit_is_in_two_places(self) -> None:
        ranges: dict[str, list[tuple[int, int]]] = {}
        for program_id in PROGRAMS:
            for queue in self.app.holdings(program_id).values():
                for alloc, start, end, *_ in queue:
                    ranges.setdefault(alloc, []).append((start, end))
        for pieces in ranges.values():
            pieces.sort()
            for (_, end), (start, _) in pairwise(pieces):
                assert end <= start

    def check_rebuilt_state(self) -> None:
        again = reopen(self.app)
        try:
            for program_id in PROGRAMS:
                assert again.holdings(program_id) == self.app.holdings(program_id)
        finally:
            again.close()

    def teardown(self) -> None:
        try:
            self.check_rebuilt_state()
            outcomes = unit_outcomes(self.app)
            for alloc, amount in self.amounts.items():
                assert outcomes[alloc]["amount"] == amount
                assert outcomes[alloc]["spent"] == self.spent[alloc]
                assert outcomes[alloc]["returned"] == self.returned[alloc]
        finally:
            self.app.close()


@pytest.mark.parametrize("mode", ["observe", "enforce"])
def test_the_ledger_behaves_like_a_dict_of_unit_queues(
    fresh_database: Callable[[], str], mode: str, request: pytest.FixtureRequest
) -> None:
    """Many examples in memory; fewer on a SQLite file and on PostgreSQL."""
    in_memory = request.node.callspec.params["fresh_database"] == "sqlite-memory"
    run_state_machine_as_test(
        lambda: LedgerMachine(fresh_database, mode),
        settings=settings(stateful_step_count=30)
        if in_memory
        else settings(max_examples=5, stateful_step_count=20),
    )


# -- properties over plans with documents ----------------------------------------------------


def apply(app: ColoringApplication, record: PlanRecord) -> PaymentResult | None:
    if isinstance(record, records.TransferRecord):
        return app.pay(record)
    use_case: dict[type, Callable[[Any], object]] = {
        records.AllocationRecord: app.allocate,
        records.LoanRecord: app.issue_loan,
        records.PurchaseRecord: app.contract_purchase,
        records.ContractRecord: app.sign_contract,
        records.ActRecord: app.accept_act,
        records.RegistryRecord: app.record_registry_fact,
    }
    use_case[type(record)](record)
    return None


def payable_values(plan: list[PlanRecord]) -> dict[str, int]:
    """Each document's payable value after the whole plan, computed from the records."""
    payable: dict[str, int] = {}
    values: dict[str, int] = {}
    for r in plan:
        if isinstance(r, records.LoanRecord):
            payable[r.loan_id] = r.amount
        elif isinstance(r, records.PurchaseRecord):
            payable[r.purchase_id] = sum(a.price for a in r.animals)
        elif isinstance(r, records.ContractRecord):
            values[r.contract_id] = r.value
            payable[r.contract_id] = 0
        elif isinstance(r, records.ActRecord):
            accepted = payable[r.contract_id] + r.amount
            payable[r.contract_id] = min(values[r.contract_id], accepted)
    return payable


def new_ledger(mode: str) -> ColoringApplication:
    app = ColoringApplication("sqlite:///:memory:")
    app.open_ledger(mode)
    with app.store.batch():
        for participant in CAST:
            app.register_participant(participant)
        app.register_program(program("P1", OPEN_ROUTE))
    return app


def settled(app: ColoringApplication) -> dict[str, int]:
    tagged = app.store.repository.get(TaggedTenge.create_id("P1"))
    return dict(tagged.settled)


@given(plan=ledger_plans(), mode=st.sampled_from(["observe", "enforce"]))
def test_what_a_document_has_been_paid_is_exactly_the_applied_payments_that_settle_it(
    plan: list[PlanRecord], mode: str
) -> None:
    app = new_ledger(mode)
    try:
        paid: Counter[str] = Counter()
        for record in plan:
            result = apply(app, record)
            if result is not None and result.applied and result.settles is not None:
                assert isinstance(record, records.TransferRecord)
                assert result.settles == record.purpose_ref
                paid[result.settles] += record.amount
        assert settled(app) == dict(paid)
    finally:
        app.close()


@given(plan=ledger_plans())
def test_in_enforce_mode_no_document_is_ever_paid_beyond_its_payable_value(
    plan: list[PlanRecord],
) -> None:
    app = new_ledger("enforce")
    try:
        for record in plan:
            apply(app, record)
        payable = payable_values(plan)
        for document_id, amount in settled(app).items():
            assert amount <= payable[document_id]
    finally:
        app.close()


@given(plan=ledger_plans())
def test_in_enforce_mode_a_refused_payment_never_moves_a_unit(plan: list[PlanRecord]) -> None:
    app = new_ledger("enforce")
    try:
        for record in plan:
            before = (
                (app.holdings("P1"), settled(app))
                if isinstance(record, records.TransferRecord)
                else None
            )
            result = apply(app, record)
            if result is not None and not result.applied:
                assert (app.holdings("P1"), settled(app)) == before
                assert all(
                    rule in ENFORCEABLE or rule == "INSUFFICIENT_FUNDS"
                    for rule, _ in result.findings
                )
    finally:
        app.close()


def tagged_state(app: ColoringApplication, live: bool = False) -> dict[str, Any]:
    """Everything the program's units aggregate holds, as plain data: the one the application
    has in use (`live`), or the one the stored events replay to."""
    tagged_id = TaggedTenge.create_id("P1")
    tagged = app.store.get(tagged_id) if live else app.store.repository.get(tagged_id)
    assert isinstance(tagged, TaggedTenge)
    return {
        "version": tagged.version,
        "queues": {h: [p.row() for p in q] for h, q in tagged.queues.items()},
        "balances": dict(tagged.balances),
        "settled": dict(tagged.settled),
        "accepted": {d: tagged.accepted_towards(d) for d in tagged.__dict__.get("accepted", {})},
    }


@given(
    plan=ledger_plans(),
    mode=st.sampled_from(["observe", "enforce"]),
    cuts=st.sets(st.integers(min_value=0, max_value=40), max_size=5),
)
def test_pages_of_any_size_replay_to_the_live_state_and_judge_as_one_record_at_a_time(
    plan: list[PlanRecord], mode: str, cuts: set[int]
) -> None:
    one_by_one = new_ledger(mode)
    paged = new_ledger(mode)
    try:
        singles = [apply(one_by_one, record) for record in plan]
        with paged.store.batch():
            batched = []
            for i, record in enumerate(plan):
                batched.append(apply(paged, record))
                if i in cuts:
                    paged.store.flush()
            live = paged.holdings("P1")
        assert batched == singles
        if any(isinstance(r, records.AllocationRecord) for r in plan):
            replayed = reopen(paged)
            try:
                assert replayed.holdings("P1") == live == one_by_one.holdings("P1")
                state = tagged_state(paged, live=True)
                assert tagged_state(replayed) == state
                single = tagged_state(one_by_one)
                assert {k: v for k, v in state.items() if k != "version"} == {
                    k: v for k, v in single.items() if k != "version"
                }
            finally:
                replayed.close()
    finally:
        one_by_one.close()
        paged.close()
