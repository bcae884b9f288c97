"""The unit of work of the ledger: aggregates in use, saved in batches.

Commands are applied to aggregates held here and saved in batches: every pending event, in the
order the records were applied (their `seq`), together with the record index rows, in one
transaction per batch. Outside `batch()` each command saves at once. A store told to
`hand_over` gives each batch to a callback instead, for another store to `write`
(`coloring.handover`: the workers of `load --jobs N`).
"""

from __future__ import annotations

import pickle
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from sys import intern
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, Snapshot
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    PersistenceError,
    StoredEvent,
)

from coloring.digests import Digests
from coloring.domain.aggregates import Ledger, Participant, Program, TaggedTenge

# Not used here, imported for its topics: ledgers written before registry pages hold per-animal
# events, and the event store resolves a stored event's class by its topic alone.
from coloring.domain.animals import Animal  # noqa: F401
from coloring.domain.errors import (
    DatabaseUnavailableError,
    DuplicateRecordError,
    StorageError,
    TimeOrderError,
)
from coloring.domain.prices import PriceList
from coloring.domain.registry import RegistryExtract, RegistryFact
from coloring.domain.time import Instant
from coloring.handover import Batch, HandedEvent, IndexRow, Start, recording_order
from coloring.persistence import check_database, database_url, environment_for
from coloring.recordindex import RecordIndex
from coloring.recordkeys import digest, registry_row
from coloring.transcodings import QueueAsList

CACHE_SIZE = 100_000

_PINNED = (TaggedTenge, Program, Ledger, PriceList, Participant)
"""The aggregates kept in memory once in use, outside the cache. Participants too: every
payment reads its payer and payee, and once a folder had more aggregates than the cache, the
least recently used were mostly participants, read back a few payments later (a 3M-payment
folder: 505,686 of its 1,385,895 reads back, and the documents they pushed out the rest;
docs/performance.md, "What grows with the folder, measured at 3M"). ~0.7 KB a participant."""

PINNED_SIZE = 150_000
"""Pinned aggregates kept whole; beyond, after a batch is saved, the participants among the
earliest pinned half are kept frozen (their state's values pickled, 360 B with their entry
against 727 B whole) and thawed when asked for again (a few microseconds; a read back, 85-230
us). A 10M-payment folder's ~438,000 participants held ~0.32 GB whole, ~0.2 GB so; the 1M and
3M folders' 43,995 and 131,702 are never frozen (docs/performance.md, branch mem3)."""

OWNERS_SIZE = 500_000
"""Animals whose owner now is kept in memory (about 100 bytes each); beyond it, the earlier
half is forgotten after a batch is saved and read back from the record index when asked. Kept
for every animal, the owners of a 10M-payment folder's ~5.9M animals held ~650 MB."""


class LedgerStore(Application[UUID]):
    """The ledger's unit of work over the event store: aggregates in use, batched saves in
    record order with their index rows, snapshots of the units, the record index."""

    name = "coloring"
    is_snapshotting_enabled = True
    snapshot_class = Snapshot

    def __init__(self, db_url: str | None = None, env: dict[str, str] | None = None) -> None:
        self.db_url = database_url(db_url)
        check_database(self.db_url)
        try:
            super().__init__(env={**environment_for(self.db_url), **(env or {})})
        except PersistenceError as e:
            raise DatabaseUnavailableError(
                f"cannot open the ledger at {self.db_url}: {e} (check the path or the server, "
                "and --db / COLORING_DB)"
            ) from None
        # Aggregates in use: the units, programs and participants stay (`_remember`); others
        # are kept least-recently-used, so a large load's memory does not grow with the number
        # of documents and animals.
        # Keyed by the id's integer: a UUID's hash is a Python method, called on every look-up
        # (~30 a payment; 0.6M calls at 20k payments, ~4% of the load), an int's is not.
        self._pinned: dict[int, Aggregate] = {}
        self._frozen: dict[int, bytes] = {}
        # The attributes of a participant, in order, as the first one frozen had them: a frozen
        # participant is their values only.
        self._participant_state: tuple[str, ...] | None = None
        self._cache: OrderedDict[int, Aggregate | None] = OrderedDict()
        # The aggregates let go of (`_shrink`), as digests: a set of their ids held ~100 bytes
        # each, ~1.7M of them at 10M payments. A digest that collides costs a read, which
        # answers None for an aggregate never saved.
        self._evicted = Digests()
        self._dirty: dict[int, Aggregate] = {}
        self._index: list[IndexRow] = []
        self._in_batch = False
        self._changed_units: set[int] = set()
        self._record_index = RecordIndex(
            self.recorder.datastore,  # type: ignore[attr-defined]
            postgres="postgres" in self.db_url,
        )
        # The aggregates that have a snapshot (the units, `snapshot_units`), read once.
        snapshots = self.snapshots.recorder if self.snapshots is not None else None
        table = getattr(snapshots, "events_table_name", None)
        self._snapshotted = self._record_index.originators(table) if table else set()
        seq, latest = self._record_index.position()
        # The last record sequence number taken (`next_seq`) and the latest instant recorded.
        self.seq = seq
        self.latest_us = latest
        self._fresh = seq == 0 and self.recorder.max_notification_id() is None
        # The ledger's mode, observe or enforce, once read or opened (None: not known yet).
        self.mode: str | None = None
        # Called in each batch's transaction with the cursor, the events and their notification
        # ids, to write the read models with them (coloring.projections.inline).
        self.inline: Any = None
        # The registry is reference data: this batch's rows, and each animal's owner now.
        self._registry_page: list[RegistryFact] = []
        self._owners: dict[str, str | None] = {}
        # Whether `_owners` holds every animal this process recorded (then, on a fresh ledger,
        # an animal not in it has no registry row at all).
        self._owners_whole = True
        # Each program's route as payments are judged by it (programs are never re-registered).
        self.routes: dict[str, tuple[frozenset[tuple[str, str]], frozenset[str]]] = {}
        # A store told to `hand_over` its batches: whom to, and the record counter when this
        # batch first touched each aggregate.
        self._receiver: Callable[[Batch], None] | None = None
        self._touched: dict[int, int] = {}

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(QueueAsList())
        # An event's state is a tree of plain values made for it (pages of lists): it holds no
        # cycle to look for, and looking costs a dict entry set and removed for each of its
        # lists (~112k in a 20k load, ~80 M of the ~940 M instructions of its JSON). The text
        # is the same either way.
        transcoder.encoder.check_circular = False

    # -- unit of work ------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Apply many commands, saving them with `flush()` (and at the end)."""
        self._in_batch = True
        try:
            yield
            self.flush()
        except BaseException:
            self._discard()
            raise
        finally:
            self._in_batch = False

    def flush(self) -> None:
        """Save every pending event in record order, with their index rows, in one transaction."""
        if not self._dirty and not self._registry_page:
            return
        events: list[Any] = []
        for aggregate in self._dirty.values():
            if isinstance(aggregate, TaggedTenge):
                aggregate.record_page()
            events.extend(aggregate.collect_events())
        if self._registry_page:
            page, self._registry_page = self._registry_page, []
            events.extend(RegistryExtract(rows=page).collect_events())
        events.sort(key=recording_order)
        rows, self._index = self._index, []
        dirty, self._dirty = self._dirty, {}
        self._changed_units.update(i for i, a in dirty.items() if isinstance(a, TaggedTenge))
        stored = list(map(self.mapper.to_stored_event, events))
        if self._receiver is not None:
            touched, self._touched = self._touched, {}
            firsts = [touched.get(e.originator_id.int, 0) for e in events]
            self._receiver(Batch(list(map(HandedEvent, firsts, events, stored)), rows))
            return
        try:
            self._insert(events, stored, rows)
        except (DuplicateRecordError, StorageError):
            self._forget(dirty)
            raise
        self._shrink()
        self._freeze_participants()
        self._shrink_owners()

    def _insert(self, events: list[Any], stored: list[StoredEvent], rows: list[IndexRow]) -> None:
        """Write a batch in one transaction: its events, encoded as `stored`, with their index
        rows, chain links and read models."""
        # The recorder's insert rather than save(): the events are already collected and
        # ordered, and save()'s per-object protocol checks cost more than the insert. The
        # keywords reach the recorder (coloring.persistence), which writes the index rows and
        # the read models in the events' transaction.
        kwargs: dict[str, Any] = {"records": rows}
        inline = self.inline
        if inline is not None:
            kwargs["project"] = lambda c, ids: inline(c, events, ids)
        try:
            self.recorder.insert_events(stored, **kwargs)
        except IntegrityError as e:
            raise DuplicateRecordError(
                f"a record of this batch is already in the ledger ({e}); "
                "load the same folder again to resume, or use a fresh ledger"
            ) from None
        except PersistenceError as e:
            raise StorageError(f"the event store refused the batch: {e}") from None

    # -- recording: what the use cases rely on (`coloring.usecases.base.UnitOfWork`) ------

    def next_seq(self, kind: str, key: str, record: object, at: Instant | None, source: str) -> int:
        """The record's sequence number, taken before its command changes anything: its place
        in the ledger, one counter over every kind of record in the order they are applied,
        which its events carry and batches are saved in. Its index row (the digest of `record`)
        is saved with the batch. A dated record moves the latest instant on; one before it is
        refused (`TimeOrderError`) before a number is taken."""
        if at is not None:
            if at.us < self.latest_us:
                raise TimeOrderError(
                    f"{source}: {kind} {key!r} at {at} is before the latest instant already "
                    f"in the ledger; time only moves forward (load into a fresh ledger to "
                    "correct the past)"
                )
            self.latest_us = at.us
        self.seq += 1
        self._index.append(
            (kind, key, digest(record), self.seq, None if at is None else at.us, source)
        )
        return self.seq

    def take_seq(self) -> int:
        """The next sequence number, for an undated record that brings no index row of its own
        (a purchase's animals: each indexed by `index_row` under the number taken here)."""
        self.seq += 1
        return self.seq

    def index_row(self, kind: str, key: str, record: object, seq: int, source: str) -> None:
        """Index one more undated record under a sequence number already taken (a purchase's
        animals, under their purchase's): saved with the batch, like `next_seq`'s rows."""
        self._index.append((kind, key, digest(record), seq, None, source))

    def touch(self, aggregate: Aggregate) -> None:
        """The aggregate was made or changed by the command being applied: it is in use here
        from now on (`get` returns it) and its pending events are saved with the batch."""
        self._remember(aggregate.id, aggregate)
        self._dirty[aggregate.id.int] = aggregate
        if self._receiver is not None:
            self._touched.setdefault(aggregate.id.int, self.seq)

    def command_done(self) -> None:
        """The command has changed all it changes: outside `batch()` its changes are saved
        now, in one transaction; inside, they wait for the batch's `flush`."""
        if not self._in_batch:
            self.flush()

    # -- batches handed over: judged by one store, written by another ------------------

    def start(self) -> Start:
        """Where a store that is to hand its batches over to this one begins."""
        return Start(self.seq, self.latest_us, self._fresh, self.mode)

    def hand_over(self, receiver: Callable[[Batch], None], start: Start) -> None:
        """From `start` on (another store's `start()`), hand every batch and the units'
        snapshots to `receiver` instead of writing them (`coloring.handover`). Nothing is
        forgotten from memory then: what this store forgot would be read back from a database
        the writer may not have written it to yet."""
        self.seq, self.latest_us = start.seq, start.latest_us
        self._fresh, self.mode = start.fresh, start.mode
        self._receiver = receiver

    def write(self, batch: Batch) -> None:
        """Write a batch that stores handing theirs over judged (merged: `Batch.merged`) as
        `flush` writes its own, then its snapshots; the record counter and the latest instant
        move on as if this store had judged it."""
        if batch.events or batch.rows:
            events = [e.event for e in batch.events]
            self._insert(events, [e.stored for e in batch.events], batch.rows)
            self._fresh = False  # the ledger holds aggregates this store never had in use
        if batch.rows:
            self.seq = max(self.seq, batch.rows[-1][3])
            dated = [row[4] for row in batch.rows if row[4] is not None]
            self.latest_us = max([self.latest_us, *dated])
        self._put_snapshots(batch.snapshots)

    def note_owner(self, animal_id: str, owner: str | None) -> None:
        """An animal's owner now, per a registry row that another store records."""
        self._owners[animal_id] = owner

    @contextmanager
    def unsaved(self) -> Iterator[None]:
        """Commands applied inside change the aggregates in memory and save nothing: the
        index rows they add are dropped, and so are the events of aggregates they newly make
        pending (a record that another store records, whose effects this one must see)."""
        mark = len(self._index)
        before = set(self._dirty)
        try:
            yield
        finally:
            del self._index[mark:]
            for key in set(self._dirty) - before:
                self._dirty.pop(key).collect_events()
                self._touched.pop(key, None)

    def _forget(self, aggregates: dict[int, Aggregate]) -> None:
        """After a refused save: drop the unsaved state and read the store again from now on."""
        if self.inline is not None:
            self.inline.forget()
        for aggregate_id in aggregates:
            self._cache.pop(aggregate_id, None)
            self._pinned.pop(aggregate_id, None)
        self._fresh = False
        self._owners.clear()
        self._owners_whole = True
        self.routes.clear()
        self.seq, self.latest_us = self._record_index.position()

    def snapshot_units(self) -> int:
        """Snapshot the units of every program this session changed, so that the next load
        starts from the snapshot instead of replaying the program's whole history."""
        self.flush()
        taken = [
            Snapshot.take(a)
            for a in self._pinned.values()
            if isinstance(a, TaggedTenge) and a.id.int in self._changed_units
        ]
        if self._receiver is not None:
            self._receiver(Batch(snapshots=taken))
        else:
            self._put_snapshots(taken)
        self._changed_units.clear()
        return len(taken)

    def _put_snapshots(self, taken: list[Snapshot]) -> None:
        if taken and self.snapshots is not None:
            self.snapshots.put(taken)
            self._snapshotted.update(a.originator_id.int for a in taken)

    def _discard(self) -> None:
        dirty, self._dirty = self._dirty, {}
        self._index = []
        self._registry_page = []
        self._forget(dirty)

    def get(self, aggregate_id: UUID) -> Aggregate | None:
        """The aggregate, as in use here or else as stored (None: not in the ledger). Public:
        the use cases change what it returns, others (the loader's `StoredLedger`) only read."""
        key = aggregate_id.int
        pinned = self._pinned.get(key)
        if pinned is not None:
            return pinned
        try:
            cached = self._cache[key]
        except KeyError:
            pass
        else:
            self._cache.move_to_end(key)
            return cached
        frozen = self._frozen.pop(key, None)
        if frozen is not None:
            return self._thawed(key, frozen)
        if self._fresh and key not in self._evicted:
            # Everything this ledger holds was created by this process: not cached, not there.
            return None
        aggregate: Aggregate | None
        if key in self._snapshotted:
            try:
                aggregate = self.repository.get(aggregate_id)
            except AggregateNotFoundError:
                aggregate = None
        else:
            aggregate = self._replayed(aggregate_id)
        self._remember(aggregate_id, aggregate)
        return aggregate

    def _replayed(self, aggregate_id: UUID) -> Aggregate | None:
        """An aggregate without a snapshot, from its events: what `repository.get` gives, with
        one query instead of two (it asks for a snapshot first) and without its per-event
        protocol check. A load misses the cache more as the ledger outgrows it (documents paid
        months apart): at 100k payments with the cache at a tenth of the aggregates, ~10k
        misses per 50k records at ~0.8 ms each, half of it those two."""
        aggregate: Any = None
        events: Iterable[Any] = self.events.get(aggregate_id)
        for e in events:
            aggregate = e.mutate(aggregate)
        return cast(Aggregate | None, aggregate)

    def _remember(self, aggregate_id: UUID, aggregate: Aggregate | None) -> None:
        key = aggregate_id.int
        if isinstance(aggregate, _PINNED):
            self._pinned[key] = aggregate
        else:
            self._cache[key] = aggregate
            self._cache.move_to_end(key)

    def _shrink(self) -> None:
        """Forget the least recently used aggregates beyond the cache size (all are saved)."""
        while len(self._cache) > CACHE_SIZE:
            aggregate_id, aggregate = self._cache.popitem(last=False)
            if aggregate is not None:
                self._evicted.add(aggregate_id)

    def _freeze_participants(self) -> None:
        """Freeze the participants among the earliest pinned half once more than `PINNED_SIZE`
        aggregates are pinned (all are saved: none has a pending event)."""
        pinned = self._pinned
        if len(pinned) <= PINNED_SIZE:
            return
        earliest = list(islice(pinned.items(), len(pinned) - PINNED_SIZE // 2))
        for key, aggregate in earliest:
            if type(aggregate) is Participant:
                state = vars(aggregate)
                if self._participant_state is None:
                    self._participant_state = tuple(state)
                elif tuple(state) != self._participant_state:
                    continue  # not as the others: kept whole
                self._frozen[key] = pickle.dumps(tuple(state.values()), pickle.HIGHEST_PROTOCOL)
                del pinned[key]

    def _thawed(self, key: int, frozen: bytes) -> Participant:
        """A frozen participant whole again (pinned: the latest in use)."""
        participant = object.__new__(Participant)
        assert self._participant_state is not None  # set when the first one was frozen
        values = pickle.loads(frozen)
        participant.__dict__.update(zip(self._participant_state, values, strict=True))
        self._pinned[key] = participant
        return participant

    def _shrink_owners(self) -> None:
        """Forget the owners recorded earliest once there are more than `OWNERS_SIZE` (all
        are saved: a batch's registry rows are in `_owners` until it is)."""
        owners = self._owners
        if len(owners) > OWNERS_SIZE:
            self._owners = dict(islice(owners.items(), len(owners) - OWNERS_SIZE // 2, None))
            self._owners_whole = False

    def is_empty(self) -> bool:
        """Whether the ledger holds no record at all (nothing recorded, nothing pending)."""
        return self.seq == 0 and not self._dirty and not self._registry_page

    # -- the registry: looked up, never replayed ---------------------------------------

    def record_fact(self, fact: RegistryFact) -> None:
        """A registry row (its seq taken by `next_seq`), saved with the batch's others in one
        `RegistryExtract`; the animal's owner now is the row's."""
        self._registry_page.append(fact)
        # One string per owner, not per row: each row's owner is a string of its own (a 20k
        # folder's 12,227 animals had 12,124 owner strings for 580 owners), ~60 bytes of each
        # of up to `OWNERS_SIZE` entries.
        owner = fact.owner
        self._owners[fact.animal_id] = owner if owner is None else intern(owner)

    def current_owner(self, animal_id: str) -> str | None:
        """The animal's owner per its latest registry row (None: none, disposed, exported)."""
        try:
            return self._owners[animal_id]
        except KeyError:
            pass
        owner = None
        if not self._fresh or not self._owners_whole:
            # Not in `_owners`: none of this batch's rows is the animal's, only saved ones.
            history = self.registry_history(animal_id, pending=False)
            owner = history[-1][2] if history else None
        self._owners[animal_id] = owner
        return owner

    def registry_history(
        self, animal_id: str, pending: bool = True
    ) -> list[tuple[int, str, str | None]]:
        """(at_us, event, owner) of every registry row of the animal, in record order, from
        the record index (written with the events, whatever their grain) and, with `pending`,
        this batch."""
        prefix = animal_id + "\x1f"
        keyed = self._record_index.registry_keys(animal_id)
        if pending:
            keyed += [
                (row[3], row[1])
                for row in self._index
                if row[0] == "registry" and row[1].startswith(prefix)
            ]
        return [registry_row(key) for _, key in sorted(keyed)]

    def lookup(self, kind: str, keys: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Index entries (digest, source) for these keys of one kind of record."""
        return self._record_index.lookup(kind, keys)
