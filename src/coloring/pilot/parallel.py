"""`coloring load FOLDER --jobs N` (PostgreSQL): the folder's programs judged in N worker
processes, every batch written by the one process that holds the write lock.

The parent has checked the folder whole and opened the ledger (`loader.load_folder`); it then
forks N workers, each owning a set of programs (balanced by their records). Every worker
streams the whole folder in the one load's order: it applies its own programs' records as the
one load does, and every other record as a *shadow* that advances the record counter (`seq`)
and the latest instant, keeps registry owners and other programs' documents and the reference
records in memory, and writes nothing. Every verdict and every `seq` is therefore the one
load's. At each batch boundary of the one load (`BATCH` undated, then dated, records) a worker
sends its part of the batch (events, record index rows) to the parent, which merges the parts
in the one load's order and writes them in one transaction with the read models, as the one
load would: the notification log, its chain and the read models are the one load's, byte for
byte. A worker that dies ends the load with what whole batches it committed, which loading the
folder again completes (`loads`). docs/scale.md, "Loading programs in parallel", says what it
gains.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from coloring.application import ColoringApplication
from coloring.domain import records
from coloring.domain.documents import Document
from coloring.domain.errors import ColoringError
from coloring.domain.registry import OWNING_EVENTS
from coloring.handover import Batch, Start
from coloring.pilot.applier import RECORDED_BY, Applier
from coloring.pilot.loader import BATCH, LoadPlan, LoadSummary, record_total
from coloring.pilot.reader import PilotFolder, Sourced
from coloring.store import LedgerStore

_DOCUMENTS = (
    records.LoanRecord,
    records.PurchaseRecord,
    records.SubsidyRecord,
    records.ContractRecord,
)
_UNDATED = (records.ParticipantRecord, records.ProgramRecord, records.ReferencePriceRecord)
_PROGRAM_FILES = (
    "allocations.csv",
    "transfers.csv",
    "loans.csv",
    "purchases.csv",
    "subsidies.csv",
    "contracts.csv",
)


class WorkerError(ColoringError):
    """A worker of a parallel load failed or ended; the batches before it are committed."""


@dataclass(frozen=True)
class _Job:
    """What every worker is given (inherited by the fork, never pickled)."""

    db_url: str
    folder: Path
    pilot: PilotFolder
    plan: LoadPlan
    owner: dict[str, int]
    shared: int
    contracts: dict[str, str]
    start: Start


def split(pilot: PilotFolder, jobs: int) -> tuple[dict[str, int], int, dict[str, str]]:
    """Each program's worker (the heaviest first, each to the least loaded), the worker of the
    shared records (reference records, the registry: the least loaded then), and each
    contract's program (an act belongs to its contract's program)."""
    weight: Counter[str] = Counter()
    for name in _PROGRAM_FILES:
        weight.update(program for _, program in pilot.column(name, "program_id"))
    contracts = dict(
        zip(
            (c for _, c in pilot.column("contracts.csv", "contract_id")),
            (p for _, p in pilot.column("contracts.csv", "program_id")),
            strict=True,
        )
    )
    weight.update(
        contracts[c] for _, c in pilot.column("acts.csv", "contract_id") if c in contracts
    )
    load = [0] * jobs
    owner = {}
    for program, n in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0])):
        k = load.index(min(load))
        owner[program] = k
        load[k] += n
    return owner, load.index(min(load)), contracts


def recorder(jobs: int) -> Callable[..., None]:
    """The second pass of `load_folder`, in place of `loader._record`, with `jobs` workers."""

    def record(app: ColoringApplication, folder: Path, pilot: PilotFolder, *rest: Any) -> None:
        plan, summary, progress = rest  # as `loader` calls its own second pass
        store = app.store
        owner, shared, contracts = split(pilot, jobs)
        job = _Job(store.db_url, folder, pilot, plan, owner, shared, contracts, store.start())
        total = record_total(pilot, plan)
        context = multiprocessing.get_context("fork")
        workers: list[tuple[Any, Connection]] = []
        try:
            for k in range(jobs):
                receiving, sending = context.Pipe(duplex=False)
                inherited = [r for _, r in workers] + [receiving]
                process = context.Process(
                    target=_work, args=(k, job, sending, inherited), daemon=True
                )
                process.start()
                sending.close()  # the worker's end: its death is then the pipe's end here
                workers.append((process, receiving))
            _write_batches(store, workers, summary, progress, total)
        finally:
            for process, receiving in workers:
                if process.is_alive():
                    process.kill()
                process.join()
                receiving.close()

    return record


def _write_batches(
    store: LedgerStore,
    workers: list[tuple[Any, Connection]],
    summary: LoadSummary,
    progress: Callable[[str, int, int], None] | None,
    total: int,
) -> None:
    """Receive each batch from every worker, write it merged; then the units' snapshots and
    the summary."""
    done = 0
    while True:
        parts = [_receive(k, process, receiving) for k, (process, receiving) in enumerate(workers)]
        if parts[0][0] == "done":
            break
        store.write(Batch.merged([batch for _, batch in parts]))
        done = min(done + BATCH, total)
        if progress is not None:
            progress("recording", done, total)
    store.write(Batch.merged([last for _, (last, _counts) in parts]))
    for _, (_last, (counts, applied, refused)) in parts:
        summary.records.update(counts)
        summary.applied += applied
        summary.refused += refused


def _receive(k: int, process: Any, receiving: Connection) -> tuple[str, Any]:
    try:
        message: tuple[str, Any] = receiving.recv()
    except (EOFError, OSError):  # the worker ended before or while sending
        process.join()
        raise WorkerError(
            f"worker {k} of the load ended unexpectedly (exit code {process.exitcode})"
        ) from None
    if message[0] == "error":
        raise WorkerError(f"worker {k}: {message[1]}")
    return message


class _Outbox:
    """What a worker's store hands over (`LedgerStore.hand_over`) until it is sent."""

    def __init__(self) -> None:
        self.pending = Batch()

    def add(self, batch: Batch) -> None:
        self.pending.add(batch)

    def take(self) -> Batch:
        taken, self.pending = self.pending, Batch()
        return taken


def _work(k: int, job: _Job, sending: Connection, inherited: list[Connection]) -> None:
    """A worker: the whole folder, its programs applied and the others' shadowed; never
    returns (a forked child must not run the parent's exit handlers, which would close the
    parent's connections)."""
    code = 0
    # The pipes' reading ends are the parent's alone: were one open here, a worker would block
    # for ever on a full pipe after the parent died, instead of failing to send.
    for receiving in inherited:
        receiving.close()
    try:
        _worker_load(k, job, sending)
    except BaseException as e:
        code = 1
        told = str(e) if isinstance(e, ColoringError) else f"{type(e).__name__}: {e}"
        with contextlib.suppress(OSError):  # the parent has gone: it has ended the load
            sending.send(("error", told))
    finally:
        os._exit(code)


def _worker_load(k: int, job: _Job, sending: Connection) -> None:
    app = ColoringApplication(job.db_url)
    store = app.store
    outbox = _Outbox()
    store.hand_over(outbox.add, job.start)
    summary = LoadSummary()
    apply = Applier(app, job.folder, summary)
    shadow = _Shadow(app, job, apply)
    plan = job.plan
    mine = k == job.shared
    with store.batch():
        for u, ((key, item), n) in enumerate(
            zip(plan.undated, plan.undated_occurrences, strict=True), start=1
        ):
            if key not in plan.known_undated:
                (apply if mine else shadow)(item, n)
            if u % BATCH == 0:
                # Sent where one load saves its batch of them (`loader._record`): in other
                # batches, the events that carry no record number (the price list opened with
                # its first price) would take other places in the log.
                store.flush()
                sending.send(("batch", outbox.take()))
        if plan.late_animals:
            _add_animals(app, job, k, plan.late_animals)
            if mine:
                summary.records["purchase_animal"] += len(plan.late_animals)
        plan.restart()
        owner_of = shadow.owner_of
        # Not released: the pages are in one file that every worker reads (`stream.PageFile`).
        for i, item in enumerate(job.pilot.dated(), start=1):
            r = item.record
            n = plan.occurrence(r) if type(r) is records.RegistryRecord else 0
            if plan.fresh or not plan.recorded[i - 1]:
                (apply if owner_of(r) == k else shadow)(item, n)
            if i % BATCH == 0:
                apply.drain()
                store.flush()
                sending.send(("batch", outbox.take()))
        apply.drain()
    sending.send(("batch", outbox.take()))
    apply.count()
    store.snapshot_units()
    counts = (summary.records, summary.applied, summary.refused)
    sending.send(("done", (outbox.take(), counts)))


def _add_animals(
    app: ColoringApplication, job: _Job, k: int, animals: list[records.AnimalRecord]
) -> None:
    """Animals of purchases recorded earlier, each purchase's by its program's worker; the
    others' only count (one `seq` a purchase, as `add_animals` gives)."""
    by_purchase: dict[str, list[records.AnimalRecord]] = {}
    for animal in animals:
        by_purchase.setdefault(animal.purchase_id, []).append(animal)
    for purchase_id, group in by_purchase.items():
        purchase = app.store.get(Document.create_id(purchase_id))
        program = purchase.program_id if isinstance(purchase, Document) else None
        if job.owner.get(program or "", job.shared) == k:
            app.add_animals(group, source=str(job.folder))
        else:
            app.store.take_seq()


class _Shadow:
    """Another worker's record, as this worker must see it: its `seq` and instant always; a
    registry row's owner; a document or reference record applied in memory and not sent."""

    def __init__(self, app: ColoringApplication, job: _Job, apply: Applier):
        self.app = app
        self.store = app.store
        self.job = job
        self.apply = apply
        self.prefix = f"{job.folder}/"

    def owner_of(self, r: Any) -> int:
        """The worker of a dated record: its program's, or the shared records' one."""
        job = self.job
        program = getattr(r, "program_id", None)
        if program is None and type(r) is records.ActRecord:
            program = job.contracts.get(r.contract_id)
            if program is None:
                contract = self.store.get(Document.create_id(r.contract_id))
                program = contract.program_id if isinstance(contract, Document) else None
        return job.shared if program is None else job.owner.get(program, job.shared)

    def __call__(self, s: Sourced[Any], occurrence: int) -> None:
        # Registry rows this worker waits to record take their `seq` before this record's.
        self.apply.drain()
        r = s.record
        t = type(r)
        store = self.store
        if t in _DOCUMENTS or t in _UNDATED:
            self._in_memory(r, f"{self.prefix}{s.file}:{s.line}", occurrence)
            return
        store.take_seq()
        store.latest_us = r.at.us
        if t is records.RegistryRecord:
            store.note_owner(r.animal_id, r.owner if r.event in OWNING_EVENTS else None)

    def _in_memory(self, r: Any, where: str, occurrence: int) -> None:
        """Apply the record with its use case, saving nothing of it."""
        with self.store.unsaved():
            if type(r) is records.ReferencePriceRecord:
                self.app.quote_price(r, occurrence=occurrence, source=where)
            else:
                RECORDED_BY[type(r)](self.app, r, where)
