"""The rows of purchase_animals.csv as `read_folder` keeps them: on disk, found by purchase."""

from __future__ import annotations

from array import array
from collections.abc import Iterator

from coloring.domain import records
from coloring.domain.build import maker
from coloring.pilot.sourced import Sourced
from coloring.pilot.stream import PageFile, Shared

ANIMALS_FILE = "purchase_animals.csv"

ROWS = 512
"""Rows of a page on disk: a purchase's rows are read back as pages, so a page decoded for one
purchase alone (rows far from the purchases' order) stays cheap."""

_HELD = 128
"""Pages kept decoded (~13 MB): purchases come in time order, their rows in file order, which in
a pilot folder is near it (the purchases' ids), so most look-ups find their page held (at 1M,
`dated()` reads 2,694 pages, the dated files' included; 27,240 with 16 held, +35% CPU)."""

_animal = maker(records.AnimalRecord)
"""An animal's record without the frozen dataclass's `__init__` (`domain.build`)."""

_Columns = tuple[list[str], list[str], list[str], list[int], list[int]]
"""A page: purchase ids, animal ids, species, prices, lines, of its rows in file order."""


class Animals:
    """The rows of purchase_animals.csv, in file order, in pages on disk (`stream.PageFile`),
    and in memory only a chain of each purchase's rows: a folder of 10M payments has ~6M
    animals, ~0.4 GB for the whole load even as compact columns, 8 bytes a row this way.

    A purchase of the folder is known by its line in purchases.csv (`add`'s `purchase_line`),
    which is how `PilotFolder.dated()` knows it too; the rows of purchases not in the folder
    are kept as records (`extra`), few, and all of them wanted by the load."""

    __slots__ = ("_first", "_held", "_last", "_next", "_pages", "_rows", "count", "extra")

    def __init__(self) -> None:
        self._pages: PageFile[_Columns] = PageFile()
        self._rows: _Columns = ([], [], [], [], [])
        """The rows not yet in a page on disk."""
        self._held: dict[int, _Columns] = {}
        self._first = array("i")
        """Purchase line -> its first row, -1 for none."""
        self._last = array("i")
        self._next = array("i")
        """Row -> the purchase's next row, -1 for none."""
        self.count = 0
        self.extra: list[Sourced[records.AnimalRecord]] = []
        """The rows of purchases not in the folder, in file order."""

    def add(
        self, record: records.AnimalRecord, line: int, shared: Shared, purchase_line: int | None
    ) -> None:
        """The next row of the file; `purchase_line` is its purchase's line in purchases.csv,
        None if the folder has no such purchase."""
        slot = self.count
        self.count += 1
        purchase_ids, animal_ids, species, prices, lines = self._rows
        purchase_ids.append(record.purchase_id)
        animal_ids.append(record.animal_id)
        species.append(shared[record.species])
        prices.append(record.price)
        lines.append(line)
        self._next.append(-1)
        if purchase_line is None:
            self.extra.append(Sourced(record, ANIMALS_FILE, line))
        else:
            first, last = self._first, self._last
            if purchase_line >= len(first):
                grow = array("i", [-1]) * (purchase_line + 1 - len(first))
                first.extend(grow)
                last.extend(grow)
            if first[purchase_line] < 0:
                first[purchase_line] = slot
            else:
                self._next[last[purchase_line]] = slot
            last[purchase_line] = slot
        if len(lines) == ROWS:
            self._pages.append(self._rows)
            self._rows = ([], [], [], [], [])

    def _page(self, n: int) -> _Columns:
        if n == len(self._pages):
            return self._rows
        page = self._held.get(n)
        if page is None:
            if len(self._held) >= _HELD:
                del self._held[next(iter(self._held))]
            page = self._held[n] = self._pages.page(ANIMALS_FILE, n)
        return page

    def _of(self, purchase_line: int) -> list[tuple[records.AnimalRecord, int]]:
        """(record, line) of the rows of the purchase on that line of purchases.csv."""
        found = []
        slot = self._first[purchase_line] if purchase_line < len(self._first) else -1
        n, page = -1, self._rows
        while slot >= 0:
            if slot // ROWS != n:  # a purchase's rows are mostly on one page
                n = slot // ROWS
                page = self._page(n)
            i = slot % ROWS
            found.append((_animal(page[0][i], page[1][i], page[2][i], page[3][i]), page[4][i]))
            slot = self._next[slot]
        return found

    def sources(self, purchase_line: int) -> list[Sourced[records.AnimalRecord]]:
        """The rows of the purchase on that line of purchases.csv, in file order."""
        return [Sourced(record, ANIMALS_FILE, line) for record, line in self._of(purchase_line)]

    def attach(self, purchase: records.PurchaseRecord, line: int) -> records.PurchaseRecord:
        """The purchase on that line of purchases.csv with its animals (file order), if the file
        lists any."""
        if line >= len(self._first) or self._first[line] < 0:
            return purchase
        animals = tuple(record for record, _ in self._of(line))
        return records.PurchaseRecord(
            purchase.purchase_id,
            purchase.program_id,
            purchase.buyer,
            purchase.seller,
            purchase.at,
            animals,
        )

    def priced(self) -> Iterator[tuple[int, str, int]]:
        """(line, purchase_id/animal_id, price) of every row, in file order: no record built."""
        for n in range(len(self._pages) + 1):
            purchase_ids, animal_ids, _, prices, lines = self._page(n)
            for line, p, a, price in zip(lines, purchase_ids, animal_ids, prices, strict=True):
                yield line, f"{p}/{a}", price

    def prices(self) -> Iterator[int]:
        """The price of every row."""
        for n in range(len(self._pages) + 1):
            yield from self._page(n)[3]
