"""Read and validate a pilot folder (docs: the pilot data contract, sections 1, 2 and 7).

`read_folder(folder, ledger)` returns a `PilotFolder` with every record parsed and sourced
(`file:line`), or raises `PilotInputError` with every problem found in all files.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from pydantic import ValidationError

from coloring.domain.records import (
    DATED_ORDER,
    ActRecord,
    AllocationRecord,
    AnimalRecord,
    ContractRecord,
    DatedRecord,
    LoanRecord,
    ParticipantRecord,
    ProgramRecord,
    PurchaseRecord,
    ReferencePriceRecord,
    RegistryRecord,
    SubsidyRecord,
    TransferRecord,
)
from coloring.pilot.checks import EMPTY_LEDGER, Checker, LedgerView
from coloring.pilot.contract import FILES, REQUIRED_FILES, FileSpec
from coloring.pilot.csvfile import CsvFile, CsvRow
from coloring.pilot.errors import ErrorSink, InputError, PilotInputError

__all__ = [
    "EMPTY_LEDGER",
    "InputError",
    "LedgerView",
    "PilotFolder",
    "PilotInputError",
    "Sourced",
    "read_folder",
]

R = TypeVar("R", covariant=True)


@dataclass(frozen=True, slots=True)
class Sourced(Generic[R]):
    """A record and the place it comes from."""

    record: R
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


DATED_FILES: dict[type, str] = {
    AllocationRecord: "allocations.csv",
    LoanRecord: "loans.csv",
    SubsidyRecord: "subsidies.csv",
    ContractRecord: "contracts.csv",
    PurchaseRecord: "purchases.csv",
    RegistryRecord: "registry.csv",
    ActRecord: "acts.csv",
    TransferRecord: "transfers.csv",
}
_RANK = {name: DATED_ORDER[t] for t, name in DATED_FILES.items()}

READ_ORDER = (
    "participants.csv",
    "programs.csv",
    "reference_prices.csv",
    # documents in the order of section 7.8: a clash is reported on the later file
    "loans.csv",
    "purchases.csv",
    "subsidies.csv",
    "contracts.csv",
    "purchase_animals.csv",
    "acts.csv",
    "registry.csv",
    # allocations before transfers: a clash of their shared ids is reported on transfers
    "allocations.csv",
    "transfers.csv",
)
assert sorted(READ_ORDER) == sorted(FILES)


class _DatedTable:
    """The records of one dated file, compact: records and their lines side by side."""

    __slots__ = ("in_order", "last_us", "lines", "name", "rank", "records")

    def __init__(self, name: str) -> None:
        self.name = name
        self.rank = _RANK[name]
        self.records: list[DatedRecord] = []
        self.lines = array("q")
        self.in_order = True
        self.last_us = -(2**63)

    def add(self, record: DatedRecord, line: int) -> None:
        us = record.at.us
        if us < self.last_us:
            self.in_order = False
        else:
            self.last_us = us
        self.records.append(record)
        self.lines.append(line)

    def sort(self) -> None:
        """Stable sort by instant, only if the file was not already in time order."""
        if self.in_order:
            return
        records, lines = self.records, self.lines
        order = sorted(range(len(records)), key=lambda i: records[i].at.us)
        self.records = [records[i] for i in order]
        self.lines = array("q", (lines[i] for i in order))
        self.in_order = True

    def keyed(self) -> Iterator[tuple[int, int, int, DatedRecord]]:
        rank = self.rank
        for record, line in zip(self.records, self.lines, strict=True):
            yield record.at.us, rank, line, record


class PilotFolder:
    """The records of one pilot folder, each with its `file:line`."""

    def __init__(
        self,
        *,
        participants: list[Sourced[ParticipantRecord]],
        programs: list[Sourced[ProgramRecord]],
        reference_prices: list[Sourced[ReferencePriceRecord]],
        extra_animals: list[Sourced[AnimalRecord]],
        animal_sources: dict[tuple[str, str], Sourced[AnimalRecord]],
        tables: list[_DatedTable],
        counts: dict[str, int],
    ) -> None:
        self.participants = participants
        self.programs = programs
        self.reference_prices = reference_prices
        self.extra_animals = extra_animals
        """Animals of purchases recorded by an earlier load (not in this folder)."""
        self.animal_sources = animal_sources
        """Every row of purchase_animals.csv by (purchase_id, animal_id)."""
        self._tables = tables
        self._counts = counts

    def dated(self) -> Iterator[Sourced[DatedRecord]]:
        """All dated records in the order of section 3: instant, then file, then line."""
        file_of = {t.rank: t.name for t in self._tables}
        for _us, rank, line, record in heapq.merge(*(t.keyed() for t in self._tables)):
            yield Sourced(record, file_of[rank], line)

    def count(self) -> dict[str, int]:
        """Records per file name, for the files present in the folder."""
        return dict(self._counts)


def _validate(spec: FileSpec, row: CsvRow, sink: ErrorSink, shared: dict[str, str]) -> Any:
    """The row's record, or None after reporting what is wrong with its cells."""
    cells = row.cells
    for column in spec.shared_columns:  # the same few parties and programs, row after row
        text = cells.get(column)
        if text is not None:
            cells[column] = shared.setdefault(text, text)
    try:
        return spec.model.model_validate(cells).to_record()
    except ValidationError as e:
        for error in e.errors(include_url=False):
            column = str(error["loc"][0]) if error["loc"] else "-"
            if column in row.bad:
                continue  # already reported (empty or not UTF-8)
            cause = error.get("ctx", {}).get("error")
            reason = str(cause) if cause is not None else error["msg"]
            sink.add(spec.name, row.line, column, reason)
        return None


def _scan(folder: Path, sink: ErrorSink) -> dict[str, Path]:
    """The contract's files present in the folder; other `.csv` files are errors."""
    if not folder.is_dir():
        sink.add(str(folder), 0, "-", "is not a folder (expected a folder of pilot CSV files)")
        return {}
    present: dict[str, Path] = {}
    expected = ", ".join(FILES)
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".csv" or not path.is_file():
            continue
        if path.name in FILES:
            present[path.name] = path
        else:
            sink.add(
                path.name, 0, "-", f"not a file of the pilot contract (expected one of {expected})"
            )
    for name in REQUIRED_FILES:
        if name not in present:
            sink.add(name, 0, "-", "required file is missing")
    return present


def read_folder(folder: Path, ledger: LedgerView = EMPTY_LEDGER) -> PilotFolder:
    """Read every file of `folder`; raise `PilotInputError` with all errors if any."""
    sink = ErrorSink()
    present = _scan(folder, sink)
    checker = Checker(ledger, sink)
    undated: dict[str, list[Sourced[Any]]] = {}
    tables: dict[str, _DatedTable] = {}
    animals: list[Sourced[AnimalRecord]] = []
    contracts: dict[str, tuple[ContractRecord, int]] = {}
    counts: dict[str, int] = {}
    shared: dict[str, str] = {}
    for name in READ_ORDER:
        spec = FILES[name]
        path = present.get(name)
        table = _DatedTable(name) if name in _RANK else None
        rows: list[Sourced[Any]] = []
        if path is None:
            if name in REQUIRED_FILES:
                checker.unusable.add(name)
        else:
            csv_file = CsvFile(path, spec, sink)
            n = 0
            for row in csv_file:
                checker.row(name, row)
                if row.broken:
                    continue
                record = _validate(spec, row, sink, shared)
                if record is None:
                    continue
                n += 1
                if table is not None:
                    table.add(record, row.line)
                else:
                    rows.append(Sourced(record, name, row.line))
                if isinstance(record, ContractRecord):
                    contracts.setdefault(record.contract_id, (record, row.line))
            if not csv_file.header_ok:
                checker.unusable.add(name)
            counts[name] = n
        if name == "participants.csv":
            checker.end_participants()
        elif name == "contracts.csv":
            checker.end_contracts(contracts)
        if table is not None:
            tables[name] = table
        elif name == "purchase_animals.csv":
            animals = rows
        else:
            undated[name] = rows
    sink.raise_if_any()
    extra_animals = _attach_animals(tables["purchases.csv"], animals)
    ordered = sorted(tables.values(), key=lambda t: t.rank)
    for table in ordered:
        table.sort()
    return PilotFolder(
        participants=undated["participants.csv"],
        programs=undated["programs.csv"],
        reference_prices=undated["reference_prices.csv"],
        extra_animals=extra_animals,
        animal_sources={(a.record.purchase_id, a.record.animal_id): a for a in animals},
        tables=ordered,
        counts=counts,
    )


def _attach_animals(
    purchases: _DatedTable, animals: list[Sourced[AnimalRecord]]
) -> list[Sourced[AnimalRecord]]:
    """Give each purchase of the folder its animals (file order); return the others."""
    index = {cast(PurchaseRecord, r).purchase_id: i for i, r in enumerate(purchases.records)}
    by_purchase: dict[int, list[AnimalRecord]] = {}
    extra: list[Sourced[AnimalRecord]] = []
    for sourced in animals:
        i = index.get(sourced.record.purchase_id)
        if i is None:
            extra.append(sourced)
        else:
            by_purchase.setdefault(i, []).append(sourced.record)
    for i, listed in by_purchase.items():
        purchase = cast(PurchaseRecord, purchases.records[i])
        purchases.records[i] = replace(purchase, animals=tuple(listed))
    return extra
