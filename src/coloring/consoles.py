"""The command line's two consoles: data to stdout, messages and progress to stderr. Each is
made on first use: a question answered as JSON or CSV never imports rich."""

from __future__ import annotations

import builtins
import os
import sys
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


PLAIN_WIDTH = 160
"""The width of stdout when it is not a terminal: a file or a pipe."""


# Text is printed as it is: never read as markup (`[x]`) or emoji codes (`file:100:` is not 💯).
@cache
def stdout() -> Console:
    from rich.console import Console

    return Console(
        soft_wrap=True,
        width=None if sys.stdout.isatty() else PLAIN_WIDTH,
        markup=False,
        emoji=False,
        highlight=False,
    )


def plain_width() -> int | None:
    """The width of `stdout()` when rich would print on it plain text, without colours, styles
    or a substitute box (not a terminal, nothing forcing one, a UTF-8 stream, not Windows or
    IPython): a table can then be drawn without rich (`longtable.plain_lines`). None otherwise.
    Rich's own tests of the same (`Console.is_terminal`, `encoding`), without importing it."""
    tty_compatible = os.environ.get("TTY_COMPATIBLE", "")
    forced = tty_compatible == "1" or (
        tty_compatible != "0" and bool(os.environ.get("FORCE_COLOR"))
    )
    encoding = (getattr(sys.stdout, "encoding", "utf-8") or "utf-8").lower()
    if (
        forced
        or sys.stdout.isatty()
        or not encoding.startswith("utf")
        or sys.platform == "win32"
        or hasattr(builtins, "get_ipython")
    ):
        return None
    return PLAIN_WIDTH


def message(text: str) -> None:
    """A line of plain text on stderr, as `stderr().print` writes it, without importing rich
    where it need not."""
    if text.isprintable() and sys.platform != "win32":
        sys.stderr.write(text + "\n")
    else:
        stderr().print(text)


@cache
def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)
