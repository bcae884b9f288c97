"""The `report` command. `cli.py` imports this module when it runs (`cli.register(app,
"report")` adds it to another typer app); it uses the CLI's own ledger opening (catch-up with
progress, errors to exit codes), imported when the command runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from coloring.cli_options import AsOfOption, DbOption
from coloring.i18n import Lang

if TYPE_CHECKING:
    from coloring.report.build import Chart


def report(
    out: Annotated[
        Path,
        typer.Option("--out", help="The HTML file to write, e.g. report.html.", show_default=False),
    ],
    db: DbOption = None,
    program: Annotated[
        str | None, typer.Option("--program", help="Only this program (default: all).")
    ] = None,
    as_of: AsOfOption = None,
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang",
            help="Language of the report's words (default $COLORING_LANG or en).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        Literal["svg", "png"] | None,
        typer.Option(
            "--format",
            help="Also write each chart next to the HTML as <stem>-<chart>.svg (svg), "
            "or as .svg and .png (png; the PNG needs chromium).",
        ),
    ] = None,
    xlsx: Annotated[
        bool,
        typer.Option(
            "--xlsx",
            help="Also write the Excel workbook next to the HTML as <stem>.xlsx (findings with "
            "evidence, totals, balances; as `coloring export --format xlsx`) and link it.",
        ),
    ] = False,
) -> None:
    """Write one self-contained HTML report that opens offline: money flows, utilisation over
    time, idle time at intermediaries, a risk map, and the findings with their evidence."""
    from coloring.cli import err, fail, reading
    from coloring.cli_ledger import instant_us
    from coloring.i18n import _, use
    from coloring.report.build import build_report
    from coloring.report.export import write_svgs

    if lang is not None:
        use(lang)
    as_of_us = instant_us(as_of, "--as-of")
    _check_out(out)
    workbook = out.with_suffix(".xlsx")
    downloads = [(workbook.name, "Excel: findings with evidence, totals, balances")] if xlsx else []
    with reading(db) as read_models:
        made = build_report(read_models, program, as_of_us, downloads=downloads)
        if xlsx:
            from coloring.api.ledger import Ledger
            from coloring.export.xlsx import write_workbook

            try:
                write_workbook(Ledger.reading(read_models), workbook, as_of=as_of)
            except OSError as e:
                fail(f"{workbook}: cannot write ({e.strerror or e}); choose a writable place", 2)
    try:
        out.write_text(made.html, encoding="utf-8")
        svgs = write_svgs(out, made.charts) if fmt is not None else []
    except OSError as e:
        fail(
            _("--out {out}: cannot write ({reason}); choose a writable place").format(
                out=out, reason=e.strerror
            ),
            2,
        )
    shown = (
        " " + _("(the table shows the first {n:,})").format(n=made.findings_shown)
        if made.findings_shown < made.findings_total
        else ""
    )
    err.print(
        _("wrote {out} ({kb} KB): {programs} program(s), {findings:,} finding(s)").format(
            out=out,
            kb=(len(made.html.encode()) + 1023) // 1024,
            programs=len(made.programs),
            findings=made.findings_total,
        )
        + shown,
        highlight=False,
    )
    if xlsx:
        err.print(f"wrote {workbook} (linked from the report)", highlight=False)
    if svgs:
        err.print(
            _("wrote {n} SVG chart(s): {stem}-*.svg").format(n=len(svgs), stem=out.stem),
            highlight=False,
        )
    if fmt == "png":
        _write_pngs(out, made.charts)


def _check_out(out: Path) -> None:
    """Refuse an `--out` that cannot be an HTML file (exit 2), before the ledger is read."""
    from coloring.cli import fail
    from coloring.i18n import _

    if out.is_dir():
        fail(
            _(
                "--out {out}: is a folder; name the HTML file to write, e.g. {out}/report.html"
            ).format(out=out),
            2,
        )
    if not out.parent.is_dir():
        fail(
            _("--out {out}: the folder {folder} does not exist; create it first").format(
                out=out, folder=out.parent
            ),
            2,
        )


def _write_pngs(out: Path, charts: list[Chart]) -> None:
    """Write the charts as PNG next to `out` with chromium; without it, say so and go on."""
    from coloring.cli import err, fail
    from coloring.i18n import _
    from coloring.report.export import ExportError, chromium, write_pngs
    from coloring.scratch import remove_stale, removed_line

    binary = chromium()
    if binary is None:
        err.print(
            _(
                "PNG not written: chromium was not found (apt-get install chromium, or set "
                "$COLORING_CHROMIUM); the SVG charts are written"
            ),
            highlight=False,
        )
        return
    removed = removed_line("browser", remove_stale("browser"))
    if removed:
        err.print(removed, soft_wrap=True, markup=False, highlight=False)
    try:
        pngs = write_pngs(out, charts, binary)
    except ExportError as e:
        fail(_("{error}; the HTML and the SVG charts are written").format(error=e), 1)
    err.print(
        _("wrote {n} PNG chart(s): {stem}-*.png").format(n=len(pngs), stem=out.stem),
        highlight=False,
    )
