"""Enforce mode (enforceable rules refuse the payment) and the order of records at one instant.

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
    farmer_funded,
    pay_for_cow,
    road_contract,
    tractor_subsidised,
    with_loan,
)

from pilot.builders import Folder, balances, brief, db_for, findings

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
    folder = tractor_subsidised(tmp_path, approved_at="2025-01-02T10:00").transfers(
        ("X1", "2025-01-02T10:00", "SUB", "OP", "SU", "200", "S1")
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
