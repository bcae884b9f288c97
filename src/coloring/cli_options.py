"""Options several command modules share (typer only, so any of them may import this early)."""

from __future__ import annotations

from typing import Annotated

import typer

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
