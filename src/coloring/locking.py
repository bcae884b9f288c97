"""One writer per ledger: a ledger-wide write lock held for a whole command.

`load`, `amend`, `rebuild` and the read models' catch-up write the ledger; two of them at once
would interleave their records (sequence numbers, time order) or race on creating the tables.
Each takes this lock before it opens the ledger and keeps it to the end:

- SQLite file: an exclusive `flock` on a sidecar file `<db>.lock`. The kernel drops it when the
  process ends, however it ends (kill -9 included), so a dead writer never blocks the next. The
  holder writes who it is (pid, command, start) into the file for the others' messages.
- PostgreSQL: a session advisory lock on a connection of its own, open for the whole command;
  the server drops it with the session. Who holds it is kept in a one-row table.
- SQLite in memory: one process only; nothing to lock.

A second writer is refused at once (or waits `wait` seconds first) with `LedgerBusyError`,
naming the holder; it always waits for a reader's catch-up.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coloring.clock import utc_now
from coloring.closing import Closing
from coloring.domain.errors import ColoringError, DatabaseUnavailableError
from coloring.persistence import database_url, postgres_connect, sqlite_file

if TYPE_CHECKING:
    import psycopg

    from coloring.projections.runner import ProjectionRunner

# A fixed key meaning "the ledger's writer" (advisory locks are scoped to one database).
ADVISORY_KEY = 0x2C5A_1D0E_6B3F_4A97
WRITER_TABLE = "ledger_writer"
POLL_SECONDS = 0.2
CATCH_UP = "catch-up"
"""The command a reader names while it holds the lock to bring the read models up to date."""


class LedgerBusyError(ColoringError):
    """Another process is writing this ledger."""


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) the write lock."""

    command: str
    pid: int
    host: str
    started_at: str

    def describe(self) -> str:
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"the {self.command} started at {self.started_at} by pid {self.pid}{where}"

    @staticmethod
    def now(command: str) -> Holder:
        return Holder(command, os.getpid(), socket.gethostname(), utc_now())


def _describe(holder: Holder | None) -> str:
    return holder.describe() if holder is not None else "another process"


class WriteLock(Closing):
    """The ledger's write lock. `acquire()` takes it (or raises `LedgerBusyError`),
    `try_acquire()` takes it only if it is free now, `release()` lets it go."""

    def __init__(self, db_url: str | None, command: str) -> None:
        self.url = database_url(db_url)
        self.command = command
        self.held = False
        self._fd: int | None = None
        self._conn: psycopg.Connection[Any] | None = None
        self.created_file = False
        """Whether this process created the SQLite lock file (so may remove it)."""

    # -- public ------------------------------------------------------------------------

    def acquire(self, wait: float = 0.0, on_wait: Callable[[str], None] | None = None) -> None:
        deadline = time.monotonic() + max(0.0, wait)
        told = False
        while not self.try_acquire(create=True):
            holder = self.holder()
            # A reader bringing the read models up to date holds the lock only for that: a
            # writer waits for it rather than fail because a reader happened to look first.
            catching_up = holder is not None and holder.command == CATCH_UP
            if time.monotonic() >= deadline and not catching_up:
                raise LedgerBusyError(
                    f"the ledger {self.url} is being written by {_describe(holder)}; "
                    "one writer at a time: try again when it has finished, or pass --wait SECONDS"
                )
            if not told and on_wait is not None:
                on_wait(f"waiting for {_describe(holder)} (ledger {self.url})")
                told = True
            time.sleep(POLL_SECONDS)

    def try_acquire(self, create: bool = False) -> bool:
        """Take the lock if nobody holds it now. A reader passes `create=False`: it creates
        no lock file next to a ledger that has none (it then holds nothing)."""
        if self.held:
            return True
        path = sqlite_file(self.url)
        if path is not None:
            self.held = self._flock(Path(f"{path}.lock"), create)
        elif self.url.startswith(("postgresql:", "postgres:")):
            self.held = self._advisory()
        else:
            self.held = True  # in memory: this process is the only one
        return self.held

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.held = False

    close = release  # the end of a `with` block

    def remove_file(self) -> None:
        """Remove the SQLite lock file, if this process created it and it is still that file;
        called while the lock is held, just before `release()`."""
        path = sqlite_file(self.url)
        if path is None or self._fd is None or not self.created_file:
            return
        lock_path = Path(f"{path}.lock")
        if _same_file(self._fd, lock_path):
            lock_path.unlink()

    def holder(self) -> Holder | None:
        """Who holds the lock, as far as the holder has said (None if unknown)."""
        path = sqlite_file(self.url)
        try:
            if path is not None:
                data = json.loads(Path(f"{path}.lock").read_text() or "null")
            else:
                data = self._pg_holder()
            return Holder(**data) if isinstance(data, dict) else None
        except (OSError, ValueError, TypeError):
            return None

    # -- SQLite ------------------------------------------------------------------------

    def _flock(self, lock_path: Path, create: bool) -> bool:
        while True:
            created = False
            try:
                if create:
                    try:
                        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
                        created = True
                    except FileExistsError:
                        fd = os.open(lock_path, os.O_RDWR)
                else:
                    fd = os.open(lock_path, os.O_RDWR)
            except FileNotFoundError as e:
                if not create:
                    return False
                if lock_path.parent.is_dir():
                    continue  # removed in between: create it
                raise DatabaseUnavailableError(
                    f"cannot open the ledger at {self.url}: {e.strerror} "
                    f"({lock_path.parent}); check the path and --db / COLORING_DB"
                ) from None
            except OSError as e:
                return self._unopenable(lock_path, e, create)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                os.close(fd)
                if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    return False
                raise
            if not _same_file(fd, lock_path):
                # The previous holder removed the file after we opened it: lock the new one.
                os.close(fd)
                continue
            self._fd = fd
            self.created_file = created
            info = json.dumps(Holder.now(self.command).__dict__).encode()
            os.ftruncate(fd, 0)
            os.pwrite(fd, info, 0)
            return True

    def _unopenable(self, lock_path: Path, e: OSError, create: bool) -> bool:
        if not create:
            return False  # a read-only place: a reader simply holds nothing
        raise DatabaseUnavailableError(
            f"cannot open the ledger's lock file {lock_path}: {e.strerror}"
        ) from None

    # -- PostgreSQL --------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        return postgres_connect(self.url)

    def _advisory(self) -> bool:
        import psycopg  # PostgreSQL only: a SQLite command does not import it (~0.1 s)

        conn = self._connect()
        try:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()
            if not (row and row[0]):
                conn.close()
                return False
            # Created under the lock: only the holder ever creates or writes it.
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {WRITER_TABLE} (id INT PRIMARY KEY, command TEXT, "
                "pid BIGINT, host TEXT, started_at TEXT)"
            )
            h = Holder.now(self.command)
            conn.execute(
                f"INSERT INTO {WRITER_TABLE} VALUES (1, %s, %s, %s, %s) ON CONFLICT (id) DO "
                "UPDATE SET command = excluded.command, pid = excluded.pid, "
                "host = excluded.host, started_at = excluded.started_at",
                (h.command, h.pid, h.host, h.started_at),
            )
        except psycopg.Error:
            conn.close()
            raise
        self._conn = conn
        return True

    def _pg_holder(self) -> dict[str, Any] | None:
        import psycopg

        try:
            with self._connect() as conn:
                row = conn.execute(
                    f"SELECT command, pid, host, started_at FROM {WRITER_TABLE} WHERE id = 1"
                ).fetchone()
        except psycopg.Error:
            return None
        if row is None:
            return None
        return {"command": row[0], "pid": row[1], "host": row[2], "started_at": row[3]}


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (st.st_ino, st.st_dev) == (own.st_ino, own.st_dev)


def reader_may_create(url: str) -> bool:
    """Whether a reader may create the lock file of a SQLite ledger: yes where it can write
    (it does not hold the lock for long), and where the ledger does not exist yet (opening it
    then fails or creates it, as a writer would)."""
    path = sqlite_file(url)
    if path is None or not path.exists():
        return True
    return os.access(path.parent, os.W_OK)


class FreshFiles:
    """The files of a SQLite ledger that this process creates, known by inode: a refused load
    into a ledger that did not exist removes them, and never a file another process made in
    the meantime under the same name. `before()` and `after()` are called under the write
    lock, around opening the ledger; each file made is held open until `remove()` or
    `forget()`, so that its inode cannot be reused by another file meanwhile."""

    def __init__(self, url: str) -> None:
        self.path = sqlite_file(url)
        self.fresh = False
        self.made: list[tuple[Path, int]] = []

    def before(self) -> None:
        self.fresh = self.path is not None and not os.path.lexists(self.path)

    def after(self) -> None:
        if not self.fresh or self.path is None:
            return
        for name in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
            try:
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                continue
            self.made.append((name, fd))

    def remove(self) -> bool:
        """Remove the files this process made that are still those files; whether the ledger
        file itself was among them."""
        removed_ledger = False
        for name, fd in self.made:
            if _same_file(fd, name):
                name.unlink()
                removed_ledger = removed_ledger or name == self.path
        self.forget()
        return removed_ledger

    def forget(self) -> None:
        for _, fd in self.made:
            os.close(fd)
        self.made = []


def catch_up_if_free(runner: ProjectionRunner) -> bool:
    """Bring the read models up to date if nobody writes the ledger now (a reader never waits
    for, nor competes with, a writer); whether they were brought up to date."""
    lock = WriteLock(runner.store.db_url, CATCH_UP)
    try:
        if not lock.try_acquire(create=reader_may_create(lock.url)):
            return False
        runner.run()
        return True
    finally:
        lock.release()
