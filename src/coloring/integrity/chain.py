"""Recompute the hash chain from the stored rows and say where it breaks.

Reads the event table and `ledger_chain` directly, in windows of positions, whatever the events
are: only the stored columns (position, originator id, version, topic, state) enter a hash, so
the chain does not depend on the event classes. A damaged row (a value of the wrong type, an id
that is not a UUID) is reported as a break at its position, never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coloring.integrity.merkle import GENESIS, canonical_content, chain_link, leaf_hash
from coloring.persistence import CHAIN_TABLE
from coloring.projections.db import Database

if TYPE_CHECKING:
    from coloring.store import LedgerStore

WINDOW = 5000

Row = tuple[int, Any, Any, Any, Any]


@dataclass
class ChainReport:
    """What the recomputation found. `positions[i]`/`leaves[i]` are the i-th chained event's
    position and recomputed leaf hash: the leaves of the Merkle tree."""

    events: int = 0
    unchained: list[int] = field(default_factory=list)
    breaks: list[tuple[int, str]] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    leaves: list[bytes] = field(default_factory=list)
    link_at: dict[int, bytes] = field(default_factory=dict)
    head: tuple[int, bytes] | None = None

    @property
    def ok(self) -> bool:
        return not self.breaks and not self.unchained

    @property
    def first_chained(self) -> int | None:
        return self.positions[0] if self.positions else None


def event_table(db: Database, store: LedgerStore) -> tuple[str, str]:
    """The event table and its position column (SQLite: the rowid is the notification id)."""
    table: str = store.recorder.events_table_name  # type: ignore[attr-defined]
    return table, "notification_id" if db.postgres else "rowid"


def content_of(row: Row) -> bytes:
    position, oid, version, topic, state = row
    if not isinstance(version, int) or not isinstance(topic, str) or state is None:
        raise ValueError("a column is empty or of the wrong type")
    return canonical_content(position, oid, version, topic, bytes(state))


def stored_rows(db: Database, store: LedgerStore, lo: int, hi: int) -> list[Row]:
    table, column = event_table(db, store)
    rows = db.query(
        f"SELECT {column}, originator_id, originator_version, topic, state FROM {table} "
        f"WHERE {column} >= ? AND {column} < ? ORDER BY {column}",
        (lo, hi),
    )
    return [(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows]


def windows(db: Database, store: LedgerStore) -> Iterator[tuple[list[Row], dict[int, str]]]:
    """Every event row and chain row, a window of positions at a time."""
    table, column = event_table(db, store)
    last = db.query(
        f"SELECT (SELECT MAX({column}) FROM {table}), (SELECT MAX(position) FROM {CHAIN_TABLE})"
    )[0]
    top = max(int(last[0] or 0), int(last[1] or 0))
    lo = 1
    while lo <= top:
        hi = lo + WINDOW
        chained = db.query(
            f"SELECT position, link FROM {CHAIN_TABLE} WHERE position >= ? AND position < ?",
            (lo, hi),
        )
        yield stored_rows(db, store, lo, hi), {int(p): link for p, link in chained}
        lo = hi


class ChainCheck:
    """The chain recomputed incrementally: feed event rows in position order, each time with the
    stored links of the positions since the previous feed. Each stored link is checked against
    the stored link before it, so one edit is one break, not a break at every later position."""

    def __init__(self, keep_link_at: int | None = None) -> None:
        self.report = ChainReport()
        self.keep_link_at = keep_link_at
        self._stored_prev: bytes | None = None  # the stored link before the next position
        self._recomputed = GENESIS

    def feed(self, rows: list[Row], links: dict[int, str]) -> None:
        report = self.report
        by_position = {r[0]: r for r in rows}
        positions = list(by_position)
        if len(positions) != len(links) or any(p not in links for p in positions):
            positions = sorted(by_position.keys() | links.keys())
        for position in positions:
            row = by_position.get(position)
            if row is not None:
                report.events += 1
            if position not in links:
                if row is not None and self._stored_prev is None:
                    report.unchained.append(position)
                elif row is not None:
                    report.breaks.append(
                        (position, "an event with no chain link: inserted after the fact")
                    )
                continue
            stored_link = _hex(links[position])
            expected_prev = GENESIS if self._stored_prev is None else self._stored_prev
            self._stored_prev = stored_link or expected_prev
            if row is None:
                report.breaks.append(
                    (position, "the event this chain link records is missing: deleted or moved")
                )
                continue
            try:
                leaf = leaf_hash(content_of(row))
            except (ValueError, TypeError, OverflowError) as e:
                report.breaks.append((position, f"the stored event is damaged ({e})"))
                leaf = bytes(32)
            if stored_link is None:
                report.breaks.append((position, "the chain link is damaged"))
            elif chain_link(expected_prev, leaf) != stored_link:
                report.breaks.append(
                    (
                        position,
                        "the stored event differs from the one chained here (edited, or moved "
                        "here), or a chained event before it was removed",
                    )
                )
            self._recomputed = chain_link(self._recomputed, leaf)
            report.positions.append(position)
            report.leaves.append(leaf)
            if position == self.keep_link_at:
                report.link_at[position] = self._recomputed
            report.head = (position, self._recomputed)


def recompute(
    db: Database,
    store: LedgerStore,
    on_row: Callable[[Row], None] | None = None,
    keep_link_at: int | None = None,
) -> ChainReport:
    """Recompute every leaf and link; `on_row(row)` sees each event row in position order; the
    recomputed link at `keep_link_at` (a sealed head) is kept in `link_at`."""
    check = ChainCheck(keep_link_at)
    for rows, links in windows(db, store):
        if on_row is not None:
            for row in rows:
                on_row(row)
        check.feed(rows, links)
    check.report.breaks.sort(key=lambda b: b[0])
    return check.report


class ChainBrokenError(Exception):
    def __init__(self, position: int, reason: str) -> None:
        super().__init__(position, reason)
        self.position = position
        self.reason = reason


class ChainGuard:
    """Checks each page of rows a projection runner reads before it is folded, and stops the
    run (`ChainBrokenError`) at a page where the chain breaks: a rebuild checks the chain in the
    same pass that reads the log, and never folds a tampered page."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.check = ChainCheck()
        self.last = 0

    def __call__(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        end = int(rows[-1][0])
        self._feed([(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows], end)

    def finish(self) -> None:
        """After the last page: links beyond the last event are events removed from the end."""
        self._feed([], 2**62)

    def _feed(self, rows: list[Row], end: int) -> None:
        links = self.db.query(
            f"SELECT position, link FROM {CHAIN_TABLE} WHERE position > ? AND position <= ?",
            (self.last, end),
        )
        self.check.feed(rows, {int(p): link for p, link in links})
        self.last = end
        breaks = self.check.report.breaks
        if breaks:
            position, reason = min(breaks)
            raise ChainBrokenError(position, reason)


def _hex(value: Any) -> bytes | None:
    try:
        raw = bytes.fromhex(str(value))
    except ValueError:
        return None
    return raw if len(raw) == 32 else None
