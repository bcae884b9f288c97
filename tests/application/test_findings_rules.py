"""The 18 misuse rules of the pilot data contract (section 5 and the fine print of section 7),
each through `coloring load` and `coloring findings --format json`, definition and edges.

Times written without an offset are +05:00. The standard cast and programs are those of
`pilot.builders` (AA livestock, SUB subsidy with a 25% cap, ROAD contract; all expire at
2025-12-31T18:00:00+05:00, max_idle_days 30; AA keeps animals 365 days).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pilot.builders import (
    EXPIRES_AT,
    LIVESTOCK_ROUTE,
    Folder,
    balances,
    brief,
    db_for,
    findings,
    rules_of,
)

OPEN = "open"
REFUSED = "refused"


def aa(tmp_path: Path, amount: str = "1000") -> Folder:
    """AL1 issues `amount` of AA to the operator on 2025-01-01 at 10:00."""
    return Folder(tmp_path / "pilot").allocations(
        ("AL1", "AA", "T", "OP", amount, "2025-01-01T10:00")
    )


def bank_funded(tmp_path: Path) -> Folder:
    """AA: 1000.00 with the bank from 2025-01-01 11:00."""
    return aa(tmp_path).transfers(("M1", "2025-01-01T11:00", "AA", "OP", "B", "1000", ""))


def farmer_funded(tmp_path: Path) -> Folder:
    """AA: 1000.00 with the farmer from 2025-01-01 12:00."""
    return bank_funded(tmp_path).transfers(("M2", "2025-01-01T12:00", "AA", "B", "F", "1000", ""))


def cow_bought(folder: Folder, to_buyer_at: str | None = "2025-01-02T09:00") -> Folder:
    """Purchase P1 (AA, F buys from S on 2025-01-02 at 08:00) of cow KZ1 for 400.00; KZ1 is
    registered to S since 2024-12-01 and transferred to F at `to_buyer_at` (None: never)."""
    folder.purchases(("P1", "AA", "F", "S", "2025-01-02T08:00"))
    folder.purchase_animals(("P1", "KZ1", "cow", "400"))
    folder.registry(("KZ1", "cow", "registered", "S", "2024-12-01"))
    if to_buyer_at is not None:
        folder.registry(("KZ1", "cow", "transferred", "F", to_buyer_at))
    return folder


def pay_for_cow(tmp_path: Path, to_buyer_at: str | None = "2025-01-02T09:00") -> Folder:
    """The farmer pays X1 = 400.00 for P1 on 2025-01-02 at 10:00."""
    return cow_bought(farmer_funded(tmp_path), to_buyer_at).transfers(
        ("X1", "2025-01-02T10:00", "AA", "F", "S", "400", "P1")
    )


def with_loan(folder: Folder, amount: str = "500", **changes: str) -> Folder:
    """Loan L1 (AA, B lends to F) issued on 2025-01-01 at 09:00."""
    row = {
        "loan_id": "L1",
        "program_id": "AA",
        "lender": "B",
        "borrower": "F",
        "amount": amount,
        "issued_at": "2025-01-01T09:00",
        **changes,
    }
    return folder.loans(row)


def road_contract(tmp_path: Path, value: str = "1000") -> Folder:
    """ROAD: 2000.00 with the operator; contract K1 (OP orders from C) signed 2025-01-01."""
    return (
        Folder(tmp_path / "pilot")
        .allocations(("AL1", "ROAD", "T", "OP", "2000", "2025-01-01T10:00"))
        .contracts(("K1", "ROAD", "OP", "C", value, "2025-01-01T10:00", ""))
    )


def subsidy_world(tmp_path: Path) -> Folder:
    """SUB: 1000.00 with the operator from 2025-01-01 10:00."""
    return Folder(tmp_path / "pilot").allocations(
        ("AL1", "SUB", "T", "OP", "1000", "2025-01-01T10:00")
    )


def second_program(folder: Folder, program_id: str, kind: str = "livestock") -> Folder:
    route = LIVESTOCK_ROUTE if kind == "livestock" else "treasury>operator operator>supplier"
    return folder.programs(
        (program_id, f"Program {program_id}", kind, route, EXPIRES_AT, "30", "", "", "")
    )


# -- INSUFFICIENT_FUNDS --------------------------------------------------------------------


def test_a_payment_for_more_than_the_payer_holds_is_refused_as_insufficient_funds(
    tmp_path: Path,
) -> None:
    folder = (
        aa(tmp_path).transfers(("X1", "2025-01-02T10:00", "AA", "OP", "B", "1000.01", "")).write()
    )
    assert brief(findings(folder)) == [
        ("INSUFFICIENT_FUNDS", "X1", "AA", "1000.01", "2025-01-02T10:00:00+05:00", REFUSED)
    ]
    assert balances(db_for(folder)) == {("AA", "OP"): "1000.00"}


def test_a_payment_of_exactly_what_the_payer_holds_is_applied(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(("X1", "2025-01-02T10:00", "AA", "OP", "B", "1000", "")).write()
    assert findings(folder) == []
    assert balances(db_for(folder)) == {("AA", "B"): "1000.00"}


def test_insufficient_funds_is_judged_first_and_alone(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(("X1", "2025-01-02T10:00", "AA", "OP", "S", "2000", "")).write()
    assert rules_of(findings(folder), "X1") == ["INSUFFICIENT_FUNDS"]


def test_a_treasury_holds_nothing_to_pay_with(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(("X1", "2025-01-02T10:00", "AA", "T", "OP", "1", "")).write()
    assert rules_of(findings(folder), "X1") == ["INSUFFICIENT_FUNDS"]


def test_holdings_are_counted_per_program(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(("X1", "2025-01-02T10:00", "ROAD", "OP", "C", "1", "")).write()
    assert rules_of(findings(folder), "X1") == ["INSUFFICIENT_FUNDS"]


def test_a_refused_payment_does_not_deliver_units_to_pay_on_with(tmp_path: Path) -> None:
    folder = (
        aa(tmp_path)
        .transfers(
            ("X1", "2025-01-02T10:00", "AA", "OP", "B", "1500", ""),
            ("X2", "2025-01-02T11:00", "AA", "B", "F", "1", ""),
        )
        .write()
    )
    assert [(f["rule"], f["subject"]) for f in findings(folder)] == [
        ("INSUFFICIENT_FUNDS", "X1"),
        ("INSUFFICIENT_FUNDS", "X2"),
    ]


# -- OFF_ROUTE -----------------------------------------------------------------------------


def test_a_hop_not_in_the_route_is_off_route(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(("X1", "2025-01-02T10:00", "AA", "OP", "F", "100", "")).write()
    assert brief(findings(folder)) == [
        ("OFF_ROUTE", "X1", "AA", "100.00", "2025-01-02T10:00:00+05:00", OPEN)
    ]


def test_a_hop_in_the_route_is_not_off_route(tmp_path: Path) -> None:
    folder = farmer_funded(tmp_path).write()
    assert findings(folder) == []


def test_a_payment_to_a_treasury_is_never_off_route(tmp_path: Path) -> None:
    folder = (
        bank_funded(tmp_path)
        .transfers(("X1", "2025-01-02T10:00", "AA", "B", "T", "100", ""))
        .write()
    )
    assert findings(folder) == []
    assert balances(db_for(folder)) == {("AA", "B"): "900.00"}


def test_units_paid_to_a_role_absent_from_the_route_stay_coloured(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(("X1", "2025-01-02T10:00", "AA", "OP", "SU", "100", "")).write()
    assert rules_of(findings(folder), "X1") == ["OFF_ROUTE"]
    assert balances(db_for(folder)) == {("AA", "OP"): "900.00", ("AA", "SU"): "100.00"}


def test_units_paid_to_a_role_absent_from_the_route_can_go_idle(tmp_path: Path) -> None:
    folder = (
        aa(tmp_path)
        .transfers(
            ("X1", "2025-01-02T10:00", "AA", "OP", "SU", "100", ""),
            ("X2", "2025-01-02T10:00", "AA", "OP", "B", "900", ""),
            ("X3", "2025-01-02T11:00", "AA", "B", "T", "900", ""),
        )
        .write()
    )
    found = findings(folder, "--rule", "IDLE_FUNDS", "--as-of", "2025-03-01")
    assert brief(found) == [("IDLE_FUNDS", "X1", "AA", "100.00", "2025-02-01T10:00:00+05:00", OPEN)]


# -- MISSING_DOCUMENT ----------------------------------------------------------------------


def test_a_payment_into_a_final_role_without_purpose_ref_is_missing_document(
    tmp_path: Path,
) -> None:
    folder = (
        farmer_funded(tmp_path)
        .transfers(("X1", "2025-01-02T10:00", "AA", "F", "S", "100", ""))
        .write()
    )
    assert brief(findings(folder)) == [
        ("MISSING_DOCUMENT", "X1", "AA", "100.00", "2025-01-02T10:00:00+05:00", OPEN)
    ]


def test_a_payment_into_a_role_that_is_not_final_needs_no_document(tmp_path: Path) -> None:
    folder = (
        bank_funded(tmp_path)
        .transfers(("X1", "2025-01-02T10:00", "AA", "B", "F", "100", ""))
        .write()
    )
    assert findings(folder) == []


def test_a_return_to_a_treasury_needs_no_document(tmp_path: Path) -> None:
    folder = (
        farmer_funded(tmp_path)
        .transfers(("X1", "2025-01-02T10:00", "AA", "F", "T", "100", ""))
        .write()
    )
    assert findings(folder) == []


def test_a_role_absent_from_the_route_is_not_final_so_needs_no_document(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(("X1", "2025-01-02T10:00", "AA", "OP", "SC", "100", "")).write()
    assert "MISSING_DOCUMENT" not in rules_of(findings(folder), "X1")


# -- DOCUMENT_MISMATCH ---------------------------------------------------------------------


def mismatch(
    tmp_path: Path, loan: dict[str, str], payee: str = "F", at: str = "2025-01-02T10:00"
) -> Folder:
    """Loan L1 (changed by `loan`) and X1: the bank pays `payee` 100.00 for L1 at `at`."""
    folder = with_loan(bank_funded(tmp_path), **loan).participants(
        ("F2", "Farmer two", "farmer", "Akmola", ""), ("B2", "Bank two", "bank", "Akmola", "")
    )
    return folder.transfers(("X1", at, "AA", "B", payee, "100", "L1"))


def test_a_purpose_ref_to_an_unknown_document_is_a_mismatch(tmp_path: Path) -> None:
    folder = (
        bank_funded(tmp_path)
        .transfers(("X1", "2025-01-02T10:00", "AA", "B", "F", "100", "NOPE"))
        .write()
    )
    assert brief(findings(folder)) == [
        ("DOCUMENT_MISMATCH", "X1", "AA", "100.00", "2025-01-02T10:00:00+05:00", OPEN)
    ]


def test_a_purpose_ref_to_a_document_of_another_program_is_a_mismatch(tmp_path: Path) -> None:
    folder = mismatch(tmp_path, {"program_id": "SUB"}).write()
    assert rules_of(findings(folder), "X1") == ["DOCUMENT_MISMATCH"]


def test_a_purpose_ref_whose_payee_differs_is_a_mismatch(tmp_path: Path) -> None:
    folder = mismatch(tmp_path, {}, payee="F2").write()
    assert rules_of(findings(folder), "X1") == ["DOCUMENT_MISMATCH"]


def test_a_purpose_ref_whose_payer_differs_is_a_mismatch(tmp_path: Path) -> None:
    folder = mismatch(tmp_path, {"lender": "B2"}).write()
    assert rules_of(findings(folder), "X1") == ["DOCUMENT_MISMATCH"]


def test_a_document_dated_after_the_payment_is_unknown_to_it(tmp_path: Path) -> None:
    folder = mismatch(tmp_path, {"issued_at": "2025-01-02T10:00:01"}).write()
    assert rules_of(findings(folder), "X1") == ["DOCUMENT_MISMATCH"]


def test_a_document_dated_at_the_payment_instant_is_known_to_it(tmp_path: Path) -> None:
    folder = mismatch(tmp_path, {"issued_at": "2025-01-02T10:00"}).write()
    assert findings(folder) == []


def test_a_subsidy_names_no_payer_so_any_payer_matches(tmp_path: Path) -> None:
    folder = (
        subsidy_world(tmp_path)
        .subsidies(("S1", "SUB", "LC", "SU", "TR1", "tractor", "1000", "200", "2025-01-01T10:00"))
        .transfers(("X1", "2025-01-02T10:00", "SUB", "OP", "SU", "200", "S1"))
        .write()
    )
    assert findings(folder) == []


def test_a_mismatched_payment_does_not_count_towards_the_document(tmp_path: Path) -> None:
    folder = (
        mismatch(tmp_path, {}, payee="F2")
        .transfers(("X2", "2025-01-02T11:00", "AA", "B", "F", "500", "L1"))
        .write()
    )
    assert [(f["rule"], f["subject"]) for f in findings(folder)] == [("DOCUMENT_MISMATCH", "X1")]


# -- OVERPAYMENT ---------------------------------------------------------------------------


def pay_loan(tmp_path: Path, *amounts: str) -> Path:
    folder = with_loan(bank_funded(tmp_path))
    for i, amount in enumerate(amounts, 1):
        folder.transfers((f"X{i}", f"2025-01-02T1{i}:00", "AA", "B", "F", amount, "L1"))
    return folder.write()


def test_one_tiyn_more_than_the_payable_value_is_an_overpayment_of_one_tiyn(
    tmp_path: Path,
) -> None:
    assert brief(findings(pay_loan(tmp_path, "500.01"))) == [
        ("OVERPAYMENT", "X1", "AA", "0.01", "2025-01-02T11:00:00+05:00", OPEN)
    ]


def test_paying_exactly_the_payable_value_is_not_an_overpayment(tmp_path: Path) -> None:
    assert findings(pay_loan(tmp_path, "500")) == []


def test_an_overpayment_is_the_lesser_of_the_payment_and_the_excess(tmp_path: Path) -> None:
    found = findings(pay_loan(tmp_path, "300", "300", "50"))
    assert [(f["subject"], f["amount"]) for f in found] == [("X2", "100.00"), ("X3", "50.00")]
    assert {f["rule"] for f in found} == {"OVERPAYMENT"}


def test_a_purchase_is_payable_up_to_the_sum_of_its_animal_prices(tmp_path: Path) -> None:
    folder = cow_bought(farmer_funded(tmp_path)).purchase_animals(("P1", "KZ2", "cow", "100"))
    folder.registry(
        ("KZ2", "cow", "registered", "S", "2024-12-01"),
        ("KZ2", "cow", "transferred", "F", "2025-01-02T09:00"),
    ).transfers(
        ("X1", "2025-01-02T10:00", "AA", "F", "S", "500", "P1"),
        ("X2", "2025-01-02T11:00", "AA", "F", "S", "0.01", "P1"),
    )
    assert brief(findings(folder.write())) == [
        ("OVERPAYMENT", "X2", "AA", "0.01", "2025-01-02T11:00:00+05:00", OPEN)
    ]


def test_a_subsidy_is_payable_up_to_its_amount(tmp_path: Path) -> None:
    folder = (
        subsidy_world(tmp_path)
        .subsidies(("S1", "SUB", "LC", "SU", "TR1", "tractor", "1000", "200", "2025-01-01T10:00"))
        .transfers(("X1", "2025-01-02T10:00", "SUB", "OP", "SU", "200.01", "S1"))
        .write()
    )
    assert brief(findings(folder)) == [
        ("OVERPAYMENT", "X1", "SUB", "0.01", "2025-01-02T10:00:00+05:00", OPEN)
    ]


def test_an_act_accepted_at_the_payment_instant_makes_the_contract_payable(
    tmp_path: Path,
) -> None:
    folder = (
        road_contract(tmp_path)
        .acts(("A1", "K1", "400", "2025-01-02T10:00"))
        .transfers(("X1", "2025-01-02T10:00", "ROAD", "OP", "C", "400", "K1"))
        .write()
    )
    assert findings(folder) == []


def test_an_act_accepted_after_the_payment_does_not_make_the_contract_payable(
    tmp_path: Path,
) -> None:
    folder = (
        road_contract(tmp_path)
        .acts(("A1", "K1", "400", "2025-01-02T10:00:01"))
        .transfers(("X1", "2025-01-02T10:00", "ROAD", "OP", "C", "400", "K1"))
        .write()
    )
    assert brief(findings(folder)) == [
        ("OVERPAYMENT", "X1", "ROAD", "400.00", "2025-01-02T10:00:00+05:00", OPEN)
    ]


def test_a_contract_is_payable_up_to_its_value_whatever_the_acts(tmp_path: Path) -> None:
    folder = (
        road_contract(tmp_path)
        .acts(("A1", "K1", "800", "2025-01-02T09:00"), ("A2", "K1", "400", "2025-01-02T09:00"))
        .transfers(("X1", "2025-01-02T10:00", "ROAD", "OP", "C", "1000.01", "K1"))
        .write()
    )
    assert brief(findings(folder)) == [
        ("OVERPAYMENT", "X1", "ROAD", "0.01", "2025-01-02T10:00:00+05:00", OPEN)
    ]


def test_a_contract_is_payable_up_to_the_acts_accepted_so_far(tmp_path: Path) -> None:
    folder = (
        road_contract(tmp_path)
        .acts(("A1", "K1", "300", "2025-01-02T09:00"), ("A2", "K1", "300", "2025-01-03T09:00"))
        .transfers(
            ("X1", "2025-01-02T10:00", "ROAD", "OP", "C", "400", "K1"),
            ("X2", "2025-01-03T10:00", "ROAD", "OP", "C", "200", "K1"),
        )
        .write()
    )
    assert brief(findings(folder)) == [
        ("OVERPAYMENT", "X1", "ROAD", "100.00", "2025-01-02T10:00:00+05:00", OPEN)
    ]


# -- SPENT_AFTER_EXPIRY --------------------------------------------------------------------


def spend_at(tmp_path: Path, at: str) -> list[tuple[str, ...]]:
    folder = aa(tmp_path).transfers(("X1", at, "AA", "OP", "B", "100", "")).write()
    return brief(findings(folder, "--rule", "SPENT_AFTER_EXPIRY"))


def test_a_payment_at_the_expiry_instant_is_in_time(tmp_path: Path) -> None:
    assert spend_at(tmp_path, "2025-12-31T18:00:00+05:00") == []


def test_a_payment_one_second_after_expiry_is_spent_after_expiry(tmp_path: Path) -> None:
    assert spend_at(tmp_path, "2025-12-31T18:00:01+05:00") == [
        ("SPENT_AFTER_EXPIRY", "X1", "AA", "100.00", "2025-12-31T18:00:01+05:00", OPEN)
    ]


def test_expiry_is_compared_as_an_instant_whatever_the_offset(tmp_path: Path) -> None:
    assert spend_at(tmp_path, "2025-12-31T13:00:00Z") == []


def test_a_payment_after_expiry_in_another_offset_prints_in_its_offset(tmp_path: Path) -> None:
    assert spend_at(tmp_path, "2025-12-31T13:00:01Z") == [
        ("SPENT_AFTER_EXPIRY", "X1", "AA", "100.00", "2025-12-31T13:00:01+00:00", OPEN)
    ]


def test_a_return_to_a_treasury_after_expiry_is_allowed(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(("X1", "2026-01-10T10:00", "AA", "OP", "T", "100", "")).write()
    assert brief(findings(folder, "--rule", "SPENT_AFTER_EXPIRY")) == []


# -- UNRETURNED_AFTER_EXPIRY ---------------------------------------------------------------


def test_units_held_at_expiry_are_unreturned_per_program_and_holder(tmp_path: Path) -> None:
    folder = (
        aa(tmp_path)
        .transfers(
            ("X1", "2025-12-01T10:00", "AA", "OP", "B", "400", ""),
            ("X2", "2026-01-10T10:00", "AA", "OP", "T", "600", ""),
        )
        .write()
    )
    assert brief(findings(folder, "--rule", "UNRETURNED_AFTER_EXPIRY")) == [
        ("UNRETURNED_AFTER_EXPIRY", "AA/B", "AA", "400.00", EXPIRES_AT, OPEN),
        ("UNRETURNED_AFTER_EXPIRY", "AA/OP", "AA", "600.00", EXPIRES_AT, OPEN),
    ]


def test_nothing_is_unreturned_while_as_of_is_before_expiry(tmp_path: Path) -> None:
    folder = (
        aa(tmp_path).transfers(("X1", "2025-12-31T17:59:59", "AA", "OP", "B", "400", "")).write()
    )
    assert brief(findings(folder, "--rule", "UNRETURNED_AFTER_EXPIRY")) == []


def test_units_are_unreturned_when_as_of_is_exactly_expiry(tmp_path: Path) -> None:
    folder = aa(tmp_path).write()
    found = findings(folder, "--rule", "UNRETURNED_AFTER_EXPIRY", "--as-of", EXPIRES_AT)
    assert brief(found) == [("UNRETURNED_AFTER_EXPIRY", "AA/OP", "AA", "1000.00", EXPIRES_AT, OPEN)]


def test_units_are_not_unreturned_one_second_before_expiry(tmp_path: Path) -> None:
    folder = aa(tmp_path).write()
    found = findings(
        folder, "--rule", "UNRETURNED_AFTER_EXPIRY", "--as-of", "2025-12-31T17:59:59+05:00"
    )
    assert found == []


def test_a_return_exactly_at_expiry_is_in_time(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(("X1", EXPIRES_AT, "AA", "OP", "T", "1000", "")).write()
    assert findings(folder, "--rule", "UNRETURNED_AFTER_EXPIRY", "--as-of", "2026-06-01") == []


def test_spent_units_are_not_unreturned(tmp_path: Path) -> None:
    folder = (
        farmer_funded(tmp_path)
        .transfers(("X1", "2025-01-02T10:00", "AA", "F", "S", "1000", ""))
        .write()
    )
    assert findings(folder, "--rule", "UNRETURNED_AFTER_EXPIRY", "--as-of", "2026-06-01") == []


def test_unreturned_is_dated_at_expiry_in_the_offset_it_was_written_in(tmp_path: Path) -> None:
    folder = aa(tmp_path).programs({"program_id": "AA", "expires_at": "2025-12-31T12:00:00Z"})
    found = findings(folder.write(), "--rule", "UNRETURNED_AFTER_EXPIRY", "--as-of", "2026-01-01")
    assert brief(found) == [
        ("UNRETURNED_AFTER_EXPIRY", "AA/OP", "AA", "1000.00", "2025-12-31T12:00:00+00:00", OPEN)
    ]


# -- IDLE_FUNDS ----------------------------------------------------------------------------


def test_units_passed_on_after_exactly_max_idle_days_are_not_idle(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(("X1", "2025-01-31T10:00", "AA", "OP", "B", "1000", "")).write()
    assert findings(folder, "--rule", "IDLE_FUNDS") == []


def test_units_passed_on_one_second_after_max_idle_days_are_idle(tmp_path: Path) -> None:
    folder = (
        aa(tmp_path).transfers(("X1", "2025-01-31T10:00:01", "AA", "OP", "B", "1000", "")).write()
    )
    assert brief(findings(folder, "--rule", "IDLE_FUNDS")) == [
        ("IDLE_FUNDS", "AL1", "AA", "1000.00", "2025-01-31T10:00:00+05:00", OPEN)
    ]


def test_units_still_held_at_exactly_max_idle_days_are_not_idle(tmp_path: Path) -> None:
    folder = aa(tmp_path).write()
    assert findings(folder, "--as-of", "2025-01-31T10:00") == []


def test_units_still_held_one_second_after_max_idle_days_are_idle(tmp_path: Path) -> None:
    folder = aa(tmp_path).write()
    assert brief(findings(folder, "--as-of", "2025-01-31T10:00:01")) == [
        ("IDLE_FUNDS", "AL1", "AA", "1000.00", "2025-01-31T10:00:00+05:00", OPEN)
    ]


def test_idle_funds_are_dated_in_the_offset_of_the_delivery(tmp_path: Path) -> None:
    folder = (
        aa(tmp_path)
        .transfers(("X1", "2025-01-02T09:00:00+06:00", "AA", "OP", "B", "1000", ""))
        .write()
    )
    assert brief(findings(folder, "--as-of", "2025-03-01")) == [
        ("IDLE_FUNDS", "X1", "AA", "1000.00", "2025-02-01T09:00:00+06:00", OPEN)
    ]


def test_idle_funds_count_only_the_units_not_passed_on_in_time(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(("X1", "2025-01-10T10:00", "AA", "OP", "B", "600", "")).write()
    assert brief(findings(folder, "--as-of", "2025-03-01")) == [
        ("IDLE_FUNDS", "AL1", "AA", "400.00", "2025-01-31T10:00:00+05:00", OPEN),
        ("IDLE_FUNDS", "X1", "AA", "600.00", "2025-02-09T10:00:00+05:00", OPEN),
    ]


def test_idle_funds_are_one_finding_per_delivery(tmp_path: Path) -> None:
    folder = aa(tmp_path).allocations(("AL2", "AA", "T", "OP", "5", "2025-01-01T10:00")).write()
    assert [(f["subject"], f["amount"]) for f in findings(folder, "--as-of", "2025-03-01")] == [
        ("AL1", "1000.00"),
        ("AL2", "5.00"),
    ]


def test_idle_funds_follow_the_units_first_in_first_out(tmp_path: Path) -> None:
    folder = (
        aa(tmp_path, "500")
        .allocations(("AL2", "AA", "T", "OP", "500", "2025-01-20T10:00"))
        .transfers(
            ("X1", "2025-02-05T10:00", "AA", "OP", "B", "500", ""),
            ("X2", "2025-02-10T10:00", "AA", "OP", "B", "500", ""),
        )
        .write()
    )
    assert brief(findings(folder, "--as-of", "2025-02-15")) == [
        ("IDLE_FUNDS", "AL1", "AA", "500.00", "2025-01-31T10:00:00+05:00", OPEN)
    ]


def test_units_returned_to_a_treasury_or_spent_are_never_idle(tmp_path: Path) -> None:
    folder = (
        farmer_funded(tmp_path)
        .transfers(
            ("X1", "2025-01-02T10:00", "AA", "F", "S", "600", ""),
            ("X2", "2025-01-02T10:00", "AA", "F", "T", "400", ""),
        )
        .write()
    )
    assert findings(folder, "--rule", "IDLE_FUNDS", "--as-of", "2025-06-01") == []


def test_the_idle_limit_is_the_programs(tmp_path: Path) -> None:
    folder = aa(tmp_path).programs({"program_id": "AA", "max_idle_days": "0"}).write()
    assert brief(findings(folder, "--as-of", "2025-01-01T10:00:01")) == [
        ("IDLE_FUNDS", "AL1", "AA", "1000.00", "2025-01-01T10:00:00+05:00", OPEN)
    ]


# -- ROUND_TRIP ----------------------------------------------------------------------------


def test_units_paid_back_to_a_participant_who_held_them_are_a_round_trip(tmp_path: Path) -> None:
    folder = (
        aa(tmp_path)
        .transfers(
            ("X1", "2025-01-02T10:00", "AA", "OP", "B", "600", ""),
            ("X2", "2025-01-03T10:00", "AA", "B", "OP", "100", ""),
        )
        .write()
    )
    assert brief(findings(folder, "--rule", "ROUND_TRIP")) == [
        ("ROUND_TRIP", "X2", "AA", "100.00", "2025-01-03T10:00:00+05:00", OPEN)
    ]


def test_a_round_trip_is_found_several_hops_later(tmp_path: Path) -> None:
    folder = (
        farmer_funded(tmp_path)
        .transfers(("X1", "2025-01-02T10:00", "AA", "F", "OP", "100", ""))
        .write()
    )
    assert rules_of(findings(folder), "X1") == ["OFF_ROUTE", "ROUND_TRIP"]


def test_other_units_paid_to_a_former_holder_are_no_round_trip(tmp_path: Path) -> None:
    folder = (
        aa(tmp_path)
        .allocations(("AL2", "AA", "T", "B", "100", "2025-01-01T09:00"))
        .transfers(
            ("X1", "2025-01-02T10:00", "AA", "OP", "B", "600", ""),
            ("X2", "2025-01-03T10:00", "AA", "B", "OP", "100", ""),
        )
        .write()
    )
    assert rules_of(findings(folder), "X2") == ["OFF_ROUTE"]


def test_a_return_to_a_treasury_is_no_round_trip(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(("X1", "2025-01-02T10:00", "AA", "OP", "T", "100", "")).write()
    assert findings(folder) == []


# -- RELATED_PARTY -------------------------------------------------------------------------


def test_a_payment_to_a_party_related_to_the_payer_is_related_party(tmp_path: Path) -> None:
    folder = pay_for_cow(tmp_path).participants({"participant_id": "F", "related_to": "S"})
    assert brief(findings(folder.write())) == [
        ("RELATED_PARTY", "X1", "AA", "400.00", "2025-01-02T10:00:00+05:00", OPEN)
    ]


def test_related_to_is_symmetric(tmp_path: Path) -> None:
    folder = pay_for_cow(tmp_path).participants({"participant_id": "S", "related_to": "F"})
    assert rules_of(findings(folder.write()), "X1") == ["RELATED_PARTY"]


def test_related_to_is_not_transitive(tmp_path: Path) -> None:
    folder = pay_for_cow(tmp_path).participants({"participant_id": "LC", "related_to": "F;S"})
    assert findings(folder.write()) == []


def test_related_party_needs_a_purpose_ref(tmp_path: Path) -> None:
    folder = farmer_funded(tmp_path).participants({"participant_id": "F", "related_to": "S"})
    folder.transfers(("X1", "2025-01-02T10:00", "AA", "F", "S", "100", ""))
    assert rules_of(findings(folder.write()), "X1") == ["MISSING_DOCUMENT"]


def test_the_related_payer_test_applies_to_an_unknown_document(tmp_path: Path) -> None:
    folder = farmer_funded(tmp_path).participants({"participant_id": "F", "related_to": "S"})
    folder.transfers(("X1", "2025-01-02T10:00", "AA", "F", "S", "100", "NOPE"))
    assert rules_of(findings(folder.write()), "X1") == ["DOCUMENT_MISMATCH", "RELATED_PARTY"]


def test_a_payee_related_to_the_subsidy_applicant_is_related_party(tmp_path: Path) -> None:
    folder = subsidy_world(tmp_path).participants({"participant_id": "LC", "related_to": "SU"})
    folder.subsidies(
        ("S1", "SUB", "LC", "SU", "TR1", "tractor", "1000", "200", "2025-01-01T10:00")
    ).transfers(("X1", "2025-01-02T10:00", "SUB", "OP", "SU", "200", "S1"))
    assert brief(findings(folder.write())) == [
        ("RELATED_PARTY", "X1", "SUB", "200.00", "2025-01-02T10:00:00+05:00", OPEN)
    ]


def test_a_contractor_related_to_its_customer_is_related_party(tmp_path: Path) -> None:
    folder = road_contract(tmp_path).participants({"participant_id": "C", "related_to": "OP"})
    folder.acts(("A1", "K1", "400", "2025-01-02T09:00")).transfers(
        ("X1", "2025-01-02T10:00", "ROAD", "OP", "C", "400", "K1")
    )
    assert rules_of(findings(folder.write()), "X1") == ["RELATED_PARTY"]


# -- UNREGISTERED_ANIMAL and SELLER_NOT_OWNER ----------------------------------------------


def animal_rules(tmp_path: Path, *registry: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Purchase P1 (F buys cow KZ1 from S for 400.00 on 2025-01-02 at 08:00) and these
    registry rows; the findings of the two registration rules."""
    folder = Folder(tmp_path / "pilot").purchases(("P1", "AA", "F", "S", "2025-01-02T08:00"))
    folder.purchase_animals(("P1", "KZ1", "cow", "400")).registry(*registry)
    found = findings(folder.write())
    return [f for f in brief(found) if f[0] in ("UNREGISTERED_ANIMAL", "SELLER_NOT_OWNER")]


def test_an_animal_with_no_registry_record_is_unregistered(tmp_path: Path) -> None:
    assert animal_rules(tmp_path) == [
        ("UNREGISTERED_ANIMAL", "P1/KZ1", "AA", "400.00", "2025-01-02T08:00:00+05:00", OPEN)
    ]


def test_a_registry_record_at_exactly_contracted_at_counts(tmp_path: Path) -> None:
    assert animal_rules(tmp_path, ("KZ1", "cow", "registered", "S", "2025-01-02T08:00")) == []


def test_a_registry_record_one_second_after_contracted_at_does_not_count(tmp_path: Path) -> None:
    assert animal_rules(tmp_path, ("KZ1", "cow", "registered", "S", "2025-01-02T08:00:01")) == [
        ("UNREGISTERED_ANIMAL", "P1/KZ1", "AA", "400.00", "2025-01-02T08:00:00+05:00", OPEN)
    ]


def test_an_animal_registered_to_another_owner_is_seller_not_owner(tmp_path: Path) -> None:
    assert animal_rules(tmp_path, ("KZ1", "cow", "registered", "IIN-770101", "2024-12-01")) == [
        ("SELLER_NOT_OWNER", "P1/KZ1", "AA", "400.00", "2025-01-02T08:00:00+05:00", OPEN)
    ]


def test_the_owner_is_the_latest_record_at_or_before_contracted_at(tmp_path: Path) -> None:
    assert (
        animal_rules(
            tmp_path,
            ("KZ1", "cow", "registered", "X9", "2024-12-01"),
            ("KZ1", "cow", "transferred", "S", "2025-01-02T08:00"),
            ("KZ1", "cow", "transferred", "X9", "2025-01-02T08:00:01"),
        )
        == []
    )


@pytest.mark.parametrize("event", ["disposed", "exported"])
def test_a_disposed_or_exported_animal_has_no_owner(tmp_path: Path, event: str) -> None:
    assert animal_rules(
        tmp_path,
        ("KZ1", "cow", "registered", "S", "2024-12-01"),
        ("KZ1", "cow", event, "", "2024-12-15"),
    ) == [("SELLER_NOT_OWNER", "P1/KZ1", "AA", "400.00", "2025-01-02T08:00:00+05:00", OPEN)]


# -- PAID_BEFORE_REREGISTRATION ------------------------------------------------------------


def test_paying_before_the_animal_is_registered_to_the_buyer_is_paid_before_reregistration(
    tmp_path: Path,
) -> None:
    folder = pay_for_cow(tmp_path, to_buyer_at="2025-01-02T10:00:01").write()
    assert brief(findings(folder)) == [
        ("PAID_BEFORE_REREGISTRATION", "X1", "AA", "400.00", "2025-01-02T10:00:00+05:00", OPEN)
    ]


def test_a_registry_record_at_the_payment_instant_counts(tmp_path: Path) -> None:
    folder = pay_for_cow(tmp_path, to_buyer_at="2025-01-02T10:00").write()
    assert findings(folder) == []


def test_a_purchase_without_animals_has_no_paid_before_reregistration(tmp_path: Path) -> None:
    folder = farmer_funded(tmp_path).purchases(("P1", "AA", "F", "S", "2025-01-02T08:00"))
    folder.transfers(("X1", "2025-01-02T10:00", "AA", "F", "S", "1", "P1"))
    assert rules_of(findings(folder.write()), "X1") == ["OVERPAYMENT"]


def test_one_animal_not_yet_registered_to_the_buyer_is_enough(tmp_path: Path) -> None:
    folder = pay_for_cow(tmp_path).purchase_animals(("P1", "KZ2", "cow", "100"))
    folder.registry(("KZ2", "cow", "registered", "S", "2024-12-01"))
    assert rules_of(findings(folder.write()), "X1") == ["PAID_BEFORE_REREGISTRATION"]


def test_a_payment_that_does_not_count_towards_the_purchase_is_not_judged_on_it(
    tmp_path: Path,
) -> None:
    folder = cow_bought(farmer_funded(tmp_path), to_buyer_at=None).participants(
        ("S2", "Seller two", "seller", "Akmola", "")
    )
    folder.transfers(("X1", "2025-01-02T10:00", "AA", "F", "S2", "400", "P1"))
    assert rules_of(findings(folder.write()), "X1") == ["DOCUMENT_MISMATCH"]


# -- DUPLICATE_ANIMAL ----------------------------------------------------------------------


def duplicates(folder: Folder) -> list[tuple[str, ...]]:
    return brief(findings(folder.write(), "--rule", "DUPLICATE_ANIMAL"))


def test_an_animal_in_an_earlier_purchase_is_a_duplicate_in_the_later(tmp_path: Path) -> None:
    folder = (
        Folder(tmp_path / "pilot")
        .purchases(
            ("P1", "AA", "F", "S", "2025-01-02T08:00"), ("P2", "AA", "F", "S", "2025-01-03T08:00")
        )
        .purchase_animals(("P1", "KZ1", "cow", "400"), ("P2", "KZ1", "cow", "350"))
    )
    assert duplicates(folder) == [
        ("DUPLICATE_ANIMAL", "P2/KZ1", "AA", "350.00", "2025-01-03T08:00:00+05:00", OPEN)
    ]


def test_duplicate_animals_are_found_across_programs(tmp_path: Path) -> None:
    folder = (
        second_program(Folder(tmp_path / "pilot"), "AB")
        .purchases(
            ("P1", "AA", "F", "S", "2025-01-02T08:00"), ("P2", "AB", "F", "S", "2025-01-03T08:00")
        )
        .purchase_animals(("P1", "KZ1", "cow", "400"), ("P2", "KZ1", "cow", "350"))
    )
    assert duplicates(folder) == [
        ("DUPLICATE_ANIMAL", "P2/KZ1", "AB", "350.00", "2025-01-03T08:00:00+05:00", OPEN)
    ]


def test_duplicate_animals_at_the_same_instant_go_by_row_order(tmp_path: Path) -> None:
    folder = (
        second_program(Folder(tmp_path / "pilot"), "AB")
        .purchases(
            ("P2", "AB", "F", "S", "2025-01-02T08:00"), ("P1", "AA", "F", "S", "2025-01-02T03:00Z")
        )
        .purchase_animals(("P1", "KZ1", "cow", "400"), ("P2", "KZ1", "cow", "350"))
    )
    assert duplicates(folder) == [
        ("DUPLICATE_ANIMAL", "P1/KZ1", "AA", "400.00", "2025-01-02T03:00:00+00:00", OPEN)
    ]


def test_an_earlier_date_wins_over_row_order_for_duplicates(tmp_path: Path) -> None:
    folder = (
        Folder(tmp_path / "pilot")
        .purchases(
            ("P2", "AA", "F", "S", "2025-01-03T08:00"), ("P1", "AA", "F", "S", "2025-01-02T08:00")
        )
        .purchase_animals(("P2", "KZ1", "cow", "350"), ("P1", "KZ1", "cow", "400"))
    )
    assert [f[1] for f in duplicates(folder)] == ["P2/KZ1"]


def test_every_later_purchase_of_an_animal_is_a_duplicate(tmp_path: Path) -> None:
    folder = (
        Folder(tmp_path / "pilot")
        .purchases(
            ("P1", "AA", "F", "S", "2025-01-02T08:00"),
            ("P2", "AA", "F", "S", "2025-01-03T08:00"),
            ("P3", "AA", "F", "S", "2025-01-04T08:00"),
        )
        .purchase_animals(
            ("P1", "KZ1", "cow", "400"), ("P2", "KZ1", "cow", "350"), ("P3", "KZ1", "cow", "300")
        )
    )
    assert [f[1] for f in duplicates(folder)] == ["P2/KZ1", "P3/KZ1"]


# -- EARLY_DISPOSAL ------------------------------------------------------------------------


def early(
    tmp_path: Path, *registry: tuple[str, ...], retention: str = "365"
) -> list[tuple[str, ...]]:
    """P1 (F buys KZ1 from S on 2025-01-02 at 08:00), KZ1 registered to S since 2024-12-01,
    then these registry rows; the EARLY_DISPOSAL findings."""
    folder = Folder(tmp_path / "pilot").programs({"program_id": "AA", "retention_days": retention})
    folder.purchases(("P1", "AA", "F", "S", "2025-01-02T08:00"))
    folder.purchase_animals(("P1", "KZ1", "cow", "400"))
    folder.registry(("KZ1", "cow", "registered", "S", "2024-12-01"), *registry)
    return brief(findings(folder.write(), "--rule", "EARLY_DISPOSAL"))


TO_BUYER = ("KZ1", "cow", "transferred", "F", "2025-01-02T09:00")
EARLY_P1 = ("EARLY_DISPOSAL", "P1/KZ1", "AA", "400.00", "2025-01-02T08:00:00+05:00", OPEN)


@pytest.mark.parametrize(
    "departure",
    [
        ("KZ1", "cow", "disposed", "", "2025-06-01"),
        ("KZ1", "cow", "exported", "", "2025-06-01"),
        ("KZ1", "cow", "transferred", "X9", "2025-06-01"),
        ("KZ1", "cow", "registered", "X9", "2025-06-01"),
    ],
    ids=["disposed", "exported", "transferred", "registered-elsewhere"],
)
def test_an_animal_leaving_its_buyer_within_retention_is_early_disposal(
    tmp_path: Path, departure: tuple[str, ...]
) -> None:
    assert early(tmp_path, TO_BUYER, departure) == [EARLY_P1]


def test_leaving_exactly_retention_days_after_registration_is_not_early(tmp_path: Path) -> None:
    assert early(tmp_path, TO_BUYER, ("KZ1", "cow", "disposed", "", "2026-01-02T09:00")) == []


def test_leaving_one_second_before_retention_days_is_early(tmp_path: Path) -> None:
    assert early(tmp_path, TO_BUYER, ("KZ1", "cow", "disposed", "", "2026-01-02T08:59:59")) == [
        EARLY_P1
    ]


def test_a_re_registration_to_the_same_buyer_is_not_a_departure(tmp_path: Path) -> None:
    assert (
        early(
            tmp_path,
            TO_BUYER,
            ("KZ1", "cow", "registered", "F", "2025-03-01"),
            ("KZ1", "cow", "disposed", "", "2026-02-01"),
        )
        == []
    )


def test_an_animal_never_registered_to_the_buyer_is_no_early_disposal(tmp_path: Path) -> None:
    assert early(tmp_path, ("KZ1", "cow", "disposed", "", "2025-03-01")) == []


def test_a_registration_to_the_buyer_before_contracted_at_does_not_start_retention(
    tmp_path: Path,
) -> None:
    assert (
        early(
            tmp_path,
            ("KZ1", "cow", "transferred", "F", "2024-12-20"),
            ("KZ1", "cow", "disposed", "", "2025-03-01"),
        )
        == []
    )


def test_a_registration_to_the_buyer_at_contracted_at_starts_retention(tmp_path: Path) -> None:
    assert early(
        tmp_path,
        ("KZ1", "cow", "transferred", "F", "2025-01-02T08:00"),
        ("KZ1", "cow", "disposed", "", "2025-03-01"),
    ) == [EARLY_P1]


def test_a_program_without_retention_days_has_no_early_disposal(tmp_path: Path) -> None:
    departure = ("KZ1", "cow", "disposed", "", "2025-01-03")
    assert early(tmp_path, TO_BUYER, departure, retention="") == []


# -- PRICE_ABOVE_REFERENCE -----------------------------------------------------------------


def priced(
    tmp_path: Path,
    *prices: tuple[str, ...],
    tolerance: str = "",
    cheap: str = "360",
    dear: str = "360.01",
) -> list[str]:
    """P1 (AA, buyer F of region Akmola, 2025-01-02 08:00) buys KZ1 at `cheap` and KZ2 at
    `dear`; the subjects of the PRICE_ABOVE_REFERENCE findings."""
    folder = Folder(tmp_path / "pilot").programs(
        {"program_id": "AA", "price_tolerance_percent": tolerance}
    )
    folder.purchases(("P1", "AA", "F", "S", "2025-01-02T08:00")).purchase_animals(
        ("P1", "KZ1", "cow", cheap), ("P1", "KZ2", "cow", dear)
    ).reference_prices(*prices)
    return [f[1] for f in brief(findings(folder.write(), "--rule", "PRICE_ABOVE_REFERENCE"))]


def test_a_price_above_reference_plus_default_tolerance_is_found(tmp_path: Path) -> None:
    folder = Folder(tmp_path / "pilot").purchases(("P1", "AA", "F", "S", "2025-01-02T08:00"))
    folder.purchase_animals(("P1", "KZ1", "cow", "360"), ("P1", "KZ2", "cow", "360.01"))
    folder.reference_prices(("cow", "*", "300", "2024-01-01"))
    assert brief(findings(folder.write(), "--rule", "PRICE_ABOVE_REFERENCE")) == [
        ("PRICE_ABOVE_REFERENCE", "P1/KZ2", "AA", "360.01", "2025-01-02T08:00:00+05:00", OPEN)
    ]


def test_without_a_reference_price_there_is_no_finding(tmp_path: Path) -> None:
    assert priced(tmp_path, ("horse", "*", "1", "2024-01-01"), dear="99999") == []


def test_the_buyers_region_price_wins_over_a_newer_any_region_price(tmp_path: Path) -> None:
    prices = (("cow", "Akmola", "300", "2024-01-01"), ("cow", "*", "1000", "2024-06-01"))
    assert priced(tmp_path, *prices) == ["P1/KZ2"]


def test_the_reference_falls_back_to_any_region(tmp_path: Path) -> None:
    prices = (
        ("cow", "Kostanay", "100", "2024-01-01"),
        ("cow", "Akmola", "100", "2025-01-02T08:00:01"),
        ("cow", "*", "300", "2024-01-01"),
    )
    assert priced(tmp_path, *prices) == ["P1/KZ2"]


def test_the_latest_valid_from_at_or_before_the_date_wins(tmp_path: Path) -> None:
    prices = (
        ("cow", "*", "1000", "2024-01-01"),
        ("cow", "*", "300", "2025-01-02T08:00"),
        ("cow", "*", "50", "2025-01-02T08:00:01"),
    )
    assert priced(tmp_path, *prices) == ["P1/KZ2"]


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [("1000", "300", ["P1/KZ2"]), ("300", "1000", [])],
    ids=["cheaper-later", "dearer-later"],
)
def test_for_equal_item_region_and_valid_from_the_later_row_applies(
    tmp_path: Path, first: str, second: str, expected: list[str]
) -> None:
    prices = (("cow", "*", first, "2024-01-01"), ("cow", "*", second, "2024-01-01"))
    assert priced(tmp_path, *prices) == expected


def test_the_tolerance_is_the_programs_and_compared_exactly(tmp_path: Path) -> None:
    prices = (("cow", "*", "300", "2024-01-01"),)
    assert priced(tmp_path, *prices, tolerance="10.5", cheap="331.50", dear="331.51") == ["P1/KZ2"]


def test_a_zero_tolerance_allows_exactly_the_reference(tmp_path: Path) -> None:
    prices = (("cow", "*", "300", "2024-01-01"),)
    assert priced(tmp_path, *prices, tolerance="0", cheap="300", dear="300.01") == ["P1/KZ2"]


def test_a_subsidy_asset_value_above_reference_is_found_with_the_subsidy_amount(
    tmp_path: Path,
) -> None:
    folder = Folder(tmp_path / "pilot").reference_prices(("tractor", "*", "1000", "2024-01-01"))
    folder.subsidies(
        ("S1", "SUB", "LC", "SU", "TR1", "tractor", "1200", "100", "2025-01-02T08:00"),
        ("S2", "SUB", "LC", "SU", "TR2", "tractor", "1200.01", "100", "2025-01-02T08:00"),
    )
    assert brief(findings(folder.write())) == [
        ("PRICE_ABOVE_REFERENCE", "S2", "SUB", "100.00", "2025-01-02T08:00:00+05:00", OPEN)
    ]


def test_a_subsidy_reference_uses_the_applicants_region(tmp_path: Path) -> None:
    folder = Folder(tmp_path / "pilot").participants({"participant_id": "LC", "region": "North"})
    folder.reference_prices(
        ("tractor", "*", "1000", "2024-01-01"), ("tractor", "North", "100", "2024-01-01")
    ).subsidies(("S1", "SUB", "LC", "SU", "TR1", "tractor", "1000", "100", "2025-01-02T08:00"))
    assert [f["subject"] for f in findings(folder.write())] == ["S1"]


# -- SUBSIDY_OVER_CAP and DOUBLE_SUBSIDY ---------------------------------------------------


def test_a_subsidy_above_the_cap_is_found_and_exactly_the_cap_is_not(tmp_path: Path) -> None:
    folder = Folder(tmp_path / "pilot").subsidies(
        ("S1", "SUB", "LC", "SU", "TR1", "tractor", "1000", "250", "2025-01-02T08:00"),
        ("S2", "SUB", "LC", "SU", "TR2", "tractor", "1000", "250.01", "2025-01-02T08:00"),
    )
    assert brief(findings(folder.write())) == [
        ("SUBSIDY_OVER_CAP", "S2", "SUB", "250.01", "2025-01-02T08:00:00+05:00", OPEN)
    ]


def test_a_fractional_cap_is_compared_exactly(tmp_path: Path) -> None:
    folder = Folder(tmp_path / "pilot").programs(
        {"program_id": "SUB", "subsidy_cap_percent": "12.5"}
    )
    folder.subsidies(
        ("S1", "SUB", "LC", "SU", "TR1", "tractor", "1000.10", "125.01", "2025-01-02T08:00"),
        ("S2", "SUB", "LC", "SU", "TR2", "tractor", "1000.10", "125.02", "2025-01-02T08:00"),
    )
    assert [f["subject"] for f in findings(folder.write())] == ["S2"]


def test_a_program_without_a_cap_has_no_subsidy_over_cap(tmp_path: Path) -> None:
    folder = Folder(tmp_path / "pilot").programs({"program_id": "SUB", "subsidy_cap_percent": ""})
    folder.subsidies(("S1", "SUB", "LC", "SU", "TR1", "tractor", "1000", "999", "2025-01-02"))
    assert findings(folder.write()) == []


def subsidies_of(folder: Folder, *rows: tuple[str, str, str]) -> list[tuple[str, ...]]:
    """(subsidy_id, program_id, approved_at) for asset TR1, in this row order."""
    folder.subsidies(
        *[(s, p, "LC", "SU", "TR1", "tractor", "1000", "100", at) for s, p, at in rows]
    )
    return brief(findings(folder.write(), "--rule", "DOUBLE_SUBSIDY"))


def test_a_subsidy_for_an_asset_already_covered_is_a_double_subsidy(tmp_path: Path) -> None:
    assert subsidies_of(
        Folder(tmp_path / "pilot"), ("S1", "SUB", "2025-01-02"), ("S2", "SUB", "2025-01-03")
    ) == [("DOUBLE_SUBSIDY", "S2", "SUB", "100.00", "2025-01-03T00:00:00+05:00", OPEN)]


def test_double_subsidies_are_found_across_programs(tmp_path: Path) -> None:
    folder = second_program(Folder(tmp_path / "pilot"), "SUB2", kind="subsidy")
    assert subsidies_of(folder, ("S1", "SUB", "2025-01-02"), ("S2", "SUB2", "2025-01-03")) == [
        ("DOUBLE_SUBSIDY", "S2", "SUB2", "100.00", "2025-01-03T00:00:00+05:00", OPEN)
    ]


def test_double_subsidies_at_the_same_instant_go_by_row_order(tmp_path: Path) -> None:
    folder = second_program(Folder(tmp_path / "pilot"), "SUB2", kind="subsidy")
    assert [
        f[1]
        for f in subsidies_of(
            folder, ("S2", "SUB2", "2025-01-02T10:00"), ("S1", "SUB", "2025-01-02T05:00Z")
        )
    ] == ["S1"]


def test_an_earlier_approval_wins_over_row_order_for_double_subsidies(tmp_path: Path) -> None:
    found = subsidies_of(
        Folder(tmp_path / "pilot"), ("S2", "SUB", "2025-01-03"), ("S1", "SUB", "2025-01-02")
    )
    assert [f[1] for f in found] == ["S2"]


# -- enforce mode --------------------------------------------------------------------------


def _off_route(tmp_path: Path) -> Folder:
    return aa(tmp_path).transfers(("X1", "2025-01-02T10:00", "AA", "OP", "F", "100", ""))


def _missing_document(tmp_path: Path) -> Folder:
    return farmer_funded(tmp_path).transfers(("X1", "2025-01-02T10:00", "AA", "F", "S", "100", ""))


def _document_mismatch(tmp_path: Path) -> Folder:
    return bank_funded(tmp_path).transfers(
        ("X1", "2025-01-02T10:00", "AA", "B", "F", "100", "NOPE")
    )


def _overpayment(tmp_path: Path) -> Folder:
    return with_loan(bank_funded(tmp_path)).transfers(
        ("X1", "2025-01-02T10:00", "AA", "B", "F", "500.01", "L1")
    )


def _spent_after_expiry(tmp_path: Path) -> Folder:
    return aa(tmp_path).transfers(("X1", "2026-01-01T10:00", "AA", "OP", "B", "100", ""))


def _paid_before_reregistration(tmp_path: Path) -> Folder:
    return pay_for_cow(tmp_path, to_buyer_at=None)


@pytest.mark.parametrize(
    ("rule", "build", "amount", "at", "holder"),
    [
        ("OFF_ROUTE", _off_route, "100.00", "2025-01-02T10:00:00+05:00", "OP"),
        ("MISSING_DOCUMENT", _missing_document, "100.00", "2025-01-02T10:00:00+05:00", "F"),
        ("DOCUMENT_MISMATCH", _document_mismatch, "100.00", "2025-01-02T10:00:00+05:00", "B"),
        ("OVERPAYMENT", _overpayment, "0.01", "2025-01-02T10:00:00+05:00", "B"),
        ("SPENT_AFTER_EXPIRY", _spent_after_expiry, "100.00", "2026-01-01T10:00:00+05:00", "OP"),
        (
            "PAID_BEFORE_REREGISTRATION",
            _paid_before_reregistration,
            "400.00",
            "2025-01-02T10:00:00+05:00",
            "F",
        ),
    ],
)
def test_in_enforce_mode_each_enforceable_rule_refuses_the_payment_and_moves_nothing(
    tmp_path: Path,
    rule: str,
    build: Callable[[Path], Folder],
    amount: str,
    at: str,
    holder: str,
) -> None:
    folder = build(tmp_path).write()
    found = findings(folder, "--rule", rule, mode="enforce")
    assert brief(found) == [(rule, "X1", "AA", amount, at, REFUSED)]
    assert balances(db_for(folder)) == {("AA", holder): "1000.00"}


def test_in_enforce_mode_insufficient_funds_is_refused_too(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(("X1", "2025-01-02T10:00", "AA", "OP", "F", "2000", "")).write()
    assert brief(findings(folder, mode="enforce")) == [
        ("INSUFFICIENT_FUNDS", "X1", "AA", "2000.00", "2025-01-02T10:00:00+05:00", REFUSED)
    ]


def test_a_refused_payment_carries_only_the_findings_it_was_refused_for(tmp_path: Path) -> None:
    folder = pay_for_cow(tmp_path, to_buyer_at=None).participants(
        {"participant_id": "F", "related_to": "S"}
    )
    assert brief(findings(folder.write(), mode="enforce")) == [
        ("PAID_BEFORE_REREGISTRATION", "X1", "AA", "400.00", "2025-01-02T10:00:00+05:00", REFUSED)
    ]


def test_in_enforce_mode_a_rule_that_is_not_enforced_leaves_the_payment_applied(
    tmp_path: Path,
) -> None:
    built = pay_for_cow(tmp_path).participants({"participant_id": "F", "related_to": "S"})
    folder = built.write()
    assert brief(findings(folder, mode="enforce")) == [
        ("RELATED_PARTY", "X1", "AA", "400.00", "2025-01-02T10:00:00+05:00", OPEN)
    ]
    assert balances(db_for(folder)) == {("AA", "F"): "600.00"}


def test_a_refused_payment_settles_nothing(tmp_path: Path) -> None:
    folder = pay_for_cow(tmp_path, to_buyer_at="2025-01-02T11:00").transfers(
        ("X2", "2025-01-02T12:00", "AA", "F", "S", "400", "P1")
    )
    assert [
        (f["rule"], f["subject"], f["status"]) for f in findings(folder.write(), mode="enforce")
    ] == [("PAID_BEFORE_REREGISTRATION", "X1", REFUSED)]


def test_in_observe_mode_an_enforceable_rule_leaves_the_payment_applied(tmp_path: Path) -> None:
    folder = _off_route(tmp_path).write()
    assert [f["status"] for f in findings(folder)] == [OPEN]
    assert balances(db_for(folder)) == {("AA", "OP"): "900.00", ("AA", "F"): "100.00"}


# -- order at one instant ------------------------------------------------------------------


def test_an_allocation_comes_before_a_payment_at_the_same_instant(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(("X1", "2025-01-01T10:00", "AA", "OP", "B", "1000", "")).write()
    assert findings(folder) == []


def test_the_same_instant_in_another_offset_is_the_same_instant(tmp_path: Path) -> None:
    folder = (
        aa(tmp_path).transfers(("X1", "2025-01-01T05:00Z", "AA", "OP", "B", "1000", "")).write()
    )
    assert findings(folder) == []


def test_a_loan_comes_before_a_payment_at_the_same_instant(tmp_path: Path) -> None:
    folder = with_loan(bank_funded(tmp_path), issued_at="2025-01-02T10:00").transfers(
        ("X1", "2025-01-02T10:00", "AA", "B", "F", "500", "L1")
    )
    assert findings(folder.write()) == []


def test_a_subsidy_comes_before_a_payment_at_the_same_instant(tmp_path: Path) -> None:
    folder = (
        subsidy_world(tmp_path)
        .subsidies(("S1", "SUB", "LC", "SU", "TR1", "tractor", "1000", "200", "2025-01-02T10:00"))
        .transfers(("X1", "2025-01-02T10:00", "SUB", "OP", "SU", "200", "S1"))
    )
    assert findings(folder.write()) == []


def test_a_contract_and_its_act_come_before_a_payment_at_the_same_instant(tmp_path: Path) -> None:
    folder = (
        road_contract(tmp_path)
        .contracts(("K2", "ROAD", "OP", "C", "500", "2025-01-02T10:00", ""))
        .acts(("A1", "K2", "500", "2025-01-02T10:00"))
        .transfers(("X1", "2025-01-02T10:00", "ROAD", "OP", "C", "500", "K2"))
    )
    assert findings(folder.write()) == []


def test_a_purchase_and_its_registry_come_before_a_payment_at_the_same_instant(
    tmp_path: Path,
) -> None:
    folder = farmer_funded(tmp_path).purchases(("P1", "AA", "F", "S", "2025-01-02T10:00"))
    folder.purchase_animals(("P1", "KZ1", "cow", "400")).registry(
        ("KZ1", "cow", "registered", "S", "2024-12-01"),
        ("KZ1", "cow", "transferred", "F", "2025-01-02T10:00"),
    ).transfers(("X1", "2025-01-02T10:00", "AA", "F", "S", "400", "P1"))
    found = findings(folder.write())
    # The registry record at contracted_at counts for the purchase too: F owns KZ1 then.
    assert [(f["rule"], f["subject"]) for f in found] == [("SELLER_NOT_OWNER", "P1/KZ1")]


def test_payments_at_the_same_instant_follow_row_order(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(
        ("X2", "2025-01-02T10:00", "AA", "B", "F", "100", ""),
        ("X1", "2025-01-02T10:00", "AA", "OP", "B", "100", ""),
    )
    assert [(f["rule"], f["subject"]) for f in findings(folder.write())] == [
        ("INSUFFICIENT_FUNDS", "X2")
    ]


def test_payments_are_applied_in_time_order_not_row_order(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(
        ("X2", "2025-01-02T05:30Z", "AA", "B", "F", "100", ""),
        ("X1", "2025-01-02T10:00+05:00", "AA", "OP", "B", "100", ""),
    )
    assert findings(folder.write()) == []


# -- output order --------------------------------------------------------------------------


def test_findings_sort_by_instant_not_by_text_across_offsets(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(
        ("X1", "2025-01-02T01:00:00+06:00", "AA", "OP", "F", "100", ""),
        ("X2", "2025-01-01T20:00:00+00:00", "AA", "OP", "F", "100", ""),
    )
    assert [(f["subject"], f["at"]) for f in findings(folder.write())] == [
        ("X1", "2025-01-02T01:00:00+06:00"),
        ("X2", "2025-01-01T20:00:00+00:00"),
    ]


def test_findings_at_the_same_instant_sort_by_rule_then_subject_in_code_point_order(
    tmp_path: Path,
) -> None:
    folder = aa(tmp_path).transfers(
        ("a1", "2025-01-02T10:00", "AA", "OP", "F", "100", ""),
        ("Z1", "2025-01-02T10:00", "AA", "OP", "F", "100", "NOPE"),
        ("B1", "2025-01-02T05:00Z", "AA", "OP", "F", "100", ""),
    )
    assert [(f["rule"], f["subject"]) for f in findings(folder.write())] == [
        ("DOCUMENT_MISMATCH", "Z1"),
        ("OFF_ROUTE", "B1"),
        ("OFF_ROUTE", "Z1"),
        ("OFF_ROUTE", "a1"),
    ]


# -- time travel ---------------------------------------------------------------------------


def two_off_route_payments(tmp_path: Path) -> Path:
    return (
        aa(tmp_path)
        .transfers(
            ("X1", "2025-01-02T10:00", "AA", "OP", "F", "100", ""),
            ("X2", "2025-01-05T10:00", "AA", "OP", "F", "100", ""),
        )
        .write()
    )


def test_findings_as_of_a_past_instant_are_those_known_then(tmp_path: Path) -> None:
    folder = two_off_route_payments(tmp_path)
    assert [f["subject"] for f in findings(folder, "--as-of", "2025-01-03")] == ["X1"]
    assert [f["subject"] for f in findings(folder)] == ["X1", "X2"]


def test_balances_as_of_a_past_instant_are_the_holdings_then(tmp_path: Path) -> None:
    folder = two_off_route_payments(tmp_path)
    findings(folder)
    db = db_for(folder)
    assert balances(db, "--as-of", "2025-01-03") == {("AA", "F"): "100.00", ("AA", "OP"): "900.00"}
    assert balances(db) == {("AA", "F"): "200.00", ("AA", "OP"): "800.00"}


def test_nothing_is_found_as_of_before_the_first_record(tmp_path: Path) -> None:
    assert findings(two_off_route_payments(tmp_path), "--as-of", "2024-12-31") == []


def test_the_default_as_of_is_the_latest_record_of_any_dated_file(tmp_path: Path) -> None:
    folder = aa(tmp_path).registry(("KZ9", "cow", "registered", "X9", "2025-02-01T10:00")).write()
    assert [(f["rule"], f["subject"]) for f in findings(folder)] == [("IDLE_FUNDS", "AL1")]


def test_reference_prices_and_expiry_do_not_move_the_default_as_of(tmp_path: Path) -> None:
    folder = aa(tmp_path).reference_prices(("cow", "*", "300", "2026-06-01")).write()
    assert findings(folder) == []


def test_a_document_finding_is_known_only_from_the_record_that_makes_it(tmp_path: Path) -> None:
    folder = Folder(tmp_path / "pilot").purchases(("P1", "AA", "F", "S", "2025-01-02T08:00"))
    folder.purchase_animals(("P1", "KZ1", "cow", "400")).registry(
        ("KZ1", "cow", "registered", "S", "2024-12-01"),
        TO_BUYER,
        ("KZ1", "cow", "disposed", "", "2025-06-01"),
    )
    path = folder.write()
    assert findings(path, "--as-of", "2025-05-31T23:59:59") == []
    assert brief(findings(path, "--as-of", "2025-06-01")) == [EARLY_P1]


# -- filters -------------------------------------------------------------------------------


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """X1 OFF_ROUTE (AA, OP>F, 01-02), S1 SUBSIDY_OVER_CAP (SUB, LC/SU, 01-03),
    X2 DOCUMENT_MISMATCH (AA, OP>B, 01-04), all at 10:00 +05:00."""
    folder = (
        aa(tmp_path)
        .transfers(
            ("X1", "2025-01-02T10:00", "AA", "OP", "F", "100", ""),
            ("X2", "2025-01-04T10:00", "AA", "OP", "B", "100", "NOPE"),
        )
        .subsidies(("S1", "SUB", "LC", "SU", "TR1", "tractor", "1000", "300", "2025-01-03T10:00"))
    )
    path = folder.write()
    findings(path)
    return path


def subjects(folder: Path, *args: str) -> list[str]:
    return [f["subject"] for f in findings(None, *args, db=db_for(folder))]


def test_without_filters_every_finding_is_listed(mixed: Path) -> None:
    assert subjects(mixed) == ["X1", "S1", "X2"]


def test_the_rule_filter_is_repeatable(mixed: Path) -> None:
    assert subjects(mixed, "--rule", "OFF_ROUTE") == ["X1"]
    assert subjects(mixed, "--rule", "OFF_ROUTE", "--rule", "SUBSIDY_OVER_CAP") == ["X1", "S1"]


def test_the_program_filter_keeps_one_program(mixed: Path) -> None:
    assert subjects(mixed, "--program", "SUB") == ["S1"]


def test_the_participant_filter_keeps_findings_about_that_participant(mixed: Path) -> None:
    assert subjects(mixed, "--participant", "OP") == ["X1", "X2"]
    assert subjects(mixed, "--participant", "SU") == ["S1"]


def test_since_and_until_are_inclusive_instants(mixed: Path) -> None:
    assert subjects(mixed, "--since", "2025-01-03T10:00") == ["S1", "X2"]
    assert subjects(mixed, "--until", "2025-01-03T05:00Z") == ["X1", "S1"]
    assert subjects(mixed, "--since", "2025-01-03T10:00:01") == ["X2"]


def test_filters_combine(mixed: Path) -> None:
    assert subjects(mixed, "--program", "AA", "--since", "2025-01-03") == ["X2"]


# -- more edges ----------------------------------------------------------------------------


def test_a_payment_one_microsecond_after_expiry_is_spent_after_expiry(tmp_path: Path) -> None:
    assert spend_at(tmp_path, "2025-12-31T18:00:00.000001+05:00") == [
        ("SPENT_AFTER_EXPIRY", "X1", "AA", "100.00", "2025-12-31T18:00:00+05:00", OPEN)
    ]


def test_findings_printed_at_the_same_second_sort_by_their_full_instant(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(
        ("A1", "2025-01-02T10:00:00.5", "AA", "OP", "F", "100", ""),
        ("B1", "2025-01-02T10:00:00.2", "AA", "OP", "F", "100", ""),
    )
    assert [(f["subject"], f["at"]) for f in findings(folder.write())] == [
        ("B1", "2025-01-02T10:00:00+05:00"),
        ("A1", "2025-01-02T10:00:00+05:00"),
    ]


def test_idle_funds_of_an_allocation_print_in_its_offset(tmp_path: Path) -> None:
    folder = Folder(tmp_path / "pilot").allocations(
        ("AL1", "AA", "T", "OP", "1000", "2025-01-01T10:00:00-03:30")
    )
    assert brief(findings(folder.write(), "--as-of", "2025-03-01")) == [
        ("IDLE_FUNDS", "AL1", "AA", "1000.00", "2025-01-31T10:00:00-03:30", OPEN)
    ]


def test_an_allocation_to_a_final_role_is_spent_at_once(tmp_path: Path) -> None:
    folder = (
        Folder(tmp_path / "pilot")
        .allocations(("AL1", "AA", "T", "S", "1000", "2025-01-01T10:00"))
        .write()
    )
    assert findings(folder, "--as-of", "2026-06-01") == []
    assert balances(db_for(folder)) == {}


def test_an_allocation_to_a_treasury_is_returned_at_once(tmp_path: Path) -> None:
    folder = Folder(tmp_path / "pilot").participants(("T2", "Region", "treasury", "", ""))
    folder.allocations(("AL1", "AA", "T", "T2", "1000", "2025-01-01T10:00"))
    assert findings(folder.write(), "--as-of", "2026-06-01") == []


@pytest.mark.parametrize("ref", ["AL1", "M1", "invoice no. 12/3", "p1"])
def test_a_purpose_ref_that_names_no_document_is_a_mismatch_not_an_input_error(
    tmp_path: Path, ref: str
) -> None:
    folder = bank_funded(tmp_path).transfers(("X1", "2025-01-02T10:00", "AA", "B", "F", "1", ref))
    folder.purchases(("P1", "AA", "F", "S", "2025-01-01T10:00"))
    assert rules_of(findings(folder.write()), "X1") == ["DOCUMENT_MISMATCH"]


def test_a_disposed_record_has_no_owner_even_if_the_cell_names_one(tmp_path: Path) -> None:
    assert animal_rules(
        tmp_path,
        ("KZ1", "cow", "registered", "S", "2024-12-01"),
        ("KZ1", "cow", "disposed", "S", "2024-12-15"),
    ) == [("SELLER_NOT_OWNER", "P1/KZ1", "AA", "400.00", "2025-01-02T08:00:00+05:00", OPEN)]


def test_the_document_party_test_applies_even_when_the_payment_does_not_count(
    tmp_path: Path,
) -> None:
    folder = cow_bought(farmer_funded(tmp_path)).participants(
        ("F2", "Farmer two", "farmer", "Akmola", ""), {"participant_id": "S", "related_to": "F"}
    )
    folder.allocations(("AL2", "AA", "T", "F2", "400", "2025-01-01T10:00")).transfers(
        ("X1", "2025-01-02T10:00", "AA", "F2", "S", "400", "P1")
    )
    assert rules_of(findings(folder.write()), "X1") == ["DOCUMENT_MISMATCH", "RELATED_PARTY"]


def test_in_enforce_mode_a_refused_overpayment_does_not_count_towards_the_document(
    tmp_path: Path,
) -> None:
    folder = with_loan(bank_funded(tmp_path)).transfers(
        ("X1", "2025-01-02T10:00", "AA", "B", "F", "500.01", "L1"),
        ("X2", "2025-01-02T11:00", "AA", "B", "F", "500", "L1"),
    )
    assert [
        (f["rule"], f["subject"], f["status"]) for f in findings(folder.write(), mode="enforce")
    ] == [("OVERPAYMENT", "X1", REFUSED)]


def test_a_buyer_selling_on_within_retention_is_early_disposal_of_the_first_purchase(
    tmp_path: Path,
) -> None:
    folder = Folder(tmp_path / "pilot").participants(("F2", "Farmer two", "farmer", "Akmola", ""))
    folder.purchases(
        ("P1", "AA", "F", "S", "2025-01-02T08:00"), ("P2", "AA", "F2", "F", "2025-03-01")
    ).purchase_animals(("P1", "KZ1", "cow", "400"), ("P2", "KZ1", "cow", "450")).registry(
        ("KZ1", "cow", "registered", "S", "2024-12-01"),
        TO_BUYER,
        ("KZ1", "cow", "transferred", "F2", "2025-03-02"),
    )
    assert [(f["rule"], f["subject"]) for f in findings(folder.write())] == [
        ("EARLY_DISPOSAL", "P1/KZ1"),
        ("DUPLICATE_ANIMAL", "P2/KZ1"),
    ]


def test_an_act_of_another_contract_does_not_make_a_contract_payable(tmp_path: Path) -> None:
    folder = (
        road_contract(tmp_path)
        .contracts(("K2", "ROAD", "C", "SC", "300", "2025-01-01T10:00", "K1"))
        .acts(("A1", "K2", "300", "2025-01-02T09:00"))
        .transfers(("X1", "2025-01-02T10:00", "ROAD", "OP", "C", "300", "K1"))
    )
    assert rules_of(findings(folder.write()), "X1") == ["OVERPAYMENT"]


def test_a_subcontract_is_paid_by_its_customer_the_main_contractor(tmp_path: Path) -> None:
    folder = (
        road_contract(tmp_path)
        .contracts(("K2", "ROAD", "C", "SC", "300", "2025-01-01T10:00", "K1"))
        .acts(("A1", "K1", "300", "2025-01-02T09:00"), ("A2", "K2", "300", "2025-01-02T09:00"))
    )
    folder.transfers(
        ("X1", "2025-01-02T10:00", "ROAD", "OP", "C", "300", "K1"),
        ("X2", "2025-01-02T11:00", "ROAD", "C", "SC", "300", "K2"),
        ("X3", "2025-01-02T12:00", "ROAD", "OP", "SC", "1", "K2"),
    )
    assert [(f["rule"], f["subject"]) for f in findings(folder.write())] == [
        ("DOCUMENT_MISMATCH", "X3"),
        ("OFF_ROUTE", "X3"),
    ]


def test_units_returned_to_a_treasury_cannot_be_paid_out_again(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(
        ("X1", "2025-01-02T10:00", "AA", "OP", "T", "100", ""),
        ("X2", "2025-01-03T10:00", "AA", "T", "OP", "100", ""),
    )
    assert brief(findings(folder.write())) == [
        ("INSUFFICIENT_FUNDS", "X2", "AA", "100.00", "2025-01-03T10:00:00+05:00", REFUSED)
    ]


def test_spent_units_cannot_be_paid_on(tmp_path: Path) -> None:
    folder = pay_for_cow(tmp_path).transfers(("X2", "2025-01-03T10:00", "AA", "S", "T", "1", ""))
    assert rules_of(findings(folder.write()), "X2") == ["INSUFFICIENT_FUNDS"]
