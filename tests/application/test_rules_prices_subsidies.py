"""Price above reference, subsidy over cap and double subsidy.

Through `coloring load` and `coloring findings` on folders of `rule_folders`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_folders import (
    OPEN,
    second_program,
)

from pilot.builders import (
    Folder,
    brief,
    findings,
)

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


@pytest.mark.parametrize(
    "prices",
    [
        pytest.param(
            [("cow", "Akmola", "300", "2024-01-01"), ("cow", "*", "1000", "2024-06-01")],
            id="the_buyers_region_price_wins_over_a_newer_any_region_price",
        ),
        pytest.param(
            [
                ("cow", "Kostanay", "100", "2024-01-01"),
                ("cow", "Akmola", "100", "2025-01-02T08:00:01"),
                ("cow", "*", "300", "2024-01-01"),
            ],
            id="the_reference_falls_back_to_any_region",
        ),
        pytest.param(
            [
                ("cow", "*", "1000", "2024-01-01"),
                ("cow", "*", "300", "2025-01-02T08:00"),
                ("cow", "*", "50", "2025-01-02T08:00:01"),
            ],
            id="the_latest_valid_from_at_or_before_the_date_wins",
        ),
    ],
)
def test_the_reference_price_that_applies_is_300_so_only_the_dearer_cow_is_above_it(
    tmp_path: Path, prices: list[tuple[str, ...]]
) -> None:
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
