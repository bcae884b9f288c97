"""A load writes the read models with its events, in the same transaction, on every store."""

from __future__ import annotations

from pathlib import Path

from coloring.application import ColoringApplication
from coloring.integrity.audit import audit
from coloring.pilot.loader import load_folder
from coloring.projections import queries, schema
from coloring.projections.inline import InlineProjection
from coloring.projections.runner import ProjectionRunner, records_in

FOLDER = Path(__file__).parent.parent / "data" / "grain"


def test_a_load_leaves_the_read_models_at_its_last_event_with_nothing_to_catch_up(
    db_url: str,
) -> None:
    app = ColoringApplication(db_url)
    try:
        runner = ProjectionRunner(app.store)
        app.store.inline = InlineProjection(runner)
        load_folder(app, FOLDER / "folder")
        assert app.store.inline.pages > 0
        assert runner.pending() == 0
        assert runner.position() == app.store.recorder.max_notification_id()
        assert audit(app.store, runner).ok, audit(app.store, runner).problems
    finally:
        app.close()


def test_a_load_onto_read_models_that_are_behind_leaves_them_to_the_catch_up(
    db_url: str,
) -> None:
    app = ColoringApplication(db_url)
    try:
        load_folder(app, FOLDER / "part1")
        runner = ProjectionRunner(app.store)
        app.store.inline = InlineProjection(runner)
        load_folder(app, FOLDER / "part2")
        assert app.store.inline.pages == 0
        assert runner.position() == 0
        runner.run()
        inline_then = sorted(queries.findings(runner.db), key=repr)
        with runner.db.transaction() as c:
            schema.clear(c)
        runner.run()
        assert sorted(queries.findings(runner.db), key=repr) == inline_then
    finally:
        app.close()


def test_a_catch_up_page_holds_about_page_size_records_however_events_group_them(
    tmp_path: Path,
) -> None:
    app = ColoringApplication(f"sqlite:///{tmp_path / 'ledger.db'}")
    try:
        load_folder(app, FOLDER / "folder")
        runner = ProjectionRunner(app.store)
        runner.run(page_size=300, max_pages=1)
        held = [records_in(e) for _, _, e in runner.log.page(1, runner.position())]
        assert sum(held[:-1]) < 300 <= sum(held)
        runner.run(page_size=300)
        assert audit(app.store, runner).ok, audit(app.store, runner).problems
    finally:
        app.close()
