"""`coloring balances --totals`: each program's money by where it is and by verdict.

Rendered here so that `cli.py` only asks for it; the figures are `projections.spending`'s, the
same definition of money by verdict as the report's and a replay's.
"""

from __future__ import annotations

import csv
import json
import sys

from rich.console import Console
from rich.table import Table

from coloring.projections.spending import ProgramMoney

COLUMNS = ("allocated", "spent", "on_purpose", "misused", "returned", "held")
HEADINGS = (
    "allocated",
    "spent",
    "spent on purpose",
    "spent with findings",
    "returned",
    "held",
)


def print_program_money(rows: list[ProgramMoney], fmt: str, out: Console) -> None:
    shown = [r.as_dict() for r in rows]
    if fmt == "json":
        sys.stdout.write(json.dumps(shown, indent=1) + "\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["program", *COLUMNS])
        for r in shown:
            writer.writerow([r["program"], *(r[c] for c in COLUMNS)])
    else:
        table = Table("program", *(f"{h} (KZT)" for h in HEADINGS))
        for r in shown:
            table.add_row(r["program"], *(r[c] for c in COLUMNS))
        out.print(table)
