"""Reading one CSV file of the contract: encoding, RFC 4180, header, physical line numbers.

Yields the rows as `{column: text}` with only the cells that are usable: a cell with invalid
UTF-8 or an empty required cell is reported here and left out (its column is in `bad`, so the
row validation does not report it a second time). Empty optional cells are simply absent.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, cast

from coloring.pilot.contract import FileSpec
from coloring.pilot.errors import ErrorSink, shown

_SURROGATE = re.compile("[\udc80-\udcff]")

# RFC 4180 sets no length on a cell (a related_to of 10,000 ids is 130,000 characters); the
# csv module refuses cells over 131,072 characters unless told otherwise (a process setting).
csv.field_size_limit(2**31 - 1)


class _Reader(Protocol):
    line_num: int

    def __next__(self) -> list[str]: ...


@dataclass(slots=True)
class CsvRow:
    line: int
    cells: dict[str, str]
    bad: set[str] = field(default_factory=set)
    broken: bool = False
    """True when the row has the wrong number of cells: it is reported and only its id is
    still registered (so that references to it do not cascade into more errors)."""


def _bad_utf8(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def _is_empty(text: str) -> bool:
    return text == "" or text.isspace()


Raw = tuple[int, list[str]]
"""A usual row (plain text, as many cells as the header, no required cell empty) and its
line, as the CSV reader gave it: no `CsvRow` nor dict is made for it (`CsvFile.raw_rows`)."""


class CsvFile:
    """One file of the folder. Iterate it for its rows; `header_ok` tells after iteration
    whether the header was usable (if not, no rows were yielded), `header` its known columns
    (the rows come without the cells of unknown ones)."""

    def __init__(self, path: Path, spec: FileSpec, sink: ErrorSink) -> None:
        self.path = path
        self.spec = spec
        self.sink = sink
        self.header_ok = False
        self.header: list[str] = []

    def _error(self, line: int, column: str, reason: str) -> None:
        self.sink.add(self.spec.name, line, column, reason)

    def __iter__(self) -> Iterator[CsvRow]:
        return cast(Iterator[CsvRow], self._read(raw=False))

    def raw_rows(self) -> Iterator[CsvRow | Raw]:
        """The rows as iterating gives them, except the usual row, which comes as `Raw`: for
        a dated file, read (and checked, `Checker.page`) by columns."""
        return self._read(raw=True)

    def _read(self, raw: bool) -> Iterator[CsvRow | Raw]:
        try:
            # newline="" leaves line ends to the csv module (quoted newlines, CRLF);
            # surrogateescape keeps undecodable bytes so we can say which cell holds them.
            with self.path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
                yield from self._rows(csv.reader(f, strict=True), raw)
        except OSError as e:
            self.header_ok = False
            self._error(0, "-", f"cannot be read: {e.strerror or e}")

    def _rows(self, reader: _Reader, raw: bool) -> Iterator[CsvRow | Raw]:
        header: list[str] | None = None
        names: list[str] = []  # the header as written, unknown columns included
        known: list[int] | None = None  # where the known columns are, when some are not
        columns = self.spec.columns
        required = self.spec.required
        required_at: list[int] = []
        end = 0  # physical line on which the previous record ended
        while True:
            start = end + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                end = reader.line_num
                self._error(start, "-", f"malformed CSV: {e}")
                if header is None:
                    return
                continue
            end = reader.line_num
            if not row or (len(row) == 1 and _is_empty(row[0])):
                continue  # a blank line
            if header is None:
                if not self._header(row, start):
                    return
                # An unknown column is reported (`_header`) but leaves the others readable:
                # the rows are checked without it, so that all errors come at once.
                names = row
                if not all(name in columns for name in row):
                    known = [i for i, name in enumerate(row) if name in columns]
                    row = [row[i] for i in known]
                header = row
                self.header = header
                self.header_ok = True
                required_at = [i for i, column in enumerate(header) if column in required]
                continue
            if len(row) != len(names):
                yield self._broken(start, names, row)
                continue
            if known is not None:
                row = [row[i] for i in known]
            joined = "".join(row)
            if joined.isascii() and "\x00" not in joined and not any(map(str.isspace, row)):
                # The usual row, quickly: plain text, each cell present.
                if raw and all([row[i] for i in required_at]):
                    yield start, row
                    continue
                if "" not in row:
                    yield CsvRow(start, dict(zip(header, row, strict=True)), set())
                    continue
            yield self._checked(start, header, row)
        if header is None and end == 0:
            self._error(1, "-", "the file is empty: expected a header row")
        elif header is None:
            self._error(1, "-", "the file has no header row, only blank lines")

    def _broken(self, start: int, names: list[str], row: list[str]) -> CsvRow:
        self._error(
            start,
            "-",
            f"{len(row)} cells, but the header has {len(names)} columns"
            " (a quote or comma missing?)",
        )
        cells = {
            c: t
            for c, t in zip(names, row, strict=False)
            if c in self.spec.columns and not _bad_utf8(t)
        }
        return CsvRow(start, cells, broken=True)

    def _checked(self, start: int, header: list[str], row: list[str]) -> CsvRow:
        """A row that is not plain text with every cell present: each cell checked for its
        bytes and blanks."""
        required = self.spec.required
        cells: dict[str, str] = {}
        bad: set[str] = set()
        for column, text in zip(header, row, strict=True):
            if text and not text.isspace() and text.isascii() and "\x00" not in text:
                cells[column] = text  # the usual case, first
            elif _bad_utf8(text):
                self._error(start, column, f"'{shown(text)}' is not valid UTF-8 (save as UTF-8)")
                bad.add(column)
            elif "\x00" in text:
                # PostgreSQL cannot store it: refused on every ledger alike.
                self._error(start, column, f"'{shown(text)}' holds a NUL character (U+0000)")
                bad.add(column)
            elif _is_empty(text):
                if column in required:
                    self._error(start, column, "a value is required")
                    bad.add(column)
            else:
                cells[column] = text
        return CsvRow(start, cells, bad)

    def _header(self, row: list[str], line: int) -> bool:
        spec = self.spec
        known = set(spec.columns)
        expected = ", ".join(spec.columns)
        ok = True
        seen: set[str] = set()
        for i, name in enumerate(row, start=1):
            if _bad_utf8(name):
                self._error(line, name, "column name is not valid UTF-8 (save as UTF-8)")
                ok = False
            elif _is_empty(name):
                self._error(line, "-", f"column {i} of the header has no name")
                ok = False
            elif name in seen:
                self._error(line, name, "column appears twice in the header")
                ok = False
            elif name not in known:
                self._error(line, name, f"unknown column (expected: {expected})")
            seen.add(name)
        for name in spec.columns:
            if name in spec.required and name not in seen:
                self._error(line, name, "required column is missing")
                ok = False
        return ok


class RawPage:
    """A page of usual rows (`csvfile.Raw`) of a dated file, under the file's header: read
    and checked by columns without a dict per row."""

    __slots__ = ("header", "lines", "rows")

    def __init__(self, header: list[str], lines: list[int], rows: list[list[str]]) -> None:
        self.header = header
        self.lines = lines
        self.rows = rows

    def as_rows(self) -> list[CsvRow]:
        """The page's rows as iterating the file gives them (an empty cell left out)."""
        return [
            CsvRow(line, {c: t for c, t in zip(self.header, row, strict=True) if t})
            for line, row in zip(self.lines, self.rows, strict=True)
        ]


def raw_pages(
    csv_file: CsvFile, size: int, broken: bool = False
) -> Iterator[list[CsvRow] | RawPage]:
    """The whole rows of a file, in pages of `size`: a page of usual rows only as a `RawPage`,
    any other as `CsvRow`s in the file's order, with its broken rows if `broken`."""
    lines: list[int] = []
    rows: list[list[str]] = []
    others: list[CsvRow] = []
    for item in csv_file.raw_rows():
        if isinstance(item, tuple):
            lines.append(item[0])
            rows.append(item[1])
        elif broken or not item.broken:
            others.append(item)
        if len(lines) + len(others) == size:
            yield _page(csv_file.header, lines, rows, others)
            lines, rows, others = [], [], []
    if lines or others:
        yield _page(csv_file.header, lines, rows, others)


def _page(
    header: list[str], lines: list[int], rows: list[list[str]], others: list[CsvRow]
) -> list[CsvRow] | RawPage:
    page = RawPage(header, lines, rows)
    if not others:
        return page
    return sorted([*page.as_rows(), *others], key=lambda row: row.line)
