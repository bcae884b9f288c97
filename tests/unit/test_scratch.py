"""A load (a scenario replay) removes the temporary folders of its kind that killed loads
(replays) left in TMPDIR, and no other: a folder's owner is told by its pid and the start time of
that pid's process, on this boot and in this pid namespace, and only the user's own are judged."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from coloring import scratch
from coloring.pilot import intake
from coloring.pilot.errors import ErrorSink


@pytest.fixture
def tmp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty TMPDIR of the test's own, as `tempfile` finds it."""
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    return private


def scope() -> str:
    found = scratch._scope()
    assert found is not None
    return found


def started(pid: int) -> int:
    found = scratch._started(pid)
    assert found is not None
    return found


def copy_of(
    tmp_folder: Path, pid: int, start: int, in_scope: str | None = None, kind: str = "load"
) -> Path:
    """A copy as a load (of `kind`) of process `pid` started at `start` names it, holding one
    file."""
    path = tmp_folder / f"coloring-{kind}-{in_scope or scope()}-{pid}-{start}-k3x_9q2a"
    path.mkdir()
    (path / "transfers.csv").write_text("transfer_id\n")
    return path


@pytest.fixture
def ended() -> tuple[int, int]:
    """The pid and start time of a process that has ended."""
    process = subprocess.Popen(["sleep", "60"])
    start = started(process.pid)
    process.kill()
    process.wait()
    return process.pid, start


def test_a_running_process_has_one_start_time_and_an_ended_one_none(
    ended: tuple[int, int],
) -> None:
    assert scratch._started(os.getpid()) == scratch._started(os.getpid()) is not None
    assert scratch._started(ended[0]) is None


def test_a_start_time_is_read_past_a_command_name_with_spaces_and_parentheses(
    tmp_path: Path,
) -> None:
    odd = tmp_path / "a) (b c"
    shutil.copy("/bin/sleep", odd)
    process = subprocess.Popen([str(odd), "60"])
    try:
        stat_line = Path(f"/proc/{process.pid}/stat").read_text()
        assert "(a) (b c)" in stat_line
        assert scratch._started(process.pid) == int(stat_line.split()[23])
    finally:
        process.kill()
        process.wait()


def test_the_copy_of_an_ended_process_is_removed(tmp_folder: Path, ended: tuple[int, int]) -> None:
    copy_of(tmp_folder, *ended)
    assert scratch.remove_stale("load") == 1
    assert list(tmp_folder.iterdir()) == []


def test_the_copy_of_a_running_process_is_kept(tmp_folder: Path) -> None:
    kept = copy_of(tmp_folder, os.getpid(), started(os.getpid()))
    assert scratch.remove_stale("load") == 0
    assert list(tmp_folder.iterdir()) == [kept]


def test_a_copy_whose_pid_now_names_a_process_started_at_another_time_is_removed(
    tmp_folder: Path,
) -> None:
    copy_of(tmp_folder, os.getpid(), started(os.getpid()) - 1)
    assert scratch.remove_stale("load") == 1
    assert list(tmp_folder.iterdir()) == []


def test_a_copy_made_on_another_boot_or_in_another_pid_namespace_is_kept(
    tmp_folder: Path, ended: tuple[int, int]
) -> None:
    kept = copy_of(tmp_folder, *ended, in_scope="0" * 12)
    assert scratch.remove_stale("load") == 0
    assert list(tmp_folder.iterdir()) == [kept]


def test_a_copy_of_another_user_is_kept(
    tmp_folder: Path, ended: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = copy_of(tmp_folder, *ended)
    monkeypatch.setattr(os, "getuid", lambda: kept.stat().st_uid + 1)
    assert scratch.remove_stale("load") == 0
    assert list(tmp_folder.iterdir()) == [kept]


def test_names_that_are_not_a_copy_with_its_owner_are_kept(tmp_folder: Path) -> None:
    kept = {
        tmp_folder / "coloring-load-k3x_9q2a",  # made by an older version: its owner is unknown
        tmp_folder / "coloring-scenario-k3x_9q2a",
        tmp_folder / f"coloring-load-{scope()}-1-2",
    }
    for path in kept:
        path.mkdir()
    assert scratch.remove_stale("load") == 0
    assert set(tmp_folder.iterdir()) == kept


def test_a_copy_that_cannot_be_removed_is_left_and_nothing_is_raised(
    tmp_folder: Path, ended: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    left = copy_of(tmp_folder, *ended)

    def refuse(path: str) -> None:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(shutil, "rmtree", refuse)
    assert scratch.remove_stale("load") == 0
    assert list(tmp_folder.iterdir()) == [left]


def test_a_load_names_its_copy_after_its_own_process(tmp_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pilot"
    folder.mkdir()
    with intake.taken(folder, ErrorSink()) as copy:
        assert copy is not None
        assert copy.path.parent == tmp_folder
        assert copy.path.name.startswith(
            f"coloring-load-{scope()}-{os.getpid()}-{started(os.getpid())}-"
        )
        assert scratch.remove_stale("load") == 0
        assert copy.path.exists()
    assert list(tmp_folder.iterdir()) == []


def test_each_kind_removes_only_its_own_folders(tmp_folder: Path, ended: tuple[int, int]) -> None:
    load = copy_of(tmp_folder, *ended)
    replay = copy_of(tmp_folder, *ended, kind="scenario")
    assert scratch.remove_stale("scenario") == 1
    assert list(tmp_folder.iterdir()) == [load]
    assert not replay.exists()


@pytest.mark.parametrize(
    ("kind", "removed", "line"),
    [
        ("load", 1, "removed 1 copy of a pilot folder left in {} by a load that was killed"),
        ("load", 2, "removed 2 copies of pilot folders left in {} by loads that were killed"),
        (
            "scenario",
            1,
            "removed 1 copy of a scenario's pilot folder left in {} by a replay that was killed",
        ),
        ("browser", 2, "removed 2 browser profiles left in {} by PNG exports that were killed"),
    ],
)
def test_the_user_is_told_how_many_folders_were_removed_and_where(
    tmp_folder: Path, kind: scratch.Kind, removed: int, line: str
) -> None:
    assert scratch.removed_line(kind, removed) == line.format(tmp_folder)


def test_nothing_is_said_when_nothing_was_removed() -> None:
    assert scratch.removed_line("load", 0) is None
