"""The animal rules of purchases: unregistered animal, seller not owner, paid before
re-registration, duplicate animal and early disposal.

Through `coloring load` and `coloring findings` on folders of `rule_folders`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_folders import (
    EARLY_P1,
    OPEN,
    TO_BUYER,
    animal_rules,
    cow_bought,
    farmer_funded,
    pay_for_cow,
    second_program,
)

from pilot.builders import (
    Folder,
    brief,
    findings,
    rules_of,
)

# -- UNREGISTERED_ANIMAL and SELLER_NOT_OWNER ----------------------------------------------


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


def duplicates(tmp_path: Path, *purchases: tuple[str, str, str, str]) -> list[tuple[str, ...]]:
    """Purchases (purchase_id, program_id, contracted_at, price) by F from S, each of cow KZ1,
    in this row order, with a second livestock program AB; the DUPLICATE_ANIMAL findings."""
    folder = second_program(Folder(tmp_path / "pilot"), "AB")
    folder.purchases(*[(p, program, "F", "S", at) for p, program, at, _ in purchases])
    folder.purchase_animals(*[(p, "KZ1", "cow", price) for p, _, _, price in purchases])
    return brief(findings(folder.write(), "--rule", "DUPLICATE_ANIMAL"))


@pytest.mark.parametrize(
    ("first", "later", "duplicate"),
    [
        pytest.param(
            ("P1", "AA", "2025-01-02T08:00", "400"),
            ("P2", "AA", "2025-01-03T08:00", "350"),
            ("DUPLICATE_ANIMAL", "P2/KZ1", "AA", "350.00", "2025-01-03T08:00:00+05:00", OPEN),
            id="an_animal_in_an_earlier_purchase_is_a_duplicate_in_the_later",
        ),
        pytest.param(
            ("P1", "AA", "2025-01-02T08:00", "400"),
            ("P2", "AB", "2025-01-03T08:00", "350"),
            ("DUPLICATE_ANIMAL", "P2/KZ1", "AB", "350.00", "2025-01-03T08:00:00+05:00", OPEN),
            id="duplicate_animals_are_found_across_programs",
        ),
        pytest.param(
            ("P2", "AB", "2025-01-02T08:00", "350"),
            ("P1", "AA", "2025-01-02T03:00Z", "400"),
            ("DUPLICATE_ANIMAL", "P1/KZ1", "AA", "400.00", "2025-01-02T03:00:00+00:00", OPEN),
            id="duplicate_animals_at_the_same_instant_go_by_row_order",
        ),
    ],
)
def test_the_later_of_two_purchases_of_an_animal_is_a_duplicate_animal(
    tmp_path: Path,
    first: tuple[str, str, str, str],
    later: tuple[str, str, str, str],
    duplicate: tuple[str, ...],
) -> None:
    assert duplicates(tmp_path, first, later) == [duplicate]


def test_an_earlier_date_wins_over_row_order_for_duplicates(tmp_path: Path) -> None:
    found = duplicates(
        tmp_path,
        ("P2", "AA", "2025-01-03T08:00", "350"),
        ("P1", "AA", "2025-01-02T08:00", "400"),
    )
    assert [f[1] for f in found] == ["P2/KZ1"]


def test_every_later_purchase_of_an_animal_is_a_duplicate(tmp_path: Path) -> None:
    found = duplicates(
        tmp_path,
        ("P1", "AA", "2025-01-02T08:00", "400"),
        ("P2", "AA", "2025-01-03T08:00", "350"),
        ("P3", "AA", "2025-01-04T08:00", "300"),
    )
    assert [f[1] for f in found] == ["P2/KZ1", "P3/KZ1"]


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
