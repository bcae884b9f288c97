"""Catching up is resumable: however the event log is folded (pages of any size, runs cut
short, crashes inside a page, a fresh runner now and then), the read models and the findings
end up those of one full rebuild.

Two ledgers, each recorded once: the hand-made season of `pilot.builders` (every file, most
rules) and a small realistic folder from the generator. Every example folds a copy of one.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coloring.application import ColoringApplication
from coloring.pilot.generator import generate
from coloring.pilot.loader import load_folder
from coloring.projections import queries, schema
from coloring.projections.fold import Fold
from coloring.projections.runner import ProjectionRunner
from pilot.builders import season


class Crash(Exception):
    """A failure inside a page's transaction, after the page's rows were written."""


def snapshot(runner: ProjectionRunner) -> dict[str, Any]:
    """Everything the read models say: the findings and every table's rows."""
    tables = {
        t: sorted(runner.db.query(f"SELECT * FROM {t}"), key=repr) for t in schema.READ_MODELS
    }
    return {"findings": [f.as_dict() for f in queries.findings(runner.db)], **tables}


@pytest.fixture(scope="module", params=["season", "generated"])
def recorded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the events of a pilot folder, with no read models."""
    root = tmp_path_factory.mktemp(f"catch-up-{request.param}")
    folder = root / "pilot"
    if request.param == "season":
        season(folder).write()
    else:
        generate(folder, seed=3, farmers=3)
    db = root / "events.db"
    app = ColoringApplication(f"sqlite:///{db}")
    try:
        load_folder(app, folder)
    finally:
        app.close()
    return db


@pytest.fixture(scope="module")
def copies(recorded: Path) -> Iterator[str]:
    """A new copy of the recorded events on each `next()`: its database URL."""

    def urls() -> Iterator[str]:
        for i in itertools.count():
            target = recorded.with_name(f"copy-{i}.db")
            shutil.copyfile(recorded, target)
            yield f"sqlite:///{target}"

    return urls()


@pytest.fixture(scope="module")
def rebuilt(copies: Iterator[str]) -> dict[str, Any]:
    app = ColoringApplication(next(copies))
    try:
        runner = ProjectionRunner(app.store)
        runner.rebuild()
        state = snapshot(runner)
    finally:
        app.close()
    assert state["findings"], "the generated ledger should have findings"
    return state


step = st.tuples(
    st.integers(min_value=1, max_value=150),  # page size
    st.one_of(st.none(), st.integers(min_value=1, max_value=4)),  # max pages (None: to the end)
    st.booleans(),  # a new runner object for this step
    st.one_of(st.none(), st.integers(min_value=1, max_value=3)),  # crash inside page n
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_incremental_catch_up_with_interruptions_equals_one_full_rebuild(
    copies: Iterator[str], rebuilt: dict[str, Any], steps: list[tuple[Any, ...]]
) -> None:
    app = ColoringApplication(next(copies))
    try:
        runner = ProjectionRunner(app.store)
        for page_size, max_pages, fresh, crash_in_page in steps:
            if fresh:
                runner = ProjectionRunner(app.store)
            run_interrupted(runner, page_size, max_pages, crash_in_page)
        while runner.pending():
            runner.run(page_size=steps[-1][0], max_pages=3)
        assert snapshot(runner) == rebuilt
    finally:
        app.close()


@contextmanager
def crashing_in_page(crash_in_page: int) -> Iterator[None]:
    """Folds that crash in their page `crash_in_page` (counted from 1), after writing it and
    before it is committed."""
    write = Fold.write
    pages = itertools.count(1)

    def failing_write(self: Fold, c: Any) -> None:
        write(self, c)
        if next(pages) == crash_in_page:
            raise Crash

    with mock.patch.object(Fold, "write", failing_write):
        yield


def run_interrupted(
    runner: ProjectionRunner, page_size: int, max_pages: int | None, crash_in_page: int | None
) -> None:
    """One `run`, crashing (after writing, before committing) in its page `crash_in_page`."""
    if crash_in_page is None:
        runner.run(page_size=page_size, max_pages=max_pages)
        return
    with crashing_in_page(crash_in_page):
        before = runner.position()
        try:
            runner.run(page_size=page_size, max_pages=max_pages)
        except Crash:
            assert runner.position() >= before


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    page_size=st.integers(min_value=1, max_value=60),
    crash_in_page=st.integers(min_value=1, max_value=3),
    fresh=st.booleans(),
)
def test_a_rebuild_cut_short_is_completed_by_the_next_catch_up(
    copies: Iterator[str],
    rebuilt: dict[str, Any],
    page_size: int,
    crash_in_page: int,
    fresh: bool,
) -> None:
    """A rebuild is a bulk fold (balance steps and document findings derived at its end): one
    that stops between pages leaves its marker, so readers do not take its read models as
    current, and the next catch-up, by any runner, completes them."""
    app = ColoringApplication(next(copies))
    try:
        runner = ProjectionRunner(app.store)
        runner.run()
        with crashing_in_page(crash_in_page):
            try:
                runner.rebuild(page_size=page_size)
            except Crash:
                with runner.db.transaction(commit=False) as c:
                    assert schema.in_bulk(c)
                    assert not schema.is_complete(c)
        if fresh:
            runner = ProjectionRunner(app.store)
        runner.run(page_size=page_size)
        with runner.db.transaction(commit=False) as c:
            assert schema.is_complete(c)
        assert snapshot(runner) == rebuilt
    finally:
        app.close()


def test_a_bulk_fold_begun_with_its_balance_steps_left_to_its_end_gets_them_all_at_its_end(
    copies: Iterator[str], rebuilt: dict[str, Any]
) -> None:
    """A rebuild cut short in its last page by a version whose pages wrote no balance steps
    (its marker says so), completed by this one, whose pages write them: the end derives
    every step once."""
    app = ColoringApplication(next(copies))
    try:
        runner = ProjectionRunner(app.store)
        last = runner.pending()
        with crashing_in_page(last), pytest.raises(Crash):
            runner.rebuild(page_size=1)
        with runner.db.transaction() as c:
            assert c.query("SELECT COUNT(*) FROM rm_balance_steps")[0][0], "no page wrote steps"
            c.execute("DELETE FROM rm_balance_steps")
            c.execute(
                "UPDATE rm_meta SET value = ? WHERE key = ?",
                (schema.BULK_STEPS_AT_END, schema.BULK),
            )
        runner.run()
        assert snapshot(runner) == rebuilt
    finally:
        app.close()
