"""How findings are listed: output order, time travel (--as-of) and filters.

Through `coloring load` and `coloring findings` on folders of `rule_folders`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_folders import EARLY_P1, TO_BUYER, aa

from pilot.builders import Folder, balances, brief, db_for, findings

# -- output order --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payments", "listed"),
    [
        pytest.param(
            [("X1", "2025-01-02T01:00:00+06:00"), ("X2", "2025-01-01T20:00:00+00:00")],
            [("X1", "2025-01-02T01:00:00+06:00"), ("X2", "2025-01-01T20:00:00+00:00")],
            id="findings_sort_by_instant_not_by_text_across_offsets",
        ),
        pytest.param(
            [("A1", "2025-01-02T10:00:00.5"), ("B1", "2025-01-02T10:00:00.2")],
            [("B1", "2025-01-02T10:00:00+05:00"), ("A1", "2025-01-02T10:00:00+05:00")],
            id="findings_printed_at_the_same_second_sort_by_their_full_instant",
        ),
    ],
)
def test_findings_are_listed_in_the_order_of_their_instants(
    tmp_path: Path, payments: list[tuple[str, str]], listed: list[tuple[str, str]]
) -> None:
    """Off-route payments (transfer_id, at) of 100.00 from the operator to the farmer; the
    (subject, at) of their findings in the order listed."""
    folder = aa(tmp_path).transfers(*[(x, at, "AA", "OP", "F", "100", "") for x, at in payments])
    assert [(f["subject"], f["at"]) for f in findings(folder.write())] == listed


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
