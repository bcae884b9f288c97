"""Registry rows have no id: equal rows of a folder are told apart by their occurrence.

The load counts them among the rows of one instant only (a pass yields them in time order), so
its memory does not grow with the registry; the numbers must be those of a count over the
whole pass."""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

from coloring.domain.records import RegistryRecord
from coloring.domain.time import parse_instant
from coloring.pilot.loader import LoadPlan


def row(animal: str, at: str, owner: str | None = "SEL-1") -> RegistryRecord:
    return RegistryRecord(animal, "cow", "registered", owner, parse_instant(at))


def whole_pass_count(rows: list[RegistryRecord]) -> list[int]:
    seen: Counter[tuple[Any, ...]] = Counter()
    numbers = []
    for r in rows:
        identity = (r.animal_id, r.at.us, r.event, r.owner, r.species)
        numbers.append(seen[identity])
        seen[identity] += 1
    return numbers


def test_equal_rows_of_one_instant_are_numbered_in_turn_and_others_are_first() -> None:
    rows = [
        row("KZ1", "2025-01-01T10:00"),
        row("KZ2", "2025-01-01T10:00"),
        row("KZ1", "2025-01-01T10:00"),
        row("KZ1", "2025-01-01T10:00", owner=None),
        row("KZ1", "2025-01-01T10:00"),
        row("KZ1", "2025-01-01T11:00"),
        row("KZ1", "2025-01-01T11:00"),
        row("KZ1", "2025-01-02T10:00"),
    ]
    plan = LoadPlan(cast(Any, None))

    numbers = [plan.occurrence(r) for r in rows]

    assert numbers == [0, 0, 1, 0, 2, 0, 1, 0] == whole_pass_count(rows)


def test_a_new_pass_numbers_the_same_rows_again_from_zero() -> None:
    rows = [row("KZ1", "2025-01-01T10:00"), row("KZ1", "2025-01-01T10:00")]
    plan = LoadPlan(cast(Any, None))
    first = [plan.occurrence(r) for r in rows]

    plan.restart()

    assert [plan.occurrence(r) for r in rows] == first == [0, 1]
