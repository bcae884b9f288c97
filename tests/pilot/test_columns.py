"""Reading a page by columns (`coloring.pilot.columns`) gives exactly the records the row
models give, and accepts exactly the pages whose every row the models accept: the models stay
the definition of a valid row, the columns only read valid pages quicker."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from coloring.domain.time import parse_instant
from coloring.pilot.cells import parse_time
from coloring.pilot.columns import BY_COLUMNS, Times, parse_times
from coloring.pilot.contract import Row
from strategies import TIME_TEXTS, csv_pages

MODELS = sorted(BY_COLUMNS, key=lambda m: m.__name__)


def by_rows(model: type, page: list[dict[str, str]]) -> list[object] | None:
    try:
        return [model.model_validate(cells).to_record() for cells in page]  # type: ignore[attr-defined]
    except ValidationError:
        return None


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@given(data=st.data())
def test_a_page_read_by_columns_is_the_page_read_by_rows(model: type, data: st.DataObject) -> None:
    page = data.draw(csv_pages(model))
    assert BY_COLUMNS[model].records(page) == by_rows(model, page)


BY_POSITION = [m for m in MODELS if "to_record" not in vars(m)]


@pytest.mark.parametrize("model", BY_POSITION, ids=lambda m: m.__name__)
def test_a_row_read_by_position_has_its_records_fields_in_their_order(model: type[Row]) -> None:
    """Both readers build these records from the row's fields by position; this is the check
    that the positions mean the same fields (a row's time column is its record's `at`)."""
    names = ["at" if name.endswith("_at") else name for name in model.model_fields]
    assert [f.name for f in fields(model.record)][: len(names)] == names


two = st.integers(0, 99)
shaped_times = st.builds(
    lambda y, mo, d, h, mi, s, sign, oh, om: (
        f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{sign}{oh:02d}:{om:02d}"
    ),
    st.integers(0, 9999),
    *[two] * 5,
    st.sampled_from("+-Z"),
    two,
    two,
)
"""Texts of the usual form's shape, their numbers in range or not."""


@given(text=st.sampled_from(TIME_TEXTS) | shaped_times | st.text(max_size=30))
def test_the_quick_time_parser_reads_as_the_full_one(text: str) -> None:
    try:
        expected = parse_instant(text) if text.isascii() else None
    except ValueError:
        expected = None
    try:
        got = parse_time(text)
    except ValueError:
        got = None
    assert got == expected
    if got is not None and expected is not None:
        assert got.offset_minutes == expected.offset_minutes


@given(texts=st.lists(st.sampled_from(TIME_TEXTS) | shaped_times | st.text(max_size=30)))
def test_a_time_column_reads_each_text_as_parse_time_does(texts: list[str]) -> None:
    try:
        expected = [(i.us, i.offset_minutes) for i in map(parse_time, texts)]
    except ValueError:
        expected = None
    try:
        times = parse_times(texts)
        got = list(zip(times.us, times.offsets, strict=True))
    except ValueError:
        got = None
    assert got == expected


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@given(data=st.data())
def test_a_page_of_raw_csv_rows_reads_as_the_same_page_of_dicts(
    model: type, data: st.DataObject
) -> None:
    page = data.draw(csv_pages(model))
    header = list(model.model_fields)  # type: ignore[attr-defined]
    rows = [[cells.get(column, "") for column in header] for cells in page]
    by_columns = BY_COLUMNS[model]
    assert _records(by_columns.columns_of_rows(header, rows)) == _records(by_columns.columns(page))


def _records(columns: dict[str, Any] | None) -> list[tuple[Any, ...]] | None:
    if columns is None:
        return None
    values = [c.instants() if isinstance(c, Times) else c for c in columns.values()]
    return list(zip(*values, strict=True))
