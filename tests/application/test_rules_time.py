"""The time-based rules: spent after expiry, unreturned after expiry and idle funds.

Through `coloring load` and `coloring findings` on folders of `rule_folders`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_folders import OPEN, aa, farmer_funded, spend_at

from pilot.builders import EXPIRES_AT, brief, findings

# -- SPENT_AFTER_EXPIRY --------------------------------------------------------------------


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
    folder = aa(tmp_path).transfers(
        ("X1", "2025-12-01T10:00", "AA", "OP", "B", "400", ""),
        ("X2", "2026-01-10T10:00", "AA", "OP", "T", "600", ""),
    )
    assert brief(findings(folder.write(), "--rule", "UNRETURNED_AFTER_EXPIRY")) == [
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


# The finding when AL1's 1000.00 stay with the operator beyond max_idle_days (30).
IDLE_AL1 = ("IDLE_FUNDS", "AL1", "AA", "1000.00", "2025-01-31T10:00:00+05:00", OPEN)


@pytest.mark.parametrize(
    ("passed_on_at", "idle"),
    [
        pytest.param(
            "2025-01-31T10:00", [], id="units_passed_on_after_exactly_max_idle_days_are_not_idle"
        ),
        pytest.param(
            "2025-01-31T10:00:01",
            [IDLE_AL1],
            id="units_passed_on_one_second_after_max_idle_days_are_idle",
        ),
    ],
)
def test_units_passed_on_are_idle_if_held_beyond_max_idle_days(
    tmp_path: Path, passed_on_at: str, idle: list[tuple[str, ...]]
) -> None:
    folder = aa(tmp_path).transfers(("X1", passed_on_at, "AA", "OP", "B", "1000", "")).write()
    assert brief(findings(folder, "--rule", "IDLE_FUNDS")) == idle


def test_units_still_held_at_exactly_max_idle_days_are_not_idle(tmp_path: Path) -> None:
    folder = aa(tmp_path).write()
    assert findings(folder, "--as-of", "2025-01-31T10:00") == []


def test_units_still_held_one_second_after_max_idle_days_are_idle(tmp_path: Path) -> None:
    folder = aa(tmp_path).write()
    assert brief(findings(folder, "--as-of", "2025-01-31T10:00:01")) == [IDLE_AL1]


@pytest.mark.parametrize(
    ("payment", "idle"),
    [
        pytest.param(
            ("X1", "2025-01-02T09:00:00+06:00", "AA", "OP", "B", "1000", ""),
            [("IDLE_FUNDS", "X1", "AA", "1000.00", "2025-02-01T09:00:00+06:00", OPEN)],
            id="idle_funds_are_dated_in_the_offset_of_the_delivery",
        ),
        pytest.param(
            ("X1", "2025-01-10T10:00", "AA", "OP", "B", "600", ""),
            [
                ("IDLE_FUNDS", "AL1", "AA", "400.00", "2025-01-31T10:00:00+05:00", OPEN),
                ("IDLE_FUNDS", "X1", "AA", "600.00", "2025-02-09T10:00:00+05:00", OPEN),
            ],
            id="idle_funds_count_only_the_units_not_passed_on_in_time",
        ),
    ],
)
def test_idle_funds_are_judged_per_delivery_of_the_units(
    tmp_path: Path, payment: tuple[str, ...], idle: list[tuple[str, ...]]
) -> None:
    folder = aa(tmp_path).transfers(payment).write()
    assert brief(findings(folder, "--as-of", "2025-03-01")) == idle


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
    folder = farmer_funded(tmp_path).transfers(
        ("X1", "2025-01-02T10:00", "AA", "F", "S", "600", ""),
        ("X2", "2025-01-02T10:00", "AA", "F", "T", "400", ""),
    )
    assert findings(folder.write(), "--rule", "IDLE_FUNDS", "--as-of", "2025-06-01") == []


def test_the_idle_limit_is_the_programs(tmp_path: Path) -> None:
    folder = aa(tmp_path).programs({"program_id": "AA", "max_idle_days": "0"}).write()
    assert brief(findings(folder, "--as-of", "2025-01-01T10:00:01")) == [
        ("IDLE_FUNDS", "AL1", "AA", "1000.00", "2025-01-01T10:00:00+05:00", OPEN)
    ]
