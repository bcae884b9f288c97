"""The `coloring` command's entry point: questions answered before the command-line framework is
imported.

Typer builds its commands, and a pydantic adapter for each option, on every start: a quarter of
a second of CPU before any question is asked, more than the question itself at a million
payments. So the read commands (`findings`, `balances`, `trace`, `explain`, `programs`) are
first parsed here, by hand, for the common forms of their options (`--name value`,
`--name=value`, flags) and answered from current read models (`coloring.readside`) through the
same queries and renderers as `coloring.cli`. Anything else (another command, `--help`, a wrong
or unusual argument, read models behind the log or an unfinished load, any error before output)
goes to `coloring.cli`, which parses, checks and words every message as always; nothing has
been printed by then.
`tests/cli/test_read_cli.py` checks that both paths print the same bytes.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coloring.cli_choices import Format, GroupKey, SortKey, Status

if TYPE_CHECKING:
    from decimal import Decimal

    from coloring.projections.db import Database
    from coloring.projections.listing import Listed

FORMATS = tuple(Format)
GROUP_KEYS = tuple(GroupKey)


class _Unanswered(Exception):
    """Left to `coloring.cli`: it parses, checks and explains as always."""


@dataclass
class _Spec:
    values: dict[str, tuple[str, ...] | None]  # option -> its choices (None: any text)
    many: frozenset[str] = frozenset()  # options that may be repeated
    flags: frozenset[str] = frozenset()
    arguments: int = 0


@dataclass
class _Parsed:
    values: dict[str, Any] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    arguments: list[str] = field(default_factory=list)

    def get(self, name: str) -> Any:
        return self.values.get(name)


def _parse(args: list[str], spec: _Spec) -> _Parsed:
    parsed = _Parsed()
    rest = list(args)
    while rest:
        token = rest.pop(0)
        if not token.startswith("-"):
            parsed.arguments.append(token)
            continue
        name, equals, value = token.partition("=")
        if name in spec.flags and not equals:
            parsed.flags.add(name)
            continue
        if name not in spec.values:
            raise _Unanswered  # --help, --, short or unknown options
        if not equals:
            if not rest:
                raise _Unanswered
            value = rest.pop(0)
        choices = spec.values[name]
        if value.startswith("-") or (choices is not None and value not in choices):
            raise _Unanswered
        if name in spec.many:
            parsed.values.setdefault(name, []).append(value)
        else:
            parsed.values[name] = value
    if len(parsed.arguments) != spec.arguments:
        raise _Unanswered
    return parsed


@contextmanager
def _current(db: str | None) -> Iterator[Database]:
    """The read models if they are current and no load is unfinished (else `coloring.cli`
    catches them up or warns); database errors are the full path's to word."""
    from coloring import loads
    from coloring.readside import current_read_models

    try:
        with current_read_models(db) as read_models:
            if read_models is None:
                raise _Unanswered
            with read_models.transaction(commit=False) as c:
                if loads.unfinished(c):
                    raise _Unanswered
            yield read_models
    except _Unanswered:
        raise
    except Exception as e:
        raise _Unanswered from e


def _instants(*texts: str | None) -> list[int | None]:
    from coloring.domain.time import InvalidTimeError, parse_instant

    try:
        return [None if t is None else parse_instant(t).us for t in texts]
    except InvalidTimeError:
        raise _Unanswered from None


def _format(p: _Parsed) -> str:
    fmt: str = p.get("--format") or "table"
    if "--excel" in p.flags and fmt != "csv":
        raise _Unanswered
    return fmt


FINDINGS = _Spec(
    {
        "--db": None,
        "--rule": None,
        "--program": None,
        "--participant": None,
        "--region": None,
        "--status": tuple(Status),
        "--min-amount": None,
        "--since": None,
        "--until": None,
        "--as-of": None,
        "--sort": tuple(SortKey),
        "--group-by": GROUP_KEYS,
        "--format": FORMATS,
    },
    many=frozenset({"--rule", "--group-by"}),
    flags=frozenset({"--excel", "--check"}),
)


# Local instants (microseconds since 1970 at the instant's own offset) that a datetime holds:
# the API's findings give the first or last of them for instants beyond (`results.aware`).
FIRST_LOCAL_US = -62_135_596_800_000_000
LAST_LOCAL_US = 253_402_300_799_999_999


def _tiyn(text: str) -> int:
    """`api.ledger.tiyn` of an amount written as digits with at most two fraction digits (the
    API's conversion imports the whole API); any other text is the full path's to read."""
    whole, point, fraction = text.partition(".")
    if not (whole.isdigit() and whole.isascii() and len(whole) <= 30):
        raise _Unanswered
    if point and not (fraction.isdigit() and fraction.isascii() and len(fraction) <= 2):
        raise _Unanswered
    return int(whole) * 100 + int(fraction.ljust(2, "0") if point else "0")


@dataclass(frozen=True, slots=True)
class _InTenge:
    """A listed finding as grouping reads it: its amount in tenge."""

    rule: str
    program: str
    region: str | None
    participants: tuple[str, ...]
    status: str
    amount: Decimal


def _listed(
    p: _Parsed, rules: tuple[str, ...], instants: list[int | None], fmt: str, sort: str
) -> int:
    """The findings as a table, JSON or CSV, or grouped: printed from the columns and text the
    read models keep for each finding (`projections.listing`), without building the API's
    findings (Decimals and datetimes) or importing what they need."""
    from coloring.projections.listing import listed
    from coloring.projections.queries import Filters

    since_us, until_us, as_of_us = instants
    status, region, least = p.get("--status"), p.get("--region"), p.get("--min-amount")
    with _current(p.get("--db")) as read_models:
        try:
            found = listed(
                read_models,
                as_of_us,
                Filters(rules, p.get("--program"), p.get("--participant"), since_us, until_us),
            )
            if least is not None:
                least = _tiyn(least)
        except Exception as e:
            raise _Unanswered from e
    found = [
        f
        for f in found
        if (status is None or f.status == status)
        and (region is None or f.region == region)
        and (least is None or f.amount >= least)
    ]
    if not all(
        FIRST_LOCAL_US <= f.at_us + f.at_offset * 60_000_000 <= LAST_LOCAL_US for f in found
    ):
        raise _Unanswered  # the API's findings say the first or last datetime instead
    group_by = p.get("--group-by")
    if group_by:
        _print_grouped(found, list(dict.fromkeys(group_by)), fmt, sort, "--excel" in p.flags)
    else:
        _print_listed(found, fmt, sort, "--excel" in p.flags)
    if fmt == "table":
        from coloring.consoles import message
        from coloring.i18n import ngettext

        n = len(found)
        message(ngettext("{n} finding", "{n} findings", n).format(n=n))
    return 1 if "--check" in p.flags and found else 0


def _print_grouped(found: list[Listed], keys: list[str], fmt: str, sort: str, excel: bool) -> None:
    from decimal import Decimal

    from coloring.export import render
    from coloring.export.grouping import group

    tenge = [
        _InTenge(
            f.rule, f.program, f.region, f.participants, f.status, Decimal(f.amount).scaleb(-2)
        )
        for f in found
    ]
    render.groups(keys, group(tenge, keys, sort), fmt, excel)


def _print_listed(found: list[Listed], fmt: str, sort: str, excel: bool) -> None:
    if sort == "amount":
        found.sort(key=lambda f: f.amount, reverse=True)  # stable, as the API's sort
    if fmt == "json":
        items = ",\n ".join(f.json_item() for f in found)
        sys.stdout.write(f"[\n {items}\n]\n" if found else "[]\n")
    elif fmt == "csv":
        from coloring.export.render import listed_findings_csv

        listed_findings_csv(found, excel)
    else:
        from coloring.export.render import listed_findings

        listed_findings(found)


def findings(p: _Parsed) -> int:
    from coloring.projections.names import UnknownNameError, check_rules

    rules = p.get("--rule")
    try:
        check_rules(rules or ())
    except UnknownNameError:
        raise _Unanswered from None
    instants = _instants(p.get("--since"), p.get("--until"), p.get("--as-of"))
    fmt, sort = _format(p), p.get("--sort") or "at"
    return _listed(p, tuple(rules or ()), instants, fmt, sort)


BALANCES = _Spec(
    {"--db": None, "--program": None, "--participant": None, "--as-of": None, "--format": FORMATS},
    flags=frozenset({"--per-program", "--excel"}),
)


def balances(p: _Parsed) -> int:
    from coloring.export import render
    from coloring.projections import queries

    (as_of_us,) = _instants(p.get("--as-of"))
    fmt, excel = _format(p), "--excel" in p.flags
    program, participant = p.get("--program"), p.get("--participant")
    per_program = "--per-program" in p.flags
    if per_program and participant is not None:
        raise _Unanswered
    with _current(p.get("--db")) as read_models:
        try:
            if per_program:
                from coloring.projections.extracts import program_totals

                totals = program_totals(read_models, as_of_us)
                shown: Any = [t for t in totals if program in (None, t.program)]
            else:
                shown = queries.balances(read_models, as_of_us, program, participant)
        except Exception as e:
            raise _Unanswered from e
    (render.programs if per_program else render.balances)(shown, fmt, excel)
    return 0


TRACE = _Spec(
    {"--db": None, "--as-of": None, "--format": FORMATS}, flags=frozenset({"--excel"}), arguments=1
)


def trace(p: _Parsed) -> int:
    from coloring.export import render
    from coloring.projections import queries

    (as_of_us,) = _instants(p.get("--as-of"))
    fmt, excel = _format(p), "--excel" in p.flags
    with _current(p.get("--db")) as read_models:
        try:
            t = queries.trace(read_models, p.arguments[0], as_of_us)
        except Exception as e:
            raise _Unanswered from e
    render.trace(t, fmt, excel)
    return 0


EXPLAIN = _Spec({"--db": None, "--as-of": None}, arguments=2)


def explain(p: _Parsed) -> int:
    from coloring.projections import explaining

    (as_of_us,) = _instants(p.get("--as-of"))
    rule, subject = p.arguments
    with _current(p.get("--db")) as read_models:
        try:
            lines = explaining.explain(read_models, rule, subject, as_of_us)
        except Exception as e:
            raise _Unanswered from e
    from coloring.consoles import stdout

    for line in lines:
        stdout().print(line, highlight=False, markup=False)
    return 0


PROGRAMS = _Spec({"--db": None, "--as-of": None, "--format": FORMATS})


def programs(p: _Parsed) -> int:
    from coloring.export.render import program_terms as show
    from coloring.projections.extracts import program_totals
    from coloring.projections.terms import program_terms

    (t,) = _instants(p.get("--as-of"))
    with _current(p.get("--db")) as read_models:
        try:
            terms, totals = program_terms(read_models), program_totals(read_models, t)
        except Exception as e:
            raise _Unanswered from e
    show(terms, totals, t, p.get("--format") or "table")
    return 0


COMMANDS: dict[str, tuple[_Spec, Callable[[_Parsed], int]]] = {
    "findings": (FINDINGS, findings),
    "balances": (BALANCES, balances),
    "trace": (TRACE, trace),
    "explain": (EXPLAIN, explain),
    "programs": (PROGRAMS, programs),
}
LANGUAGES = ("en", "ru", "kk")


def answer(args: list[str]) -> int | None:
    """The exit code of a read command answered here, or None: `coloring.cli` is to run it."""
    from coloring.i18n import UnknownLanguageError, use

    lang = None
    if args and args[0].startswith("--lang"):
        name, equals, value = args[0].partition("=")
        if name != "--lang" or (not equals and len(args) < 2):
            return None
        lang, args = (value, args[1:]) if equals else (args[1], args[2:])
        if lang not in LANGUAGES:
            return None
    if not args or args[0] not in COMMANDS:
        return None
    spec, run = COMMANDS[args[0]]
    try:
        parsed = _parse(args[1:], spec)
        use(lang)
        return run(parsed)
    except (_Unanswered, UnknownLanguageError):
        return None


def main() -> None:
    # A question's objects live as long as its process: collecting cycles among them and among
    # the modules being imported is work for nothing (27M instructions of `import psycopg`'s
    # 645M). The full path may load a folder: it collects as always.
    gc.disable()
    try:
        code = answer(sys.argv[1:])
        if code is None:
            gc.enable()
            from coloring.cli import main as full

            full()
            return
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader of stdout went away (`coloring findings | head`): nothing more is wanted,
        # and the full path (click) ends such a command with exit 1 and no traceback too.
        code = 1
    sys.stderr.flush()
    # Once the answer is written nothing is left to do but the interpreter's teardown, which
    # frees every module's objects one by one: 59M instructions after psycopg's import alone.
    os._exit(code)
