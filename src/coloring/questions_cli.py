"""The auditor's questions on the command line: `findings`, `explain`, `trace`, `balances`, and
`demo`, which loads the example folder and asks them (`coloring.cli` registers them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coloring.cli_choices import Format, GroupKey, SortKey, Status
from coloring.cli_ledger import (
    STATE,
    FormatOption,
    err,
    fail,
    instant_us,
    ledger,
    out,
    reading,
)
from coloring.cli_options import AsOfOption, DbOption
from coloring.i18n import _, current, ngettext

ExcelOption = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="CSV for Excel in ru/kk locales: UTF-8 with BOM, ';', decimal comma.",
    ),
]


def findings(
    db: DbOption = None,
    rule: Annotated[
        list[str] | None, typer.Option("--rule", help="Only this rule (repeatable).")
    ] = None,
    program: Annotated[str | None, typer.Option("--program", help="Only this program.")] = None,
    participant: Annotated[
        str | None, typer.Option("--participant", help="Only findings naming this participant.")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Only findings whose first participant is here.")
    ] = None,
    status: Annotated[
        Status | None, typer.Option("--status", help="Only open or only refused findings.")
    ] = None,
    min_amount: Annotated[
        str | None,
        typer.Option("--min-amount", help="Only findings of at least this many tenge."),
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="Findings at or after.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Findings at or before.")] = None,
    as_of: AsOfOption = None,
    sort: Annotated[
        SortKey, typer.Option("--sort", help="at: by time; amount: largest first.")
    ] = SortKey.at,
    group_by: Annotated[
        list[GroupKey] | None,
        typer.Option(
            "--group-by",
            help="Count and sum the findings by rule, program, region, participant or status "
            "(repeatable: several keys).",
        ),
    ] = None,
    fmt: FormatOption = Format.table,
    excel: ExcelOption = False,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when there is any finding.")
    ] = False,
) -> None:
    """List misuse findings, sorted by time, rule and subject (or by amount), or count and sum
    them by rule, program, region or participant."""
    from coloring.api.ledger import Ledger
    from coloring.export import render
    from coloring.export.grouping import group
    from coloring.projections import queries
    from coloring.projections.names import UnknownNameError, check_rules

    try:
        check_rules(rule or ())
    except UnknownNameError as e:
        fail(e.for_command_line(), 2)
    instant_us(since, "--since")
    instant_us(until, "--until")
    instant_us(as_of, "--as-of")
    if excel and fmt is not Format.csv:
        fail("--excel shapes CSV for Excel: use it with --format csv", 2)
    with reading(db) as read_models:
        try:
            found = Ledger.reading(read_models).findings(
                rule or None,
                program=program,
                participant=participant,
                region=region,
                status=status.value if status else None,
                min_amount=min_amount,
                since=since,
                until=until,
                as_of=as_of,
            )
        except queries.BadQueryError as e:
            name, _, reason = str(e).partition(": ")
            fail(f"--{name.replace('_', '-')}: {reason}", 2)
    if group_by:
        keys = list(dict.fromkeys(k.value for k in group_by))
        render.groups(keys, group(found, keys, sort.value), fmt.value, excel, out)
    else:
        if sort is SortKey.amount:
            found = type(found)(found.item, sorted(found, key=lambda f: f.amount, reverse=True))
        render.findings(found, fmt.value, excel, out)
    if fmt is Format.table:
        err.print(ngettext("{n} finding", "{n} findings", len(found)).format(n=len(found)))
    if check and (found or STATE.incomplete):
        raise typer.Exit(1)


def explain(
    rule: Annotated[str, typer.Argument(help="The finding's rule, e.g. OVERPAYMENT.")],
    subject: Annotated[str, typer.Argument(help="The finding's subject, e.g. T-000123.")],
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Explain one finding: what it is and the records behind it."""
    from coloring.projections import explaining

    as_of_us = instant_us(as_of, "--as-of")
    with reading(db) as read_models:
        for line in explaining.explain(read_models, rule, subject, as_of_us):
            out.print(line, highlight=False, markup=False)


def trace(
    unit: Annotated[str, typer.Argument(help="A unit id: ALLOCATION#N, e.g. AL-7#1250000.")],
    db: DbOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = Format.table,
    excel: ExcelOption = False,
) -> None:
    """Follow one tagged tiyn from its allocation to where it is now."""
    from coloring.export import render
    from coloring.projections import queries

    as_of_us = instant_us(as_of, "--as-of")
    if excel and fmt is not Format.csv:
        fail("--excel shapes CSV for Excel: use it with --format csv", 2)
    with reading(db) as read_models:
        t = queries.trace(read_models, unit, as_of_us)
    render.trace(t, fmt.value, excel, out)


def balances(
    db: DbOption = None,
    program: Annotated[str | None, typer.Option("--program", help="Only this program.")] = None,
    participant: Annotated[
        str | None, typer.Option("--participant", help="Only this holder.")
    ] = None,
    as_of: AsOfOption = None,
    per_program: Annotated[
        bool,
        typer.Option(
            "--per-program",
            help="Per program: allocated, spent, returned and held (instead of per holder).",
        ),
    ] = False,
    fmt: FormatOption = Format.table,
    excel: ExcelOption = False,
) -> None:
    """Coloured money held, per program and holder (or, with --per-program, what each program
    allocated, spent, returned and still holds)."""
    from coloring.export import render
    from coloring.projections import extracts, queries

    as_of_us = instant_us(as_of, "--as-of")
    if excel and fmt is not Format.csv:
        fail("--excel shapes CSV for Excel: use it with --format csv", 2)
    if per_program and participant is not None:
        fail("--per-program totals whole programs: leave out --participant", 2)
    with reading(db) as read_models:
        if per_program:
            totals = extracts.program_totals(read_models, as_of_us)
            shown = [p for p in totals if program in (None, p.program)]
            render.programs(shown, fmt.value, excel, out)
            return
        rows = queries.balances(read_models, as_of_us, program, participant)
    render.balances(rows, fmt.value, excel, out)


def demo(
    db: DbOption = None,
    folder: Annotated[Path | None, typer.Option("--folder", help="Pilot folder to load.")] = None,
) -> None:
    """Load the shipped example pilot folder (a livestock, a leasing and a road program) into a
    ledger, then show balances, every finding, one tagged tiyn's path and one finding explained."""
    from contextlib import nullcontext

    from rich.table import Table

    from coloring.examples import example_folder
    from coloring.export import render
    from coloring.pilot.loader import load_folder
    from coloring.projections import explaining, extracts, queries, reporting

    target = db or "sqlite:///:memory:"
    with (
        nullcontext(folder) if folder else example_folder() as source,
        ledger(target, catch_up=False, create=True, write="demo") as (application, runner),
    ):
        summary = load_folder(application, source)
        runner.run()
        err.print(
            _("loaded {folder}: payments applied {applied}, refused {refused}").format(
                folder=source, applied=summary.applied, refused=summary.refused
            ),
            highlight=False,
        )
        out.rule(_("coloured money held now"))
        render.balances(queries.balances(runner.db), "table", False, out)
        out.rule("money by verdict (coloring balances --per-program)")
        render.programs(extracts.program_totals(runner.db), "table", False, out)
        found = queries.findings(runner.db)
        table = Table(_("at"), _("rule"), _("subject"), title=_("findings"))
        table.add_column(_("amount (KZT)"), justify="right", no_wrap=True)
        table.add_column(_("status"))
        for f in found:
            text = current()
            table.add_row(
                text.instant(f.at_us, f.at_offset),
                f.rule,
                f.subject,
                text.money(f.amount),
                _(f.status),
            )
        out.print(table)
        first = reporting.first_allocation(runner.db)
        if first is not None:
            t = queries.trace(runner.db, f"{first}#0")
            out.rule(_("trace of {unit}").format(unit=t.unit))
            for step in t.steps:
                out.print(
                    f"{step.at}  {step.holder:<12} via {step.via:<12} {step.outcome}",
                    highlight=False,
                )
            out.print(_("now: {state}").format(state=render.trace_state(t)), highlight=False)
        if found:
            out.rule(f"coloring explain {found[0].rule} {found[0].subject}")
            for line in explaining.explain(runner.db, found[0].rule, found[0].subject):
                out.print(line, highlight=False, markup=False)
