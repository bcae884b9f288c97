"""`coloring export`: the read models as Parquet or JSON files, or an xlsx workbook.
`cli.py` imports this module when it runs (`cli.register(app, "export")` adds it to another
typer app); the CLI's ledger opening (catch-up, errors to exit codes) is imported when the
command runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from coloring.cli_options import AsOfOption, DbOption


def export(
    fmt: Annotated[
        Literal["parquet", "json", "xlsx"],
        typer.Option(
            "--format",
            help="parquet or json: a folder of tables (findings, movements, balance_steps, "
            "deliveries, participants, programs); xlsx: one workbook for Excel.",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="The folder (parquet, json) or file (xlsx) to write; replaced when complete.",
            show_default=False,
        ),
    ],
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Export the ledger's answers for analysts (Parquet, JSON) and auditors (xlsx), with the
    schemas of docs/export.md. Nothing is half-written: the output appears only when complete."""
    from coloring.api.ledger import Ledger
    from coloring.cli import err, fail, ledger
    from coloring.cli_ledger import instant_us
    from coloring.export.parquet import write_json, write_parquet
    from coloring.export.xlsx import write_workbook

    instant_us(as_of, "--as-of")  # bad text exits 2 before anything is opened
    if fmt == "xlsx":
        if out.is_dir():
            fail(f"--out {out}: is a folder; name the workbook to write, e.g. {out}/ledger.xlsx", 2)
    elif out.exists() and not out.is_dir():
        fail(f"--out {out}: is a file; {fmt} tables are written into a folder", 2)
    with ledger(db) as (application, runner):
        answers = Ledger.over(application, runner)
        try:
            if fmt == "xlsx":
                write_workbook(answers, out, as_of=as_of)
                written = [out]
            elif fmt == "parquet":
                written = write_parquet(answers, out, as_of)
            else:
                written = write_json(answers, out, as_of)
        except OSError as e:
            fail(f"--out {out}: cannot write ({e.strerror or e}); choose a writable place", 2)
    shown = out if fmt == "xlsx" else f"{out}/ ({', '.join(p.name for p in written)})"
    err.print(f"wrote {shown}", highlight=False)
