"""`coloring replay` and `coloring compare`: scenario files in, reports out.

`cli.register(app, "replay", "compare")` adds them to another typer app. Data goes to stdout,
messages to stderr; exit 0 ok, 1 a failed expectation of the scenario as written or a domain
error, 2 a bad scenario or bad usage. A what-if (`--set`, `--mode`, `--as-of`) changes what the
scenario describes, so its failed expectations are reported but exit 0 unless `--check` asks
otherwise.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, NoReturn

import typer

from coloring.domain.records import Mode

if TYPE_CHECKING:
    from coloring.scenarios.report import Report


SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Change a parameter, e.g. mode=enforce, programs.AA-2025.max_idle_days=60, "
        "generate.seed=2 (repeatable).",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Evaluation instant (ISO 8601; no offset means +05:00); default latest."
    ),
]
FormatOption = Annotated[
    Literal["text", "json"],
    typer.Option("--format", help="text for people, json (one object) for programs."),
]


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _clear_scratch() -> None:
    """Remove the pilot folders that killed replays left (`coloring.scratch`), saying so."""
    from coloring.scratch import remove_stale, removed_line

    removed = removed_line("scenario", remove_stale("scenario"))
    if removed:
        _say(removed)


def _fail(message: str, code: int) -> NoReturn:
    _say(f"error: {message}")
    raise typer.Exit(code)


@contextmanager
def _errors(name: str) -> Iterator[None]:
    """Scenario and usage problems exit 2; domain errors while replaying exit 1."""
    from coloring.dburl import DatabaseUrlError
    from coloring.domain.errors import ColoringError
    from coloring.scenarios.source import ScenarioError

    try:
        yield
    except ScenarioError as e:
        for issue in e.issues:
            _say(str(issue))
        _fail(f"{name}: {len(e.issues)} problem(s); nothing was replayed", 2)
    except DatabaseUrlError as e:
        _fail(str(e), 2)
    except ColoringError as e:
        _fail(f"{name}: {e}", 1)


def _as_of(text: str | None) -> list[tuple[str, str]]:
    from coloring.domain.time import InvalidTimeError
    from coloring.pilot.cells import parse_time

    if text is None:
        return []
    try:
        parse_time(text)
    except InvalidTimeError as e:
        _fail(f"--as-of: {e}", 2)
    return [(f"as_of={text}", f"--as-of {text}")]


def replay_command(
    scenario: Annotated[Path, typer.Argument(help="A scenario file (YAML).")],
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Replay into this empty ledger and keep it (default: a fresh in-memory one).",
            show_default=False,
        ),
    ] = None,
    mode: Annotated[
        Mode | None, typer.Option("--mode", help="observe or enforce (default: the file's).")
    ] = None,
    set_: SetOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "text",
    strict: Annotated[
        bool | None,
        typer.Option(
            "--check/--no-check",
            help="Exit 1 when an expectation fails (default: only for the scenario as written; "
            "a what-if with --set, --mode or --as-of reports them and exits 0).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Replay a scenario into a fresh ledger, print the report and check its expectations
    (exit 1 with the differences when one of the scenario as written fails)."""
    from coloring.scenarios.expect import check
    from coloring.scenarios.render import report_json, report_text
    from coloring.scenarios.replay import load, replay

    labelled = _as_of(as_of)
    if mode is not None:
        labelled.append((f"mode={mode.value}", f"--mode {mode.value}"))
    _clear_scratch()
    started = time.monotonic()
    with _errors(str(scenario)):
        loaded = load(scenario, set_ or (), labelled)
        report = replay(loaded, db)
        outcome = check(loaded.doc, loaded.scenario.expect, report)
    render = report_json if fmt == "json" else report_text
    sys.stdout.write(render(report, outcome))
    _say(f"replayed {scenario} in {time.monotonic() - started:.1f} s")
    if db is not None:
        _say(f"the ledger is kept in {db}: try `coloring findings --db {db}`")
    if not outcome.ok:
        if fmt == "json":
            for failure in outcome.failures:
                _say(str(failure))
        what_if = bool(loaded.overrides)
        if strict or (strict is None and not what_if):
            _fail(f"{scenario}: {outcome.summary()}", 1)
        _say(
            f"what-if {'; '.join(loaded.overrides)}: {outcome.summary()} (the expectations "
            "describe the scenario as written; --check exits 1 on them)"
            if what_if
            else f"{scenario}: {outcome.summary()} (--no-check: reported only)"
        )


def compare_command(
    scenarios: Annotated[
        list[Path],
        typer.Argument(help="One scenario (with --set/--against or --modes), or two to compare."),
    ],
    set_: SetOption = None,
    against: Annotated[
        list[str] | None,
        typer.Option(
            "--against",
            metavar="PATH=VALUE",
            help="The baseline: the scenario with these changes (default: as written); --set "
            "makes the variant.",
        ),
    ] = None,
    modes: Annotated[
        bool, typer.Option("--modes", help="The same scenario in observe and in enforce mode.")
    ] = False,
    as_of: AsOfOption = None,
    fmt: FormatOption = "text",
) -> None:
    """Replay two variants side by side, baseline first: findings by rule, money blocked versus
    misused, utilisation, idle days; change = variant minus baseline. The baseline is the first
    scenario, observe mode (--modes), or the scenario as written or with --against; the variant
    is the second scenario, enforce mode, or the scenario with --set."""
    from coloring.scenarios.render import compare_json, compare_text
    from coloring.scenarios.replay import load, replay

    sets = list(set_ or ())
    common = _as_of(as_of)
    if len(scenarios) > 2:
        _fail("compare takes one scenario or two", 2)
    variants: list[tuple[str, Path, list[str], list[tuple[str, str]]]]
    if len(scenarios) == 2:
        if modes or against:
            _fail("--modes and --against compare variants of ONE scenario", 2)
        a, b = scenarios
        la, lb = (a.stem, b.stem) if a.stem != b.stem else (str(a), str(b))
        variants = [(la, a, sets, common), (lb, b, sets, common)]
    elif modes:
        if against:
            _fail("--modes compares observe with enforce; leave out --against", 2)
        variants = [
            (mode, scenarios[0], sets, [*common, (f"mode={mode}", f"--mode {mode}")])
            for mode in ("observe", "enforce")
        ]
    else:
        if not sets and not against:
            _fail("nothing to compare: give --set and/or --against, --modes, or two scenarios", 2)
        # Left to right: the baseline (--against, or the scenario as written), then the variant.
        variants = [
            (" ".join(against or ()) or "as written", scenarios[0], list(against or ()), common),
            (" ".join(sets) or "as written", scenarios[0], sets, common),
        ]
    _clear_scratch()
    reports: list[Report] = []
    for label, path, assignments, labelled in variants:
        with _errors(str(path)):
            reports.append(replay(load(path, assignments, labelled)))
        _say(f"replayed {label}")
    title = " vs ".join(dict.fromkeys(str(p) for p in scenarios))
    labels = [v[0] for v in variants]
    render = compare_json if fmt == "json" else compare_text
    sys.stdout.write(render(title, labels, reports))
