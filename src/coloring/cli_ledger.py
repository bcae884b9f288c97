"""What every command of `coloring` shares: the consoles (data to stdout; messages and progress
to stderr), the common options, errors as messages and exit codes (0 ok, 1 a failed check or
domain error, 2 bad input or usage), and opening a ledger or its read models.

Light to import: the event store, the domain and the pilot contract are imported where they
are used, so that a question answered from current read models starts fast."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.text import Text

from coloring import consoles
from coloring.cli_choices import Format
from coloring.i18n import _

if TYPE_CHECKING:
    from rich.progress import Progress

    from coloring.application import ColoringApplication
    from coloring.projections.db import Database
    from coloring.projections.runner import ProjectionRunner

err = consoles.stderr()
out = consoles.stdout()


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
            runner = ProjectionRunner(application.store, create=lock.held)
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
        except KeyboardInterrupt:
            if write is not None:
                err.print(
                    _(
                        "interrupted: every committed batch is kept; run the same command again "
                        "to resume"
                    )
                )
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
    with progress_bar() as bar:
        task = bar.add_task("projecting", total=pending)
        runner.run(progress=lambda n: bar.advance(task, n))


def progress_bar() -> Progress:
    """A progress bar on stderr that goes when done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        # Into a file or a pipe rich draws no bar until it stops, yet a thread would build the
        # bar ten times a second for nothing (docs/performance.md, "Load CPU, fourth pass").
        auto_refresh=err.is_terminal or err.is_jupyter,
    )


def instant_us(text: str | None, option: str) -> int | None:
    """An instant option's text in microseconds (None when not given); bad text exits 2."""
    from coloring.domain.time import InvalidTimeError, parse_instant

    if text is None:
        return None
    try:
        return parse_instant(text).us
    except InvalidTimeError as e:
        fail(f"{option}: {e}", 2)
