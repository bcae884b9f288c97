"""The second reading of a dated file: its records, streamed from disk in time order.

`read_folder` validates every file first (the contract's models, row by row) and keeps no
dated record in memory: per dated file only a `DatedFile`, which knows where the file is, how
many records it holds and whether its rows were in time order. `DatedFile.keyed()` then reads
the file again, as often as asked, and builds each record straight from its cells: they were
all accepted by the first reading, so nothing is validated twice, and the records are the same
as the models' (`tests/pilot/test_reader.py` compares them). A file whose rows are not in time
order is sorted once, on disk, in a temporary SQLite table, and read back from there.
"""

from __future__ import annotations

import csv
import os
import sqlite3
from array import array
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NoReturn

from coloring.domain.records import (
    DATED_ORDER,
    ActRecord,
    AllocationRecord,
    ContractRecord,
    DatedRecord,
    LoanRecord,
    PurchaseRecord,
    RegistryEvent,
    RegistryRecord,
    SubsidyRecord,
    TransferRecord,
)
from coloring.pilot.contract import parse_time
from coloring.pilot.csvfile import checked_rows
from coloring.pilot.errors import InputError, PilotInputError

__all__ = ["DATED_FILES", "DatedFile", "Keyed", "Shared"]


class Shared(dict[str, str]):
    """One copy of each text: `shared[text]` is the first string seen equal to `text`."""

    def __missing__(self, key: str) -> str:
        self[key] = key
        return key


Row = Sequence[str]
Builder = Callable[[Row], DatedRecord]
Keyed = tuple[int, int, int, DatedRecord]
"""(instant in microseconds, rank of the file, line, record): the order of section 3."""

_OWNERLESS = frozenset({RegistryEvent.DISPOSED.value, RegistryEvent.EXPORTED.value})


def _tiyn(text: str) -> int:
    """`parse_tiyn` of a text that it has accepted, quicker."""
    whole, _, fraction = text.partition(".")
    return int(whole) * 100 + (int(fraction.ljust(2, "0")) if fraction else 0)


def _optional(row: Row, i: int | None) -> str | None:
    """An optional cell: None when its column is absent or the cell is empty or blank."""
    if i is None:
        return None
    text = row[i]
    return None if text == "" or text.isspace() else text


# One builder per dated file. `ix` gives each column's position in the file's header (column
# order is free; an optional column may be absent); `s` stores each participant and program id
# once, as the first reading does. Each builds what the file's model in `contract` builds from
# cells it has accepted.


def _allocations(ix: dict[str, int], s: Shared) -> Builder:
    i, p, a, r = ix["allocation_id"], ix["program_id"], ix["payer"], ix["recipient"]
    m, t = ix["amount"], ix["allocated_at"]

    def build(row: Row) -> DatedRecord:
        return AllocationRecord(
            row[i], s[row[p]], s[row[a]], s[row[r]], _tiyn(row[m]), parse_time(row[t])
        )

    return build


def _loans(ix: dict[str, int], s: Shared) -> Builder:
    i, p, le, b = ix["loan_id"], ix["program_id"], ix["lender"], ix["borrower"]
    m, t = ix["amount"], ix["issued_at"]

    def build(row: Row) -> DatedRecord:
        return LoanRecord(
            row[i], s[row[p]], s[row[le]], s[row[b]], _tiyn(row[m]), parse_time(row[t])
        )

    return build


def _subsidies(ix: dict[str, int], s: Shared) -> Builder:
    i, p, a, su = ix["subsidy_id"], ix["program_id"], ix["applicant"], ix["supplier"]
    ai, ak, av, m, t = (
        ix["asset_id"],
        ix["asset_kind"],
        ix["asset_value"],
        ix["amount"],
        ix["approved_at"],
    )

    def build(row: Row) -> DatedRecord:
        return SubsidyRecord(
            row[i],
            s[row[p]],
            s[row[a]],
            s[row[su]],
            row[ai],
            row[ak],
            _tiyn(row[av]),
            _tiyn(row[m]),
            parse_time(row[t]),
        )

    return build


def _contracts(ix: dict[str, int], s: Shared) -> Builder:
    i, p, cu, co = ix["contract_id"], ix["program_id"], ix["customer"], ix["contractor"]
    v, t, parent = ix["value"], ix["signed_at"], ix.get("parent_contract_id")

    def build(row: Row) -> DatedRecord:
        return ContractRecord(
            row[i],
            s[row[p]],
            s[row[cu]],
            s[row[co]],
            _tiyn(row[v]),
            parse_time(row[t]),
            _optional(row, parent),
        )

    return build


def _purchases(ix: dict[str, int], s: Shared) -> Builder:
    i, p, b, se, t = (
        ix["purchase_id"],
        ix["program_id"],
        ix["buyer"],
        ix["seller"],
        ix["contracted_at"],
    )

    def build(row: Row) -> DatedRecord:
        return PurchaseRecord(row[i], s[row[p]], s[row[b]], s[row[se]], parse_time(row[t]))

    return build


def _registry(ix: dict[str, int], s: Shared) -> Builder:
    a, sp, e, t, o = ix["animal_id"], ix["species"], ix["event"], ix["at"], ix.get("owner")

    def build(row: Row) -> DatedRecord:
        event = row[e]
        # The owner is required for registered/transferred, ignored otherwise (section 7.1).
        owner = None if event in _OWNERLESS or o is None else row[o]
        return RegistryRecord(row[a], row[sp], event, owner, parse_time(row[t]))

    return build


def _acts(ix: dict[str, int], s: Shared) -> Builder:
    i, c, m, t = ix["act_id"], ix["contract_id"], ix["amount"], ix["accepted_at"]

    def build(row: Row) -> DatedRecord:
        return ActRecord(row[i], row[c], _tiyn(row[m]), parse_time(row[t]))

    return build


def _transfers(ix: dict[str, int], s: Shared) -> Builder:
    i, t, p, a, e = ix["transfer_id"], ix["at"], ix["program_id"], ix["payer"], ix["payee"]
    m, ref = ix["amount"], ix.get("purpose_ref")

    def build(row: Row) -> DatedRecord:
        return TransferRecord(
            row[i],
            parse_time(row[t]),
            s[row[p]],
            s[row[a]],
            s[row[e]],
            _tiyn(row[m]),
            _optional(row, ref),
        )

    return build


_BUILDERS: dict[str, tuple[type, Callable[[dict[str, int], Shared], Builder]]] = {
    "allocations.csv": (AllocationRecord, _allocations),
    "loans.csv": (LoanRecord, _loans),
    "subsidies.csv": (SubsidyRecord, _subsidies),
    "contracts.csv": (ContractRecord, _contracts),
    "purchases.csv": (PurchaseRecord, _purchases),
    "registry.csv": (RegistryRecord, _registry),
    "acts.csv": (ActRecord, _acts),
    "transfers.csv": (TransferRecord, _transfers),
}

DATED_FILES: dict[str, int] = {name: DATED_ORDER[t] for name, (t, _) in _BUILDERS.items()}
"""The dated files and their rank among the records of one instant (section 3)."""


class DatedFile:
    """One dated file of a folder that the first reading accepted.

    During that reading, `see` is told the instant of each record in row order; afterwards
    `keyed()` reads the file again and yields its records in the order of section 3."""

    __slots__ = (
        "_instants",
        "_last_us",
        "_sorted",
        "_stamp",
        "count",
        "in_order",
        "name",
        "path",
        "rank",
    )

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path
        self.rank = DATED_FILES[name]
        self.count = 0
        self.in_order = True
        """Whether the rows are in non-decreasing time order (then no sorting is needed)."""
        self._last_us = -(2**63)
        self._stamp = _stamp(path)
        self._instants: array[int] | None = array("q")
        """The instant of each record in row order, while they may be needed for sorting."""
        self._sorted: sqlite3.Connection | None = None

    def see(self, us: int) -> None:
        """The first reading accepted the next record of the file, dated `us`."""
        self.count += 1
        if us < self._last_us:
            self.in_order = False
        else:
            self._last_us = us
        if self._instants is not None:
            self._instants.append(us)

    def seal(self) -> None:
        """The first reading is over: keep the instants only if the file must be sorted."""
        if self.in_order:
            self._instants = None

    def keyed(self, shared: Shared) -> Iterator[Keyed]:
        """(instant, rank, line, record) for every record, sorted by instant, then line."""
        if _stamp(self.path) != self._stamp:
            self._changed(0)
        rows = self._rows_in_order()
        try:
            _, header = next(rows)
        except StopIteration:
            self._changed(0)
        build = _BUILDERS[self.name][1]({c: i for i, c in enumerate(header)}, shared)
        rank = self.rank
        n = 0
        last = -(2**63)
        line = 0
        try:
            for line, row in rows:
                record = build(row)
                us = record.at.us
                if us < last:
                    self._changed(line)
                last = us
                n += 1
                yield us, rank, line, record
        except (ValueError, IndexError, KeyError, csv.Error, OSError):
            self._changed(line)
        if n != self.count:
            self._changed(line)

    def _changed(self, line: int) -> NoReturn:
        raise PilotInputError(
            [
                InputError(
                    self.name,
                    line,
                    "-",
                    "the file changed while the folder was being loaded; load it again",
                )
            ]
        )

    def _rows_in_order(self) -> Iterator[tuple[int, Row]]:
        """The header, then the rows sorted by instant (stable: in row order at one instant)."""
        if self.in_order:
            return checked_rows(self.path)
        if self._sorted is None:
            self._sorted = self._sort()
        return self._read_sorted(self._sorted)

    def _sort(self) -> sqlite3.Connection:
        """Copy the rows to a temporary on-disk table in time order (the instants come from
        the first reading). Only the rows' texts go to disk; they are parsed when read back."""
        rows = checked_rows(self.path)
        instants = self._instants
        try:
            _, header = next(rows)
        except StopIteration:
            self._changed(0)
        if instants is None or len(instants) != self.count:
            raise RuntimeError(f"{self.name}: the first reading is not over")
        width = len(header)
        cells = ", ".join(f"c{i} TEXT" for i in range(width))
        marks = ", ".join("?" * (width + 2))
        db = sqlite3.connect("")  # a private temporary database, deleted when closed
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute(f"CREATE TABLE unsorted (us INTEGER, line INTEGER, {cells})")
        db.execute(f"CREATE TABLE rows (line INTEGER, {cells})")
        db.execute("INSERT INTO rows VALUES (-1, " + ", ".join("?" * width) + ")", header)
        try:
            db.executemany(
                f"INSERT INTO unsorted VALUES ({marks})",
                ((us, line, *row) for us, (line, row) in zip(instants, rows, strict=True)),
            )
        except (ValueError, csv.Error, OSError, sqlite3.Error):  # zip: not as many rows
            db.close()
            self._changed(0)
        self._instants = None
        columns = ", ".join(f"c{i}" for i in range(width))
        db.execute(f"INSERT INTO rows SELECT line, {columns} FROM unsorted ORDER BY us, line")
        db.execute("DROP TABLE unsorted")
        db.commit()
        return db

    @staticmethod
    def _read_sorted(db: sqlite3.Connection) -> Iterator[tuple[int, Row]]:
        for line, *row in db.execute("SELECT * FROM rows ORDER BY rowid"):
            yield line, row


def _stamp(path: Path) -> tuple[int, int]:
    """What tells a changed file: its size and time of last change."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns
