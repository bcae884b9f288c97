"""The payment rules judged when a payment is applied: insufficient funds, off route, missing
document, document mismatch, overpayment, round trip and related party.

Through `coloring load` and `coloring findings` on folders of `rule_folders`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rule_folders import (
    OPEN,
    REFUSED,
    aa,
    bank_funded,
    cow_bought,
    farmer_funded,
    pay_for_cow,
    road_contract,
    tractor_subsidised,
    with_loan,
)

from pilot.builders import Folder, balances, brief, db_for, findings, rules_of

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


@pytest.mark.parametrize(
    "payment",
    [
        pytest.param(
            ("X1", "2025-01-02T10:00", "AA", "OP", "S", "2000", ""),
            id="insufficient_funds_is_judged_first_and_alone",
        ),
        pytest.param(
            ("X1", "2025-01-02T10:00", "AA", "T", "OP", "1", ""),
            id="a_treasury_holds_nothing_to_pay_with",
        ),
        pytest.param(
            ("X1", "2025-01-02T10:00", "ROAD", "OP", "C", "1", ""),
            id="holdings_are_counted_per_program",
        ),
    ],
)
def test_a_payment_beyond_the_payers_holdings_in_its_program_is_only_insufficient_funds(
    tmp_path: Path, payment: tuple[str, ...]
) -> None:
    folder = aa(tmp_path).transfers(payment).write()
    assert rules_of(findings(folder), "X1") == ["INSUFFICIENT_FUNDS"]


def test_a_refused_payment_does_not_deliver_units_to_pay_on_with(tmp_path: Path) -> None:
    folder = aa(tmp_path).transfers(
        ("X1", "2025-01-02T10:00", "AA", "OP", "B", "1500", ""),
        ("X2", "2025-01-02T11:00", "AA", "B", "F", "1", ""),
    )
    assert [(f["rule"], f["subject"]) for f in findings(folder.write())] == [
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
    folder = aa(tmp_path).transfers(
        ("X1", "2025-01-02T10:00", "AA", "OP", "SU", "100", ""),
        ("X2", "2025-01-02T10:00", "AA", "OP", "B", "900", ""),
        ("X3", "2025-01-02T11:00", "AA", "B", "T", "900", ""),
    )
    found = findings(folder.write(), "--rule", "IDLE_FUNDS", "--as-of", "2025-03-01")
    assert brief(found) == [("IDLE_FUNDS", "X1", "AA", "100.00", "2025-02-01T10:00:00+05:00", OPEN)]


# -- MISSING_DOCUMENT ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("funded", "payer", "payee", "expected"),
    [
        pytest.param(
            farmer_funded,
            "F",
            "S",
            [("MISSING_DOCUMENT", "X1", "AA", "100.00", "2025-01-02T10:00:00+05:00", OPEN)],
            id="a_payment_into_a_final_role_without_purpose_ref_is_missing_document",
        ),
        pytest.param(
            bank_funded,
            "B",
            "F",
            [],
            id="a_payment_into_a_role_that_is_not_final_needs_no_document",
        ),
        pytest.param(farmer_funded, "F", "T", [], id="a_return_to_a_treasury_needs_no_document"),
    ],
)
def test_a_payment_without_purpose_ref_is_missing_a_document_only_into_a_final_role(
    tmp_path: Path,
    funded: Callable[[Path], Folder],
    payer: str,
    payee: str,
    expected: list[tuple[str, ...]],
) -> None:
    folder = funded(tmp_path).transfers(("X1", "2025-01-02T10:00", "AA", payer, payee, "100", ""))
    assert brief(findings(folder.write())) == expected


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


@pytest.mark.parametrize(
    ("loan", "payee"),
    [
        pytest.param(
            {"program_id": "SUB"},
            "F",
            id="a_purpose_ref_to_a_document_of_another_program_is_a_mismatch",
        ),
        pytest.param({}, "F2", id="a_purpose_ref_whose_payee_differs_is_a_mismatch"),
        pytest.param({"lender": "B2"}, "F", id="a_purpose_ref_whose_payer_differs_is_a_mismatch"),
        pytest.param(
            {"issued_at": "2025-01-02T10:00:01"},
            "F",
            id="a_document_dated_after_the_payment_is_unknown_to_it",
        ),
    ],
)
def test_a_payment_for_a_loan_that_does_not_fit_it_is_a_document_mismatch(
    tmp_path: Path, loan: dict[str, str], payee: str
) -> None:
    folder = mismatch(tmp_path, loan, payee=payee).write()
    assert rules_of(findings(folder), "X1") == ["DOCUMENT_MISMATCH"]


def test_a_document_dated_at_the_payment_instant_is_known_to_it(tmp_path: Path) -> None:
    folder = mismatch(tmp_path, {"issued_at": "2025-01-02T10:00"}).write()
    assert findings(folder) == []


def test_a_subsidy_names_no_payer_so_any_payer_matches(tmp_path: Path) -> None:
    folder = tractor_subsidised(tmp_path).transfers(
        ("X1", "2025-01-02T10:00", "SUB", "OP", "SU", "200", "S1")
    )
    assert findings(folder.write()) == []


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
    folder = tractor_subsidised(tmp_path).transfers(
        ("X1", "2025-01-02T10:00", "SUB", "OP", "SU", "200.01", "S1")
    )
    assert brief(findings(folder.write())) == [
        ("OVERPAYMENT", "X1", "SUB", "0.01", "2025-01-02T10:00:00+05:00", OPEN)
    ]


@pytest.mark.parametrize(
    ("acts", "payments", "overpaid"),
    [
        pytest.param(
            [("A1", "K1", "400", "2025-01-02T10:00")],
            [("X1", "2025-01-02T10:00", "400")],
            [],
            id="an_act_accepted_at_the_payment_instant_makes_the_contract_payable",
        ),
        pytest.param(
            [("A1", "K1", "400", "2025-01-02T10:00:01")],
            [("X1", "2025-01-02T10:00", "400")],
            [("X1", "400.00", "2025-01-02T10:00:00+05:00")],
            id="an_act_accepted_after_the_payment_does_not_make_the_contract_payable",
        ),
        pytest.param(
            [("A1", "K1", "800", "2025-01-02T09:00"), ("A2", "K1", "400", "2025-01-02T09:00")],
            [("X1", "2025-01-02T10:00", "1000.01")],
            [("X1", "0.01", "2025-01-02T10:00:00+05:00")],
            id="a_contract_is_payable_up_to_its_value_whatever_the_acts",
        ),
        pytest.param(
            [("A1", "K1", "300", "2025-01-02T09:00"), ("A2", "K1", "300", "2025-01-03T09:00")],
            [("X1", "2025-01-02T10:00", "400"), ("X2", "2025-01-03T10:00", "200")],
            [("X1", "100.00", "2025-01-02T10:00:00+05:00")],
            id="a_contract_is_payable_up_to_the_acts_accepted_so_far",
        ),
    ],
)
def test_a_contract_is_payable_up_to_its_value_and_the_acts_accepted_by_each_payment(
    tmp_path: Path,
    acts: list[tuple[str, ...]],
    payments: list[tuple[str, str, str]],
    overpaid: list[tuple[str, str, str]],
) -> None:
    """Contract K1 (ROAD, OP orders from C, value 1000.00), these acts, and these payments
    (transfer_id, at, amount) of K1 from OP to C; the overpayments (subject, amount, at)."""
    folder = road_contract(tmp_path).acts(*acts)
    folder.transfers(*[(x, at, "ROAD", "OP", "C", amount, "K1") for x, at, amount in payments])
    assert brief(findings(folder.write())) == [
        ("OVERPAYMENT", x, "ROAD", amount, at, OPEN) for x, amount, at in overpaid
    ]


# -- ROUND_TRIP ----------------------------------------------------------------------------


def paid_back(folder: Folder) -> Folder:
    """X1: the operator pays 600.00 to the bank on 2025-01-02; X2: the bank pays 100.00 to the
    operator on 2025-01-03."""
    return folder.transfers(
        ("X1", "2025-01-02T10:00", "AA", "OP", "B", "600", ""),
        ("X2", "2025-01-03T10:00", "AA", "B", "OP", "100", ""),
    )


def test_units_paid_back_to_a_participant_who_held_them_are_a_round_trip(tmp_path: Path) -> None:
    folder = paid_back(aa(tmp_path)).write()
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
    """The bank's first 100.00 are AL2's, which the operator never held."""
    held_first = aa(tmp_path).allocations(("AL2", "AA", "T", "B", "100", "2025-01-01T09:00"))
    folder = paid_back(held_first).write()
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
    folder = tractor_subsidised(tmp_path).participants({"participant_id": "LC", "related_to": "SU"})
    folder.transfers(("X1", "2025-01-02T10:00", "SUB", "OP", "SU", "200", "S1"))
    assert brief(findings(folder.write())) == [
        ("RELATED_PARTY", "X1", "SUB", "200.00", "2025-01-02T10:00:00+05:00", OPEN)
    ]


def test_a_contractor_related_to_its_customer_is_related_party(tmp_path: Path) -> None:
    folder = road_contract(tmp_path).participants({"participant_id": "C", "related_to": "OP"})
    folder.acts(("A1", "K1", "400", "2025-01-02T09:00")).transfers(
        ("X1", "2025-01-02T10:00", "ROAD", "OP", "C", "400", "K1")
    )
    assert rules_of(findings(folder.write()), "X1") == ["RELATED_PARTY"]
