"""The command line's two consoles: data to stdout, messages and progress to stderr. Each is
made on first use: a question answered as JSON or CSV never imports rich."""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


# Text is printed as it is: never read as markup (`[x]`) or emoji codes (`file:100:` is not 💯).
@cache
def stdout() -> Console:
    from rich.console import Console

    return Console(
        soft_wrap=True,
        width=None if sys.stdout.isatty() else 160,
        markup=False,
        emoji=False,
        highlight=False,
    )


@cache
def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)
