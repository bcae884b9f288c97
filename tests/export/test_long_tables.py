"""A long table is printed with the same characters as rich prints it, though rich lays out only
the rows that decide the widths and the rows that wrap."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table

from coloring.export import render
from coloring.export.longtable import SHORT, plain_lines, print_table
from coloring.i18n import use
from strategies import table_cells


def console(width: int) -> Console:
    return Console(
        file=io.StringIO(), width=width, soft_wrap=True, markup=False, emoji=False, highlight=False
    )


def columns() -> Table:
    table = Table()
    table.add_column("at", overflow="fold")
    table.add_column("subject", overflow="fold")
    table.add_column("amount (KZT)", justify="right", no_wrap=True, min_width=12)
    table.add_column("participants", overflow="fold")
    return table


def by_rich(width: int, rows: list[list[str]]) -> str:
    out, table = console(width), columns()
    for row in rows:
        table.add_row(*row)
    out.print(table)
    return out.file.getvalue()  # type: ignore[attr-defined]


def drawn(width: int, rows: list[list[str]]) -> str:
    out = console(width)
    print_table(out, columns(), rows)
    return out.file.getvalue()  # type: ignore[attr-defined]


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(st.lists(table_cells, min_size=4, max_size=4), min_size=SHORT, max_size=90),
    width=st.sampled_from([60, 100, 160]),
)
def test_a_long_table_has_the_characters_rich_prints(rows: list[list[str]], width: int) -> None:
    assert drawn(width, rows) == by_rich(width, rows)


def test_rows_that_fit_are_padded_to_the_widths_rich_chose() -> None:
    rows = [
        [f"2025-01-{n % 28 + 1:02d}T10:00:00+05:00", f"T-{n:07d}", f"{n:,}.00", "FRM-1, SEL-2"]
        for n in range(500)
    ]
    assert drawn(160, rows) == by_rich(160, rows)


HEADER = ["at", "subject", "amount (KZT)", "participants"]
RIGHT = [False, False, True, True]


def plainly(width: int, rows: list[list[str]], least: int) -> str | None:
    lines = plain_lines(HEADER, RIGHT, [0, 0, least, 0], rows, width)
    return None if lines is None else "\n".join(lines) + "\n"


def by_rich_table(width: int, rows: list[list[str]], least: int) -> str:
    out, table = console(width), Table()
    for name, right in zip(HEADER, RIGHT, strict=True):
        at_least = least if name == "amount (KZT)" and least else None
        table.add_column(name, justify="right" if right else "left", min_width=at_least)
    for row in rows:
        table.add_row(*row)
    out.print(table)
    return out.file.getvalue()  # type: ignore[attr-defined]


words = st.text(st.characters(categories=("L", "M", "N", "P", "S")), min_size=1, max_size=8)
printable_cells = st.lists(words, max_size=3).map(" ".join) | st.lists(words, max_size=2).map(
    "\xa0".join
)
lines_of_cells = st.lists(printable_cells, min_size=1, max_size=3).map("\n".join)
"""Cells of one or more lines, each printable with no space at either end (or empty)."""


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(lines_of_cells, min_size=4, max_size=4), max_size=8),
    width=st.sampled_from([40, 80, 160]),
    least=st.sampled_from([0, 5, 20]),
)
def test_a_table_drawn_without_rich_has_the_characters_rich_prints(
    rows: list[list[str]], width: int, least: int
) -> None:
    drawn = plainly(width, rows, least)
    if drawn is not None:
        assert drawn == by_rich_table(width, rows, least)


def test_tables_of_ids_words_and_lines_are_drawn_without_rich() -> None:
    rows = [
        ["2025-01-29T14:22:00+05:00", "Қазақша сөз", "2 686 500,00", "FRM-1, SEL-2"],
        ["", "registered: a\namended: b", "5", "月曜日"],
    ]
    for least in (0, 20):
        assert plainly(160, rows, least) == by_rich_table(160, rows, least)


def test_a_table_too_wide_or_with_a_space_at_an_end_of_a_line_is_left_to_rich() -> None:
    assert plainly(40, [["x" * 30, "y", "1.00", "z"]], 0) is None
    assert plainly(160, [["x", "y ", "1.00", "z"]], 0) is None
    assert plainly(160, [["x", "y\n z", "1.00", "z"]], 0) is None
    assert plainly(160, [], 0) is None


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
@given(tiyn=st.integers(min_value=-(10**15), max_value=10**15))
def test_amounts_are_grouped_as_babel_groups_them(lang: str, tiyn: int) -> None:
    amount = Decimal(tiyn).scaleb(-2)
    use(lang)
    try:
        assert render.grouped(amount) == format_decimal(amount, "#,##0.00", locale=lang)
        assert render.grouped_tiyn(tiyn) == render.grouped(amount)
    finally:
        use("en")


@pytest.mark.parametrize("lang", ["en", "ru", "kk", "de"])
def test_the_separators_kept_for_each_language_are_babels(lang: str) -> None:
    from babel.numbers import get_decimal_symbol, get_group_symbol

    expected = (get_group_symbol(lang), get_decimal_symbol(lang))
    assert render._separators(lang) == expected
    if lang != "de":
        assert render.SEPARATORS[lang] == expected
