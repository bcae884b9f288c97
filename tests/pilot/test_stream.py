"""The records of a dated file, kept by columns from its one reading, come back as they were."""

from __future__ import annotations

import gc
import os
from typing import Any

import pytest

from coloring.domain.records import TransferRecord
from coloring.domain.time import Instant
from coloring.pilot.stream import DatedFile, Shared

FIELDS = ["transfer_id", "at", "program_id", "payer", "payee", "amount", "purpose_ref"]


def kept(rows: list[TransferRecord], lines: list[int]) -> DatedFile:
    dated = DatedFile("transfers.csv", FIELDS, "at")
    columns: dict[str, list[Any]] = {field: [getattr(r, field) for r in rows] for field in FIELDS}
    dated.keep(columns, lines, Shared(), ("program_id", "payer", "payee"))
    return dated


def transfer(i: int, at: int, amount: int = 100, ref: str | None = "L1") -> TransferRecord:
    return TransferRecord(f"X{i}", Instant(at, 0), "P1", "F1", "S1", amount, ref)


def test_kept_records_come_back_equal_with_their_lines_and_offsets() -> None:
    rows = [transfer(1, 10, ref=None), transfer(2, 20), transfer(3, 20, ref="free text, too")]
    got = list(kept(rows, [2, 3, 5]).keyed())
    assert [(us, line, r) for us, _, line, r in got] == [
        (10, 2, rows[0]),
        (20, 3, rows[1]),
        (20, 5, rows[2]),
    ]
    assert [r.at.offset_minutes for *_, r in got] == [0, 0, 0]


def test_texts_holding_the_column_separator_or_nothing_are_kept_as_they_are() -> None:
    rows = [transfer(1, 10, ref="a\x1fb"), transfer(2, 11, ref=None)]
    assert [r for *_, r in kept(rows, [2, 3]).keyed()] == rows
    rows = [transfer(1, 10, ref=""), transfer(2, 11, ref=None)]
    assert [r for *_, r in kept(rows, [2, 3]).keyed()] == rows


def test_a_page_of_many_distinct_parties_comes_back_as_it_was() -> None:
    rows = [
        TransferRecord(f"X{i}", Instant(i, 300), "P1", f"F{i}", "S1", 1, None)
        for i in range(70_000)
    ]
    assert [r for *_, r in kept(rows, list(range(2, 70_002))).keyed()] == rows


def test_amounts_beyond_64_bits_are_kept_as_they_are() -> None:
    rows = [transfer(1, 10, amount=2**70), transfer(2, 11)]
    assert [r.amount for *_, r in kept(rows, [2, 3]).keyed()] == [2**70, 100]


def test_rows_out_of_time_order_come_back_by_instant_then_line() -> None:
    rows = [transfer(1, 30), transfer(2, 10), transfer(3, 30), transfer(4, 20)]
    dated = kept(rows, [2, 3, 4, 9])
    assert [(line, r.transfer_id) for _, _, line, r in dated.keyed()] == [
        (3, "X2"),
        (9, "X4"),
        (2, "X1"),
        (4, "X3"),
    ]
    assert [line for line, _ in dated.rows()] == [2, 3, 4, 9]


def test_kept_pages_wait_on_disk_and_a_released_file_gives_the_disk_back() -> None:
    rows = [transfer(i, 10 * i) for i in range(4)]
    dated = DatedFile("transfers.csv", FIELDS, "at")
    for page in (rows[:2], rows[2:]):
        columns = {field: [getattr(r, field) for r in page] for field in FIELDS}
        dated.keep(columns, [2, 3], Shared())
    assert not [o for o in gc.get_objects() if type(o).__name__ == "_Page"]
    assert [r for _, r in dated.rows()] == rows
    assert [r for *_, r in dated.keyed(release=True)] == rows
    assert os.fstat(dated._pages._file.fileno()).st_size == 0
    with pytest.raises(RuntimeError, match="released"):
        list(dated.rows())


def test_some_fields_of_every_row_come_back_in_row_order_without_records() -> None:
    rows = [transfer(1, 20, ref=None), transfer(2, 10, amount=7), transfer(3, 30)]
    assert list(kept(rows, [2, 3, 4]).fields_of(("payee", "amount", "purpose_ref"))) == [
        (2, ("S1", 100, None)),
        (3, ("S1", 7, "L1")),
        (4, ("S1", 100, "L1")),
    ]
