"""Names in a question that the ledger does not know: a usage error naming the close ones.

A filter on a program, participant, rule or allocation that is not there would otherwise answer
"nothing found", which reads as "nothing wrong".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from coloring.domain.errors import ColoringError
from coloring.domain.rulebook import Rule
from coloring.projections.db import Database


class BadQueryError(ColoringError):
    """The question itself is malformed (a usage error, exit 2)."""


class NotFoundError(ColoringError):
    """What was asked for is not in the ledger (a finding, a unit)."""


class UnknownNameError(BadQueryError):
    """`program: no program 'AA-2O25' in the ledger (did you mean AA-2025?)`: the option (as the
    Python API names it; empty for an argument) and what is wrong with it. A usage error on the
    command line (exit 2)."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}" if option else message)
        self.option = option
        self.message = message

    def for_command_line(self) -> str:
        """`--program: no program ...` (the option as the command line spells it)."""
        if not self.option:
            return self.message
        return f"--{self.option.replace('_', '-')}: {self.message}"


class UnknownItemError(UnknownNameError, NotFoundError):
    """An argument naming a thing the ledger does not have (an allocation to trace): a usage
    error on the command line, not found for the Python API and the web pages."""


def unknown(
    what: str, name: str, known: Sequence[str], option: str = "", *, item: bool = False
) -> UnknownNameError:
    """The closest known names (difflib), or all of them when there are few."""
    import difflib  # only for a name the ledger does not have: a question's start goes without

    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if close:
        hint = f" (did you mean {' or '.join(close)}?)"
    elif not known:
        hint = f" (the ledger has no {what}s)"
    elif len(known) <= 12:
        hint = f" ({what}s: {', '.join(known)})"
    else:
        hint = f" ({len(known)} {what}s; none is close)"
    error = UnknownItemError if item else UnknownNameError
    return error(option, f"no {what} {name!r} in the ledger{hint}")


def check_rules(rules: Iterable[str], option: str = "rule") -> None:
    """A rule name that is not one of the contract's 18 is a usage error."""
    known = [r.value for r in Rule]
    for rule in rules:
        if rule not in known:
            import difflib

            close = difflib.get_close_matches(rule.upper(), known, n=3, cutoff=0.5)
            hint = f"did you mean {' or '.join(close)}?" if close else f"rules: {', '.join(known)}"
            raise UnknownNameError(option, f"unknown rule {rule!r} ({hint})")


def check_names(db: Database, program: str | None = None, participant: str | None = None) -> None:
    """A filter naming a program or participant the ledger does not know is a usage error, not
    an empty answer (which would read as "nothing wrong")."""
    if program is not None:
        programs = [r[0] for r in db.query("SELECT program_id FROM rm_programs ORDER BY 1")]
        if program not in programs:
            raise unknown("program", program, programs, "program")
    if participant is not None and not db.query(
        "SELECT 1 FROM rm_participants WHERE participant_id = ?", (participant,)
    ):
        everyone = [r[0] for r in db.query("SELECT participant_id FROM rm_participants ORDER BY 1")]
        raise unknown("participant", participant, everyone, "participant")
