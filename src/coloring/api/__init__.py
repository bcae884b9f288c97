"""The public Python API of coloring, for notebooks and scripts (docs/api.md).

Semantic-versioned: the names in `__all__` (and the fields and methods of the classes listed)
are public; every other module and name under `coloring` is private and may change in any
release. Amounts are tenge (`Decimal`), instants timezone-aware `datetime`s; every result is a
frozen dataclass, and a list of them (`Rows`) converts with `to_arrow()` for pandas, polars or
DuckDB.

    import coloring.api
    with coloring.api.open("sqlite:///pilot.db") as ledger:
        ledger.load("examples/akmola-small")
        overpaid = ledger.findings(rule="OVERPAYMENT").to_arrow()
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from coloring.api.ledger import Ledger
from coloring.api.results import (
    Balance,
    BalanceStep,
    Delivery,
    Finding,
    LoadSummary,
    Movement,
    Participant,
    ProgramTotals,
    Rows,
    RuleTotal,
    Trace,
    TraceStep,
    Utilisation,
)
from coloring.domain.errors import ColoringError
from coloring.projections.queries import BadQueryError, NotFoundError

if TYPE_CHECKING:
    from coloring.api.replay import Expectations, Replay, replay

__all__ = [
    "BadQueryError",
    "Balance",
    "BalanceStep",
    "ColoringError",
    "Delivery",
    "Expectations",
    "Finding",
    "Ledger",
    "LoadSummary",
    "Movement",
    "NotFoundError",
    "Participant",
    "ProgramTotals",
    "Replay",
    "Rows",
    "RuleTotal",
    "Trace",
    "TraceStep",
    "Utilisation",
    "open",
    "replay",
]


def open(url: str | None = None, *, catch_up: bool = True) -> Ledger:
    """Open a ledger database: a SQLAlchemy-style URL (`sqlite:///pilot.db`,
    `postgresql://user@host/db`); default `$COLORING_DB` or `sqlite:///coloring.db`. Every
    question first brings the read models up to date with the events; `catch_up=False` reads
    them as they are and never writes (for a reader beside a running load)."""
    return Ledger(url, catch_up=catch_up)


def __getattr__(name: str) -> Any:
    # Replays import the whole ledger (application, loader, scenarios): loaded on first use,
    # so that a command line question answered through `Ledger` does not pay for them.
    if name in ("Expectations", "Replay", "replay"):
        module = import_module("coloring.api.replay")
        # Importing the submodule set this package's `replay` to it: the function wins, as it
        # did when these names were imported at the top.
        names = {n: getattr(module, n) for n in ("Expectations", "Replay", "replay")}
        globals().update(names)
        return names[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
