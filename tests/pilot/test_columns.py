"""Reading a page by columns (`coloring.pilot.columns`) gives exactly the records the row
models give, and accepts exactly the pages whose every row the models accept: the models stay
the definition of a valid row, the columns only read valid pages quicker."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from coloring.domain.time import parse_instant
from coloring.pilot.cells import parse_time
from coloring.pilot.columns import BY_COLUMNS
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
