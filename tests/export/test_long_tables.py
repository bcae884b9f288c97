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
from coloring.export.longtable import SHORT, print_table
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
