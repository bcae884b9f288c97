"""`verify`'s replay: every aggregate rebuilt from its events alone, in one pass over the log.

Each event is decoded and applied with the library's own `mutate`, from the first event and
never from a snapshot; each stored snapshot is compared with that replay at its version, the
units of every program are checked, the record sequence numbers the events carry are gathered
for the index check, and the decoded events are folded into scratch read models
(`coloring.projections.verify.ScratchFold`). Damaged rows are problems with their position.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from coloring.domain.movements import movements
from coloring.domain.registry import facts
from coloring.domain.units import queue_violations
from coloring.integrity.chain import Row, event_table
from coloring.projections.runner import ProjectionRunner
from coloring.projections.verify import FoldError, ScratchFold

if TYPE_CHECKING:
    from coloring.store import LedgerStore


@dataclass(frozen=True)
class Problem:
    check: str
    position: int | None
    message: str

    def line(self) -> str:
        where = "" if self.position is None else f"position {self.position}: "
        return f"{where}{self.check}: {self.message}"


class Replay:
    """Every aggregate replayed from its events alone, in log order."""

    def __init__(
        self,
        store: LedgerStore,
        snapshots: dict[tuple[UUID, int], StoredEvent],
        last_versions: dict[UUID, int],
    ) -> None:
        self.store = store
        self.snapshots = snapshots
        self.checked: set[tuple[UUID, int]] = set()
        # Aggregates still to be replayed further; one is checked and let go at its last version,
        # so memory follows the aggregates in use, not the ledger's size.
        self.aggregates: dict[UUID, Any] = {}
        self.last_versions = last_versions
        self.replayed = 0
        self.broken: set[UUID] = set()
        self.seqs: dict[int, int] = {}
        self.paged: dict[int, int] = {}
        self.problems: list[Problem] = []
        self.scratch: ScratchFold | None = ScratchFold()
        self.plain = store.mapper.cipher is None and store.mapper.compressor is None

    def feed(self, row: Row) -> None:
        position, raw_id, version, topic, state = row
        try:
            oid = UUID(str(raw_id))
            event = self.store.mapper.to_domain_event(
                StoredEvent(
                    originator_id=oid, originator_version=version, topic=topic, state=bytes(state)
                )
            )
        except Exception as e:
            self._problem("event", position, f"cannot be decoded ({reason(e)})")
            with contextlib.suppress(ValueError):
                self.broken.add(UUID(str(raw_id)))
            return
        try:
            carried, paged = _seqs(event), _paged_seqs(event)
        except Exception as e:
            carried, paged = [], []
            self._problem("event", position, f"its records cannot be read ({reason(e)})")
        for seq in carried:
            self.seqs.setdefault(seq, position)
        for seq in paged:
            # A record is in one page only: a second page with it is a copy (a forged payment).
            first = self.paged.setdefault(seq, position)
            if first != position:
                self._problem(
                    "index",
                    position,
                    f"record seq {seq} is already recorded by the event at position {first}: "
                    "a copied record (a forged payment?)",
                )
                break
        self._fold(position, topic, event)
        if oid in self.broken:
            return
        current = self.aggregates.get(oid)
        expected = 1 if current is None else current.version + 1
        if version != expected:
            self.broken.add(oid)
            self._problem(
                "replay",
                position,
                f"{topic} is version {version} of aggregate {oid}, expected {expected}: "
                "an event of it was removed, inserted or moved",
            )
            return
        try:
            # Every event of the log is an aggregate's; the mapper's return type is the wider one.
            aggregate = event.mutate(current)  # type: ignore[attr-defined]
        except Exception as e:
            self.broken.add(oid)
            self._problem(
                "replay",
                position,
                f"{topic} cannot be applied to aggregate {oid} ({reason(e)}): e.g. a payment "
                "of units its payer did not hold",
            )
            return
        if (oid, version) in self.snapshots:
            self._compare_snapshot(position, oid, version, aggregate)
        if version == self.last_versions.get(oid):
            self.aggregates.pop(oid, None)
            self.replayed += 1
            self._check_units(None, oid, aggregate)
        else:
            self.aggregates[oid] = aggregate

    def _fold(self, position: int, topic: str, event: Any) -> None:
        if self.scratch is None:
            return
        try:
            self.scratch.add(position, topic, event)
        except FoldError as e:
            self._fold_failed(e)

    def _fold_failed(self, e: FoldError) -> None:
        self.scratch = None
        self._problem(
            "read models", e.position, f"the events cannot be folded into read models ({e.reason})"
        )

    def finish(self) -> None:
        if self.scratch is not None:
            try:
                self.scratch.flush()
            except FoldError as e:
                self._fold_failed(e)
        for oid, version in sorted(self.snapshots, key=str):
            if (oid, version) not in self.checked:
                self._problem(
                    "snapshot",
                    None,
                    f"the snapshot of aggregate {oid} at version {version} has no such version "
                    f"in the log (its last event is version {self.last_versions.get(oid)})",
                )
        for oid, aggregate in self.aggregates.items():
            self.replayed += 1
            self._check_units(None, oid, aggregate)

    def _compare_snapshot(self, position: int, oid: UUID, version: int, aggregate: Any) -> None:
        self.checked.add((oid, version))
        mapper = self.store.mapper
        try:
            kept = mapper.to_stored_event(mapper.to_domain_event(self.snapshots[oid, version]))
        except Exception as e:
            self._problem(
                "snapshot",
                position,
                f"the snapshot of {oid} at version {version} cannot be decoded ({reason(e)})",
            )
            return
        taken = mapper.to_stored_event(self.store.snapshot_class.take(aggregate))
        if self._canonical(taken.state) != self._canonical(kept.state):
            self._problem(
                "snapshot",
                position,
                f"the snapshot of aggregate {oid} at version {version} (the event at this "
                "position) differs from the replay of its events: the snapshot was edited",
            )
        self._check_units(position, oid, aggregate)

    def _check_units(self, position: int | None, oid: UUID, aggregate: Any) -> None:
        queues, balances = getattr(aggregate, "queues", None), getattr(aggregate, "balances", None)
        if isinstance(queues, dict) and isinstance(balances, dict):
            for v in queue_violations(queues, balances):
                self._problem("units", position, f"aggregate {oid}: {v}")

    def _canonical(self, state: bytes) -> Any:
        if not self.plain:
            return state
        kept = json.loads(state)
        kept.pop("timestamp", None)  # when the snapshot was taken, not the aggregate's state
        return kept

    def _problem(self, check: str, position: int | None, message: str) -> None:
        self.problems.append(Problem(check, position, message))


def _seqs(event: Any) -> list[int]:
    """The record sequence numbers an event carries: its `seq`, or the `seq` of each record of
    a page (movement entries, registry rows), read with the domain's own decoders."""
    found: list[int] = []
    seq = getattr(event, "seq", None)
    if isinstance(seq, int):
        found.append(seq)
    return found + _paged_seqs(event)


def _paged_seqs(event: Any) -> list[int]:
    found: list[int] = []
    entries, rows = getattr(event, "entries", None), getattr(event, "rows", None)
    if isinstance(entries, list):
        found.extend(m.seq for m in movements(str(getattr(event, "program_id", "")), entries))
    if isinstance(rows, list):
        found.extend(f.seq for f in facts(rows))
    return found


def reason(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}"[:300]


def stored_snapshots(
    runner: ProjectionRunner, store: LedgerStore
) -> dict[tuple[UUID, int], StoredEvent]:
    if store.snapshots is None:
        return {}
    table = store.snapshots.recorder.events_table_name  # type: ignore[attr-defined]
    found = {}
    for oid, version, topic, state in runner.db.query(
        f"SELECT originator_id, originator_version, topic, state FROM {table}"
    ):
        try:
            uuid, number = UUID(str(oid)), int(version)
        except (ValueError, TypeError):
            # Compared with nothing, so reported: a snapshot the replay cannot reach.
            uuid, number = UUID(int=0), -1
        found[uuid, number] = StoredEvent(uuid, number, str(topic), bytes(state or b""))
    return found


def last_versions(runner: ProjectionRunner, store: LedgerStore) -> dict[UUID, int]:
    table, _ = event_table(runner.db, store)
    found = {}
    for oid, version in runner.db.query(
        f"SELECT originator_id, MAX(originator_version) FROM {table} GROUP BY originator_id"
    ):
        with contextlib.suppress(ValueError, TypeError):
            found[UUID(str(oid))] = int(version)
    return found
