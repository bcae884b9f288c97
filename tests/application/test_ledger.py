"""The ledger's use cases (sections 3 and 4), re-run on every persistence: SQLite in memory,
a SQLite file and PostgreSQL (the `db_url` fixture of conftest.py)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from coloring.application import ColoringApplication
from coloring.domain.aggregates import TaggedTenge
from coloring.domain.errors import (
    ColoringError,
    DuplicateRecordError,
    LedgerModeError,
    TimeOrderError,
)
from coloring.domain.movements import Allocated, Refused, Transferred
from coloring.domain.records import (
    AllocationRecord,
    LoanRecord,
    ParticipantRecord,
    TransferRecord,
)
from strategies import (
    LIVESTOCK_ROUTE,
    T0,
    after,
    money_movements,
    program,
    reopened,
    unit_outcomes,
    with_cast,
)


def at(hours: int) -> Any:
    return after(T0, hours=hours)


def pay(
    app: ColoringApplication,
    transfer_id: str,
    hours: int,
    payer: str,
    payee: str,
    amount: int,
    purpose_ref: str | None = None,
    program_id: str = "P1",
) -> Any:
    return app.pay(
        TransferRecord(transfer_id, at(hours), program_id, payer, payee, amount, purpose_ref)
    )


def allocate(
    app: ColoringApplication,
    allocation_id: str,
    hours: int,
    recipient: str,
    amount: int,
    program_id: str = "P1",
) -> None:
    app.allocate(AllocationRecord(allocation_id, program_id, "T", recipient, amount, at(hours)))


def paid_down_to_the_farmer(app: ColoringApplication) -> None:
    """A1 allocates 1000 to OP at hour 0; T1 pays 600 of it to B at hour 1, T2 500 of those on
    to F1 at hour 2."""
    allocate(app, "A1", 0, "OP", 1000)
    pay(app, "T1", 1, "OP", "B", 600)
    pay(app, "T2", 2, "B", "F1", 500)


def path_of(app: ColoringApplication, allocation_id: str, unit: int) -> list[tuple[str, str, str]]:
    """Every delivery of unit `allocation_id#unit`, oldest first: (delivery id, from, to)."""
    path = []
    for e in money_movements(app):
        if isinstance(e, Allocated):
            if e.allocation_id == allocation_id and unit < e.amount:
                path.append((e.allocation_id, e.payer, e.recipient))
        elif isinstance(e, Transferred) and any(
            p[0] == allocation_id and p[1] <= unit < p[2] for p in e.pieces
        ):
            path.append((e.transfer_id, e.payer, e.payee))
    return path


class TestLedger:
    """One behaviour per test; every test runs once per database kind."""

    @pytest.fixture
    def bare(self, db_url: str) -> Iterator[ColoringApplication]:
        """An application on an empty store, ledger not yet opened."""
        app = ColoringApplication(db_url)
        yield app
        app.close()

    @pytest.fixture
    def app(self, bare: ColoringApplication) -> ColoringApplication:
        """An observe ledger with the CAST and program P1 on the livestock route."""
        return with_cast(bare, "observe", program("P1", LIVESTOCK_ROUTE, expires_at=at(24 * 30)))

    # -- units -------------------------------------------------------------------------

    def test_allocation_issues_units_numbered_from_zero_to_the_recipient(
        self, app: ColoringApplication
    ) -> None:
        allocate(app, "A1", 0, "OP", 1000)
        assert app.holdings("P1") == {"OP": [["A1", 0, 1000, "A1", []]]}

    def test_allocations_queue_up_in_the_order_they_arrive(self, app: ColoringApplication) -> None:
        allocate(app, "A2", 0, "OP", 5)
        allocate(app, "A1", 1, "OP", 7)
        assert [p[:3] for p in app.holdings("P1")["OP"]] == [["A2", 0, 5], ["A1", 0, 7]]

    def test_payment_moves_a_fifo_prefix_of_the_payers_queue_to_the_end_of_the_payees(
        self, app: ColoringApplication
    ) -> None:
        allocate(app, "A1", 0, "OP", 100)
        allocate(app, "A2", 0, "OP", 50)
        allocate(app, "A3", 0, "B", 10)
        pay(app, "T1", 1, "OP", "B", 120)
        assert app.holdings("P1") == {
            "OP": [["A2", 20, 50, "A2", []]],
            "B": [
                ["A3", 0, 10, "A3", []],
                ["A1", 0, 100, "T1", ["OP"]],
                ["A2", 0, 20, "T1", ["OP"]],
            ],
        }

    def test_paying_all_one_holds_empties_the_payers_queue(self, app: ColoringApplication) -> None:
        allocate(app, "A1", 0, "OP", 100)
        pay(app, "T1", 1, "OP", "B", 100)
        assert list(app.holdings("P1")) == ["B"]

    def test_payment_beyond_holdings_is_refused_and_records_nothing(
        self, app: ColoringApplication
    ) -> None:
        """Refused whole: no unit moves, nothing is settled; only the refusal is recorded."""
        allocate(app, "A1", 0, "OP", 100)
        app.issue_loan(LoanRecord("L1", "P1", "OP", "B", 500, at(1)))
        before = app.holdings("P1")
        result = pay(app, "T1", 2, "OP", "B", 101, "L1")
        assert (result.applied, result.settles) == (False, None)
        assert result.findings == [("INSUFFICIENT_FUNDS", 101)]
        assert app.holdings("P1") == before
        transfers = [
            type(e).__name__ for e in money_movements(app) if isinstance(e, Transferred | Refused)
        ]
        assert transfers == ["Refused"]
        assert app.store.repository.get(TaggedTenge.create_id("P1")).settled == {}

    def test_a_treasury_holds_nothing_to_pay_with(self, app: ColoringApplication) -> None:
        allocate(app, "A1", 0, "OP", 100)
        result = pay(app, "T1", 1, "T", "OP", 1)
        assert result.findings == [("INSUFFICIENT_FUNDS", 1)]
        assert not result.applied

    def test_units_paid_to_a_final_role_are_spent_and_leave_the_ledger(
        self, app: ColoringApplication
    ) -> None:
        allocate(app, "A1", 0, "F1", 100)
        result = pay(app, "T1", 1, "F1", "S", 30)
        assert result.outcome == "spent"
        assert app.holdings("P1") == {"F1": [["A1", 30, 100, "A1", []]]}

    def test_units_allocated_to_a_final_role_are_spent_at_once(
        self, app: ColoringApplication
    ) -> None:
        allocate(app, "A1", 0, "S", 100)
        assert app.holdings("P1") == {}
        assert unit_outcomes(app)["A1"]["spent"] == 100

    def test_units_paid_to_a_treasury_are_returned_and_leave_the_ledger(
        self, app: ColoringApplication
    ) -> None:
        allocate(app, "A1", 0, "OP", 100)
        result = pay(app, "T1", 1, "OP", "T", 100)
        assert (result.applied, result.outcome, result.findings) == (True, "returned", [])
        assert app.holdings("P1") == {}

    def test_units_paid_to_a_role_absent_from_the_route_stay_coloured(
        self, app: ColoringApplication
    ) -> None:
        app.register_participant(ParticipantRecord("SCH", "School", "school"))
        allocate(app, "A1", 0, "OP", 100)
        result = pay(app, "T1", 1, "OP", "SCH", 40)
        assert (result.outcome, result.findings) == ("held", [("OFF_ROUTE", 40)])
        assert app.holdings("P1")["SCH"] == [["A1", 0, 40, "T1", ["OP"]]]

    def test_every_allocation_keeps_held_plus_spent_plus_returned_equal_to_its_amount(
        self, app: ColoringApplication
    ) -> None:
        allocations = (("A1", 0, "OP", 1000), ("A2", 0, "S", 300), ("A3", 1, "OP", 200))
        for allocation in allocations:
            allocate(app, *allocation)
        pay(app, "T1", 2, "OP", "B", 1100)
        pay(app, "T2", 3, "B", "F1", 900)
        pay(app, "T3", 4, "F1", "S", 850)
        pay(app, "T4", 5, "B", "T", 150)
        pay(app, "T5", 6, "F1", "T", 49)
        held: Counter[str] = Counter()
        for queue in app.holdings("P1").values():
            for alloc, start, end, *_ in queue:
                held[alloc] += end - start
        totals = unit_outcomes(app)
        for alloc, _, _, amount in allocations:
            spent, returned = totals[alloc]["spent"], totals[alloc]["returned"]
            assert totals[alloc]["amount"] == amount
            assert held[alloc] + spent + returned == amount, alloc
        assert (totals["A1"]["spent"], totals["A3"]["returned"]) == (850, 50)

    def test_a_units_whole_path_can_be_read_back_from_the_events(
        self, app: ColoringApplication
    ) -> None:
        paid_down_to_the_farmer(app)
        pay(app, "T3", 3, "F1", "S", 400)
        assert path_of(app, "A1", 5) == [
            ("A1", "T", "OP"),
            ("T1", "OP", "B"),
            ("T2", "B", "F1"),
            ("T3", "F1", "S"),
        ]
        assert path_of(app, "A1", 450) == [("A1", "T", "OP"), ("T1", "OP", "B"), ("T2", "B", "F1")]
        assert path_of(app, "A1", 999) == [("A1", "T", "OP")]

    def test_a_held_units_previous_holders_can_be_read_from_its_piece(
        self, app: ColoringApplication
    ) -> None:
        paid_down_to_the_farmer(app)
        assert app.holdings("P1")["F1"] == [["A1", 0, 500, "T2", ["OP", "B"]]]

    # -- modes -------------------------------------------------------------------------

    def test_a_new_ledger_opened_without_a_mode_is_in_observe_mode(
        self, bare: ColoringApplication
    ) -> None:
        assert bare.open_ledger(None) == "observe"

    def test_opening_a_ledger_in_another_mode_raises_ledger_mode_error(
        self, bare: ColoringApplication
    ) -> None:
        bare.open_ledger("enforce")
        with pytest.raises(LedgerModeError, match="opened in enforce mode"):
            bare.open_ledger("observe")

    def test_opening_a_ledger_without_a_mode_keeps_its_mode(
        self, bare: ColoringApplication
    ) -> None:
        bare.open_ledger("enforce")
        assert bare.open_ledger(None) == "enforce"

    def test_a_reopened_ledger_keeps_the_mode_it_was_opened_in(
        self, bare: ColoringApplication
    ) -> None:
        bare.open_ledger("enforce")
        with reopened(bare) as again:
            with pytest.raises(LedgerModeError):
                again.open_ledger("observe")
            assert again.open_ledger("enforce") == "enforce"

    def test_in_enforce_mode_a_return_to_the_treasury_after_expiry_is_applied(
        self, bare: ColoringApplication
    ) -> None:
        with_cast(bare, "enforce", program("P1", LIVESTOCK_ROUTE, expires_at=at(1)))
        allocate(bare, "A1", 0, "OP", 100)
        late = pay(bare, "T1", 5, "OP", "B", 10)
        back = pay(bare, "T2", 6, "OP", "T", 100)
        assert (late.applied, late.findings) == (False, [("SPENT_AFTER_EXPIRY", 10)])
        assert (back.applied, back.outcome, back.findings) == (True, "returned", [])
        assert bare.holdings("P1") == {}

    # -- persistence -------------------------------------------------------------------

    def test_state_rebuilt_from_stored_events_equals_live_state(
        self, app: ColoringApplication
    ) -> None:
        app.register_program(program("P2", LIVESTOCK_ROUTE))
        with app.store.batch():
            allocate(app, "A1", 0, "OP", 1000)
            allocate(app, "A2", 0, "F1", 70, program_id="P2")
            pay(app, "T1", 1, "OP", "B", 600)
            pay(app, "T2", 2, "B", "F1", 500)
            pay(app, "T3", 3, "F1", "S", 120)
        pay(app, "T4", 4, "B", "OP", 50)
        pay(app, "T5", 5, "F1", "B", 7, program_id="P2")
        pay(app, "T6", 6, "OP", "B", 10_000)
        with reopened(app) as again:
            for program_id in ("P1", "P2"):
                assert again.holdings(program_id) == app.holdings(program_id)
            assert again.mode() == "observe"
            assert (again.store.seq, again.store.latest_us) == (app.store.seq, app.store.latest_us)

    def test_state_rebuilt_from_a_snapshot_and_later_events_equals_live_state(
        self, app: ColoringApplication
    ) -> None:
        paid_down_to_the_farmer(app)
        app.store.snapshot_units()
        pay(app, "T3", 3, "F1", "B", 120)
        pay(app, "T4", 4, "B", "F1", 200)
        with reopened(app) as again:
            assert again.holdings("P1") == app.holdings("P1")
            assert pay(again, "T5", 5, "F1", "OP", 10).findings == [
                ("OFF_ROUTE", 10),
                ("ROUND_TRIP", 10),
            ]

    def test_a_snapshot_stores_each_piece_as_the_json_array_snapshots_always_held(
        self, app: ColoringApplication
    ) -> None:
        """`[allocation, start, end, delivered_by, previous holders]` in a `deque`: the format
        of every snapshot written so far, which the units read back (`Piece.of`)."""
        paid_down_to_the_farmer(app)
        app.store.snapshot_units()
        assert app.store.snapshots is not None
        (stored,) = app.store.snapshots.recorder.select_events(
            TaggedTenge.create_id("P1"), desc=True, limit=1
        )
        assert json.loads(stored.state)["state"]["queues"] == {
            "OP": {"_type_": "deque", "_data_": [["A1", 600, 1000, "A1", []]]},
            "B": {"_type_": "deque", "_data_": [["A1", 500, 600, "T1", ["OP"]]]},
            "F1": {"_type_": "deque", "_data_": [["A1", 0, 500, "T2", ["OP", "B"]]]},
        }

    def test_snapshotting_units_that_have_not_changed_since_the_last_snapshot_is_harmless(
        self, app: ColoringApplication
    ) -> None:
        """A second load that adds nothing to a program snapshots its units again."""
        allocate(app, "A1", 0, "OP", 1000)
        app.store.snapshot_units()
        app.store.snapshot_units()
        assert app.holdings("P1") == {"OP": [["A1", 0, 1000, "A1", []]]}

    # -- duplicates and time order -----------------------------------------------------

    def test_a_duplicate_participant_id_raises_duplicate_record_error(
        self, app: ColoringApplication
    ) -> None:
        with pytest.raises(DuplicateRecordError):
            app.register_participant(ParticipantRecord("OP", "Another", "operator"))

    def test_a_duplicate_program_id_raises_duplicate_record_error(
        self, app: ColoringApplication
    ) -> None:
        with pytest.raises(DuplicateRecordError):
            app.register_program(program("P1"))

    @pytest.mark.parametrize(
        ("record", "error"),
        [
            pytest.param(
                lambda app: allocate(app, "A1", 6, "OP", 100),
                DuplicateRecordError,
                id="a_duplicate_allocation_id",
            ),
            # Allocation and transfer ids share one namespace (7.17).
            pytest.param(
                lambda app: pay(app, "A1", 6, "OP", "B", 10),
                DuplicateRecordError,
                id="a_transfer_reusing_an_allocation_id",
            ),
            pytest.param(
                lambda app: pay(app, "T1", 4, "OP", "B", 10),
                TimeOrderError,
                id="a_time_before_the_latest_instant",
            ),
        ],
    )
    def test_a_record_refused_for_its_id_or_its_time_raises_its_error_and_moves_nothing(
        self,
        app: ColoringApplication,
        record: Callable[[ColoringApplication], object],
        error: type[ColoringError],
    ) -> None:
        allocate(app, "A1", 5, "OP", 100)
        with pytest.raises(error):
            record(app)
        assert app.holdings("P1") == {"OP": [["A1", 0, 100, "A1", []]]}

    def test_a_duplicate_document_id_raises_duplicate_record_error(
        self, app: ColoringApplication
    ) -> None:
        app.issue_loan(LoanRecord("L1", "P1", "B", "F1", 500, at(0)))
        with pytest.raises(DuplicateRecordError):
            app.issue_loan(LoanRecord("L1", "P1", "B", "F1", 500, at(1)))

    def test_a_duplicate_is_a_coloring_error_not_the_librarys_integrity_error(
        self, app: ColoringApplication
    ) -> None:
        allocate(app, "A1", 0, "OP", 100)
        with pytest.raises(ColoringError) as raised:
            allocate(app, "A1", 1, "OP", 100)
        assert type(raised.value) is DuplicateRecordError

    def test_a_duplicate_within_a_batch_records_nothing_of_that_batch(
        self, app: ColoringApplication
    ) -> None:
        allocate(app, "A1", 0, "OP", 100)
        with pytest.raises(DuplicateRecordError), app.store.batch():
            pay(app, "T1", 1, "OP", "B", 10)
            allocate(app, "A1", 2, "OP", 100)
        assert app.holdings("P1") == {"OP": [["A1", 0, 100, "A1", []]]}
        assert app.store.lookup("movement", ["T1"]) == {}

    def test_a_record_at_exactly_the_latest_instant_is_accepted(
        self, app: ColoringApplication
    ) -> None:
        allocate(app, "A1", 5, "OP", 100)
        assert pay(app, "T1", 5, "OP", "B", 10).applied

    def test_a_reopened_ledger_still_refuses_a_time_before_its_latest_instant(
        self, app: ColoringApplication
    ) -> None:
        allocate(app, "A1", 5, "OP", 100)
        with reopened(app) as again, pytest.raises(TimeOrderError):
            pay(again, "T1", 4, "OP", "B", 10)

    def test_a_rejected_duplicate_does_not_move_the_ledgers_clock(
        self, app: ColoringApplication
    ) -> None:
        """The duplicate is not recorded, so its instant is not "already in the ledger"."""
        allocate(app, "A1", 1, "OP", 100)
        with pytest.raises(DuplicateRecordError):
            allocate(app, "A1", 9, "OP", 100)
        allocate(app, "A2", 2, "OP", 100)
        assert [p[0] for p in app.holdings("P1")["OP"]] == ["A1", "A2"]

    def test_a_payment_rejected_for_a_zero_amount_leaves_no_record(
        self, app: ColoringApplication
    ) -> None:
        allocate(app, "A1", 1, "OP", 100)
        with pytest.raises(ColoringError):
            pay(app, "T0", 2, "OP", "B", 0)
        pay(app, "T1", 3, "OP", "B", 10)
        assert app.store.lookup("movement", ["T0"]) == {}
