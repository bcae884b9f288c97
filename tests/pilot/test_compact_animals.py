"""The animals of purchase_animals.csv wait on disk and come back by purchase as they were read."""

from __future__ import annotations

import pytest

from coloring.domain.records import AnimalRecord, PurchaseRecord
from coloring.domain.time import parse_instant
from coloring.pilot import animals as animals_module
from coloring.pilot.animals import Animals
from coloring.pilot.stream import Shared


def test_animals_come_back_with_their_ids_prices_and_lines_whatever_their_size() -> None:
    animals = Animals()
    rows = [
        AnimalRecord("P1", "KZ0000000001", "cow", 421_500_00),
        AnimalRecord("P2", "ЖК-1", "bull", 2**70),
        AnimalRecord("P1", "", "cow", 0),
        AnimalRecord("P1", "KZ0000000002", "cow", -5),
    ]
    for line, record in enumerate(rows, start=2):
        animals.add(record, line, Shared(), {"P1": 7, "P2": 3}[record.purchase_id])
    assert [s.record for s in animals.sources(7)] == [rows[0], rows[2], rows[3]]
    assert [s.line for s in animals.sources(7)] == [2, 4, 5]
    assert [s.record.price for s in animals.sources(3)] == [2**70]
    purchase = PurchaseRecord("P1", "PR", "F1", "S1", parse_instant("2025-01-02"), ())
    assert animals.attach(purchase, 7).animals == (rows[0], rows[2], rows[3])
    assert list(animals.priced())[1] == (3, "P2/ЖК-1", 2**70)


def test_a_purchase_without_animals_or_of_no_line_comes_back_as_it_was() -> None:
    animals = Animals()
    animals.add(AnimalRecord("P1", "A", "cow", 1), 2, Shared(), 5)
    purchase = PurchaseRecord("P2", "PR", "F1", "S1", parse_instant("2025-01-02"), ())
    assert animals.attach(purchase, 4) is purchase
    assert animals.attach(purchase, 99) is purchase
    assert animals.sources(99) == []


def test_rows_of_purchases_not_in_the_folder_are_extra_in_file_order() -> None:
    animals = Animals()
    animals.add(AnimalRecord("P9", "A", "cow", 1), 2, Shared(), None)
    animals.add(AnimalRecord("P1", "B", "cow", 2), 3, Shared(), 1)
    animals.add(AnimalRecord("P8", "C", "cow", 3), 4, Shared(), None)
    assert [(s.record.animal_id, s.line) for s in animals.extra] == [("A", 2), ("C", 4)]
    assert [line for line, _, _ in animals.priced()] == [2, 3, 4]


def test_rows_scattered_over_many_pages_come_back_per_purchase_in_file_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(animals_module, "ROWS", 3)
    monkeypatch.setattr(animals_module, "_HELD", 2)
    animals = Animals()
    expected: dict[int, list[tuple[str, int]]] = {}
    for n in range(40):
        purchase_line = 2 + (n * 7) % 5
        record = AnimalRecord(f"P{purchase_line}", f"A{n}", "cow", n)
        animals.add(record, n + 2, Shared(), purchase_line)
        expected.setdefault(purchase_line, []).append((f"A{n}", n + 2))
    # Asked for out of file order, and again: pages are read back and let go.
    for purchase_line in [6, 2, 4, 3, 5, 2, 6]:
        got = [(s.record.animal_id, s.line) for s in animals.sources(purchase_line)]
        assert got == expected[purchase_line]
    assert list(animals.prices()) == list(range(40))
    assert [line for line, _, _ in animals.priced()] == list(range(2, 42))
