"""The `coloring` command: parse, call the application, render. Each command lives with its
kind (`load_cli`, `questions_cli`, `programs_cli`, `rules_cli`, the integrity, report,
scenario, web and export commands); what they share is `cli_ledger`'s. Data goes to stdout;
messages and progress to stderr. Exit 0 ok, 1 a failed check or domain error, 2 bad input or
usage.

A command's module is imported, and made into a click command, only when that command runs or
a help or a shell completion lists it: `coloring rebuild` does not import the report, web,
scenario and export modules (nor build their options)."""

from __future__ import annotations

import gc
import signal
import sys
from importlib import import_module
from typing import Any

import typer

from coloring.cli_help import PlainHelpGroup, register_options
from coloring.cli_ledger import err, fail, ledger, out, reading, warn

# The commands of other modules open ledgers and report errors through these names.
__all__ = ["app", "err", "fail", "ledger", "main", "out", "reading", "warn"]

COMMANDS = {
    "load": "coloring.load_cli:load",
    "findings": "coloring.questions_cli:findings",
    "explain": "coloring.questions_cli:explain",
    "trace": "coloring.questions_cli:trace",
    "balances": "coloring.questions_cli:balances",
    "generate": "coloring.load_cli:generate",
    "demo": "coloring.questions_cli:demo",
    "verify": "coloring.integrity.commands:verify",
    "rebuild": "coloring.integrity.commands:rebuild",
    "seal": "coloring.integrity.commands:seal",
    "prove": "coloring.integrity.commands:prove",
    "check-proof": "coloring.integrity.commands:check_proof_command",
    "migrate": "coloring.integrity.commands:migrate",
    "programs": "coloring.programs_cli:programs",
    "amend": "coloring.programs_cli:amend",
    "report": "coloring.report.commands:report",
    "rules": "coloring.rules_cli:rules",
    "replay": "coloring.scenarios.commands:replay_command",
    "compare": "coloring.scenarios.commands:compare_command",
    "sweep": "coloring.scenarios.sweep_commands:sweep_command",
    "serve": "coloring.web.commands:serve",
    "export": "coloring.export.commands:export",
}
"""Every command, in the order `coloring --help` lists them, and the function that runs it."""


def register(app: typer.Typer, *names: str) -> None:
    """Add these commands (every command if none is named) to a typer app, as `coloring` has
    them; each command's module is imported now."""
    for name in names or COMMANDS:
        module, function = COMMANDS[name].split(":")
        app.command(name=name)(getattr(import_module(module), function))


class LazyCommands(PlainHelpGroup):
    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            one = typer.Typer()
            register(one, cmd_name)
            self.commands[cmd_name] = typer.main.get_command_from_info(
                one.registered_commands[0],
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        # typer suggests the commands a mistyped name may mean from those already made
        if args and args[0] not in COMMANDS:
            for name in COMMANDS:
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)


app = typer.Typer(
    help="An event-sourced ledger of coloured budget money: load pilot data, find misuse, "
    "trace every tagged tiyn.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=LazyCommands,
    context_settings={"help_option_names": ["-h", "--help"]},
)
register_options(app)


_STOPPED_BY: list[int] = []
"""SIGTERM once it has stopped this command; Ctrl-C is Python's own KeyboardInterrupt."""


def _stop(signum: int, frame: object) -> None:
    """SIGTERM (`kill`, `timeout`, a service manager's stop) raised as Ctrl-C is, where Python
    runs next, so that the command ends through its `finally` blocks: the batch being written
    rolled back, the write lock and the temporary folders released. (Python's default ends the
    process at once, leaving its copy of a pilot folder in TMPDIR.) A second SIGTERM ends the
    process at once, as one did before."""
    signal.signal(signum, signal.SIG_DFL)
    _STOPPED_BY.append(signum)
    raise KeyboardInterrupt


def main() -> None:
    # A load holds hundreds of thousands of long-lived objects (aggregates, queues, caches) and
    # allocates millions of short-lived ones that are freed by reference counting; Python's
    # default thresholds then rescan the long-lived heap over and over for cycles that are not
    # there (a generated 100k folder: 46.7 s default, 36.1 s with these; same peak memory).
    gc.set_threshold(100_000, 50, 1000)
    signal.signal(signal.SIGTERM, _stop)
    try:
        app()
    except (KeyboardInterrupt, SystemExit) as ended:
        # typer ends a command stopped by Ctrl-C with exit 130, whatever stopped it.
        if _STOPPED_BY and (isinstance(ended, KeyboardInterrupt) or ended.code == 130):
            sys.exit(128 + _STOPPED_BY[0])
        raise
