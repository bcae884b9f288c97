"""Taking in a pilot folder: its files are checked and copied to a private place first.

A load reads each file once and records the records it checked (`reader`, `stream`). Every
file is still copied first, byte for byte, into a private temporary folder, and the load reads
that copy: a file being written while it is read would otherwise be read half old, half new.
The copy is checked against the original's size, change time and inode before and after
copying (a file edited while it is copied is an error), and afterwards `changed_since()` tells
which originals changed during the load.

Every contract file must be a regular file that can be read: a directory, a FIFO (never opened:
reading one would block), a device, a dangling symbolic link or a symbolic link loop is an
input error, as are a missing folder, a file given as the folder and a folder that cannot be
read, all in the `path:0: -: reason` form.

A load killed with SIGKILL cannot remove its copy, which is as large as the folder: the copy is
a `coloring.scratch` folder of kind `load`, which the next load removes (`load_cli`).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from coloring.pilot.contract import FILES
from coloring.pilot.errors import ErrorSink
from coloring.scratch import scratch_folder

_CHUNK = 1 << 20


@dataclass
class TakenFolder:
    """The private copy of a folder (`path`) and what each original looked like."""

    source: Path
    path: Path
    stamps: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)

    def changed_since(self) -> list[str]:
        """The contract files whose original differs now from what was copied."""
        changed = []
        for name, stamp in sorted(self.stamps.items()):
            try:
                now = _stamp(os.stat(self.source / name))
            except OSError:
                changed.append(name)
                continue
            if now != stamp:
                changed.append(name)
        return changed


def _stamp(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns


def _reason(e: OSError, path: Path) -> str:
    if e.errno == errno.ELOOP:
        return "cannot be read: a symbolic link loop"
    if e.errno == errno.ENOENT and path.is_symlink():
        return "cannot be read: a symbolic link to nothing"
    if e.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied"
    return f"cannot be read: {e.strerror or e}"


def _status(
    path: Path,
    where: str,
    sink: ErrorSink,
    is_kind: Callable[[int], bool],
    not_kind: str,
    missing: str | None = None,
) -> os.stat_result | None:
    """The path's status if it is of the kind wanted; else None after reporting at `where` why
    not: `not_kind`, `missing` (if given) when there is no such path, or why it cannot be read."""
    try:
        st = os.stat(path)
    except OSError as e:
        gone = isinstance(e, FileNotFoundError)
        sink.add(where, 0, "-", missing if missing is not None and gone else _reason(e, path))
        return None
    if not is_kind(st.st_mode):
        sink.add(where, 0, "-", not_kind)
        return None
    return st


def _entries(folder: Path, sink: ErrorSink) -> list[Path] | None:
    where = str(folder)
    not_folder = "not a folder (expected a folder of pilot CSV files)"
    if _status(folder, where, sink, stat.S_ISDIR, not_folder, missing="no such folder") is None:
        return None
    try:
        with os.scandir(folder) as it:
            return sorted(Path(e.path) for e in it if e.name.lower().endswith(".csv"))
    except OSError as e:
        sink.add(where, 0, "-", _reason(e, folder))
        return None


def _copy(path: Path, target: Path, sink: ErrorSink) -> tuple[int, int, int, int] | None:
    """Copy one contract file; its stamp, or None after reporting why it cannot be used."""
    name = path.name
    st = _status(path, name, sink, stat.S_ISREG, "not a regular file")
    if st is None:
        return None
    try:
        # O_NONBLOCK: if the name became a FIFO since the check, opening it does not block.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as e:
        sink.add(name, 0, "-", _reason(e, path))
        return None
    with os.fdopen(fd, "rb") as src:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            sink.add(name, 0, "-", "not a regular file")
            return None
        try:
            with target.open("wb") as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
        except OSError as e:
            sink.add(name, 0, "-", _reason(e, path))
            return None
        after = os.fstat(fd)
    if _stamp(before) != _stamp(after) or _stamp(before) != _stamp(st):
        sink.add(name, 0, "-", "the file changed while it was being read; load it again")
        return None
    return _stamp(after)


@contextmanager
def taken(folder: Path, sink: ErrorSink) -> Iterator[TakenFolder | None]:
    """The folder's `.csv` files, checked and copied to a private temporary folder (removed
    afterwards); None when the folder or a contract file cannot be used (errors in `sink`).

    Files that are not of the contract are copied empty: only their names matter (they are
    reported by the reader)."""
    entries = _entries(folder, sink)
    if entries is None:
        yield None
        return
    with scratch_folder("load") as tmp:
        copy = TakenFolder(folder, tmp)
        for path in entries:
            if path.name in FILES:
                stamp = _copy(path, copy.path / path.name, sink)
                if stamp is not None:
                    copy.stamps[path.name] = stamp
            elif path.is_file():
                (copy.path / path.name).touch()
        yield None if sink.errors else copy
