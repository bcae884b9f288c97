"""`coloring sweep`: a scenario over a grid of parameters, one row per combination."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from coloring.scenarios.commands import _clear_scratch, _errors, _fail, _say

if TYPE_CHECKING:
    from coloring.scenarios.sweep import Row


def sweep_command(
    scenario: Annotated[Path, typer.Argument(help="A scenario file (YAML).")],
    grid: Annotated[
        list[str],
        typer.Option(
            "--grid",
            metavar="PATH=V1,V2,...",
            help="A parameter and its values, e.g. programs.AA-2025.max_idle_days=15,30,60 or "
            "mode=observe,enforce (repeatable: every combination is replayed).",
        ),
    ],
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set", metavar="PATH=VALUE", help="A change common to every combination (repeatable)."
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", min=1, help="Replays at a time, in separate processes (default: CPUs)."
        ),
    ] = None,
    fmt: Annotated[
        Literal["text", "json", "csv", "parquet"],
        typer.Option("--format", help="The table's format."),
    ] = "text",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the table here instead of stdout (needed for parquet)."),
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="Also write an HTML chart of the outcome against each axis."),
    ] = None,
) -> None:
    """Replay a scenario for every combination of parameter values (in parallel) and print one
    row per combination: money on purpose, misused, idle, returned, findings by rule, and
    whether the scenario's expectations hold (reported, never an error: exit 0)."""
    # Arrow, the API and the replays load when a sweep runs, not with every command.
    from coloring.export.tables import replacing
    from coloring.scenarios import sweep_render
    from coloring.scenarios.sweep import default_jobs, parse_grid, sweep

    if fmt == "parquet" and out is None:
        _fail("--format parquet writes a file: give --out FILE.parquet", 2)
    for target in (out, chart):
        if target is not None and not target.parent.is_dir():
            _fail(f"{target}: the folder {target.parent} does not exist", 2)
    _clear_scratch()
    started = time.monotonic()
    workers = jobs or default_jobs()
    rows: list[Row] = []
    with _errors(str(scenario)):
        axes = parse_grid(grid)
        count = 1
        for a in axes:
            count *= len(a.values)
        _say(f"sweeping {scenario}: {count} combination(s), {min(workers, count)} at a time")

        def done(n: int, row: Row) -> None:
            settings = " ".join(f"{p}={v}" for p, v in row.settings)
            _say(f"  {n}/{count} {settings}: expectations {row.expectations}")

        rows = sweep(scenario, axes, workers, set_ or (), done)
    title = str(scenario)
    if fmt == "parquet":
        assert out is not None
        with replacing(out, folder=False) as scratch:
            sweep_render.write_parquet(scratch, axes, rows)
    else:
        rendered = {
            "text": lambda: sweep_render.text(title, axes, rows),
            "json": lambda: sweep_render.as_json(title, axes, rows),
            "csv": lambda: sweep_render.as_csv(axes, rows),
        }[fmt]()
        if out is None:
            sys.stdout.write(rendered)
        else:
            with replacing(out, folder=False) as scratch:
                scratch.write_text(rendered, encoding="utf-8")
    if out is not None:
        _say(f"wrote {out}")
    if chart is not None:
        with replacing(chart, folder=False) as scratch:
            scratch.write_text(sweep_render.chart(title, axes, rows), encoding="utf-8")
        _say(f"wrote {chart}")
    failing = sum(1 for r in rows if r.failures)
    _say(
        f"swept {len(rows)} combination(s) in {time.monotonic() - started:.1f} s"
        + (f"; expectations fail in {failing} (shown per row)" if failing else "")
    )
