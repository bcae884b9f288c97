"""The auditor's workbook (XlsxWriter; docs/export.md): findings with their evidence and
participants' names, totals by rule and by region and program, balances, program totals.
Amounts are numbers in tenge with a `#,##0.00` format; instants are Excel dates in the offset
they were written with (Excel has no time zones; the offset is in the next column)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import xlsxwriter

from coloring.api.ledger import Ledger, When
from coloring.api.results import Finding
from coloring.export.grouping import Group, group
from coloring.export.tables import replacing

SHEETS = ("Findings", "By rule", "By region and program", "Balances", "Programs")
MONEY = "#,##0.00"
WHEN = "yyyy-mm-dd hh:mm:ss"
TOTAL = "total"


def evidence_text(f: Finding) -> str:
    return "; ".join(f"{k}: {v}" for k, v in sorted(f.evidence.items()) if v is not None)


def offset_text(at: datetime) -> str:
    text = at.strftime("%z")
    return f"{text[:3]}:{text[3:]}"


class _Sheet:
    """Rows written one after another; text always as text (a value starting with `=` is
    never a formula), amounts as numbers, instants as dates."""

    def __init__(self, book: Any, name: str, header: Sequence[str], widths: Sequence[int]):
        self.sheet = book.add_worksheet(name)
        self.money = book.add_format({"num_format": MONEY})
        self.when = book.add_format({"num_format": WHEN})
        bold = book.add_format({"bold": True})
        for col, (title, width) in enumerate(zip(header, widths, strict=True)):
            self.sheet.write_string(0, col, title, bold)
            self.sheet.set_column(col, col, width)
        self.sheet.freeze_panes(1, 0)
        self.row = 1
        self.columns = len(header)

    def add(self, values: Sequence[Any]) -> None:
        for col, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, Decimal):
                self.sheet.write_number(self.row, col, float(v), self.money)
            elif isinstance(v, datetime):
                self.sheet.write_datetime(self.row, col, v.replace(tzinfo=None), self.when)
            elif isinstance(v, int):
                self.sheet.write_number(self.row, col, v)
            else:
                self.sheet.write_string(self.row, col, str(v))
        self.row += 1

    def finish(self) -> None:
        if self.row > 1:
            self.sheet.autofilter(0, 0, self.row - 1, self.columns - 1)


def _totals(sheet: _Sheet, groups: list[Group], width: int) -> None:
    for g in groups:
        sheet.add([*g.key, g.count, g.refused, g.amount])
    filler = [""] * (width - 1)
    sheet.add(
        [
            TOTAL,
            *filler,
            sum(g.count for g in groups),
            sum(g.refused for g in groups),
            sum((g.amount for g in groups), Decimal("0.00")),
        ]
    )


def write_workbook(ledger: Ledger, out: Path | IO[bytes], *, as_of: When = None) -> None:
    """Write the workbook to a path (replaced only once complete) or a binary stream (e.g.
    `io.BytesIO` for a download)."""
    if isinstance(out, Path):
        with replacing(out, folder=False) as scratch:
            _write(ledger, str(scratch), as_of)
        return
    _write(ledger, out, as_of)


def _write(ledger: Ledger, target: str | IO[bytes], as_of: When) -> None:
    names = {p.participant: p.name for p in ledger.participants()}
    findings = ledger.findings(as_of=as_of)
    book = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_formulas": False})
    try:
        _findings_sheet(book, findings, names)
        by_rule = _Sheet(
            book, SHEETS[1], ["rule", "findings", "refused", "amount (KZT)"], [28, 10, 10, 20]
        )
        _totals(by_rule, group(findings, ["rule"]), 1)
        by_region = _Sheet(
            book,
            SHEETS[2],
            ["region", "program", "findings", "refused", "amount (KZT)"],
            [20, 18, 10, 10, 20],
        )
        _totals(by_region, group(findings, ["region", "program"]), 2)
        balances = _Sheet(
            book, SHEETS[3], ["program", "participant", "name", "held (KZT)"], [18, 18, 36, 20]
        )
        for b in ledger.balances(as_of=as_of):
            balances.add([b.program, b.participant, names.get(b.participant, ""), b.held])
        balances.finish()
        programs = _Sheet(
            book,
            SHEETS[4],
            ["program", "name", "allocated (KZT)", "spent (KZT)", "returned (KZT)", "held (KZT)"],
            [18, 40, 20, 20, 20, 20],
        )
        for p in ledger.programs(as_of=as_of):
            programs.add([p.program, p.name, p.allocated, p.spent, p.returned, p.held])
    finally:
        book.close()


def _findings_sheet(
    book: xlsxwriter.Workbook, findings: Sequence[Finding], names: dict[str, str]
) -> None:
    """The first sheet: one row a finding, with its participants' names and its evidence."""
    sheet = _Sheet(
        book,
        SHEETS[0],
        [
            "at",
            "offset",
            "rule",
            "subject",
            "program",
            "region",
            "amount (KZT)",
            "status",
            "participants",
            "participant names",
            "evidence",
        ],
        [20, 7, 28, 24, 16, 18, 18, 8, 24, 36, 60],
    )
    for f in findings:
        sheet.add(
            [
                f.at,
                offset_text(f.at),
                f.rule,
                f.subject,
                f.program,
                f.region,
                f.amount,
                f.status,
                ", ".join(f.participants),
                ", ".join(names.get(p, p) for p in f.participants),
                evidence_text(f),
            ]
        )
    sheet.finish()
