"""The write lock and the files a refused load may remove, in one process (two locks in one
process conflict like two processes: flock and advisory locks belong to an open file or a
session)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import psycopg
import pytest

from coloring.locking import CATCH_UP, FreshFiles, LedgerBusyError, WriteLock

POSTGRES_URL = os.environ.get(
    "COLORING_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def test_a_second_writer_is_refused_naming_the_first(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    with WriteLock(url, "load") as first:
        first.acquire()
        with pytest.raises(LedgerBusyError, match=f"the load started at .* by pid {os.getpid()}"):
            WriteLock(url, "rebuild").acquire()


def test_a_waiting_writer_says_whom_it_waits_for_and_gives_up_after_the_wait(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    said: list[str] = []
    with WriteLock(url, "load") as first:
        first.acquire()
        with pytest.raises(LedgerBusyError):
            WriteLock(url, "amend").acquire(wait=0.3, on_wait=said.append)
    assert len(said) == 1 and said[0].startswith("waiting for the load started at ")


def test_a_writer_waits_for_a_readers_catch_up_even_without_wait(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    reader = WriteLock(url, CATCH_UP)
    reader.acquire()
    threading.Timer(0.5, reader.release).start()
    said: list[str] = []
    with WriteLock(url, "load") as writer:
        writer.acquire(on_wait=said.append)
        assert writer.held
    assert said[0].startswith("waiting for the catch-up started at ")


def test_the_lock_is_free_again_once_released(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    first = WriteLock(url, "load")
    first.acquire()
    first.release()
    with WriteLock(url, "load") as second:
        assert second.try_acquire()


def test_a_reader_creates_no_lock_file_where_it_may_not(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    assert not WriteLock(url, "catch-up").try_acquire(create=False)
    assert not (tmp_path / "l.db.lock").exists()


def test_a_removed_lock_file_is_not_locked_by_a_late_opener(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    first = WriteLock(url, "load")
    first.acquire()
    first.remove_file()
    first.release()
    with WriteLock(url, "load") as second:
        second.acquire()
        assert (tmp_path / "l.db.lock").exists()


def made_around(db: Path, *logs: str) -> FreshFiles:
    """FreshFiles that watched `db` being made, with a log file per suffix in `logs`."""
    made = FreshFiles(f"sqlite:///{db}")
    made.before()
    db.write_text("mine")
    for suffix in logs:
        Path(f"{db}{suffix}").write_text("log")
    made.after()
    return made


def test_fresh_files_removes_only_the_files_it_made(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    made = made_around(db)
    db.unlink()
    db.write_text("another process's ledger")  # the same name, another inode
    assert not made.remove()
    assert db.read_text() == "another process's ledger"


def test_fresh_files_removes_what_it_made_when_it_is_still_there(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    made = made_around(db, "-wal")
    assert made.remove()
    assert not db.exists() and not Path(f"{db}-wal").exists()


def test_fresh_files_never_removes_a_ledger_that_existed(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    db.write_text("old")
    made = FreshFiles(f"sqlite:///{db}")
    made.before()
    made.after()
    assert not made.remove()
    assert db.exists()


def test_files_made_are_let_go_when_the_load_is_kept(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    made = made_around(db)
    made.forget()
    assert made.made == [] and db.exists()


@pytest.mark.postgres
def test_postgres_writers_exclude_each_other_by_an_advisory_lock() -> None:
    if os.environ.get("COLORING_SKIP_POSTGRES") == "1":
        pytest.skip("COLORING_SKIP_POSTGRES=1")
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.OperationalError:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    with WriteLock(POSTGRES_URL, "load") as first:
        first.acquire()
        with pytest.raises(LedgerBusyError, match=f"by pid {os.getpid()}"):
            WriteLock(POSTGRES_URL, "load").acquire()
    with WriteLock(POSTGRES_URL, "load") as again:
        assert again.try_acquire()
