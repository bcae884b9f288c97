"""The `coloring` command: parse, call the application, render. Each command lives with its
kind (`load_cli`, `questions_cli`, `programs_cli`, `rules_cli`, the integrity, report,
scenario, web and export commands); what they share is `cli_ledger`'s. Data goes to stdout;
messages and progress to stderr. Exit 0 ok, 1 a failed check or domain error, 2 bad input or
usage."""

from __future__ import annotations

import gc
import sys

import typer

from coloring.cli_help import PlainHelpGroup, register_options
from coloring.cli_ledger import err, fail, ledger, out, reading, warn
from coloring.export.commands import register as register_export
from coloring.i18n import _
from coloring.integrity.commands import register as register_integrity
from coloring.load_cli import generate, load
from coloring.programs_cli import register as register_programs
from coloring.questions_cli import balances, demo, explain, findings, trace
from coloring.report.commands import register as register_report
from coloring.rules_cli import register as register_rules
from coloring.scenarios.commands import register as register_scenarios
from coloring.web.commands import register as register_serve

# The commands of other modules open ledgers and report errors through these names.
__all__ = ["app", "err", "fail", "ledger", "main", "out", "reading", "warn"]

app = typer.Typer(
    help="An event-sourced ledger of coloured budget money: load pilot data, find misuse, "
    "trace every tagged tiyn.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=PlainHelpGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
)

for command in (load, findings, explain, trace, balances, generate, demo):
    app.command()(command)
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
