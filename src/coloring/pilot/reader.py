"""Read and validate a pilot folder (docs: the pilot data contract, sections 1, 2 and 7).

`read_folder(folder, ledger)` reads every file once and checks it whole, or raises
`PilotInputError` with every problem found in all files. It keeps what the checks need (ids,
references) until the end of the reading; the records of the undated files (participants,
programs, reference prices) as pages on disk, the animals of purchase_animals.csv on disk,
found by purchase (`animals`), and the records of the dated files, which can hold millions of
rows, by columns on disk (see `stream`): `PilotFolder.dated()` yields them, each sourced
(`file:line`), in the order of section 3. No file is read twice.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import fields
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from coloring.domain import records
from coloring.pilot.animals import ANIMALS_FILE, Animals
from coloring.pilot.checks import Checker
from coloring.pilot.columns import BY_COLUMNS
from coloring.pilot.contract import FILES, REQUIRED_FILES, FileSpec
from coloring.pilot.csvfile import CsvFile, CsvRow, RawPage, raw_pages
from coloring.pilot.errors import ErrorSink, InputError, PilotInputError
from coloring.pilot.ledgerview import EMPTY_LEDGER, LedgerView
from coloring.pilot.sourced import Sourced, make_sourced
from coloring.pilot.stream import DATED_FILES, DatedFile, PageFile, Shared
from coloring.pilot.subcontracts import Linked

__all__ = [
    "EMPTY_LEDGER",
    "InputError",
    "LedgerView",
    "PilotFolder",
    "PilotInputError",
    "RegistryRun",
    "Sourced",
    "read_folder",
]


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
assert set(DATED_FILES) < set(FILES)


REGISTRY_FILE = "registry.csv"

_UNDATED = ("participants.csv", "programs.csv", "reference_prices.csv")
assert set(_UNDATED) == set(FILES) - set(DATED_FILES) - {ANIMALS_FILE}


class RegistryRun(NamedTuple):
    """Rows of registry.csv that follow each other in the order of `PilotFolder.dated()`."""

    file: str
    lines: Sequence[int]
    rows: list[records.RegistryRecord]


Undated = PageFile[list[Sourced[Any]]]
"""The records of an undated file with their sources, a page of rows at a time: a large
folder's participants (~0.4M at 10M payments, ~0.25 GB as records) wait on disk until the load
asks for them."""


class PilotFolder:
    """The records of one pilot folder, each with its `file:line`.

    The undated files are held as pages on disk, the dated files by columns (`stream.DatedFile`)."""

    def __init__(
        self,
        *,
        undated: dict[str, Undated],
        animals: Animals,
        files: list[DatedFile],
        counts: dict[str, int],
    ) -> None:
        self._undated = undated
        self.extra_animals = animals.extra
        """Animals of purchases recorded by an earlier load (not in this folder)."""
        self._animals = animals
        self._files = sorted(files, key=lambda f: f.rank)
        self._counts = counts

    @property
    def participants(self) -> list[Sourced[records.ParticipantRecord]]:
        return self._records("participants.csv")

    @property
    def programs(self) -> list[Sourced[records.ProgramRecord]]:
        return self._records("programs.csv")

    @property
    def reference_prices(self) -> list[Sourced[records.ReferencePriceRecord]]:
        return self._records("reference_prices.csv")

    def _records(self, name: str) -> list[Sourced[Any]]:
        """The undated file's records, read back from disk (a new list each time)."""
        pages = self._undated[name]
        return [s for n in range(len(pages)) for s in pages.page(name, n)]

    def dated(self, release: bool = False) -> Iterator[Sourced[records.DatedRecord]]:
        """All dated records in the order of section 3: instant, then file, then line.

        Each call yields the same records, but for a call with `release`, which lets each page
        of records go once it is used (the last pass of a load; no call may follow). Purchases
        carry their animals."""
        return map(itemgetter(2), self._merged(self._files, release))

    def runs(self, release: bool = False) -> Iterator[Sourced[records.DatedRecord] | RegistryRun]:
        """What `dated()` yields, in its order, but the rows of registry.csv that follow each
        other there come together as one `RegistryRun`: a registry extract is most of a large
        folder, and each of its rows then costs no step of the merge, no `Sourced` and no turn
        of the loader's loop. A registry.csv out of time order comes row by row, as `dated()`
        gives it."""
        registry = next((f for f in self._files if f.name == REGISTRY_FILE), None)
        if registry is None or not registry.in_order:
            yield from self.dated(release)
            return
        others = self._merged([f for f in self._files if f is not registry], release)
        rank = registry.rank
        ahead = next(others, None)
        for us, lines, rows in registry.pages(release):
            p, end = 0, len(us)
            while p < end:
                first = us[p]
                while ahead is not None and (
                    ahead[0] < first or (ahead[0] == first and ahead[1] < rank)
                ):
                    yield ahead[2]
                    ahead = next(others, None)
                # The rows before the next record of another file: ranks differ, so an equal
                # instant is decided by the files' rank.
                if ahead is None:
                    stop = end
                elif ahead[1] < rank:
                    stop = bisect_left(us, ahead[0], p)
                else:
                    stop = bisect_right(us, ahead[0], p)
                yield RegistryRun(REGISTRY_FILE, lines[p:stop], rows[p:stop])
                p = stop
        if ahead is not None:
            yield ahead[2]
            yield from map(itemgetter(2), others)

    def _merged(
        self, files: list[DatedFile], release: bool
    ) -> Iterator[tuple[int, int, Sourced[records.DatedRecord]]]:
        """(instant, rank of the file, record with its source) of the files' records, merged in
        the order of section 3."""
        file_of = {f.rank: f.name for f in files}
        purchases = DATED_FILES["purchases.csv"]
        attach = self._animals.attach
        sourced = make_sourced
        for us, rank, line, record in heapq.merge(*(f.keyed(release) for f in files)):
            if rank == purchases:
                assert isinstance(record, records.PurchaseRecord)
                record = attach(record, line)
            yield us, rank, sourced(record, file_of[rank], line)

    def animal_sources(
        self, purchase: Sourced[records.PurchaseRecord]
    ) -> list[Sourced[records.AnimalRecord]]:
        """The rows of purchase_animals.csv of a purchase that `dated()` yields, in file order:
        the animals it carries, with their lines."""
        return self._animals.sources(purchase.line)

    def column(self, name: str, field: str) -> Iterator[tuple[int, Any]]:
        """(line, value) of one field of a dated file's rows (the model's field name), in row
        order; nothing if the folder has no such file."""
        for f in self._files:
            if f.name == name:
                yield from f.column(field)

    def animal_prices(self) -> Iterator[tuple[int, str, int]]:
        """(line, purchase_id/animal_id, price) of every row of purchase_animals.csv, in row
        order."""
        return self._animals.priced()

    def animal_price_values(self) -> Iterator[int]:
        """The price of every row of purchase_animals.csv, without its key."""
        return self._animals.prices()

    def count(self) -> dict[str, int]:
        """Records per file name, for the files present in the folder."""
        return dict(self._counts)


PAGE = 2048
"""Rows validated together, column by column (see `columns`)."""


def _pages(csv_file: CsvFile, checker: Checker, name: str) -> Iterator[list[CsvRow]]:
    """The file's rows that are whole (not broken), in pages, each row seen by the checker."""
    page: list[CsvRow] = []
    check = checker.row if checker.checks_rows(name) else None
    for row in csv_file:
        if check is not None:
            check(name, row)
        if row.broken:
            continue
        page.append(row)
        if len(page) == PAGE:
            yield page
            page = []
    if page:
        yield page


def _checked_pages(
    csv_file: CsvFile, checker: Checker, name: str
) -> Iterator[list[CsvRow] | RawPage]:
    """The file's rows that are whole, in pages, each row seen by the checker in the file's
    order: a page of usual rows comes as a `RawPage`, checked by columns (`Checker.page`),
    without a `CsvRow` nor a dict per row."""
    checks = checker.checks_rows(name)
    for page in raw_pages(csv_file, PAGE, broken=checks):
        if isinstance(page, RawPage):
            if checks:
                checker.page(name, page)
            yield page
            continue
        if checks:
            for row in page:
                checker.row(name, row)
        whole = [row for row in page if not row.broken]
        if whole:
            yield whole


def _share(spec: FileSpec, page: list[CsvRow], shared: Shared) -> None:
    """Store the cells of the spec's shared columns (the same few parties and programs, row
    after row) once, in `shared`."""
    for column in spec.shared_columns:
        for row in page:
            text = row.cells.get(column)
            if text is not None:
                row.cells[column] = shared[text]


def _validated(
    spec: FileSpec, page: list[CsvRow], sink: ErrorSink, shared: Shared
) -> list[tuple[CsvRow, Any]]:
    """The page's rows with their records; rows with a wrong cell are reported and left out."""
    _share(spec, page, shared)
    by_columns = BY_COLUMNS.get(spec.model)
    if by_columns is not None:
        built = by_columns.records([row.cells for row in page])
        if built is not None:
            return list(zip(page, built, strict=True))
    # A small file, or some row is wrong: row by row, with the model's own messages.
    checked = ((row, _validate(spec, row, sink)) for row in page)
    return [(row, record) for row, record in checked if record is not None]


def _kept(
    spec: FileSpec, page: list[CsvRow] | RawPage, sink: ErrorSink, shared: Shared
) -> tuple[dict[str, Any], list[int]]:
    """The values of the page's valid rows by field (the model's field names), and their lines;
    the other rows are reported."""
    by_columns = BY_COLUMNS[spec.model]
    if isinstance(page, RawPage):
        columns = by_columns.columns_of_rows(page.header, page.rows)
        if columns is not None:
            return columns, page.lines
        page = page.as_rows()
    _share(spec, page, shared)
    columns = by_columns.columns([row.cells for row in page])
    if columns is not None:
        return columns, [row.line for row in page]
    good = _validated(spec, page, sink, shared)
    names = [f.name for f in fields(by_columns.record)]
    by_field = {
        field: [getattr(record, name) for _, record in good]
        for field, name in zip(by_columns.names, names, strict=False)
    }
    return by_field, [row.line for row, _ in good]


_LINKED = ("contract_id", "parent_contract_id", "program_id", "customer", "contractor")


def _contracts(dated: DatedFile) -> dict[str, Linked]:
    """Each contract id that has a parent or is one, with what the checks across contracts look
    at of its first row (`Checker.end_contracts`), in row order."""
    parents = {parent for _, parent in dated.column("parent_contract_id") if parent is not None}
    contracts: dict[str, Linked] = {}
    seen: set[str] = set()
    for line, (contract_id, parent, program_id, customer, contractor) in dated.fields_of(_LINKED):
        if contract_id not in seen:
            seen.add(contract_id)
            if parent is not None or contract_id in parents:
                contracts[contract_id] = Linked(parent, program_id, customer, contractor, line)
    return contracts


def _validate(spec: FileSpec, row: CsvRow, sink: ErrorSink) -> Any:
    """The row's record, or None after reporting what is wrong with its cells."""
    try:
        return spec.model.model_validate(row.cells).to_record()
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


def _read_file(
    name: str,
    path: Path,
    checker: Checker,
    sink: ErrorSink,
    shared: Shared,
    animals: Animals,
    rows: Undated | None,
) -> tuple[DatedFile | None, int]:
    """Read and check one file of the folder page by page. Returns the dated file's columns (for
    `PilotFolder.dated()`), or None after adding the undated records with their sources to
    `rows` (animals go to `animals` instead), and the number of rows read."""
    spec = FILES[name]
    dated = None
    if name in DATED_FILES:
        by_columns = BY_COLUMNS[spec.model]
        assert by_columns.time_field is not None
        dated = DatedFile(name, by_columns.names, by_columns.time_field)
    csv_file = CsvFile(path, spec, sink)
    n = 0
    pages: Iterator[list[CsvRow] | RawPage]
    if dated is not None:
        pages = _checked_pages(csv_file, checker, name)
    else:
        pages = _pages(csv_file, checker, name)
    for page in pages:
        if dated is not None:
            values, lines = _kept(spec, page, sink, shared)
            n += len(lines)
            dated.keep(values, lines, shared, spec.shared_columns)
            continue
        good = _validated(spec, page if isinstance(page, list) else page.as_rows(), sink, shared)
        n += len(good)
        if name == ANIMALS_FILE:
            purchase_line = checker.ids["purchases.csv"].get
            for row, record in good:
                animals.add(record, row.line, shared, purchase_line(record.purchase_id))
        elif good:
            assert rows is not None  # an undated file
            rows.append([Sourced(record, name, row.line) for row, record in good])
    if not csv_file.header_ok:
        checker.unusable.add(name)
    return dated, n


def read_folder(folder: Path, ledger: LedgerView = EMPTY_LEDGER) -> PilotFolder:
    """Read and check every file of `folder`; raise `PilotInputError` with all errors if any."""
    sink = ErrorSink()
    present = _scan(folder, sink)
    checker = Checker(ledger, sink)
    undated: dict[str, Undated] = {}
    files: list[DatedFile] = []
    animals = Animals()
    contracts: dict[str, Linked] = {}
    counts: dict[str, int] = {}
    shared = Shared()
    for name in READ_ORDER:
        path = present.get(name)
        rows: Undated | None = None
        if name in _UNDATED:
            rows = undated[name] = PageFile()
        if path is None:
            if name in REQUIRED_FILES:
                checker.unusable.add(name)
        else:
            dated, counts[name] = _read_file(name, path, checker, sink, shared, animals, rows)
            checker.recheck(name, CsvFile(path, FILES[name], ErrorSink()))
            if dated is not None:
                files.append(dated)
                if name == "contracts.csv":
                    contracts = _contracts(dated)
        if name == "participants.csv":
            checker.end_participants()
        elif name == "contracts.csv":
            checker.end_contracts(contracts)
            contracts = {}
        checker.end_file(name)
    sink.raise_if_any()
    return PilotFolder(
        undated=undated,
        animals=animals,
        files=files,
        counts=counts,
    )
