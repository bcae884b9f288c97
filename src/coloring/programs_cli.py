"""`coloring programs` and `coloring amend`: a program's money terms and their history.

`cli.py` adds them with `register(app)`; they use the CLI's own ledger opening (catch-up,
errors to exit codes), imported when a command runs so that `cli.py` may import this module.
"""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from coloring.cli_options import WaitOption
from coloring.domain.time import Instant, InvalidTimeError, format_instant, parse_instant
from coloring.i18n import _

MONEY = ("allocated", "spent", "on_purpose", "misused", "returned", "held")
DB_HELP = "Database URL (default $COLORING_DB or sqlite:///coloring.db)."


class TermsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def register(app: typer.Typer) -> None:
    app.command(name="programs")(programs)
    app.command(name="amend")(amend)


def _instant(text: str, option: str) -> Instant:
    from coloring.cli import fail

    try:
        return parse_instant(text)
    except InvalidTimeError as e:
        fail(f"{option}: {e}", 2)


def programs(
    db: Annotated[str | None, typer.Option("--db", help=DB_HELP, show_default=False)] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The terms in force at this instant (default: now)."),
    ] = None,
    fmt: Annotated[
        TermsFormat,
        typer.Option(
            "--format",
            help="table for people; json (with every amendment) or csv (the terms in force) "
            "for programs.",
        ),
    ] = TermsFormat.table,
) -> None:
    """Programs with the terms in force and every amendment of them (the history of terms);
    `--format json` adds each program's money (allocated, spent on purpose / misused, returned,
    held; the table of it is `coloring balances --per-program`)."""
    from rich.table import Table

    from coloring.cli import out, reading
    from coloring.domain.money import format_tiyn
    from coloring.projections.extracts import program_totals
    from coloring.projections.terms import program_terms

    t = None if as_of is None else _instant(as_of, "--as-of").us
    with reading(db) as read_models:
        terms = program_terms(read_models)
        # Money at the same instant, by the one definition of money by verdict.
        money = {
            m.program: {k: format_tiyn(getattr(m, k)) for k in MONEY}
            for m in program_totals(read_models, t)
        }
    if fmt is TermsFormat.json:
        listed = [{**p.as_dict(t), "money": money[p.program_id]} for p in terms]
        sys.stdout.write(json.dumps(listed, indent=1) + "\n")
        return
    if fmt is TermsFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["program", "name", "kind", "expires_at", "max_idle_days", "amendments"])
        for p in terms:
            expires_us, offset, idle, _in_force = p.in_force(2**62 if t is None else t)
            writer.writerow(
                [
                    p.program_id,
                    p.name,
                    p.kind,
                    format_instant(expires_us, offset),
                    idle,
                    len(p.known_at(t)),
                ]
            )
        return
    table = Table(_("program"), _("kind"), "expires_at", "max_idle_days", _("history of terms"))
    for p in terms:
        expires_us, offset, idle, _amendment = p.in_force(2**62 if t is None else t)
        history = [
            f"registered: expires_at "
            f"{format_instant(p.expires_at_us, p.expires_at_offset)}, "
            f"max_idle_days {p.max_idle_days}",
            *(a.describe() for a in p.known_at(t)),
        ]
        table.add_row(
            p.program_id,
            p.kind,
            format_instant(expires_us, offset),
            str(idle),
            "\n".join(history),
        )
    out.print(table)


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
    db: Annotated[str | None, typer.Option("--db", help=DB_HELP, show_default=False)] = None,
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
