"""The tagged units' events as stored: a page's entries keep their JSON, and a ledger written
before pages (one event per movement) replays and reads and folds as the same movements."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from eventsourcing.domain import CanMutateAggregate
from folds import empty_folds

from coloring.domain.movements import (
    Allocated,
    JsonValue,
    PaymentFinding,
    Refused,
    Transferred,
    first_entry_seq,
    movements,
)
from coloring.domain.records import AllocationRecord, TransferRecord
from coloring.domain.tagged import TaggedTenge
from coloring.domain.time import Instant
from coloring.store import LedgerStore

AT = 1_700_000_000_000_000


@pytest.fixture
def store() -> Iterator[LedgerStore]:
    ledger = LedgerStore("sqlite:///:memory:")
    yield ledger
    ledger.close()


def live_units() -> TaggedTenge:
    """Three allocations, payments that split and pass on pieces, a settled document and a
    refusal, recorded as one page."""
    units = TaggedTenge("P1", 0)
    units.allocate(AllocationRecord("A1", "P1", "T", "OP", 1000, Instant(AT, 0)), "held", 1)
    units.allocate(AllocationRecord("A2", "P1", "T", "OP", 300, Instant(AT + 1, 0)), "held", 2)
    units.allocate(AllocationRecord("A3", "P1", "T", "F1", 50, Instant(AT + 2, 0)), "spent", 3)
    t1 = TransferRecord("T1", Instant(AT + 3, 300), "P1", "OP", "B", 1100)
    t2 = TransferRecord("T2", Instant(AT + 4, 300), "P1", "B", "S", 900, "L1")
    t3 = TransferRecord("T3", Instant(AT + 5, 0), "P1", "B", "S", 999, "L1")
    units.transfer(t1, None, "held", [], 4)
    units.transfer(t2, "L1", "spent", [PaymentFinding("OVERPAYMENT", 40)], 5)
    units.refuse(t3, [PaymentFinding("INSUFFICIENT", 999)], 6)
    units.record_page()
    return units


def state(units: TaggedTenge) -> tuple[Any, ...]:
    return ({h: list(q) for h, q in units.queues.items()}, units.balances, units.settled)


def stored_and_read_back(store: LedgerStore, events: Sequence[Any]) -> list[Any]:
    return [store.mapper.to_domain_event(store.mapper.to_stored_event(e)) for e in events]


def per_record_events(units: TaggedTenge) -> list[CanMutateAggregate[Any]]:
    """The events a ledger written before pages holds for the same movements: the page's
    entries, each as its own event, with its pieces and findings as JSON arrays."""
    opened, page = units.collect_events()
    assert isinstance(page, TaggedTenge.PaymentsRecorded)
    made: list[CanMutateAggregate[Any]] = [opened]
    event_class = {
        "allocated": TaggedTenge.UnitsAllocated,
        "transferred": TaggedTenge.UnitsTransferred,
        "refused": TaggedTenge.TransferRefused,
    }
    for version, m in enumerate(movements(units.program_id, page.entries), start=2):
        named = m._asdict()
        for k in ("pieces", "findings"):
            if k in named:
                named[k] = [list(x) for x in named[k]]
        made.append(
            event_class[m.KIND](
                originator_id=units.id,
                originator_version=version,
                timestamp=datetime.now(UTC),
                **named,
            )
        )
    return made


def replayed(events: list[Any]) -> TaggedTenge:
    units = None
    for e in events:
        units = e.mutate(units)
    assert isinstance(units, TaggedTenge)
    return units


def test_a_page_stores_its_entries_as_the_json_arrays_of_the_movements_fields(
    store: LedgerStore,
) -> None:
    _, page = live_units().collect_events()
    stored = json.loads(store.mapper.to_stored_event(page).state)
    assert stored["entries"][3:5] == [
        ["transferred", 4, "T1", "OP", "B", 1100, AT + 3, 300, None, None, "held",
         [["A1", 0, 1000, "A1"], ["A2", 0, 100, "A2"]], []],
        ["transferred", 5, "T2", "B", "S", 900, AT + 4, 300, "L1", "L1", "spent",
         [["A1", 0, 900, "T1"]], [["OVERPAYMENT", 40]]],
    ]  # fmt: skip
    assert stored["entries"][0] == ["allocated", 1, "A1", "T", "OP", 1000, AT, 0, "held"]
    assert stored["entries"][5][0] == "refused"
    assert first_entry_seq(stored["entries"]) == 1


def test_a_page_read_back_from_the_store_replays_to_the_live_units(
    store: LedgerStore,
) -> None:
    units = live_units()
    assert state(replayed(stored_and_read_back(store, units.collect_events()))) == state(units)


def test_a_ledger_written_before_pages_replays_to_the_units_its_pages_would_hold(
    store: LedgerStore,
) -> None:
    units = live_units()
    old = stored_and_read_back(store, per_record_events(live_units()))
    assert state(replayed(old)) == state(units)
    assert units.settled == {"L1": 900}


def test_a_per_record_event_reads_as_the_movement_its_page_entry_would(
    store: LedgerStore,
) -> None:
    units = live_units()
    _, page = stored_and_read_back(store, live_units().collect_events())
    old = stored_and_read_back(store, per_record_events(units))[1:]
    read = [e.movement() for e in old]
    assert read == list(movements("P1", page.entries))
    assert [type(m) for m in read] == [Allocated] * 3 + [Transferred] * 2 + [Refused]


def test_an_entry_of_a_kind_no_code_writes_is_refused_not_read_as_another_kind() -> None:
    entry: list[JsonValue] = ["returned", 7, "AC1", "C1", 100, AT, 0]
    with pytest.raises(KeyError, match="returned"):
        list(movements("P1", [entry]))


def test_the_fold_gives_a_ledger_written_before_pages_the_rows_its_page_gives(
    store: LedgerStore,
) -> None:
    old, new = empty_folds()
    # The program's idle limit, as its registration would have given both folds.
    old.idle_days["P1"] = new.idle_days["P1"] = 30
    for e in stored_and_read_back(store, per_record_events(live_units())):
        old.apply(e, 1)
    for e in stored_and_read_back(store, live_units().collect_events()):
        new.apply(e, 1)
    # The movements hold what each payment settles: a document's paid is their sum.
    assert old.rows["movements"] == new.rows["movements"]
    assert old.rows["unit_moves"] == new.rows["unit_moves"]
    assert old.rows["deliveries"] == new.rows["deliveries"]
    assert (old.steps, old.allocations) == (new.steps, new.allocations)
    assert len(new.rows["movements"]) == 6
