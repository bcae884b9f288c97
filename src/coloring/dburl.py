"""The ledger's database URL: which one to use and what it names. Kept apart from
`coloring.persistence` (which imports the event store's drivers) so that a command can read it
without paying for those imports."""

from __future__ import annotations

import os
from pathlib import Path

from coloring.domain.errors import ColoringError

DEFAULT_DB = "sqlite:///coloring.db"
ENV_VAR = "COLORING_DB"


class DatabaseUrlError(ColoringError):
    pass


def database_url(explicit: str | None = None) -> str:
    return explicit or os.environ.get(ENV_VAR) or DEFAULT_DB


def sqlite_file(url: str) -> Path | None:
    """The file of a `sqlite:///path` URL (None for memory or another database)."""
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return None
    return Path(url[len("sqlite:///") :])
