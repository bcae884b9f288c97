"""The PostgreSQL recorder of the ledger (see `coloring.persistence`), in a module of its own:
it imports psycopg and the library's PostgreSQL support, which a SQLite command does not need
(~0.1 CPU s of every command's start)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import (
    InterfaceError,
    OperationalError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresFactory,
)
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier, Literal

from coloring.persistence import (
    _CHAIN_DDL,
    _CHAIN_HEAD,
    _RECORDS_DDL,
    CHAIN_TABLE,
    RECORDS_TABLE,
    _chain_rows,
    _head,
    _project,
    _record_rows,
)
from coloring.projections.db import analyze_grown, copy_rows

__all__ = ["PostgresLedgerFactory", "PostgresLedgerRecorder"]

# Advisory-lock key of "creating the ledger's tables" (apart from the writer's key in
# coloring.locking: a reader opening the ledger during a load must not wait for the load).
CREATE_KEY = 0x2C5A_1D0E_6B3F_4A98

# The registry keys of the record index compared as bytes, for the store's look-up of one
# animal's rows by key range: the primary key follows the database's collation, under which a
# range of keys with a control character is not one animal's (built on first open of a ledger
# written before it: 2.3 s at 1M payments, 3.4M index rows).
REGISTRY_KEYS_DDL = (
    f"CREATE INDEX IF NOT EXISTS {RECORDS_TABLE}_registry_keys "
    f"ON {RECORDS_TABLE} (key text_pattern_ops) WHERE kind = 'registry'"
)


class _CreatedOneAtATime(PostgresAggregateRecorder):
    """A recorder whose tables are created by one process at a time."""

    def create_table(self) -> None:
        """The library's tables, types and insert function, created by one process at a time:
        its `CREATE OR REPLACE FUNCTION` (run on every open) and `CREATE TABLE IF NOT EXISTS`
        (whose row type collides in `pg_type`) fail when two processes open one ledger at once
        (a load and a reader, two writers): PostgreSQL refuses the second with "tuple
        concurrently updated" or a duplicate key of `pg_type`. A session lock on a connection
        of its own is held around them (the library's statements take other connections)."""
        with self.datastore.get_connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (CREATE_KEY,))
            try:
                super().create_table()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (CREATE_KEY,))


class PostgresSnapshotRecorder(_CreatedOneAtATime):
    """The library's recorder of snapshots, its table created under the ledger's lock."""


class PostgresLedgerFactory(PostgresFactory):
    """The library's PostgreSQL persistence, its snapshot table created one process at a time
    (the application recorder is named by `APPLICATION_RECORDER_TOPIC`)."""

    aggregate_recorder_class = PostgresSnapshotRecorder


class PostgresLedgerRecorder(_CreatedOneAtATime, PostgresApplicationRecorder):
    """The library's PostgreSQL recorder, inserting a batch in one plain transaction instead of
    its pipeline: the events, the chain links, the record index rows and the read models each
    as one `COPY` (PostgreSQL refuses `COPY` in pipeline mode; the library's one `INSERT ...
    unnest` of an array of composites cost the server 4x a binary `COPY` of the same events,
    and a pipelined `executemany` has the server execute a statement per row: see
    docs/performance.md, PostgreSQL)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sql_create_statements.append(SQL(_RECORDS_DDL))  # type: ignore[arg-type]
        self.sql_create_statements.append(SQL(_CHAIN_DDL))  # type: ignore[arg-type]
        self.sql_create_statements.append(SQL(REGISTRY_KEYS_DDL))  # type: ignore[arg-type]
        table = Identifier(self.datastore.schema, self.events_table_name)
        # One round trip: the library's table lock (held to commit: notification ids commit in
        # the order they are drawn, and no other writer adds a chain link before ours), its
        # notification, the last id and the chain's head. And the planner's price of a page
        # read at random: its default (4x a page read in sequence) models a spinning disk, and
        # made the document rules' look-up of 500 animals a hash join over all of
        # rm_documents (100 ms at 600k records of a 1M load, growing with it) instead of 500
        # index probes (36 ms); a load's working set is in memory.
        self._begin = SQL(
            "SET LOCAL lock_timeout = '{timeout}s'; SET LOCAL random_page_cost = 1.1; "
            "LOCK TABLE {table} IN EXCLUSIVE MODE; "
            "NOTIFY {channel}; SELECT (SELECT MAX(notification_id) FROM {table}) AS last, "
            "({head}) AS link"
        ).format(
            timeout=Literal(self.datastore.lock_timeout),
            table=table,
            channel=Identifier(self.channel_name),
            head=SQL(_CHAIN_HEAD),
        )
        self._copy_events = SQL(
            "COPY {table} (originator_id, originator_version, topic, state) "
            "FROM STDIN (FORMAT BINARY)"
        ).format(table=table)
        self._event_types = [self.datastore.originator_id_type, "int8", "text", "bytea"]
        self._new_ids = SQL(
            "SELECT notification_id FROM {table} WHERE notification_id > %s "
            "ORDER BY notification_id"
        ).format(table=table)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return None
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            curs.execute(self._begin)
            while curs.description is None and curs.nextset():
                pass  # the SET, LOCK and NOTIFY return no rows
            row = curs.fetchone()
            assert row is not None
            last = row["last"] or 0
            with curs.copy(self._copy_events) as copy:
                copy.set_types(self._event_types)
                for s in stored_events:
                    copy.write_row((s.originator_id, s.originator_version, s.topic, s.state))
            # Under the table lock only this transaction draws ids, in the rows' order.
            ids = [r["notification_id"] for r in curs.execute(self._new_ids, (last,)).fetchall()]
            if len(ids) != len(stored_events):
                raise ProgrammingError(f"{len(stored_events)} events inserted, {len(ids)} ids")
            copy_rows(curs, CHAIN_TABLE, _chain_rows(_head(row), ids, stored_events))
            copy_rows(curs, RECORDS_TABLE, _record_rows(kwargs))
            _project(kwargs, curs, ids)
        # After the commit: the table lock is not held for it.
        with self.datastore.get_connection() as conn:
            analyze_grown(conn)
        return ids
