"""Options several command modules share (typer only, so any of them may import this early)."""

from __future__ import annotations

from typing import Annotated

import typer

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default $COLORING_DB or sqlite:///coloring.db).",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Time travel: the ledger as it stood at this instant "
        "(ISO 8601; no offset means +05:00).",
    ),
]
WaitOption = Annotated[
    float,
    typer.Option(
        "--wait",
        metavar="SECONDS",
        help="If another command is writing the ledger, wait up to this long for it "
        "(default: refuse at once, exit 1, naming who writes).",
        min=0,
    ),
]
