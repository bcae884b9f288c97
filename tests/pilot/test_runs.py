"""Reading by columns gives what reading row by row gives: `PilotFolder.runs()` the records of
`dated()` in its order, and `Checker.page` the errors of `Checker.row`."""

from __future__ import annotations

import csv
import json
import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from coloring.application import ColoringApplication
from coloring.handover import Batch
from coloring.pilot.checks import Checker
from coloring.pilot.csvfile import RawPage
from coloring.pilot.loader import load_folder
from coloring.pilot.reader import PilotFolder, PilotInputError, RegistryRun, read_folder
from coloring.pilot.stored import StoredLedger
from coloring.store import LedgerStore

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "akmola-small"


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="") as f:
        return list(csv.reader(f))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(rows)


def _flat(items: Any) -> list[tuple[str, int, Any]]:
    flat: list[tuple[str, int, Any]] = []
    for item in items:
        if isinstance(item, RegistryRun):
            flat.extend((item.file, line, r) for line, r in zip(item.lines, item.rows, strict=True))
        else:
            flat.append((item.file, item.line, item.record))
    return flat


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "folder"
    shutil.copytree(EXAMPLE, folder)
    return folder


def _same_order(pilot: PilotFolder) -> list[Any]:
    runs = list(pilot.runs())
    assert _flat(runs) == _flat(pilot.dated())
    return runs


def test_registry_runs_hold_the_records_of_dated_in_its_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("coloring.pilot.reader.PAGE", 7)  # runs that cross pages
    runs = _same_order(read_folder(_folder(tmp_path)))
    assert any(isinstance(r, RegistryRun) and len(r.rows) > 1 for r in runs)


def test_registry_rows_at_the_instants_of_other_files_come_between_them_by_file_rank(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path)
    # Purchases rank before the registry, acts and transfers after it.
    instants = []
    for name, column in (("purchases.csv", "contracted_at"), ("acts.csv", "accepted_at")):
        header, *rows = _rows(folder / name)
        instants += [row[header.index(column)] for row in rows]
    instants += [row[1] for row in _rows(folder / "transfers.csv")[1:]]
    instants.sort()
    header, *rows = _rows(folder / "registry.csv")
    at = header.index("at")
    for n, row in enumerate(rows):
        row[at] = instants[n * len(instants) // len(rows)]
    _write(folder / "registry.csv", [header, *rows])
    runs = _same_order(read_folder(folder))
    assert any(isinstance(r, RegistryRun) for r in runs)


def test_a_registry_out_of_time_order_comes_row_by_row(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    header, *rows = _rows(folder / "registry.csv")
    random.Random(3).shuffle(rows)
    _write(folder / "registry.csv", [header, *rows])
    runs = _same_order(read_folder(folder))
    assert not any(isinstance(r, RegistryRun) for r in runs)


def _broken(folder: Path, seed: int) -> None:
    """Ids made duplicate, clashing, unknown or malformed, cells emptied, rows cut or copied."""
    rnd = random.Random(seed)
    names = ["transfers.csv", "acts.csv", "loans.csv", "purchases.csv", "allocations.csv"]
    files = {name: _rows(folder / name) for name in names}
    ids = [row[0] for rows in files.values() for row in rows[1:]]
    for _ in range(rnd.randint(10, 40)):
        rows = files[rnd.choice(names)]
        i = rnd.randrange(1, len(rows))
        row = rows[i]
        c = rnd.randrange(len(row))
        change = rnd.randrange(6)
        if change == 0:
            row[c] = rnd.choice(ids)
        elif change == 1:  # a reference most often
            row[rnd.choice([c, min(len(row) - 1, rnd.randrange(1, 5))])] = (
                f"NOPE-{rnd.randrange(3)}"
            )
        elif change == 2:
            row[c] = rnd.choice(["bad id!", "", " ", "T-\u00e9"])
        elif change == 3:
            rows[i] = row[:-1]
        elif change == 4:
            rows.insert(rnd.randrange(1, len(rows)), list(row))
        else:
            row[0] = rnd.choice(ids)
    for name, rows in files.items():
        _write(folder / name, rows)


def _errors(folder: Path) -> str:
    try:
        read_folder(folder)
    except PilotInputError as e:
        return str(e)
    return ""


@pytest.mark.parametrize("seed", range(12))
def test_checking_pages_by_columns_gives_the_errors_of_checking_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    folder = _folder(tmp_path)
    _broken(folder, seed)
    monkeypatch.setattr("coloring.pilot.reader.PAGE", 50)
    by_columns = _errors(folder)

    def by_rows(self: Checker, file: str, page: RawPage) -> None:
        for row in page.as_rows():
            self.row(file, row)

    monkeypatch.setattr(Checker, "page", by_rows)
    assert by_columns == _errors(folder)
    assert by_columns


def _ledger(db: Path) -> tuple[list[Any], list[Any]]:
    """The stored events (all but their time of writing) and the record index, in order."""
    with sqlite3.connect(db) as c:
        events = c.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events"
            " ORDER BY rowid"
        ).fetchall()
        index = c.execute("SELECT * FROM ledger_records ORDER BY seq, kind, key").fetchall()
    kept = []
    for oid, version, topic, state in events:
        body = json.loads(state)
        body.pop("timestamp", None)
        kept.append((oid, version, topic, body))
    return kept, index


def _load(folder: Path, db: Path) -> list[tuple[str, int, int]]:
    ticks: list[tuple[str, int, int]] = []
    app = ColoringApplication(f"sqlite:///{db}")
    load_folder(app, folder, progress=lambda *tick: ticks.append(tick))
    return ticks


@pytest.mark.parametrize("batch", [7, 50])
def test_a_load_by_registry_runs_writes_the_ledger_of_a_load_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """Runs cut at batch boundaries (every `batch` dated records): the same events, index rows
    and progress as when every record comes alone."""
    folder = _folder(tmp_path)
    monkeypatch.setattr("coloring.pilot.loader.BATCH", batch)
    monkeypatch.setattr("coloring.pilot.loader.PROGRESS_EVERY", 3)
    monkeypatch.setattr("coloring.pilot.reader.PAGE", 5)
    by_runs = _load(folder, tmp_path / "runs.db")
    with monkeypatch.context() as m:
        m.setattr(PilotFolder, "runs", PilotFolder.dated)
        by_rows = _load(folder, tmp_path / "rows.db")
    assert _ledger(tmp_path / "runs.db") == _ledger(tmp_path / "rows.db")
    assert by_runs == by_rows
    # Every third record reported once, then the end (whether or not it is a third's).
    total = by_runs[-1][2]
    assert [done for step, done, _ in by_runs if step == "recording"] == [
        *range(3, total + 1, 3),
        total,
    ]


@pytest.mark.parametrize("saved", [3, 9, 20])
def test_a_load_stopped_within_a_registry_run_is_completed_by_loading_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, saved: int
) -> None:
    folder = _folder(tmp_path)
    monkeypatch.setattr("coloring.pilot.loader.BATCH", 7)
    _load(folder, tmp_path / "whole.db")
    flush = LedgerStore.flush
    calls = 0

    def stopping(store: LedgerStore) -> None:
        nonlocal calls
        calls += 1
        if calls > saved:
            raise KeyboardInterrupt
        flush(store)

    with monkeypatch.context() as m:
        m.setattr(LedgerStore, "flush", stopping)
        with pytest.raises(KeyboardInterrupt):
            _load(folder, tmp_path / "resumed.db")
    partial = _ledger(tmp_path / "resumed.db")
    assert 0 < len(partial[1]) < len(_ledger(tmp_path / "whole.db")[1])
    _load(folder, tmp_path / "resumed.db")
    whole, resumed = _ledger(tmp_path / "whole.db"), _ledger(tmp_path / "resumed.db")
    assert resumed[1] == whole[1]
    assert resumed[0] == whole[0]


def test_batches_handed_over_and_written_by_another_store_make_the_ledger_of_one_load(
    tmp_path: Path,
) -> None:
    """`LedgerStore.hand_over` and `write` (the parallel load's seam) with one judging store:
    the writer's ledger, record counter and latest instant are those of a load of its own."""
    folder = _folder(tmp_path)
    _load(folder, tmp_path / "one.db")
    one = ColoringApplication(f"sqlite:///{tmp_path / 'one.db'}").store
    writer = ColoringApplication(f"sqlite:///{tmp_path / 'two.db'}").store
    judge = ColoringApplication(f"sqlite:///{tmp_path / 'two.db'}")
    batches: list[Batch] = []
    judge.store.hand_over(batches.append, writer.start())
    load_folder(judge, folder)
    assert _ledger(tmp_path / "two.db") == ([], [])
    for batch in batches:
        writer.write(Batch.merged([batch]))
    assert _ledger(tmp_path / "two.db") == _ledger(tmp_path / "one.db")
    assert (writer.seq, writer.latest_us) == (one.seq, one.latest_us)
    program = _rows(folder / "programs.csv")[1][0]
    assert StoredLedger(writer).program_exists(program)
