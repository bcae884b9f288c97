"""Whether the read models are complete is asked of each database's own catalog: a column
added after ledgers were written without it counts as missing until `create` adds it back,
whatever traces of it the catalog keeps (PostgreSQL keeps a dropped column as a hidden one)."""

from __future__ import annotations

from coloring.application import ColoringApplication
from coloring.projections import schema
from coloring.projections.runner import ProjectionRunner


def test_a_dropped_added_column_leaves_the_read_models_incomplete_until_create(
    db_url: str,
) -> None:
    app = ColoringApplication(db_url)
    try:
        runner = ProjectionRunner(app.store)
        runner.run()
        with runner.db.transaction() as c:
            assert schema.is_complete(c)
            c.execute("ALTER TABLE rm_findings DROP COLUMN shown")
        with runner.db.transaction() as c:
            assert not schema.is_complete(c)
            schema.create(c)
        with runner.db.transaction(commit=False) as c:
            assert schema.is_complete(c)
            assert c.query("SELECT shown FROM rm_findings") == []
    finally:
        app.close()
