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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coloring.application import ColoringApplication, digest, price_key, registry_key
from coloring.domain.aggregates import Participant, Program
from coloring.domain.documents import Contract, Document
from coloring.domain.errors import ColoringError
from coloring.domain.records import (
    ActRecord,
    AllocationRecord,
    AnimalRecord,
    ContractRecord,
    LoanRecord,
    ParticipantRecord,
    ProgramRecord,
    PurchaseRecord,
    ReferencePriceRecord,
    RegistryRecord,
    SubsidyRecord,
    TransferRecord,
)
from coloring.pilot.reader import InputError, PilotInputError, Sourced, read_folder

BATCH = 5000


class LoadRefusedError(ColoringError):
    """The folder cannot be loaded into this ledger; `errors` say where and why."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class LedgerView:
    """What the ledger already holds, as the CSV reader asks it."""

    def __init__(self, app: ColoringApplication) -> None:
        self.app = app

    def participant_role(self, participant_id: str) -> str | None:
        p = self.app._get(Participant.create_id(participant_id))
        return p.role if isinstance(p, Participant) else None

    def program_exists(self, program_id: str) -> bool:
        return isinstance(self.app._get(Program.create_id(program_id)), Program)

    def document_kind(self, document_id: str) -> str | None:
        d = self.app._get(Document.create_id(document_id))
        return d.kind if isinstance(d, Document) else None

    def contract_terms(self, contract_id: str) -> tuple[str, str] | None:
        c = self.app._get(Document.create_id(contract_id))
        return (c.program_id, c.contractor) if isinstance(c, Contract) else None

    def movement_id_exists(self, movement_id: str) -> bool:
        return bool(self.app.lookup("movement", [movement_id]))


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
        case AllocationRecord(allocation_id=i) | TransferRecord(transfer_id=i):
            return "movement", i
        case (
            LoanRecord(loan_id=i)
            | PurchaseRecord(purchase_id=i)
            | SubsidyRecord(subsidy_id=i)
            | ContractRecord(contract_id=i)
        ):
            return "document", i
        case ActRecord(act_id=i):
            return "act", i
        case RegistryRecord():
            return "registry", registry_key(record, occurrence)
        case ReferencePriceRecord():
            return "price", price_key(record, occurrence)
        case AnimalRecord(purchase_id=p, animal_id=a):
            return "purchase_animal", f"{p}/{a}"
    kind = type(record).__name__.removesuffix("Record").lower()
    return kind, getattr(record, f"{kind}_id")


class _Plan:
    """Which records of the folder are new, and the errors that forbid loading it."""

    def __init__(self, app: ColoringApplication) -> None:
        self.app = app
        self.errors: list[InputError] = []
        self.new: set[tuple[str, str]] = set()
        self.skipped = 0
        self._occurrences: Counter[tuple[str, str]] = Counter()

    def key(self, s: Sourced[Any]) -> tuple[str, str]:
        base = _kind_key(s.record, 0)
        if base[0] in ("registry", "price"):
            self._occurrences[base] += 1
            return _kind_key(s.record, self._occurrences[base] - 1)
        return base

    def check(self, items: list[tuple[tuple[str, str], Sourced[Any]]]) -> None:
        by_kind: dict[str, list[tuple[str, Sourced[Any]]]] = {}
        for (kind, key), s in items:
            by_kind.setdefault(kind, []).append((key, s))
        for kind, entries in by_kind.items():
            known = self.app.lookup(kind, [k for k, _ in entries])
            for key, s in entries:
                if key not in known:
                    self.new.add((kind, key))
                    continue
                recorded_digest, source = known[key]
                if recorded_digest == digest(s.record):
                    self.skipped += 1
                else:
                    label = key.split("\x1f")[0]
                    self.errors.append(
                        InputError(
                            s.file,
                            s.line,
                            "-",
                            f"{record_label(s.record).replace('_', ' ')} {label!r} is already "
                            "in the ledger with "
                            f"different content (recorded from {source}); to correct it, load "
                            "every folder into a fresh ledger",
                        )
                    )


def load_folder(
    app: ColoringApplication,
    folder: Path,
    mode: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> LoadSummary:
    """Load one pilot folder. Raises PilotInputError or LoadRefusedError and records nothing
    when the folder cannot be loaded."""
    current = app.mode()
    if current is not None and mode is not None and mode != current:
        app.open_ledger(mode)  # raises LedgerModeError with the explanation
    pilot = read_folder(folder, LedgerView(app))
    plan = _Plan(app)
    undated: list[tuple[tuple[str, str], Sourced[Any]]] = []
    for s in [*pilot.participants, *pilot.programs, *pilot.reference_prices]:
        undated.append((plan.key(s), s))
    plan.check(undated)

    dated = list(pilot.dated())
    keyed = [(plan.key(s), s) for s in dated]
    animals = [
        (plan.key(src), src)
        for s in dated
        if isinstance(s.record, PurchaseRecord)
        for a in s.record.animals
        if (src := pilot.animal_sources[(a.purchase_id, a.animal_id)])
    ]
    extra = [(plan.key(s), s) for s in pilot.extra_animals]
    for start in range(0, len(keyed), 20000):
        plan.check(keyed[start : start + 20000])
    plan.check(animals + extra)
    first_late = next(
        (s for k, s in keyed if k in plan.new and s.record.at.us < app.latest_us), None
    )
    if first_late is not None:
        plan.errors.append(
            InputError(
                first_late.file,
                first_late.line,
                "-",
                "this record is dated before the latest instant already in the ledger: time only "
                "moves forward across loads; to correct the past, load all folders into a fresh "
                "ledger",
            )
        )
    if plan.errors:
        raise LoadRefusedError(sorted(plan.errors, key=lambda e: (e.file, e.line, e.column)))

    summary = LoadSummary(skipped=plan.skipped)
    summary.mode = app.open_ledger(mode)
    total = len(undated) + len(keyed)
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress is not None and (done % 1000 == 0 or done == total):
            progress("recording", done, total)

    # Purchases recorded earlier get their new animals; purchases of this folder carry theirs.
    late_animals = [
        s.record
        for k, s in [*animals, *extra]
        if k in plan.new and (("document", s.record.purchase_id) not in plan.new)
    ]
    with app.batch():
        for key, s in undated:
            if key in plan.new:
                _apply(app, folder, s, key, summary)
            tick()
        if late_animals:
            app.add_animals(late_animals, source=str(folder))
        for i, (key, s) in enumerate(keyed, 1):
            if key in plan.new:
                _apply(app, folder, s, key, summary)
            tick()
            if i % BATCH == 0:
                app.flush()
    app.snapshot_units()
    return summary


def _apply(
    app: ColoringApplication,
    folder: Path,
    s: Sourced[Any],
    key: tuple[str, str],
    summary: LoadSummary,
) -> None:
    r = s.record
    where = f"{folder}/{s.where}"
    summary.records[
        re.sub(r"(?<!^)(?=[A-Z])", "_", type(r).__name__.removesuffix("Record")).lower()
    ] += 1
    occurrence = int(key[1].rsplit("\x1f", 1)[1]) if key[0] in ("registry", "price") else 0
    match r:
        case TransferRecord():
            result = app.pay(r, source=where)
            if result.applied:
                summary.applied += 1
            else:
                summary.refused += 1
        case AllocationRecord():
            app.allocate(r, source=where)
        case LoanRecord():
            app.issue_loan(r, source=where)
        case PurchaseRecord():
            app.contract_purchase(r, source=where)
        case SubsidyRecord():
            app.approve_subsidy(r, source=where)
        case ContractRecord():
            app.sign_contract(r, source=where)
        case ActRecord():
            app.accept_act(r, source=where)
        case RegistryRecord():
            app.record_registry_fact(r, occurrence=occurrence, source=where)
        case ReferencePriceRecord():
            app.quote_price(r, occurrence=occurrence, source=where)
        case ParticipantRecord():
            app.register_participant(r, source=where)
        case ProgramRecord():
            app.register_program(r, source=where)


__all__ = ["LoadRefusedError", "LoadSummary", "PilotInputError", "load_folder"]
