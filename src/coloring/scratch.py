"""Temporary folders that say whose they are, so that what a killed process left can be removed.

A load copies the pilot folder it reads, a scenario replay copies or generates the folder it
loads, and a report's PNG export gives each headless Chromium it runs a profile folder of its
own: each in a temporary folder that the process removes when it ends, however it ends, except
when it is killed with SIGKILL (or by the out-of-memory killer): then the folder stays (a pilot
folder's copy is as large as the folder). Each such folder's name says whose it is
(`coloring-KIND-SCOPE-PID-START-…`), and the next command that makes folders of that kind
removes each one whose process no longer runs (`remove_stale`).

The owner is in the name, not in a file inside, because `mkdtemp` creates the name at once: no
instant exists at which a folder is there and its owner not yet recorded (a process killed in
it would leave a folder no later one may take for stale). A pid alone could be reused by a
process started later, so the process's start time (`/proc/PID/stat`) goes with it; and both
mean something only on this boot of this machine and in this pid namespace (a container sharing
the TMPDIR counts pids its own way), which SCOPE names.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

Kind = Literal["load", "scenario", "browser"]
WHAT: dict[Kind, tuple[str, str, str]] = {
    "load": ("copy of a pilot folder", "copies of pilot folders", "load"),
    "scenario": (
        "copy of a scenario's pilot folder",
        "copies of scenarios' pilot folders",
        "replay",
    ),
    "browser": ("browser profile", "browser profiles", "PNG export"),
}
"""A kind's folder, one and many, and the process that makes it, in `removed_line`'s words."""


def _started(pid: int) -> int | None:
    """When process `pid` started, in clock ticks since boot (field 22 of /proc/PID/stat); None
    when no process has that pid."""
    try:
        line = Path(f"/proc/{pid}/stat").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # Field 2, the command's name, is in parentheses and may hold spaces and parentheses.
    return int(line.rpartition(b")")[2].split()[19])


def _scope() -> str | None:
    """This boot of this machine and this pid namespace, in which a pid and a start time name
    one process, as 12 hex digits; None where /proc does not tell (not Linux)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return None
    return hashlib.sha256(f"{boot} {namespace}".encode()).hexdigest()[:12]


def _prefix(kind: Kind) -> str:
    """The name of this process's folder of `kind` up to its random end: its owner when it can
    be told, else the bare prefix (a folder no other process will ever remove)."""
    bare = f"coloring-{kind}-"
    scope, pid = _scope(), os.getpid()
    started = _started(pid)
    if scope is None or started is None:
        return bare
    return f"{bare}{scope}-{pid}-{started}-"


@contextmanager
def scratch_folder(kind: Kind) -> Iterator[Path]:
    """A temporary folder of `kind`, named after this process, removed when the block ends."""
    with tempfile.TemporaryDirectory(prefix=_prefix(kind)) as folder:
        yield Path(folder)


def _stale(entry: os.DirEntry[str], owned: re.Pattern[str], scope: str) -> bool:
    """Whether `entry` is a folder of this user's, made in this scope by a process now gone.
    Another user's is never touched: root could remove it, and where /proc hides other users'
    processes (`hidepid`) each of theirs would look gone."""
    found = owned.fullmatch(entry.name)
    if found is None or found["scope"] != scope:
        return False
    try:
        if entry.stat(follow_symlinks=False).st_uid != os.getuid():
            return False
        return _started(int(found["pid"])) != int(found["started"])
    except OSError:
        return False  # cannot tell: kept


def remove_stale(kind: Kind) -> int:
    """Remove the folders of `kind` in the temporary folder whose process no longer runs (killed
    with SIGKILL, which gives it no chance to); how many were removed. Best effort: a folder that
    cannot be judged or removed is left for a later command, and nothing is raised."""
    scope = _scope()
    if scope is None:
        return 0
    owned = re.compile(
        rf"coloring-{kind}-(?P<scope>[0-9a-f]{{12}})-(?P<pid>\d+)-(?P<started>\d+)-\w+"
    )
    try:
        with os.scandir(tempfile.gettempdir()) as entries:
            stale = [entry.path for entry in entries if _stale(entry, owned, scope)]
    except OSError:
        return 0
    removed = 0
    for path in stale:
        try:
            shutil.rmtree(path)
        except OSError:
            continue
        removed += 1
    return removed


def removed_line(kind: Kind, removed: int) -> str | None:
    """The one line for the user after `remove_stale`, if it removed anything: the space comes
    back, and a command may have been killed without anyone seeing it."""
    if not removed:
        return None
    one, many, process = WHAT[kind]
    what, whose = (
        (one, f"a {process} that was") if removed == 1 else (many, f"{process}s that were")
    )
    return f"removed {removed} {what} left in {tempfile.gettempdir()} by {whose} killed"
