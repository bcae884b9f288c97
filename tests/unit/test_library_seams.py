"""The eventsourcing internals the ledger relies on, each pinned here by what it does, so that a
new version of the library (pyproject pins `eventsourcing<9.6`) is tried by running this file.

- `persistence.SQLiteLedgerRecorder._insert_events`: the library's `insert_events` opens the
  transaction and calls this private hook inside it; the ledger extends it to write the hash
  chain, the record index and the read models in the events' transaction (no public hook runs
  inside it).
- `persistence._LedgerSQLitePool._create_connection`: the private method that opens each
  connection, extended to set the page cache and the checkpoint interval (measured there); the
  factory swaps the library's pool (`datastore.pool`) before any connection is made.
- `projections.runner.EventLog`: reads the events table and decodes a stored state straight
  into its event class, without the mapper (measured in docs/architecture.md, "Projections"):
  it relies on the state being the JSON of the event's fields.
- `store.LedgerStore.register_transcodings` turns off the library's JSON encoder's search for
  cycles (`check_circular`, an attribute `json` reads at each encoding): the text is the same.
- `persistence_pg.PostgresLedgerRecorder` replaces the public `insert_events` with its own
  `COPY` (measured in its docstring), reading the recorder's attributes (`datastore.schema`,
  `events_table_name`, `channel_name`, `sql_create_statements`): every test that loads on
  PostgreSQL exercises it (the `db_url` fixture).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from coloring.application import ColoringApplication
from coloring.persistence import PAGE_CACHE_KIB, WAL_CHECKPOINT_PAGES
from coloring.pilot.loader import load_folder
from coloring.projections.runner import ProjectionRunner
from coloring.store import LedgerStore
from pilot.builders import season


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LedgerStore]:
    ledger = LedgerStore(f"sqlite:///{tmp_path / 'ledger.db'}")
    yield ledger
    ledger.close()


def stored_event(version: int = 1) -> StoredEvent:
    return StoredEvent(uuid4(), version, "coloring.Test", b'{"seq": 1}')


def count(store: LedgerStore, table: str) -> int:
    with store.recorder.datastore.transaction(commit=False) as c:  # type: ignore[attr-defined]
        c.execute(f"SELECT COUNT(*) FROM {table}")
        return int(c.fetchone()[0])


def test_events_are_inserted_with_their_chain_links_and_index_rows_in_one_transaction(
    store: LedgerStore,
) -> None:
    record = ("transfer", "T1", "digest", 1, None, "transfers.csv")
    store.recorder.insert_events([stored_event()], records=[record])
    assert (count(store, "stored_events"), count(store, "ledger_chain")) == (1, 1)
    assert count(store, "ledger_records") == 1


def test_an_index_row_that_cannot_be_written_leaves_its_events_unwritten(
    store: LedgerStore,
) -> None:
    record = ("transfer", "T1", "digest", 1, None, "transfers.csv")
    store.recorder.insert_events([stored_event()], records=[record])
    with pytest.raises(IntegrityError, match="UNIQUE"):
        store.recorder.insert_events([stored_event()], records=[record])
    assert (count(store, "stored_events"), count(store, "ledger_chain")) == (1, 1)


def test_the_ledgers_sqlite_connections_get_its_page_cache_and_checkpoint_interval(
    store: LedgerStore,
) -> None:
    with store.recorder.datastore.transaction(commit=False) as c:  # type: ignore[attr-defined]
        c.execute("PRAGMA cache_size")
        assert c.fetchone()[0] == -PAGE_CACHE_KIB
        c.execute("PRAGMA wal_autocheckpoint")
        assert c.fetchone()[0] == WAL_CHECKPOINT_PAGES


def test_the_projections_decode_every_stored_event_as_the_librarys_mapper_does(
    tmp_path: Path,
) -> None:
    """Every field but the ones the mapper takes from the row or transcodes (the originator,
    the version, the timestamp), which the fold never reads."""
    app = ColoringApplication(f"sqlite:///{tmp_path / 'ledger.db'}")
    try:
        load_folder(app, season(tmp_path / "pilot").write())
        log = ProjectionRunner(app.store).log
        rows = log.stored(1, 10_000)
        assert rows
        skipped = {"originator_id", "originator_version", "timestamp"}
        for row in rows:
            n, topic, event = log.decoded(row)
            (notification,) = app.store.recorder.select_notifications(n, 1)
            expected = app.store.mapper.to_domain_event(notification)
            assert type(event) is type(expected), topic
            mine = {k: v for k, v in vars(event).items() if k not in skipped}
            assert mine == {k: v for k, v in vars(expected).items() if k not in skipped}, topic
    finally:
        app.close()


def test_a_statement_the_ledgers_connection_runs_again_is_not_compiled_again(
    store: LedgerStore,
) -> None:
    """SQLite asks the authorizer while it compiles a statement, not while it runs it. The
    library's own connections kept one compiled statement: every other was compiled again."""
    compiled: list[int] = []
    with store.recorder.datastore.transaction(commit=False) as c:  # type: ignore[attr-defined]
        connection = c.sqlite_cursor.connection
        connection.set_authorizer(lambda action, *_: compiled.append(action) or sqlite3.SQLITE_OK)
        after_first_run = 0
        for _ in range(2):
            for table in ("ledger_records", "ledger_chain", "stored_events"):
                c.execute(f"SELECT COUNT(*) FROM {table}")
                c.fetchone()
            after_first_run = after_first_run or len(compiled)
        connection.set_authorizer(None)
    assert after_first_run > 0
    assert len(compiled) == after_first_run


def test_events_are_stored_as_the_text_the_librarys_own_encoder_makes(tmp_path: Path) -> None:
    app = ColoringApplication(f"sqlite:///{tmp_path / 'ledger.db'}")
    try:
        load_folder(app, season(tmp_path / "pilot").write())
        transcoder = app.store.mapper.transcoder
        librarys = json.JSONEncoder(
            default=transcoder._encode_obj,  # type: ignore[attr-defined]
            separators=(",", ":"),
            ensure_ascii=False,
        )
        notifications = app.store.recorder.select_notifications(1, 10_000)
        assert notifications
        for n in notifications:
            state = transcoder.decode(n.state)
            assert librarys.encode(state).encode() == transcoder.encode(state) == n.state
    finally:
        app.close()
