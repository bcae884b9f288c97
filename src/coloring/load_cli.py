"""`coloring load` and `coloring generate`: pilot folders into the ledger, and synthetic ones
(`coloring.cli` registers them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from coloring.cli_ledger import err, fail, ledger, progress_bar, warn
from coloring.cli_options import DbOption, WaitOption
from coloring.i18n import _

if TYPE_CHECKING:
    from coloring.pilot.intake import TakenFolder
    from coloring.pilot.loader import LoadSummary
    from coloring.projections.db import Database


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
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            min=1,
            help="Judge the folder's programs in this many processes (PostgreSQL only); the "
            "ledger is the same as with one.",
        ),
    ] = 1,
) -> None:
    """Record a pilot folder in the ledger: all errors at once, nothing recorded from a refused
    folder.

    One writer at a time: a second load (amend, rebuild) into the same ledger is refused, or
    waits with --wait. A load that is killed keeps what it committed and read commands warn
    about it until the folder is loaded again, which completes it."""
    from coloring.pilot.errors import ErrorSink, PilotInputError
    from coloring.pilot.intake import taken
    from coloring.scratch import remove_stale, removed_line

    if mode is not None and mode not in ("observe", "enforce"):
        fail(f"--mode must be observe or enforce, not {mode!r}", 2)
    if jobs > 1:
        _require_postgres(db, jobs)
    removed = removed_line("load", remove_stale("load"))
    if removed:
        err.print(removed, soft_wrap=True, markup=False, highlight=False)
    sink = ErrorSink()
    with taken(folder, sink) as copy:
        if copy is None:
            _refused(folder, str(PilotInputError(sink.errors)))
        _load(folder, copy, db, mode, wait, jobs)
        changed = copy.changed_since()
    if changed:
        warn(
            f"{', '.join(changed)} changed during the load: the ledger holds the folder as it "
            "was when the load began; load it again to record the change"
        )


def _require_postgres(db: str | None, jobs: int) -> None:
    """Several processes judge a load only into PostgreSQL: a SQLite ledger has one writer
    and its batches are written faster than two processes would judge them on this machine's
    two cores (docs/scale.md)."""
    from coloring.dburl import database_url

    if not database_url(db).startswith(("postgresql:", "postgres:")):
        fail(
            f"--jobs {jobs} needs a PostgreSQL ledger (--db postgresql://...); a SQLite ledger "
            "is loaded by one process: use --jobs 1 (the default)",
            2,
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


def _load(
    folder: Path, copy: TakenFolder, db: str | None, mode: str | None, wait: float, jobs: int
) -> None:
    from coloring import loads
    from coloring.domain.errors import ColoringError
    from coloring.pilot.loader import LoadRefusedError, load_folder
    from coloring.pilot.reader import PilotInputError
    from coloring.projections import queries
    from coloring.projections.inline import InlineProjection

    bar = progress_bar()
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
        store = application.store
        first_seq = store.seq
        store.inline = InlineProjection(runner)
        try:
            runner.run()  # the ledger's totals are checked against the read models
            summary = load_folder(
                application, folder, mode, progress, read_from=copy.path, record=_recorder(jobs)
            )
            if runner.pending() >= 20000:
                bar.start()
                projecting = bar.add_task("projecting", total=runner.pending())
                runner.run(progress=lambda n: bar.advance(projecting, n))
            else:
                runner.run()
        except (PilotInputError, LoadRefusedError) as e:
            committed = store.seq - first_seq
            if not committed:
                loads.finish(runner.db, load_id, "refused")
            _refused(folder, str(e), committed)
        except ColoringError as e:
            committed = store.seq - first_seq
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
        if summary.records:
            _vacuum(runner.db)
        found = Counter(f.rule for f in queries.findings(runner.db))
    _print_summary(folder, summary, found)


def _vacuum(db: Database) -> None:
    """Vacuum the read models after a load that recorded something (PostgreSQL only). A
    refused VACUUM does not fail the load, whose records are committed: a warning on stderr,
    not silence, as reads are slower until the table is vacuumed and only the operator can. A
    role that does not own a table is no error: the server skips the table with a notice, which
    psycopg drops (no notice handler), so such a load says nothing of it."""
    if not db.postgres:
        return
    import psycopg

    try:
        db.vacuum_read_models()
    except psycopg.Error as e:
        warn(f"the read models were not vacuumed ({e}); reads step over dead rows until they are")


def _recorder(jobs: int) -> Callable[..., None] | None:
    """The second pass of a load in `jobs` processes (None: the one load's own)."""
    if jobs == 1:
        return None
    from coloring.pilot.parallel import recorder

    return recorder(jobs)


def _print_summary(folder: Path, summary: LoadSummary, found: Counter[str]) -> None:
    """What the load recorded, payments applied and refused, and the findings by rule."""
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


def _above_zero(value: float) -> float:
    if not value > 0:
        raise typer.BadParameter(f"{value} is not above 0.")
    return value


def generate(
    out_dir: Annotated[Path, typer.Argument(metavar="OUT", help="Folder to write.")],
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed writes the same folder.")
    ] = 1,
    farmers: Annotated[
        int,
        typer.Option("--farmers", min=1, help="Farmers (borrowers) of the livestock program."),
    ] = 200,
    scale: Annotated[
        float,
        typer.Option(
            "--scale", callback=_above_zero, help="Multiplies every program's volume of records."
        ),
    ] = 1.0,
    misuse_rate: Annotated[
        float,
        typer.Option(
            "--misuse-rate", min=0, max=1, help="Share of records with planted misuse (0 to 1)."
        ),
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
