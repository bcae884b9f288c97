"""`coloring load`: validate a pilot folder whole, then record what is new, in the spec's order.

Nothing is written until the folder is known to be good: the CSV contract (`reader`), ids that
the ledger holds with other content, and time moving forward are all checked first, and every
error is reported at once. Then records are applied in batches; each batch (its events and its
record index rows) commits atomically, so an interrupted load is resumed by loading the same
folder again: what is already recorded is recognised by its index row and skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coloring.application import ColoringApplication, digest, price_key, registry_key
from coloring.domain import records
from coloring.domain.errors import ColoringError
from coloring.pilot.applier import Applier
from coloring.pilot.limits import check_totals
from coloring.pilot.reader import (
    InputError,
    PilotFolder,
    PilotInputError,
    RegistryRun,
    Sourced,
    read_folder,
)
from coloring.pilot.stored import StoredLedger
from coloring.store import LedgerStore

BATCH = 5000

PROGRESS_EVERY = 1000
"""Records between two progress reports of the second pass."""


class LoadRefusedError(ColoringError):
    """The folder cannot be loaded into this ledger; `errors` say where and why."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class LoadSummary:
    records: Counter[str] = field(default_factory=Counter)
    skipped: int = 0
    applied: int = 0
    refused: int = 0
    findings: Counter[str] = field(default_factory=Counter)
    mode: str = "observe"


def record_label(record: object) -> str:
    """`TransferRecord` -> `transfer`, `ReferencePriceRecord` -> `reference_price`."""
    name = type(record).__name__.removesuffix("Record")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _kind_key(record: Any, occurrence: int) -> tuple[str, str]:
    match record:
        case records.AllocationRecord(allocation_id=i) | records.TransferRecord(transfer_id=i):
            return "movement", i
        case (
            records.LoanRecord(loan_id=i)
            | records.PurchaseRecord(purchase_id=i)
            | records.SubsidyRecord(subsidy_id=i)
            | records.ContractRecord(contract_id=i)
        ):
            return "document", i
        case records.ActRecord(act_id=i):
            return "act", i
        case records.RegistryRecord():
            return "registry", registry_key(record, occurrence)
        case records.ReferencePriceRecord():
            return "price", price_key(record, occurrence)
        case records.AnimalRecord(purchase_id=p, animal_id=a):
            return "purchase_animal", f"{p}/{a}"
    kind = type(record).__name__.removesuffix("Record").lower()
    return kind, getattr(record, f"{kind}_id")


class LoadPlan:
    """Which records of the folder are already recorded, and the errors that forbid loading it.

    Dated records are identified by their position in `PilotFolder.dated()`, which yields the
    same sequence on every pass, so a bitmap (one byte a record) is all a pass has to keep.
    """

    def __init__(self, store: LedgerStore) -> None:
        self.store = store
        self.errors: list[InputError] = []
        self.skipped = 0
        self.known_undated: set[tuple[str, str]] = set()
        self.recorded = bytearray()
        self.late_animals: list[records.AnimalRecord] = []
        self.first_late: Sourced[Any] | None = None
        # The undated records (participants, programs, prices) with their keys and occurrences,
        # and whether the ledger was empty: what the second pass needs of the first.
        self.undated: list[tuple[tuple[str, str], Sourced[Any]]] = []
        self.undated_occurrences: list[int] = []
        self.fresh = False
        self._occurrences: Counter[Any] = Counter()
        # Registry rows are counted only among the rows of one instant: their identity holds
        # the instant and a pass yields them in time order, so equal rows are neighbours. A
        # count of every row of the pass was most of a registry-heavy load's peak memory
        # (docs/performance.md).
        self._registry_rows: Counter[Any] = Counter()
        self._registry_us: int | None = None

    def restart(self) -> None:
        """Occurrence numbers restart with each pass over the folder."""
        self._occurrences.clear()
        self._registry_rows.clear()
        self._registry_us = None

    def key(self, s: Sourced[Any]) -> tuple[str, str]:
        return _kind_key(s.record, self.occurrence(s.record))

    def occurrence(self, record: Any) -> int:
        """How many records of the same key came before this one in this pass: registry rows
        and reference prices have no id, their key is their content and this occurrence
        (`registry_key`, `price_key`). Records with an id are always the first."""
        if isinstance(record, records.RegistryRecord):
            return self.registry_occurrence(record)
        if isinstance(record, records.ReferencePriceRecord):
            identity = (record.item, record.region, record.valid_from.us)
            # `get`, not the Counter's item: a key not there goes through its `__missing__`.
            n = self._occurrences.get(identity, 0)
            self._occurrences[identity] = n + 1
            return n
        return 0

    def registry_occurrence(self, record: records.RegistryRecord) -> int:
        """`occurrence` of a registry row."""
        return self.registry_occurrences((record,))[0]

    def registry_occurrences(self, rows: Iterable[records.RegistryRecord]) -> list[int]:
        """`occurrence` of each of these registry rows, in turn."""
        counts, last = self._registry_rows, self._registry_us
        found = []
        for r in rows:
            us = r.at.us
            if us != last:
                counts.clear()
                last = us
            identity = (r.animal_id, r.event, r.owner, r.species)
            n = counts.get(identity, 0)
            counts[identity] = n + 1
            found.append(n)
        self._registry_us = last
        return found

    def recorded_among(self, items: list[tuple[tuple[str, str], Sourced[Any]]]) -> list[bool]:
        """For each item: recorded already with the same content (True), or new (False); a
        record with other content is an error."""
        by_kind: dict[str, list[str]] = {}
        for (kind, key), _ in items:
            by_kind.setdefault(kind, []).append(key)
        known = {kind: self.store.lookup(kind, keys) for kind, keys in by_kind.items()}
        flags = []
        for (kind, key), s in items:
            entry = known[kind].get(key)
            if entry is None:
                flags.append(False)
                continue
            flags.append(True)
            recorded_digest, source = entry
            if recorded_digest == digest(s.record):
                self.skipped += 1
                continue
            label = key.split("\x1f")[0]
            self.errors.append(
                InputError(
                    s.file,
                    s.line,
                    "-",
                    f"{record_label(s.record).replace('_', ' ')} {label!r} is already in the "
                    f"ledger with different content (recorded from {source}); to correct it, "
                    "load every folder into a fresh ledger",
                )
            )
        return flags

    def check_undated(self, items: list[tuple[tuple[str, str], Sourced[Any]]]) -> None:
        for (key, _), known in zip(items, self.recorded_among(items), strict=True):
            if known:
                self.known_undated.add(key)

    def check_dated(self, pilot: PilotFolder, chunk_size: int = 20000) -> None:
        chunk: list[tuple[tuple[str, str], Sourced[Any]]] = []
        for s in pilot.dated():
            chunk.append((self.key(s), s))
            if len(chunk) == chunk_size:
                self._check_chunk(pilot, chunk)
                chunk = []
        self._check_chunk(pilot, chunk)

    def _check_chunk(
        self, pilot: PilotFolder, chunk: list[tuple[tuple[str, str], Sourced[Any]]]
    ) -> None:
        flags = self.recorded_among(chunk)
        self.recorded.extend(flags)
        animals: list[tuple[tuple[str, str], Sourced[Any]]] = []
        for ((_, _), s), known in zip(chunk, flags, strict=True):
            if not known:
                if self.first_late is None and s.record.at.us < self.store.latest_us:
                    self.first_late = s
            elif isinstance(s.record, records.PurchaseRecord):
                # Purchases recorded earlier may get animals they did not have then.
                for src in pilot.animal_sources(s):
                    animals.append((self.key(src), src))
        for (_, s), known in zip(animals, self.recorded_among(animals), strict=True):
            if not known:
                self.late_animals.append(s.record)


def load_folder(
    app: ColoringApplication,
    folder: Path,
    mode: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    read_from: Path | None = None,
    record: Callable[..., None] | None = None,
) -> LoadSummary:
    """Load one pilot folder. Raises PilotInputError or LoadRefusedError and records nothing
    when the folder cannot be loaded.

    Two passes over the folder's dated records, kept by the reading, in the spec's order: the
    first finds what is already recorded (skipped on a ledger empty at the start), the second
    applies the rest. `read_from` is where the folder's files are read (a private copy of
    `folder`, see `intake`); records name `folder` as their source. `record` replaces the
    second pass (`parallel.recorder`: the same records, judged in several processes).
    """
    current = app.mode()
    if current is not None and mode is not None and mode != current:
        app.open_ledger(mode)  # raises LedgerModeError with the explanation
    store = app.store
    pilot = read_folder(read_from or folder, StoredLedger(store))
    plan = _checked_plan(store, pilot)
    summary = LoadSummary(skipped=plan.skipped)
    summary.mode = app.open_ledger(mode)
    (record or _record)(app, folder, pilot, plan, summary, progress)
    store.snapshot_units()
    return summary


def _checked_plan(store: LedgerStore, pilot: PilotFolder) -> LoadPlan:
    """The first pass: what of the folder the ledger holds already, and every error that
    forbids loading it (raised together as `LoadRefusedError`)."""
    plan = LoadPlan(store)
    undated_items = [*pilot.participants, *pilot.programs, *pilot.reference_prices]
    plan.undated_occurrences = [plan.occurrence(s.record) for s in undated_items]
    plan.undated = [
        (_kind_key(s.record, n), s)
        for s, n in zip(undated_items, plan.undated_occurrences, strict=True)
    ]
    plan.check_undated(plan.undated)
    extra = [(plan.key(s), s) for s in pilot.extra_animals]
    for (_, animal), known in zip(extra, plan.recorded_among(extra), strict=True):
        if not known:
            plan.late_animals.append(animal.record)
    plan.fresh = store.is_empty()
    if not plan.fresh:
        plan.restart()
        plan.check_dated(pilot)
    if plan.first_late is not None:
        plan.errors.append(
            InputError(
                plan.first_late.file,
                plan.first_late.line,
                "-",
                "this record is dated before the latest instant already in the ledger: time only "
                "moves forward across loads; to correct the past, load all folders into a fresh "
                "ledger",
            )
        )
    plan.errors.extend(check_totals(store, pilot))
    if plan.errors:
        raise LoadRefusedError(sorted(plan.errors, key=lambda e: (e.file, e.line, e.column)))
    return plan


_UNDATED_FILES = (
    "participants.csv",
    "programs.csv",
    "reference_prices.csv",
    "purchase_animals.csv",
)


def record_total(pilot: PilotFolder, plan: LoadPlan) -> int:
    """The records the second pass goes through (for its progress)."""
    return len(plan.undated) + sum(n for f, n in pilot.count().items() if f not in _UNDATED_FILES)


def _record(
    app: ColoringApplication,
    folder: Path,
    pilot: PilotFolder,
    plan: LoadPlan,
    summary: LoadSummary,
    progress: Callable[[str, int, int], None] | None,
) -> None:
    """The second pass: apply what the ledger does not hold yet, in the spec's order, saved
    every `BATCH` records."""
    store = app.store
    total = record_total(pilot, plan)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress("recording", done, total)

    apply = Applier(app, folder, summary)
    with store.batch():
        for u, ((key, item), n) in enumerate(
            zip(plan.undated, plan.undated_occurrences, strict=True), start=1
        ):
            if key not in plan.known_undated:
                apply(item, n)
            if u % BATCH == 0:
                # Saved a batch at a time as the dated records are: in one batch, a 3M folder's
                # 131,702 participants held their events, encoded events and index rows at
                # once, +250 MB for a moment (~0.8 GB at 10M; docs/performance.md, branch mem3).
                store.flush()
            tick()
        # No later record needs them: a large folder's participants are held to here only.
        plan.undated, plan.undated_occurrences = [], []
        if plan.late_animals:
            app.add_animals(plan.late_animals, source=str(folder))
            summary.records["purchase_animal"] += len(plan.late_animals)
        plan.restart()
        registry_occurrence = plan.registry_occurrence
        recorded = plan.recorded
        fresh = plan.fresh
        i = 0  # dated records gone through

        def moved(first: int, last: int) -> None:
            """Progress past the dated records `first + 1` to `last`."""
            if progress is not None:
                every = PROGRESS_EVERY
                start = done + first + every - (done + first) % every
                for n in range(start, done + last + 1, every):
                    progress("recording", n, total)

        for dated in pilot.runs(release=True):
            if isinstance(dated, RegistryRun):
                i = _record_run(dated, i, plan, apply, store, moved)
                continue
            i += 1
            r = dated.record
            n = registry_occurrence(r) if type(r) is records.RegistryRecord else 0
            if fresh or not recorded[i - 1]:
                apply(dated, n)
            if i % BATCH == 0:
                apply.drain()
                store.flush()
            if progress is not None and (done + i) % PROGRESS_EVERY == 0:
                progress("recording", done + i, total)
        apply.drain()
        if progress is not None:
            progress("recording", total, total)
    apply.count()


def _record_run(
    run: RegistryRun,
    i: int,
    plan: LoadPlan,
    apply: Applier,
    store: LedgerStore,
    moved: Callable[[int, int], None],
) -> int:
    """Apply a run of registry rows that follows the `i`th dated record, as `_record` applies
    the records one by one: each batch's part, then its save where the batch ends. Returns
    the dated records gone through after it."""
    lines, rows, start = run.lines, run.rows, 0
    while start < len(rows):
        stop = min(len(rows), start + BATCH - i % BATCH)
        part = rows[start:stop]
        occurrences = plan.registry_occurrences(part)
        known = None if plan.fresh else plan.recorded[i : i + len(part)]
        apply.registry(run.file, lines[start:stop], part, occurrences, known)
        first, i = i, i + len(part)
        if i % BATCH == 0:
            apply.drain()
            store.flush()
        moved(first, i)
        start = stop
    return i


__all__ = [
    "BATCH",
    "LoadPlan",
    "LoadRefusedError",
    "LoadSummary",
    "PilotInputError",
    "load_folder",
    "record_total",
]
