"""Long tables printed exactly as rich prints them, without rich laying out every row.

rich measures, wraps and pads each cell of each row: about a millisecond a row, eleven seconds
for the findings of a million payments. A table's column widths depend only on the widest line
and the longest word of each column, so rich lays out a sample (the rows that hold those, at
most two per column) and the header and borders are taken from it; every other row whose cells
each fit on one line is drawn by padding its cells to those widths. The sample's own rows are
drawn both ways and must agree, or rich prints the whole table as before; a row that does not
fit (a long cell that wraps, a tab, a newline) is laid out by rich, with the sample beside it
so that the widths stay the same. Plain output only (no colours: a file, a pipe); on a terminal
with colours rich prints the table itself.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

SHORT = 64
"""Rows from which a table is drawn here; rich prints shorter ones itself."""
WRAPPED = 200
"""Rows laid out by rich one at a time, at most; beyond, rich prints the whole table."""


def print_table(out: Console, table: Table, rows: list[list[str]]) -> None:
    """Print `table` (its columns set, no rows yet) with `rows` of text on `out`, the same
    characters as adding the rows and `out.print(table)`."""
    drawn = _drawn(out, table, rows) if len(rows) >= SHORT and _drawable(out, table) else None
    if drawn is None:
        for row in rows:
            table.add_row(*row)
        out.print(table)
        return
    out.file.write("\n".join(drawn) + "\n")
    out.file.flush()


def _drawable(out: Console, table: Table) -> bool:
    from rich import box

    return (
        out.color_system is None
        and not out.record
        and table.box is box.HEAVY_HEAD
        and table.title is None
        and table.caption is None
        and table.show_header
        and table.show_edge
        and not table.show_footer
        and not table.show_lines
        and not table.expand
        and table.padding == (0, 1, 0, 1)
        and all(c.justify in ("left", "right") and c.style == "" for c in table.columns)
    )


def _printable(text: str) -> bool:
    """No tab, newline or other control: one line as rich draws it. The no-break space is
    the group separator of Russian and Kazakh amounts, one cell wide like a space (Python does
    not count it printable)."""
    return text.isprintable() or text.replace("\xa0", " ").isprintable()


def _measure(text: str) -> tuple[int, int]:
    """(longest word, widest line) in cells: what rich measures a text cell by."""
    from rich.cells import cell_len

    lines = text.splitlines()
    widest = max((cell_len(line) for line in lines), default=0)
    words = text.split()
    return max((cell_len(w) for w in words), default=widest), widest


def _sample(rows: list[list[str]], columns: int) -> list[list[str]]:
    """The rows that decide the widths: for each column, one with its longest word and one
    with its widest line (the first of equals)."""
    chosen = set()
    for j in range(columns):
        cells = [row[j] for row in rows]
        joined = "".join(cells)
        if joined.isascii() and joined.isprintable():
            # One line of one-cell characters: its width is its length (counted in C).
            widest = list(map(len, cells))
            words = (
                [max(map(len, c.split()), default=len(c)) for c in cells]
                if " " in joined
                else widest
            )
        else:
            measured = [_measure(c) for c in cells]
            words, widest = [m[0] for m in measured], [m[1] for m in measured]
        chosen.add(words.index(max(words)))
        chosen.add(widest.index(max(widest)))
    return [rows[i] for i in sorted(chosen)]


def _rendered(out: Console, table: Table, rows: list[list[str]]) -> list[str]:
    made = copy.deepcopy(table)
    for row in rows:
        made.add_row(*row)
    with out.capture() as captured:
        out.print(made)
    return captured.get().split("\n")[:-1]


def _drawn(out: Console, table: Table, rows: list[list[str]]) -> list[str] | None:
    from rich.cells import cell_len

    sample = _sample(rows, len(table.columns))
    lines = _rendered(out, table, sample)
    heads = [n for n, line in enumerate(lines) if line.startswith("┡")]
    if len(heads) != 1 or not lines[0].startswith("┏") or not lines[-1].startswith("└"):
        return None
    top, bottom = lines[: heads[0] + 1], lines[-1]
    widths = [len(part) for part in lines[0][1:-1].split("┳")]
    right = [c.justify == "right" for c in table.columns]
    if len(widths) != len(table.columns):
        return None

    def drawn(row: list[str]) -> str | None:
        joined = "".join(row)
        if not _printable(joined):
            return None
        size = len if joined.isascii() else cell_len
        cells = []
        for text, width, rightwards in zip(row, widths, right, strict=True):
            room = width - 2 - size(text)
            if room < 0:
                return None
            cells.append(" " * room + text if rightwards else text + " " * room)
        return "│ " + " │ ".join(cells) + " │"

    if [drawn(row) for row in sample] != lines[len(top) : -1]:
        return None
    plain = _plain(rows, widths, right)
    if plain is not None:
        return [*top, *plain, bottom]
    body: list[str] = []
    wrapped = 0
    for row in rows:
        line = drawn(row)
        if line is not None:
            body.append(line)
            continue
        wrapped += 1
        alone = _rendered(out, table, [*sample, row])
        if wrapped > WRAPPED or alone[: len(top)] != top or alone[-1] != bottom:
            return None
        body.extend(alone[len(top) + len(sample) : -1])
    return [*top, *body, bottom]


def _plain(rows: list[list[str]], widths: list[int], right: list[bool]) -> list[str] | None:
    """The rows drawn a column at a time when every cell is printable and fits its column:
    what `drawn` gives each row, with the padding of ASCII columns done by `str.ljust` and
    `rjust` (a tenth of the time for the findings of a million payments). None when a cell
    does not fit or is not printable, and the rows are drawn one at a time."""
    padded = []
    for j, (width, rightwards) in enumerate(zip(widths, right, strict=True)):
        cells = [row[j] for row in rows]
        joined = "".join(cells)
        room = width - 2
        if not _printable(joined):
            return None
        size = len if joined.isascii() else _cells
        if max(map(size, cells), default=0) > room:
            return None
        if size is len:
            padded.append([c.rjust(room) if rightwards else c.ljust(room) for c in cells])
        else:
            gaps = [" " * (room - _cells(c)) for c in cells]
            padded.append(
                [g + c if rightwards else c + g for c, g in zip(cells, gaps, strict=True)]
            )
    return ["│ " + " │ ".join(cells) + " │" for cells in zip(*padded, strict=True)]


def plain_lines(
    header: Sequence[str],
    right: Sequence[bool],
    least: Sequence[int],
    rows: list[list[str]],
    width: int,
) -> list[str] | None:
    """The lines rich prints for a `Table()` of these columns (`right`: right-justified;
    `least`: a column's `min_width`, 0 for none) and rows on a plain console `width` cells wide,
    drawn without rich (its import is a quarter of a question's own instructions). None, and
    rich draws it, unless there are rows, every line of every cell is printable with no space
    at either end, and the columns at their widest fit side by side: rich then gives each
    column its widest line and neither wraps nor shrinks any (`tests/export/test_long_tables.py`
    compares the two)."""
    if not rows:
        return None
    widths, columns, lined = [], [], False
    for j, (cells, at_least) in enumerate(zip(zip(*rows, strict=True), least, strict=True)):
        joined = "\n".join([header[j], *cells])
        flat = joined.replace("\n", "")
        if not _printable(flat) or _space_at_an_end(joined):
            return None
        one_cell = flat.isascii() or _ONE_CELL.fullmatch(flat) is not None
        lines = joined.split("\n") if joined.count("\n") > len(rows) else [header[j], *cells]
        lined = lined or len(lines) > len(rows) + 1
        widths.append(max(max(map(len if one_cell else _cells, lines)), at_least) + 2)
        columns.append((cells, one_cell))
    if sum(widths) + len(widths) + 1 > width:
        return None
    if lined:
        body = [line for row in rows for line in _row_lines(row, widths, right, "│")]
    elif all(one_cell for _, one_cell in columns):
        # Every character one cell wide: Python's own padding, one format a row.
        fields = (f"{{:{'>' if r else '<'}{w - 2}}}" for w, r in zip(widths, right, strict=True))
        form = "│ " + " │ ".join(fields) + " │"
        body = [form.format(*row) for row in rows]
    else:
        padded = []
        for (cells, one_cell), w, rightwards in zip(columns, widths, right, strict=True):
            room = w - 2
            if one_cell:
                padded.append([c.rjust(room) if rightwards else c.ljust(room) for c in cells])
            else:
                gaps = [" " * (room - _cells(c)) for c in cells]
                padded.append(
                    [g + c if rightwards else c + g for c, g in zip(cells, gaps, strict=True)]
                )
        body = ["│ " + " │ ".join(cells) + " │" for cells in zip(*padded, strict=True)]
    return [
        "┏" + "┳".join("━" * w for w in widths) + "┓",
        *_row_lines(list(header), widths, right, "┃"),
        "┡" + "╇".join("━" * w for w in widths) + "┩",
        *body,
        "└" + "┴".join("─" * w for w in widths) + "┘",
    ]


def _space_at_an_end(joined: str) -> bool:
    """Whether a line of the newline-joined cells starts or ends with a space (rich strips a
    right-justified line's)."""
    return (
        joined[:1] in (" ", "\xa0")
        or joined[-1:] in (" ", "\xa0")
        or any(pair in joined for pair in (" \n", "\n ", "\xa0\n", "\n\xa0"))
    )


def _row_lines(row: list[str], widths: list[int], right: Sequence[bool], edge: str) -> list[str]:
    """One row of cells that may hold several lines, each cell's lines at the top of the row."""
    cells = [cell.split("\n") for cell in row]
    out = []
    for n in range(max(map(len, cells))):
        parts = []
        for lines, w, rightwards in zip(cells, widths, right, strict=True):
            text = lines[n] if n < len(lines) else ""
            gap = " " * (w - 2 - (len(text) if text.isascii() else _cells(text)))
            parts.append(f" {gap}{text} " if rightwards else f" {text}{gap} ")
        out.append(edge + edge.join(parts) + edge)
    return out


# Characters rich counts one cell wide: ASCII, Latin and Cyrillic (but the Cyrillic combining
# marks), so a Russian or Kazakh table need not import rich's tables of widths to measure.
_ONE_CELL = re.compile("[\x20-\x7e\xa0-\u02ff\u0400-\u0482\u048a-\u04ff]*")


def _cells(text: str) -> int:
    """The cells `text` takes, as rich's `cell_len` counts them."""
    if _ONE_CELL.fullmatch(text):
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)
