"""Folds on empty read models, for the unit tests that fold an older ledger's events beside the
page events that replaced them and compare what each buffers. Import as `from folds import
empty_folds` (as `payment_facts`)."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from coloring.projections import schema
from coloring.projections.db import Cursor
from coloring.projections.fold import Fold


def empty_folds() -> tuple[Fold, Fold]:
    """Two folds that start from the same empty read models (a fold reads its reference data
    when it starts; it buffers what it folds until written, and these are never written)."""
    with closing(sqlite3.connect(":memory:")) as db:
        c = Cursor(db.cursor(), postgres=False)
        schema.create(c)
        return Fold(c), Fold(c)
