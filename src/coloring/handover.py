"""Batches handed over from a store that judges records to the one that writes them.

A `LedgerStore` saves each batch in record order (`recording_order`) with its record index rows.
One that was told to hand its batches over (`LedgerStore.hand_over`, the workers of
`load --jobs N`) gives each batch to a callback instead, as a `Batch`: its events already
encoded as stored, each with the record counter's value when the batch first touched its
aggregate, its index rows and, at the end, its snapshots. `Batch.merged` puts the parts of one
batch that several stores judged into the order one store would have saved them in, and
`LedgerStore.write` writes the result as its own `flush` would.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import StoredEvent

from coloring.domain.aggregates import TaggedTenge
from coloring.domain.movements import first_entry_seq
from coloring.domain.registry import RegistryExtract, first_seq

IndexRow = tuple[str, str, str, int, int | None, str]
"""A record index row: kind, key, digest, seq, at_us (None: undated), source."""


def recording_order(e: Any) -> tuple[int, int, int]:
    """Record order (`seq`), with the batch's pages (each program's money movements, the
    registry extract) after its other events: a page holds the whole batch's rows, some of which
    concern documents recorded within the batch, and whoever folds the log must have seen those
    first."""
    if isinstance(e, TaggedTenge.PaymentsRecorded):
        return (1, first_entry_seq(e.entries), e.originator_version)
    if isinstance(e, RegistryExtract.Recorded):
        return (1, first_seq(e.rows), 0)
    return (0, getattr(e, "seq", 0), e.originator_version)


class HandedEvent(NamedTuple):
    """An event of a handed-over batch."""

    touched: int
    """The record counter when the batch first touched the event's aggregate: between stores,
    events of equal record order are saved in the order one store would have touched them."""
    event: Any
    stored: StoredEvent
    """The event as the event store writes it (the encoding is a fair part of the writing)."""


@dataclass
class Batch:
    """A batch as a store would save it: events in record order, index rows in `seq` order,
    and the snapshots of the units (handed over once, at the end)."""

    events: list[HandedEvent] = field(default_factory=list)
    rows: list[IndexRow] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)

    def add(self, other: Batch) -> None:
        self.events += other.events
        self.rows += other.rows
        self.snapshots += other.snapshots

    @staticmethod
    def merged(parts: Sequence[Batch]) -> Batch:
        """One batch of the parts that several stores judged of it, in one store's order: events
        in record order, ties in the order their aggregates were first touched; index rows by
        `seq`."""
        return Batch(
            sorted(
                (e for part in parts for e in part.events),
                key=lambda e: (recording_order(e.event), e.touched),
            ),
            list(heapq.merge(*(part.rows for part in parts), key=lambda row: row[3])),
            [s for part in parts for s in part.snapshots],
        )


@dataclass(frozen=True)
class Start:
    """Where a store that hands its batches over begins: the writing store's record counter,
    latest instant, whether everything its ledger holds was created by it, and its mode."""

    seq: int
    latest_us: int
    fresh: bool
    mode: str | None
