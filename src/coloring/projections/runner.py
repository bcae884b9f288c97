"""The catch-up runner: reads the notification log in pages and folds each page into the read
models, committing the page's rows and the new position in ONE transaction.

So a crash (or Ctrl-C) between pages loses nothing and counts nothing twice: the next run
starts after the last committed page. Notification ids are committed in order on both stores
(SQLite serialises writers; the PostgreSQL recorder takes a table lock while inserting), so a
gap in the ids is a rolled-back insert, never an insert still in flight, and is safe to pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coloring.projections import schema
from coloring.projections.db import Cursor, Database
from coloring.projections.fold import Fold

PROJECTION = "read_models"
DEFAULT_PAGE = 5000


class ProjectionRunner:
    def __init__(self, app: Any, db: Database | None = None, name: str = PROJECTION) -> None:
        self.app = app
        self.db = db or Database(app.recorder.datastore, "postgres" in app.db_url)
        self.name = name
        with self.db.transaction() as c:
            schema.create(c)

    def position(self, c: Cursor | None = None) -> int:
        if c is None:
            with self.db.transaction(commit=False) as c2:
                return self.position(c2)
        row = c.query("SELECT position FROM rm_position WHERE name = ?", (self.name,))
        return int(row[0][0]) if row else 0

    def pending(self) -> int:
        latest = self.app.recorder.max_notification_id() or 0
        return max(0, int(latest) - self.position())

    def run(
        self,
        page_size: int = DEFAULT_PAGE,
        max_pages: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Fold every notification after the position; returns how many were processed."""
        done = 0
        pages = 0
        fold: Fold | None = None
        while max_pages is None or pages < max_pages:
            start = self.position() + 1
            notifications = self.app.recorder.select_notifications(start, page_size)
            if not notifications:
                break
            with self.db.transaction() as c:
                if self.position(c) != start - 1:
                    raise RuntimeError("another runner moved this projection; run again")
                if fold is None:
                    fold = Fold(c)
                to_event = self.app.mapper.to_domain_event
                for n in notifications:
                    fold.apply(n.topic, to_event(n), n.id)
                fold.write(c)
                c.execute(
                    "INSERT INTO rm_position VALUES (?, ?) ON CONFLICT (name) "
                    "DO UPDATE SET position = excluded.position",
                    (self.name, notifications[-1].id),
                )
            done += len(notifications)
            pages += 1
            if progress is not None:
                progress(len(notifications))
        return done

    def rebuild(self, page_size: int = DEFAULT_PAGE) -> int:
        """Drop every read model and replay the whole log."""
        with self.db.transaction() as c:
            schema.clear(c)
        return self.run(page_size=page_size)
