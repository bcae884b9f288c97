"""`coloring programs` and `coloring amend`: a program's money terms and their history.

`cli.py` imports this module when one of them runs (`cli.register(app, "programs", "amend")`
adds them to another typer app); they use the CLI's own ledger opening (catch-up, errors to exit
codes), imported when a command runs.
"""

from __future__ import annotations

from typing import Annotated

import typer

from coloring.cli_choices import Format
from coloring.cli_options import DbOption, WaitOption
from coloring.domain.time import Instant, InvalidTimeError, parse_instant
from coloring.i18n import _


def _instant(text: str, option: str) -> Instant:
    from coloring.cli import fail

    try:
        return parse_instant(text)
    except InvalidTimeError as e:
        fail(f"{option}: {e}", 2)


def programs(
    db: DbOption = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The terms in force at this instant (default: now)."),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            help="table for people; json (with every amendment) or csv (the terms in force) "
            "for programs.",
        ),
    ] = Format.table,
) -> None:
    """Programs with the terms in force and every amendment of them (the history of terms);
    `--format json` adds each program's money (allocated, spent on purpose / misused, returned,
    held; the table of it is `coloring balances --per-program`)."""
    from coloring.cli import reading
    from coloring.cli_ledger import instant_us
    from coloring.export.render import program_terms as show
    from coloring.projections.extracts import program_totals
    from coloring.projections.terms import program_terms

    t = instant_us(as_of, "--as-of")
    with reading(db) as read_models:
        terms = program_terms(read_models)
        # Money at the same instant, by the one definition of money by verdict.
        totals = program_totals(read_models, t)
    show(terms, totals, t, fmt.value)


def amend(
    program: Annotated[str, typer.Argument(help="The program whose terms change.")],
    at: Annotated[
        str,
        typer.Option(
            "--at",
            help="From this instant on (not before the latest instant in the ledger).",
            show_default=False,
        ),
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="Why (kept in the history).", show_default=False)
    ],
    expires_at: Annotated[
        str | None, typer.Option("--expires-at", help="The new expiry (not before --at).")
    ] = None,
    max_idle_days: Annotated[
        int | None,
        typer.Option("--max-idle-days", help="The new idle limit, for deliveries from --at on."),
    ] = None,
    db: DbOption = None,
    wait: WaitOption = 0.0,
) -> None:
    """Amend a program's expiry and/or idle limit from an instant on, as an event in its
    history: what was judged under the old terms stays judged."""
    from coloring.cli import err, fail, ledger
    from coloring.domain.errors import TermsAmendmentError
    from coloring.domain.records import TermsAmendment

    amendment = TermsAmendment(
        program_id=program,
        at=_instant(at, "--at"),
        reason=reason,
        expires_at=None if expires_at is None else _instant(expires_at, "--expires-at"),
        max_idle_days=max_idle_days,
    )
    with ledger(db, create=True, write="amend", wait=wait) as (application, runner):
        try:
            number = application.amend_program(amendment, source="coloring amend")
        except TermsAmendmentError as e:
            fail(str(e), 2)
        runner.run()
    err.print(
        _("amended {program} (amendment {number}): see `coloring programs`").format(
            program=program, number=number
        ),
        highlight=False,
    )
