"""Tables, JSON and CSV of findings (plain or grouped) and of balances, for the command line.

Amounts in tables are right-aligned with thousands separators and never cut (their column
neither wraps nor shrinks below its widest amount; other columns wrap instead); in JSON and CSV
they are plain numbers in tenge with two fraction digits. `excel=True` CSV is what a ru-KZ Excel
opens: UTF-8 with a byte-order mark, `;`, a decimal comma, CRLF."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from typing import IO, TYPE_CHECKING, Any

from coloring import consoles
from coloring.domain.money import format_tiyn
from coloring.domain.time import format_instant
from coloring.export.longtable import plain_lines, print_table
from coloring.i18n import N_, _, current
from coloring.projections import jsontext

if TYPE_CHECKING:
    from rich.console import Console

    from coloring.api.results import Finding, Rows
    from coloring.export.grouping import Group
    from coloring.projections.extracts import ProgramTotals as ProgramMoney
    from coloring.projections.listing import Listed
    from coloring.projections.queries import Balance, Trace
    from coloring.projections.terms import ProgramTerms

BOM = "\ufeff"


def grouped(amount: Decimal) -> str:
    """Decimal('1250000.50') -> '1,250,000.50' in English, '1 250 000,50' in Russian or Kazakh
    (for tables only)."""
    lang = current().lang
    if amount >= 0 and amount.as_tuple().exponent == -2:
        # Babel's formatting costs ~20 us an amount (a quarter of a second for the findings of
        # a million payments); Python's own grouping with the locale's two symbols is the same.
        group, point = _separators(lang)
        return f"{amount:,}".replace(",", "\0").replace(".", point).replace("\0", group)
    from babel.numbers import format_decimal  # only tables need it: JSON and CSV start faster

    return format_decimal(amount, "#,##0.00", locale=lang)


def grouped_tiyn(tiyn: int) -> str:
    """`grouped` of the amount in tenge, from its tiyn."""
    if tiyn < 0:
        return grouped(Decimal(tiyn).scaleb(-2))
    group, point = _separators(current().lang)
    whole, fraction = divmod(tiyn, 100)
    return f"{whole:,}".replace(",", group) + f"{point}{fraction:02d}"


# The (group, decimal) symbols of the languages the command line speaks, as Babel's locale
# data has them (`tests/export/test_long_tables.py` checks that they agree): loading that data
# costs a table a thirtieth of a second of start-up.
SEPARATORS = {"en": (",", "."), "ru": ("\xa0", ","), "kk": ("\xa0", ",")}


@cache
def _separators(lang: str) -> tuple[str, str]:
    """(group, decimal) symbols of the language's numbers."""
    if lang in SEPARATORS:
        return SEPARATORS[lang]
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return get_group_symbol(lang), get_decimal_symbol(lang)


def csv_amount(amount: Decimal, excel: bool) -> str:
    return _csv_number(f"{amount:.2f}", excel)


def _csv_number(text: str, excel: bool) -> str:
    """A number's text in a CSV cell: Excel in ru/kk reads a decimal comma."""
    return text.replace(".", ",") if excel else text


def write_csv(
    rows: Sequence[Sequence[Any]],
    excel: bool,
    stream: IO[str] | None = None,
    *,
    texts: bool = False,
) -> None:
    """Header and rows as CSV: amounts (Decimal) as tenge, in Excel's flavour when asked;
    `texts`: every value is already the text to write (nothing to look at per value)."""
    target = stream or sys.stdout
    if excel:
        target.write(BOM)
    writer = csv.writer(
        target, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n"
    )
    if texts:
        writer.writerows(rows)
        return
    for row in rows:
        writer.writerow([csv_amount(v, excel) if isinstance(v, Decimal) else v for v in row])


def _print_table(
    out: Console | None,
    header: Sequence[str],
    money: Sequence[str],
    rows: list[list[Any]],
    right: Sequence[str] = (),
    *,
    texts: bool = False,
) -> None:
    """The rows under the header, `money` columns right-aligned and never cut (`right` ones
    right-aligned too); `texts`: every value is already the text to show."""
    if not texts:
        rows = [[grouped(v) if isinstance(v, Decimal) else str(v) for v in r] for r in rows]
    headings = [_(name) for name in header]
    least = [
        max(max((len(r[n]) for r in rows), default=len(name)), len(headings[n]))
        if name in money
        else 0
        for n, name in enumerate(header)
    ]
    aligned = [name in money or name in right for name in header]
    if _drawn_plainly(out, headings, aligned, least, rows):
        return
    from rich.table import Table

    table = Table()
    for name, heading, at_least, rightwards in zip(header, headings, least, aligned, strict=True):
        if name in money:
            table.add_column(heading, justify="right", no_wrap=True, min_width=at_least)
        else:
            table.add_column(heading, overflow="fold", justify="right" if rightwards else "left")
    print_table(_console(out), table, rows)


def _drawn_plainly(
    out: Console | None,
    headings: list[str],
    right: list[bool],
    least: list[int],
    rows: list[list[str]],
) -> bool:
    """Whether the table went to stdout drawn without rich (`longtable.plain_lines`)."""
    width = consoles.plain_width() if out is None else None
    lines = None if width is None else plain_lines(headings, right, least, rows, width)
    if lines is None:
        return False
    sys.stdout.write("\n".join(lines) + "\n")
    # Before the count on stderr, as rich's print flushes: both may go to one file.
    sys.stdout.flush()
    return True


def _console(out: Console | None) -> Console:
    """The console a table is printed on: the command line's stdout unless one is given."""
    return consoles.stdout() if out is None else out


def _json(data: Any) -> None:
    sys.stdout.write(jsontext.dumps(data) + "\n")  # json.dumps(ensure_ascii=False, indent=1)


# The CSV's first columns, in the order they have always had (readers index them).
CSV_COLUMNS = ["rule", "subject", "program", "amount", "at", "status", "participants"]
FINDING_COLUMNS = ["at", "rule", "subject", "program", "amount", "status", "participants"]


def findings(found: Rows[Finding], fmt: str, excel: bool, out: Console | None = None) -> None:
    if fmt == "json":
        _json(found.to_dicts())
        return
    from coloring.api.results import iso  # the findings' own module: imported with them

    at = [iso(f.at) for f in found]
    if fmt == "csv":
        write_csv(
            [
                [*CSV_COLUMNS, "region", "evidence"],
                *(
                    [
                        f.rule,
                        f.subject,
                        f.program,
                        f.amount,
                        when,
                        f.status,
                        ";".join(f.participants),
                        f.region or "",
                        json.dumps(dict(f.evidence), ensure_ascii=False),
                    ]
                    for f, when in zip(found, at, strict=True)
                ),
            ],
            excel,
        )
        return
    header = [*FINDING_COLUMNS[:4], "amount (KZT)", "status", "participants"]
    rows = [
        [when, f.rule, f.subject, f.program, f.amount, _(f.status), ", ".join(f.participants)]
        for f, when in zip(found, at, strict=True)
    ]
    _print_table(out, header, ["amount (KZT)"], rows)


def listed_findings(found: list[Listed], out: Console | None = None) -> None:
    """The table of `findings`, from the findings as the read models list them (tiyn,
    microseconds): the same text."""
    header = [*FINDING_COLUMNS[:4], "amount (KZT)", "status", "participants"]
    statuses = {status: _(status) for status in {f.status for f in found}}
    rows = [
        [
            format_instant(f.at_us, f.at_offset),
            f.rule,
            f.subject,
            f.program,
            grouped_tiyn(f.amount),
            statuses[f.status],
            ", ".join(f.participants),
        ]
        for f in found
    ]
    _print_table(out, header, ["amount (KZT)"], rows, texts=True)


def listed_findings_csv(found: list[Listed], excel: bool) -> None:
    """The CSV of `findings`, from the findings as the read models list them: the same text."""
    rows = [
        [
            f.rule,
            f.subject,
            f.program,
            format_tiyn(f.amount).replace(".", ",") if excel else format_tiyn(f.amount),
            format_instant(f.at_us, f.at_offset),
            f.status,
            ";".join(f.participants),
            f.region or "",
            f.evidence_text(),
        ]
        for f in found
    ]
    write_csv([[*CSV_COLUMNS, "region", "evidence"], *rows], excel, texts=True)


def groups(
    by: Sequence[str], found: list[Group], fmt: str, excel: bool, out: Console | None = None
) -> None:
    if fmt == "json":
        _json(
            [
                {
                    **dict(zip(by, g.key, strict=True)),
                    "findings": g.count,
                    "refused": g.refused,
                    "amount": f"{g.amount:.2f}",
                }
                for g in found
            ]
        )
        return
    rows: list[list[Any]] = [[*g.key, g.count, g.refused, g.amount] for g in found]
    if fmt == "csv":
        write_csv([[*by, "findings", "refused", "amount"], *rows], excel)
        return
    total = [
        _("total"),
        *[""] * (len(by) - 1),
        sum(g.count for g in found),
        sum(g.refused for g in found),
        sum((g.amount for g in found), Decimal("0.00")),
    ]
    header = [*by, "findings", "refused", "amount (KZT)"]
    _print_table(out, header, ["amount (KZT)"], [*rows, total], right=["findings", "refused"])


def _tiyn_csv(tiyn: int, excel: bool) -> str:
    """`csv_amount` of the amount in tenge, from its tiyn."""
    return _csv_number(format_tiyn(tiyn), excel)


def balances(found: Sequence[Balance], fmt: str, excel: bool, out: Console | None = None) -> None:
    """Balances as the read models hold them (tiyn), shown in tenge as the API's rows are."""
    if fmt == "json":
        _json(
            [
                {"program": b.program, "participant": b.participant, "held": format_tiyn(b.held)}
                for b in found
            ]
        )
        return
    if fmt == "csv":
        rows = [[b.program, b.participant, _tiyn_csv(b.held, excel)] for b in found]
        write_csv([["program", "participant", "held"], *rows], excel, texts=True)
        return
    rows = [[b.program, b.participant, grouped_tiyn(b.held)] for b in found]
    _print_table(out, ["program", "participant", "held (KZT)"], ["held (KZT)"], rows, texts=True)


PROGRAM_MONEY = ["allocated", "spent", "on_purpose", "misused", "returned", "held"]
# Table headings made from names, for the catalogues (translated where the table is drawn).
HEADINGS = (
    N_("at"),
    N_("rule"),
    N_("subject"),
    N_("program"),
    N_("amount (KZT)"),
    N_("status"),
    N_("participants"),
    N_("participant"),
    N_("region"),
    N_("held (KZT)"),
    N_("findings"),
    N_("refused"),
    N_("total"),
    N_("allocated (KZT)"),
    N_("spent (KZT)"),
    N_("on purpose (KZT)"),
    N_("misused (KZT)"),
    N_("returned (KZT)"),
)


def programs(
    found: Sequence[ProgramMoney], fmt: str, excel: bool, out: Console | None = None
) -> None:
    """Each program's money as the read models sum it (tiyn), shown in tenge as the API's rows
    are."""
    if fmt == "json":
        _json(
            [
                {
                    "program": p.program,
                    "name": p.name,
                    **{m: format_tiyn(getattr(p, m)) for m in PROGRAM_MONEY},
                }
                for p in found
            ]
        )
        return
    if fmt == "csv":
        rows = [
            [p.program, p.name, *(_tiyn_csv(getattr(p, m), excel) for m in PROGRAM_MONEY)]
            for p in found
        ]
        write_csv([["program", "name", *PROGRAM_MONEY], *rows], excel, texts=True)
        return
    # Names are in JSON and CSV: in a table they would squeeze the amounts' columns.
    money = [f"{m.replace('_', ' ')} (KZT)" for m in PROGRAM_MONEY]
    rows = [[p.program, *(grouped_tiyn(getattr(p, m)) for m in PROGRAM_MONEY)] for p in found]
    _print_table(out, ["program", *money], money, rows, texts=True)


def trace_state(t: Trace) -> str:
    """Where the unit is now, in the language of the tables."""
    last = t.steps[-1]
    return {
        "held": _("held by {holder}"),
        "spent": _("spent at {holder}"),
        "returned": _("returned to {holder}"),
    }[last.outcome].format(holder=last.holder)


def trace(t: Trace, fmt: str, excel: bool, out: Console | None = None) -> None:
    if fmt == "json":
        document = {
            "unit": t.unit,
            "program": t.program,
            "state": t.state,
            "steps": [s.as_dict() for s in t.steps],
        }
        sys.stdout.write(json.dumps(document, indent=1) + "\n")
        return
    if fmt == "csv":
        rows = [[s.at, s.holder, s.via, s.outcome] for s in t.steps]
        write_csv([["at", "holder", "via", "outcome"], *rows], excel)
        return
    from rich.table import Table

    table = Table(_("at"), _("holder"), _("via"), _("outcome"), title=f"{t.unit} ({t.program})")
    for s in t.steps:
        table.add_row(s.at, s.holder, s.via, _(s.outcome))
    _console(out).print(table)
    _console(out).print(_("now: {state}").format(state=trace_state(t)), highlight=False)


TERMS_MONEY = ("allocated", "spent", "on_purpose", "misused", "returned", "held")


def program_terms(
    terms: list[ProgramTerms],
    totals: list[ProgramMoney],
    t: int | None,
    fmt: str,
    out: Console | None = None,
) -> None:
    """`coloring programs`: the terms in force at `t` (None: now) and their history; JSON adds
    each program's money."""
    if fmt == "json":
        money = {m.program: {k: format_tiyn(getattr(m, k)) for k in TERMS_MONEY} for m in totals}
        listed = [{**p.as_dict(t), "money": money[p.program_id]} for p in terms]
        sys.stdout.write(json.dumps(listed, indent=1) + "\n")
        return
    if fmt == "csv":
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
    headings = [_("program"), _("kind"), "expires_at", "max_idle_days", _("history of terms")]
    rows = []
    for p in terms:
        expires_us, offset, idle, _amendment = p.in_force(2**62 if t is None else t)
        history = [
            f"registered: expires_at "
            f"{format_instant(p.expires_at_us, p.expires_at_offset)}, "
            f"max_idle_days {p.max_idle_days}",
            *(a.describe() for a in p.known_at(t)),
        ]
        rows.append(
            [
                p.program_id,
                p.kind,
                format_instant(expires_us, offset),
                str(idle),
                "\n".join(history),
            ]
        )
    if _drawn_plainly(out, headings, [False] * 5, [0] * 5, rows):
        return
    from rich.table import Table

    table = Table(*headings)
    for row in rows:
        table.add_row(*row)
    _console(out).print(table)
