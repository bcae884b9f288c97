"""The `coloring` command: parse, call the application, render. Data goes to stdout; messages
and progress to stderr. Exit 0 ok, 1 a failed check or domain error, 2 bad input or usage."""

from __future__ import annotations

import gc
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.text import Text

from coloring import consoles
from coloring.cli_help import PlainHelpGroup, register_options
from coloring.cli_options import WaitOption
from coloring.export.commands import register as register_export
from coloring.i18n import _, current, ngettext
from coloring.integrity.commands import register as register_integrity
from coloring.programs_cli import register as register_programs
from coloring.report.commands import register as register_report
from coloring.rules_cli import register as register_rules
from coloring.scenarios.commands import register as register_scenarios
from coloring.web.commands import register as register_serve

if TYPE_CHECKING:
    # Imported where they are used: a question answered from current read models never
    # loads the event store, the domain or the pilot contract (about a second of imports).
    from rich.progress import Progress

    from coloring.application import ColoringApplication
    from coloring.pilot.intake import TakenFolder
    from coloring.projections import queries
    from coloring.projections.db import Database
    from coloring.projections.runner import ProjectionRunner

app = typer.Typer(
    help="An event-sourced ledger of coloured budget money: load pilot data, find misuse, "
    "trace every tagged tiyn.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=PlainHelpGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
)
err = consoles.stderr()
out = consoles.stdout()

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


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format", help="table for people; json or csv (the contract's fields) for programs."
    ),
]


def fail(message: str, code: int) -> NoReturn:
    err.print(Text.assemble((_("error:"), "bold red"), " ", message), soft_wrap=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    err.print(Text.assemble(("warning:", "bold yellow"), " ", message), soft_wrap=True)


@contextmanager
def _translated() -> Iterator[None]:
    """The ledger's errors as messages and exit codes."""
    from coloring.dburl import DatabaseUrlError
    from coloring.domain.errors import ColoringError, DatabaseUnavailableError
    from coloring.projections import queries
    from coloring.projections.names import UnknownNameError

    try:
        yield
    except UnknownNameError as e:
        fail(e.for_command_line(), 2)
    except (DatabaseUrlError, DatabaseUnavailableError, queries.BadQueryError) as e:
        fail(str(e), 2)
    except queries.NotFoundError as e:
        fail(str(e), 1)
    except ColoringError as e:
        fail(str(e), 1)
    except Exception as e:
        if not _database_error(e):
            raise
        fail(f"the ledger's database failed: {str(e).strip()}", 1)


def _database_error(e: Exception) -> bool:
    """Whether `e` is an error of a database library (one that is loaded: an error cannot come
    from a library nobody imported, and a question on current read models imports few)."""
    kinds: list[type[BaseException]] = []
    for module, name in (
        ("eventsourcing.persistence", "PersistenceError"),
        ("sqlite3", "Error"),
        ("psycopg", "Error"),
    ):
        loaded = sys.modules.get(module)
        if loaded is not None:
            kinds.append(getattr(loaded, name))
    return isinstance(e, tuple(kinds))


@contextmanager
def ledger(
    db: str | None,
    catch_up: bool = True,
    create: bool = False,
    *,
    write: str | None = None,
    wait: float = 0.0,
) -> Iterator[tuple[ColoringApplication, ProjectionRunner]]:
    """Open the ledger and translate errors into exit codes.

    Only commands that record (`create`) may open a ledger that does not exist yet. A writer
    (`write` names its command) holds the ledger's write lock from before the ledger is opened
    (the tables are created under it) to the end. A reader writes nothing: it takes the lock
    only if it is free at once, to bring the read models up to date, and lets it go before
    reading; otherwise it reads them as they are and says how far behind they are."""
    with _translated():
        from coloring.application import ColoringApplication
        from coloring.dburl import DatabaseUrlError, database_url
        from coloring.domain.errors import DatabaseUnavailableError
        from coloring.locking import CATCH_UP, FreshFiles, WriteLock, reader_may_create
        from coloring.persistence import require_ledger
        from coloring.projections.runner import ProjectionRunner

        if not create:
            # Before the lock: a reader must not leave even a lock file where no ledger is.
            require_ledger(database_url(db))
        lock = WriteLock(db, write or CATCH_UP)
        created = FreshFiles(lock.url) if write is not None else None
        refused = False
        try:
            if write is not None:
                lock.acquire(wait, on_wait=lambda m: err.print(m, soft_wrap=True))
            else:
                lock.try_acquire(create=reader_may_create(lock.url))
            if created is not None:
                created.before()
            env = None if lock.held else {"CREATE_TABLE": "n"}
            application = ColoringApplication(db, env=env)
            if created is not None:
                created.after()
            runner = ProjectionRunner(application, create=lock.held)
            if write is None:
                STATE.incomplete = _say_incomplete(runner.db, lock.held)
                if catch_up:
                    if lock.held:
                        _catch_up(runner)
                    else:
                        _say_behind(runner)
                lock.release()
            elif catch_up:
                _catch_up(runner)
            yield application, runner
        except (DatabaseUrlError, DatabaseUnavailableError):
            refused = True
            raise
        except typer.Exit as e:
            refused = e.exit_code == 2
            raise
        finally:
            if "application" in locals():
                application.close()
            if created is not None:
                if refused and created.remove():
                    lock.remove_file()
                created.forget()
            lock.release()


class _State:
    incomplete = False
    """Whether the ledger just opened holds an unfinished load (read commands)."""


STATE = _State()


def _unfinished(db: Database) -> list[Any]:
    from coloring import loads

    with db.transaction(commit=False) as c:
        return loads.unfinished(c)


def _say_incomplete(db: Database, lock_held: bool) -> bool:
    pending = _unfinished(db)
    for load in pending:
        if lock_held:
            warn(
                f"the load of {load.folder} started at {load.started_at} by pid {load.pid} did "
                "not finish: the ledger holds only part of that folder; load it again to "
                "complete it"
            )
        else:
            warn(
                f"the load of {load.folder} started at {load.started_at} by pid {load.pid} is "
                "still running: this shows the ledger as its last committed batch left it"
            )
    return bool(pending)


def _say_behind(runner: ProjectionRunner) -> None:
    behind = runner.pending()
    if behind:
        warn(
            f"the read models are {behind} event(s) behind the event log (another command is "
            "writing the ledger): this leaves them out; run the command again when it has "
            "finished"
        )


@contextmanager
def reading(db: str | None) -> Iterator[Database]:
    """The read models to answer a question from: opened directly when they are current and
    no load is unfinished (a fast start, see `coloring.readside`), else through `ledger`,
    which catches them up if it may and says what is unfinished or behind."""
    from coloring.readside import current_read_models

    with current_read_models(db) as current_models:
        if current_models is not None and not _unfinished(current_models):
            STATE.incomplete = False
            with _translated():
                yield current_models
            return
    with ledger(db) as (_application, runner):
        yield runner.db


def _catch_up(runner: ProjectionRunner) -> None:
    pending = runner.pending()
    if pending < 20000:
        runner.run()
        return
    with _progress() as bar:
        task = bar.add_task("projecting", total=pending)
        runner.run(progress=lambda n: bar.advance(task, n))


def _progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _instant(text: str | None, option: str) -> int | None:
    from coloring.domain.time import InvalidTimeError, parse_instant

    if text is None:
        return None
    try:
        return parse_instant(text).us
    except InvalidTimeError as e:
        fail(f"{option}: {e}", 2)


@app.command()
def load(
    folder: Annotated[Path, typer.Argument(help="A pilot folder of CSV files (contract v1).")],
    db: DbOption = None,
    mode: Annotated[
        str | None,
        typer.Option(
            "--mode", help="observe (default for a new ledger) or enforce; a ledger keeps its mode."
        ),
    ] = None,
    wait: WaitOption = 0.0,
) -> None:
    """Record a pilot folder in the ledger: all errors at once, nothing recorded from a refused
    folder.

    One writer at a time: a second load (amend, rebuild) into the same ledger is refused, or
    waits with --wait. A load that is killed keeps what it committed and read commands warn
    about it until the folder is loaded again, which completes it."""
    from coloring.pilot.errors import ErrorSink, PilotInputError
    from coloring.pilot.intake import taken

    if mode is not None and mode not in ("observe", "enforce"):
        fail(f"--mode must be observe or enforce, not {mode!r}", 2)
    sink = ErrorSink()
    with taken(folder, sink) as copy:
        if copy is None:
            _refused(folder, str(PilotInputError(sink.errors)))
        _load(folder, copy, db, mode, wait)
        changed = copy.changed_since()
    if changed:
        warn(
            f"{', '.join(changed)} changed during the load: the ledger holds the folder as it "
            "was when the load began; load it again to record the change"
        )


def _refused(folder: Path, errors: str, committed: int = 0) -> NoReturn:
    for line in errors.splitlines():
        err.print(line, soft_wrap=True)
    if committed:
        err.print(
            f"{folder}: {committed} record(s) were committed before this; load the folder "
            "again to complete it",
            soft_wrap=True,
        )
    else:
        err.print(_("{folder}: nothing was recorded").format(folder=folder))
    raise typer.Exit(2)


def _load(folder: Path, copy: TakenFolder, db: str | None, mode: str | None, wait: float) -> None:
    from coloring import loads
    from coloring.domain.errors import ColoringError
    from coloring.pilot.loader import LoadRefusedError, load_folder
    from coloring.pilot.reader import PilotInputError
    from coloring.projections import queries
    from coloring.projections.inline import InlineProjection

    bar = _progress()
    with ledger(db, catch_up=False, create=True, write="load", wait=wait) as (application, runner):
        # The bar appears once recording starts: a refused folder prints only its errors.
        task = None

        def progress(stage: str, done: int, total: int) -> None:
            nonlocal task
            if task is None:
                bar.start()
                task = bar.add_task(stage, total=total)
            bar.update(task, completed=done, total=total, description=stage)

        load_id = loads.start(runner.db, str(folder.resolve()))
        first_seq = application.seq
        application.inline = InlineProjection(runner)
        try:
            runner.run()  # the ledger's totals are checked against the read models
            summary = load_folder(application, folder, mode, progress, read_from=copy.path)
            if runner.pending() >= 20000:
                bar.start()
                projecting = bar.add_task("projecting", total=runner.pending())
                runner.run(progress=lambda n: bar.advance(projecting, n))
            else:
                runner.run()
        except (PilotInputError, LoadRefusedError) as e:
            committed = application.seq - first_seq
            if not committed:
                loads.finish(runner.db, load_id, "refused")
            _refused(folder, str(e), committed)
        except ColoringError as e:
            committed = application.seq - first_seq
            if not committed:
                loads.finish(runner.db, load_id, "refused")
            fail(
                f"{e}\n{folder}: "
                + (
                    f"{committed} record(s) were committed" if committed else "nothing was recorded"
                ),
                1,
            )
        finally:
            if task is not None or bar.live.is_started:
                bar.stop()
        loads.finish(runner.db, load_id, "loaded")
        found = Counter(f.rule for f in queries.findings(runner.db))
    recorded = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.records.items()))
    err.print(
        _("loaded {folder} ({mode} mode): {recorded}").format(
            folder=folder, mode=summary.mode, recorded=recorded or _("nothing new")
        )
        + ("; " + _("{n} already recorded").format(n=summary.skipped) if summary.skipped else ""),
        highlight=False,
    )
    err.print(
        _("payments applied {applied}, refused {refused}").format(
            applied=summary.applied, refused=summary.refused
        ),
        highlight=False,
    )
    if found:
        err.print(
            _("findings:") + " " + ", ".join(f"{r} {n}" for r, n in sorted(found.items())),
            highlight=False,
        )


class Status(StrEnum):
    open = "open"
    refused = "refused"


class SortKey(StrEnum):
    at = "at"
    amount = "amount"


class GroupKey(StrEnum):
    rule = "rule"
    program = "program"
    region = "region"
    participant = "participant"
    status = "status"


ExcelOption = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="CSV for Excel in ru/kk locales: UTF-8 with BOM, ';', decimal comma.",
    ),
]


@app.command()
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
    _instant(since, "--since")
    _instant(until, "--until")
    _instant(as_of, "--as-of")
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


@app.command()
def explain(
    rule: Annotated[str, typer.Argument(help="The finding's rule, e.g. OVERPAYMENT.")],
    subject: Annotated[str, typer.Argument(help="The finding's subject, e.g. T-000123.")],
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Explain one finding: what it is and the records behind it."""
    from coloring.projections import queries

    as_of_us = _instant(as_of, "--as-of")
    with reading(db) as read_models:
        for line in queries.explain(read_models, rule, subject, as_of_us):
            out.print(line, highlight=False, markup=False)


@app.command()
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

    as_of_us = _instant(as_of, "--as-of")
    if excel and fmt is not Format.csv:
        fail("--excel shapes CSV for Excel: use it with --format csv", 2)
    with reading(db) as read_models:
        t = queries.trace(read_models, unit, as_of_us)
    render.trace(t, fmt.value, excel, out)


@app.command()
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
    from coloring.api.ledger import Ledger
    from coloring.export import render

    _instant(as_of, "--as-of")
    if excel and fmt is not Format.csv:
        fail("--excel shapes CSV for Excel: use it with --format csv", 2)
    if per_program and participant is not None:
        fail("--per-program totals whole programs: leave out --participant", 2)
    with reading(db) as read_models:
        answers = Ledger.reading(read_models)
        if per_program:
            totals = answers.programs(as_of=as_of)
            shown = type(totals)(totals.item, (p for p in totals if program in (None, p.program)))
            render.programs(shown, fmt.value, excel, out)
            return
        rows = answers.balances(program=program, participant=participant, as_of=as_of)
    render.balances(rows, fmt.value, excel, out)


def _print_balances(rows: list[queries.Balance], fmt: Format) -> None:
    from coloring.api.results import Balance, Rows, tenge
    from coloring.export import render

    shown = Rows(Balance, (Balance(b.program, b.participant, tenge(b.held)) for b in rows))
    render.balances(shown, fmt.value, False, out)


@app.command()
def generate(
    out_dir: Annotated[Path, typer.Argument(metavar="OUT", help="Folder to write.")],
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed writes the same folder.")
    ] = 1,
    farmers: Annotated[
        int, typer.Option("--farmers", help="Farmers (borrowers) of the livestock program.")
    ] = 200,
    scale: Annotated[
        float, typer.Option("--scale", help="Multiplies every program's volume of records.")
    ] = 1.0,
    misuse_rate: Annotated[
        float,
        typer.Option("--misuse-rate", help="Share of records with planted misuse (0 to 1)."),
    ] = 0.05,
    herd: Annotated[
        int,
        typer.Option(
            "--herd",
            min=0,
            help="A region's whole herd in the registry extract: this many registry rows per "
            "transfer of animals never bought (e.g. 15; they change no finding).",
        ),
    ] = 0,
) -> None:
    """Write a deterministic synthetic pilot folder with planted misuse (planted.json)."""
    from coloring.pilot.generator import generate as run_generator

    summary = run_generator(
        out_dir, seed=seed, farmers=farmers, scale=scale, misuse_rate=misuse_rate, herd=herd
    )
    err.print(summary.to_text(), highlight=False)


@app.command()
def demo(
    db: DbOption = None,
    folder: Annotated[Path | None, typer.Option("--folder", help="Pilot folder to load.")] = None,
) -> None:
    """Load the shipped example pilot folder (a livestock, a leasing and a road program) into a
    ledger, then show balances, every finding, one tagged tiyn's path and one finding explained."""
    from rich.table import Table

    from coloring.api.ledger import Ledger
    from coloring.examples import example_folder
    from coloring.export import render
    from coloring.pilot.loader import load_folder
    from coloring.projections import queries

    source = folder or example_folder()
    target = db or "sqlite:///:memory:"
    with ledger(target, catch_up=False, create=True, write="demo") as (application, runner):
        summary = load_folder(application, source)
        runner.run()
        err.print(
            _("loaded {folder}: payments applied {applied}, refused {refused}").format(
                folder=source, applied=summary.applied, refused=summary.refused
            ),
            highlight=False,
        )
        out.rule(_("coloured money held now"))
        _print_balances(queries.balances(runner.db), Format.table)
        out.rule("money by verdict (coloring balances --per-program)")
        render.programs(Ledger.over(application, runner).programs(), "table", False, out)
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
        first = runner.db.query(
            "SELECT allocation_id FROM rm_allocations ORDER BY allocation_id LIMIT 1"
        )
        if first:
            t = queries.trace(runner.db, f"{first[0][0]}#0")
            out.rule(_("trace of {unit}").format(unit=t.unit))
            for step in t.steps:
                out.print(
                    f"{step.at}  {step.holder:<12} via {step.via:<12} {step.outcome}",
                    highlight=False,
                )
            out.print(_("now: {state}").format(state=render.trace_state(t)), highlight=False)
        if found:
            out.rule(f"coloring explain {found[0].rule} {found[0].subject}")
            for line in queries.explain(runner.db, found[0].rule, found[0].subject):
                out.print(line, highlight=False, markup=False)


register_options(app)
register_integrity(app)
register_programs(app)
register_report(app)
register_rules(app)
register_scenarios(app)
register_serve(app)
register_export(app)


def main() -> None:
    # A load holds hundreds of thousands of long-lived objects (aggregates, queues, caches) and
    # allocates millions of short-lived ones that are freed by reference counting; Python's
    # default thresholds then rescan the long-lived heap over and over for cycles that are not
    # there (a generated 100k folder: 46.7 s default, 36.1 s with these; same peak memory).
    gc.set_threshold(100_000, 50, 1000)
    try:
        app()
    except KeyboardInterrupt:
        err.print(
            _("interrupted: every committed batch is kept; run the same command again to resume")
        )
        sys.exit(130)
