"""The animals of purchase_animals.csv are kept compactly and given back as they were read."""

from __future__ import annotations

from coloring.domain.records import AnimalRecord, PurchaseRecord
from coloring.domain.time import parse_instant
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
        animals.add(record, line, Shared())
    assert [s.record for s in animals.of("P1")] == [rows[0], rows[2], rows[3]]
    assert [s.line for s in animals.of("P1")] == [2, 4, 5]
    assert animals.source("P2", "ЖК-1").record.price == 2**70
    purchase = PurchaseRecord("P1", "PR", "F1", "S1", parse_instant("2025-01-02"), ())
    assert animals.attach(purchase).animals == (rows[0], rows[2], rows[3])
