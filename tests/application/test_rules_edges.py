"""More edges of the rules, across rule families.

Through `coloring load` and `coloring findings` on folders of `rule_folders`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_folders import (
    OPEN,
    REFUSED,
    TO_BUYER,
    aa,
    animal_rules,
    bank_funded,
    cow_bought,
    farmer_funded,
    pay_for_cow,
    spend_at,
    subcontracted,
    with_loan,
)

from pilot.builders import Folder, balances, brief, db_for, findings, rules_of

# -- more edges ----------------------------------------------------------------------------


def test_a_payment_one_microsecond_after_expiry_is_spent_after_expiry(tmp_path: Path) -> None:
    assert spend_at(tmp_path, "2025-12-31T18:00:00.000001+05:00") == [
        ("SPENT_AFTER_EXPIRY", "X1", "AA", "100.00", "2025-12-31T18:00:00+05:00", OPEN)
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
        subcontracted(tmp_path)
        .acts(("A1", "K2", "300", "2025-01-02T09:00"))
        .transfers(("X1", "2025-01-02T10:00", "ROAD", "OP", "C", "300", "K1"))
    )
    assert rules_of(findings(folder.write()), "X1") == ["OVERPAYMENT"]


def test_a_subcontract_is_paid_by_its_customer_the_main_contractor(tmp_path: Path) -> None:
    folder = (
        subcontracted(tmp_path)
        .acts(("A1", "K1", "300", "2025-01-02T09:00"), ("A2", "K2", "300", "2025-01-02T09:00"))
        .transfers(
            ("X1", "2025-01-02T10:00", "ROAD", "OP", "C", "300", "K1"),
            ("X2", "2025-01-02T11:00", "ROAD", "C", "SC", "300", "K2"),
        )
    )
    # The operator, who ordered nothing from SC, pays it under K2.
    folder.transfers(("X3", "2025-01-02T12:00", "ROAD", "OP", "SC", "1", "K2"))
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
