"""The records of a dated file, kept from the one reading that checked them, in time order.

`read_folder` checks every file page by page (`columns`); the pages of a dated file are kept
here by columns, compactly: instants, lines and whole amounts in typed arrays, columns of few
values (participants, programs, species, registry events) as codes into a table of the page,
other texts joined in one string, each page written to an unnamed temporary file as soon as
it is checked (`PageFile`), so that what a folder costs in memory is one page, not the folder.
`DatedFile.keyed()` builds the records again from those columns, as often as asked, in the
order of section 3, and can release each page once it has been used (a load's last pass).
Nothing is parsed twice: the file is read once.

A file whose rows are not in time order is ordered by its kept instants (a stable sort, so the
rows of one instant stay in row order).
"""

from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from bisect import bisect_right
from collections.abc import Collection, Iterator, Sequence
from typing import Any, Generic, TypeVar

from coloring.domain import records
from coloring.domain.build import maker
from coloring.domain.time import Instant
from coloring.pilot.columns import Times

__all__ = ["DATED_FILES", "DatedFile", "Keyed", "PageFile", "Shared"]

T = TypeVar("T")


class Shared(dict[str, str]):
    """One copy of each text: `shared[text]` is the first string seen equal to `text`."""

    def __missing__(self, key: str) -> str:
        self[key] = key
        return key


Keyed = tuple[int, int, int, records.DatedRecord]
"""(instant in microseconds, rank of the file, line, record): the order of section 3."""

_RECORDS: dict[str, type] = {
    "allocations.csv": records.AllocationRecord,
    "loans.csv": records.LoanRecord,
    "subsidies.csv": records.SubsidyRecord,
    "contracts.csv": records.ContractRecord,
    "purchases.csv": records.PurchaseRecord,
    "registry.csv": records.RegistryRecord,
    "acts.csv": records.ActRecord,
    "transfers.csv": records.TransferRecord,
}

DATED_FILES: dict[str, int] = {name: records.DATED_ORDER[t] for name, t in _RECORDS.items()}
"""The dated files and their rank among the records of one instant (section 3)."""

# Each file's records and their instants, built without the frozen dataclasses' __init__
# (`domain.build`): a load builds every record of the folder here.
_MAKE: dict[str, Any] = {name: maker(t) for name, t in _RECORDS.items()}
_instant = maker(Instant)

_FEW_TEXTS = frozenset({"species", "event", "asset_kind"})
"""Columns of a few distinct texts, stored once each like participant and program ids."""

_SEPARATOR = "\x1f"


class _Texts:
    """A column of texts (ids, references) as one string: a Python string costs some 50 bytes
    beside its characters, more than an id's characters. A column with an empty text is kept
    as it is, so None can be kept as the empty text."""

    __slots__ = ("joined",)

    def __init__(self, joined: str) -> None:
        self.joined = joined

    @staticmethod
    def of(values: list[str | None]) -> _Texts | None:
        if "" in values:
            return None
        joined = _SEPARATOR.join(["" if v is None else v for v in values])
        return None if joined.count(_SEPARATOR) != len(values) - 1 else _Texts(joined)

    def values(self) -> list[str | None]:
        return [v or None for v in self.joined.split(_SEPARATOR)]


class _Codes:
    """A column of few distinct values (parties, programs, species, registry events): each
    value once in a table, and per row its place in the table (two bytes for a page's few
    values, not a reference's eight)."""

    __slots__ = ("codes", "table")

    def __init__(self, values: list[Any]) -> None:
        places: dict[Any, int] = {}
        codes = [places.setdefault(v, len(places)) for v in values]
        self.codes = array("H" if len(places) <= 1 << 16 else "L", codes)
        self.table = list(places)

    def values(self) -> list[Any]:
        return list(map(self.table.__getitem__, self.codes))


def _compact(values: list[Any], name: str, shared: Shared, stored_once: bool) -> Any:
    """One column of a page as it is kept: whole numbers in a typed array when they fit,
    texts of few values as codes (each value stored once), other texts joined."""
    if not values:
        return values
    if stored_once:
        return _Codes(values)
    if name in _FEW_TEXTS:
        return _Codes([v if v is None else shared[v] for v in values])
    if all(type(v) is int for v in values):
        try:
            return array("q", values)
        except OverflowError:  # an amount beyond 64 bits: refused later, kept as it is
            return values
    if all(v is None or type(v) is str for v in values):
        texts = _Texts.of(values)
        if texts is not None:  # no text holds the separator
            return texts
    return values


def _lines(lines: Sequence[int]) -> Sequence[int]:
    """The lines of a page's rows: a range when they follow each other (the usual file)."""
    if lines and lines[-1] - lines[0] == len(lines) - 1:
        return range(lines[0], lines[-1] + 1)
    return array("q", lines)


class _Page:
    """A page of records by columns, in the record's field order; the instant column is kept
    as two arrays (microseconds, offset in minutes)."""

    __slots__ = ("columns", "lines", "offsets", "us")

    def __init__(
        self,
        columns: list[Any],
        lines: Sequence[int],
        us: array[int],
        offsets: array[int],
    ) -> None:
        self.columns = columns
        self.lines = lines
        self.us = us
        self.offsets = offsets

    def values(self) -> list[Sequence[Any] | None]:
        """The columns as sequences (None for the instant)."""
        return [c.values() if isinstance(c, _Texts | _Codes) else c for c in self.columns]


class PageFile(Generic[T]):
    """The pages of one file, pickled one after another to an unnamed temporary file (gone
    when closed, or when the process ends however it ends) and read back one at a time.

    Kept in memory, a 10M-payment folder's pages held ~1.2 GB for the whole load (tracemalloc
    at 100k: 12 MB of pages, growing with the folder); on disk a page costs a pickle, a write
    and a read, ~0.3 s at 1M."""

    __slots__ = ("_file", "_held", "_places", "released")

    def __init__(self) -> None:
        # Open as long as the pages are kept: closed by `__del__`.
        self._file = tempfile.TemporaryFile(prefix="coloring-pages-")  # noqa: SIM115
        self._places = array("q")
        """Offset and length of each page in the file."""
        self.released = array("b")
        self._held = 0

    def __del__(self) -> None:
        # Closed with its pages: a folder read and let go (a refused load, a check) leaves no
        # open file behind.
        self._file.close()

    def __len__(self) -> int:
        return len(self.released)

    def append(self, page: T) -> None:
        data = pickle.dumps(page, pickle.HIGHEST_PROTOCOL)
        end = self._file.seek(0, 2)
        self._file.write(data)
        self._places.extend((end, len(data)))
        self.released.append(0)
        self._held += 1

    def page(self, name: str, n: int) -> T:
        if self.released[n]:
            raise RuntimeError(f"{name}: its records were released")
        # Read at its offset, not through the file's position: the workers of a parallel load
        # (`parallel`) are forked after the reading and share this file and its position.
        self._file.flush()
        data = os.pread(self._file.fileno(), self._places[2 * n + 1], self._places[2 * n])
        page: T = pickle.loads(data)
        return page

    def release(self, n: int) -> None:
        if not self.released[n]:
            self.released[n] = 1
            self._held -= 1
            if not self._held:
                self._file.truncate(0)


class DatedFile:
    """The records of one dated file that the first reading accepted, kept by columns."""

    __slots__ = ("_last_us", "_pages", "_time", "count", "fields", "in_order", "name", "rank")

    def __init__(self, name: str, fields: Sequence[str], time_field: str) -> None:
        self.name = name
        self.rank = DATED_FILES[name]
        self.fields = tuple(fields)
        """The record's fields in its constructor's order (those the file's rows give)."""
        self._time = self.fields.index(time_field)
        self.count = 0
        self.in_order = True
        """Whether the rows are in non-decreasing time order (then no sorting is needed)."""
        self._last_us = -(2**63)
        self._pages: PageFile[_Page] = PageFile()

    def keep(
        self,
        columns: dict[str, Any],
        lines: Sequence[int],
        shared: Shared,
        stored_once: Collection[str] = (),
    ) -> None:
        """The next rows of the file, checked: their values by field, and their lines;
        `stored_once` names the fields whose texts are already stored once (in `shared`)."""
        times: Times | list[Instant] = columns[self.fields[self._time]]
        if isinstance(times, Times):
            us = array("q", times.us)
            offsets = array("h", times.offsets)
        else:  # a page read row by row: its records' instants
            us = array("q", [i.us for i in times])
            offsets = array("h", [i.offset_minutes for i in times])
        for t in us:
            if t < self._last_us:
                self.in_order = False
            else:
                self._last_us = t
        kept = [
            None if i == self._time else _compact(columns[f], f, shared, f in stored_once)
            for i, f in enumerate(self.fields)
        ]
        self._pages.append(_Page(kept, _lines(lines), us, offsets))
        self.count += len(us)

    def rows(self) -> Iterator[tuple[int, Any]]:
        """(line, record) for every record, in row order."""
        for page in self._live_pages():
            yield from zip(page.lines, self._records(page), strict=True)

    def column(self, name: str) -> Iterator[tuple[int, Any]]:
        """(line, value) of one field for every record, in row order."""
        i = self.fields.index(name)
        for page in self._live_pages():
            values = page.values()[i]
            assert values is not None
            yield from zip(page.lines, values, strict=True)

    def fields_of(self, names: Sequence[str]) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """(line, values of the named fields) for every record, in row order; no record built."""
        at = [self.fields.index(name) for name in names]
        for page in self._live_pages():
            columns = page.values()
            chosen = [columns[i] for i in at]
            assert None not in chosen  # not the instant
            yield from zip(page.lines, zip(*chosen, strict=True), strict=True)

    def keyed(self, release: bool = False) -> Iterator[Keyed]:
        """(instant, rank, line, record) for every record, sorted by instant, then line.

        With `release`, each page is let go once its records are yielded: the file cannot be
        read again (a load's last pass)."""
        if not self.in_order:
            yield from self._sorted(release)
            return
        rank = self.rank
        pages = self._pages
        for n in range(len(pages)):
            page = pages.page(self.name, n)
            if release:
                pages.release(n)
            for us, line, record in zip(page.us, page.lines, self._records(page), strict=True):
                yield us, rank, line, record

    def pages(self, release: bool = False) -> Iterator[tuple[array[int], Sequence[int], list[Any]]]:
        """(instants in microseconds, lines, records) of each page in turn, for a file whose
        rows are in time order (`in_order`): what `keyed()` yields, a page at a time, for a
        reader that takes the rows in runs (`reader.PilotFolder.runs`)."""
        assert self.in_order
        pages = self._pages
        for n in range(len(pages)):
            page = pages.page(self.name, n)
            if release:
                pages.release(n)
            yield page.us, page.lines, list(self._records(page))

    def _records(self, page: _Page) -> Iterator[Any]:
        columns: list[Any] = page.values()
        columns[self._time] = map(_instant, page.us, page.offsets)
        return map(_MAKE[self.name], *columns)

    def _live_pages(self) -> Iterator[_Page]:
        """Every page, read back one at a time (none may have been released)."""
        if any(self._pages.released):
            raise RuntimeError(f"{self.name}: its records were released")
        return (self._pages.page(self.name, n) for n in range(len(self._pages)))

    def _sorted(self, release: bool) -> Iterator[Keyed]:
        # Rows out of time order are taken from any page: every page is held for this file.
        pages = list(self._live_pages())
        starts = array("q", [0])
        for page in pages:
            starts.append(starts[-1] + len(page.us))
        every_us = array("q")
        for page in pages:
            every_us.extend(page.us)
        order = sorted(range(len(every_us)), key=every_us.__getitem__)
        del every_us
        rank = self.rank
        make = _MAKE[self.name]
        columns = [page.values() for page in pages]
        for n in order:
            p = bisect_right(starts, n) - 1
            page, i = pages[p], n - starts[p]
            values = [
                c[i] if c is not None else _instant(page.us[i], page.offsets[i]) for c in columns[p]
            ]
            yield page.us[i], rank, page.lines[i], make(*values)
        if release:
            for n in range(len(pages)):
                self._pages.release(n)
