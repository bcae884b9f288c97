"""The catch-up runner: reads the notification log in pages and folds each page into the read
models, committing the page's rows and the new position in ONE transaction.

So a crash (or Ctrl-C) between pages loses nothing and counts nothing twice: the next run
starts after the last committed page. Notification ids are committed in order on both stores
(SQLite serialises writers; the PostgreSQL recorder takes a table lock while inserting), so a
gap in the ids is a rolled-back insert, never an insert still in flight, and is safe to pass.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import Mapper, Notification
from eventsourcing.utils import resolve_topic

from coloring.projections import schema
from coloring.projections.db import Cursor, Database
from coloring.projections.fold import Fold

PROJECTION = "read_models"
# The decoder itself, on text: json.loads would sniff the encoding of every state first.
_decode_json = json.JSONDecoder().decode
_new = object.__new__
DEFAULT_PAGE = 5000
REBUILD_PAGE = 20_000
"""Records a rebuild folds per transaction: a rebuild's pages are its whole cost, and each
page's commit, position and writes cost less per record on larger pages (200k payments: ~10%
less CPU than 5,000), while a page's buffered rows stay a few tens of MB."""
READ = 100
"""Notifications read at a time for a page (how many records each holds is known only once
it is decoded: one, or a page of thousands)."""


class EventStore(Protocol):
    """What the runner reads of the ledger's event store (`coloring.store.LedgerStore`, which
    the projections do not import: they import only the domain)."""

    @property
    def db_url(self) -> str: ...

    @property
    def mapper(self) -> Mapper[UUID]: ...

    # `Any`: the library's SQLite or PostgreSQL recorder, whose `datastore` and
    # `events_table_name` the base recorder type does not declare.
    @property
    def recorder(self) -> Any: ...


class EventLog:
    """Pages of the notification log, decoded for the fold.

    The fold reads events' fields only, so pages are read with one plain query and each state is
    decoded straight from JSON into an instance of its event class, its fields set without
    running the class's init: the fold dispatches on the class and reads the fields it
    declares, while rebuilding the library's event objects (UUIDs, timestamps, dataclass init)
    would cost more than the fold itself. Transcoded values (only the library's `timestamp` and
    `originator_id`, which the fold does not read) stay as their JSON form. Event classes with
    `class_version > 1`, which may need upcasting, go through the library's mapper.
    """

    def __init__(self, store: EventStore, db: Database) -> None:
        self.mapper = store.mapper
        self.db = db
        id_column = "notification_id" if db.postgres else "rowid"
        self.sql = (
            f"SELECT {id_column}, originator_id, originator_version, topic, state "
            f"FROM {store.recorder.events_table_name} WHERE {id_column} >= ? AND {id_column} <= ? "
            f"ORDER BY {id_column} LIMIT ?"
        )
        self.plain = self.mapper.cipher is None and self.mapper.compressor is None
        self._classes: dict[str, type | None] = {}
        # Sees each page's stored rows before they are decoded (the rebuild checks the chain).
        self.inspect: Callable[[list[tuple[Any, ...]]], None] | None = None

    def page(
        self, start: int, limit: int, stop: int | None = None
    ) -> list[tuple[int, str, object]]:
        return [self.decoded(row) for row in self.stored(start, limit, stop)]

    def stored(self, start: int, limit: int, stop: int | None = None) -> list[tuple[Any, ...]]:
        """Up to `limit` stored rows from notification `start`, not decoded yet."""
        rows = self.db.query(self.sql, (start, stop if stop is not None else 2**62, limit))
        if self.inspect is not None:
            self.inspect(rows)
        return rows

    def decoded(self, row: tuple[Any, ...]) -> tuple[int, str, object]:
        n, oid, version, topic, state = row
        return n, topic, self._decode(n, oid, version, topic, bytes(state))

    def _decode(self, n: int, oid: Any, version: int, topic: str, state: bytes) -> object:
        if topic in self._classes:
            cls = self._classes[topic]
        else:
            cls = resolve_topic(topic)
            if not self.plain or getattr(cls, "class_version", 1) > 1:
                cls = None
            self._classes[topic] = cls
        if cls is None:
            originator = oid if isinstance(oid, UUID) else UUID(str(oid))
            return self.mapper.to_domain_event(
                Notification(
                    id=n,
                    originator_id=originator,
                    originator_version=version,
                    topic=topic,
                    state=state,
                )
            )
        event: object = _new(cls)
        event.__dict__.update(_decode_json(state.decode()))
        return event


def records_in(event: object) -> int:
    """How many records an event holds: the entries or rows of a page, else one."""
    entries = getattr(event, "entries", None) or getattr(event, "rows", None)
    return len(entries) if isinstance(entries, list) else 1


class ProjectionRunner:
    def __init__(
        self,
        store: EventStore,
        db: Database | None = None,
        name: str = PROJECTION,
        create: bool = True,
    ) -> None:
        self.store = store
        self.db = db or Database(store.recorder.datastore, "postgres" in store.db_url)
        self.name = name
        if create:  # a reader without the write lock creates nothing
            with self.db.transaction() as c:
                schema.create(c)
        self.log = EventLog(store, self.db)

    def position(self, c: Cursor | None = None) -> int:
        if c is None:
            with self.db.transaction(commit=False) as c2:
                return self.position(c2)
        return schema.position(c, self.name) or 0

    def pending(self) -> int:
        latest = self.store.recorder.max_notification_id() or 0
        return max(0, int(latest) - self.position())

    def run(
        self,
        page_size: int = DEFAULT_PAGE,
        max_pages: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Fold every notification after the position, `page_size` records a transaction;
        returns how many notifications were processed."""
        done = 0
        pages = 0
        latest = int(self.store.recorder.max_notification_id() or 0)
        fold: Fold | None = None
        ahead: list[tuple[Any, ...]] = []
        while max_pages is None or pages < max_pages:
            start = self.position() + 1
            page, ahead = self.records_page(start, page_size, ahead)
            if not page:
                break
            with self.db.transaction() as c:
                if self.position(c) != start - 1:
                    raise RuntimeError("another runner moved this projection; run again")
                if fold is None:
                    fold = Fold(c)
                for n, _, event in page:
                    fold.apply(event, n)
                fold.write(c)
                schema.set_position(c, self.name, page[-1][0])
                if fold.bulk and not ahead and page[-1][0] >= latest:
                    # A bulk fold's last page: completed in the same transaction, so read
                    # models at this position are final whenever a reader sees it (a server
                    # keeps what it read per position).
                    fold.finish(c)
            self.db.analyze_grown()
            done += len(page)
            pages += 1
            if progress is not None:
                progress(len(page))
        self.complete()
        return done

    def complete(self) -> None:
        """Create the indexes a fold from nothing went without (a rebuild, a load into an empty
        ledger), once its pages are written, one sorted build each instead of a row at a time;
        and finish a bulk fold whose last page did not (`Fold.finish`: a log with no events, a
        run stopped at `max_pages`)."""
        with self.db.transaction(commit=False) as c:
            if schema.is_complete(c):
                return
        with self.db.transaction() as c:
            if schema.in_bulk(c):
                Fold(c).finish(c)
            schema.create_indexes(c)

    def records_page(
        self,
        start: int,
        size: int,
        ahead: list[tuple[Any, ...]],
        stop: int | None = None,
    ) -> tuple[list[tuple[int, str, object]], list[tuple[Any, ...]]]:
        """The notifications from `start` that hold about `size` records (a page event holds
        many), decoded, and the stored rows read beyond them, kept for the next page. Rows are
        read READ at a time and decoded one by one: a read that overshoots the page (a log of
        large pages) keeps only the stored rows, far smaller than the events decoded."""
        if ahead and ahead[0][0] != start:
            ahead = []
        page: list[tuple[int, str, object]] = []
        weight = 0
        while True:
            rows = ahead or self.log.stored(start if not page else page[-1][0] + 1, READ, stop)
            ahead = []
            if not rows:
                return page, []
            for i, row in enumerate(rows):
                page.append(self.log.decoded(row))
                weight += records_in(page[-1][2])
                if weight >= size:
                    return page, rows[i + 1 :]

    def rebuild(self, page_size: int = REBUILD_PAGE) -> int:
        """Drop every read model and replay the whole log as a bulk fold (`schema.start_bulk`):
        its last page completes it, in this run or the next if this one is interrupted."""
        with self.db.transaction() as c, c.deletes_unerased():
            schema.clear(c)
            schema.start_bulk(c)
        return self.run(page_size=page_size)
