"""A sweep's table as text, JSON, CSV or Parquet, and its chart as one offline HTML page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from coloring.api.results import AMOUNT, tenge
from coloring.report import svg
from coloring.scenarios.render import table
from coloring.scenarios.sweep import MONEY, Axis, Row, rules_seen

FAILURES_SHOWN = 3
LABELS = {
    "on_purpose": "on purpose",
    "misused": "misused",
    "idle": "idle",
    "returned": "returned",
    "blocked": "blocked",
    "held": "held",
}


def columns(axes: Sequence[Axis], rows: Sequence[Row]) -> list[str]:
    return [
        *(a.path for a in axes),
        *MONEY,
        "payments_applied",
        "payments_refused",
        *rules_seen(rows),
        "expectations_checked",
        "expectations_failed",
    ]


def records(axes: Sequence[Axis], rows: Sequence[Row]) -> list[dict[str, Any]]:
    """One flat record per row: settings as text, amounts as Decimal tenge, counts as int."""
    rules = rules_seen(rows)
    return [
        {
            **dict(row.settings),
            **{m: tenge(row.money[m]) for m in MONEY},
            "payments_applied": row.applied,
            "payments_refused": row.refused,
            **{r: row.findings.get(r, 0) for r in rules},
            "expectations_checked": row.checked,
            "expectations_failed": len(row.failures),
        }
        for row in rows
    ]


def text(title: str, axes: Sequence[Axis], rows: Sequence[Row]) -> str:
    rules = rules_seen(rows)
    lines = [
        f"sweep {title}: {len(rows)} combination(s) of "
        + " x ".join(f"{a.path} ({len(a.values)})" for a in axes),
        "money in KZT (all programs); findings counted by rule",
        "",
    ]
    header = ["#", *(a.path for a in axes), *(LABELS[m] for m in MONEY)]
    header += ["refused", *rules, "expectations"]
    body = [header]
    for n, (row, record) in enumerate(zip(rows, records(axes, rows), strict=True), 1):
        body.append(
            [
                str(n),
                *(v for _, v in row.settings),
                *(f"{record[m]:,.2f}" for m in MONEY),
                str(row.refused),
                *(str(row.findings.get(r, 0)) for r in rules),
                row.expectations,
            ]
        )
    align = "r" + "l" * len(axes) + "r" * (len(MONEY) + 1 + len(rules)) + "l"
    lines += table(body, align, indent="")
    failing = [(n, row) for n, row in enumerate(rows, 1) if row.failures]
    if failing:
        lines += [
            "",
            "expectations that do not hold (a what-if may change what the scenario expects)",
        ]
        for n, row in failing:
            lines += [f"  #{n}: {f}" for f in row.failures[:FAILURES_SHOWN]]
            more = len(row.failures) - FAILURES_SHOWN
            if more > 0:
                lines.append(f"  #{n}: ... and {more} more (--format json lists them all)")
    return "\n".join(lines) + "\n"


def as_json(title: str, axes: Sequence[Axis], rows: Sequence[Row]) -> str:
    data = {
        "sweep": title,
        "grid": {a.path: list(a.values) for a in axes},
        "rows": [
            {
                "settings": dict(row.settings),
                "money": {m: str(record[m]) for m in MONEY},
                "payments": {"applied": row.applied, "refused": row.refused},
                "findings_by_rule": dict(row.findings),
                "expectations": {"checked": row.checked, "failed": list(row.failures)},
            }
            for row, record in zip(rows, records(axes, rows), strict=True)
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def as_csv(axes: Sequence[Axis], rows: Sequence[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = columns(axes, rows)
    writer.writerow(names)
    for record in records(axes, rows):
        writer.writerow([record[n] for n in names])
    return buffer.getvalue()


def write_parquet(path: Path, axes: Sequence[Axis], rows: Sequence[Row]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = columns(axes, rows)
    data = records(axes, rows)
    types = {a.path: pa.string() for a in axes} | {m: AMOUNT for m in MONEY}
    schema = pa.schema([pa.field(n, types.get(n, pa.int64())) for n in names])
    pq.write_table(
        pa.table({n: [r[n] for r in data] for n in names}, schema=schema), path, compression="zstd"
    )


# -- chart -----------------------------------------------------------------------------------

CHART_METRICS = ("misused", "on_purpose", "idle", "returned")
PALETTE = ("#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#9c755f")
W, H, LEFT, RIGHT, TOP, BOTTOM, PAD = 360, 230, 70, 16, 28, 48, 28


def _panel(axis: Axis, metric: str, series: dict[str, list[int | None]]) -> str:
    """One metric against one axis: a line per combination of the other axes."""
    top = max((v for values in series.values() for v in values if v is not None), default=0)
    grid, high = svg.y_axis(LEFT, W - RIGHT, TOP, H - BOTTOM, max(top, 1))
    # Points stay clear of the plot's edges, so the first and last value labels are whole.
    first, last = LEFT + PAD, W - RIGHT - PAD
    step = (last - first) / max(len(axis.values) - 1, 1)

    def x(i: int) -> float:
        return first + (i * step if len(axis.values) > 1 else (last - first) / 2)

    def y(v: int) -> float:
        return (H - BOTTOM) - (H - BOTTOM - TOP) * v / high

    body = [svg.text(LEFT, 16, f"{LABELS[metric]} (KZT)", size=13), *grid]
    for i, value in enumerate(axis.values):
        body.append(svg.text(x(i), H - BOTTOM + 16, value, "middle", 11))
    for n, (label, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        # Earlier lines are drawn wider: a line hidden under an equal one still shows its edge.
        width = 2 + 2 * (len(series) - 1 - n)
        if len(points) > 1:
            path = " ".join(f"{svg.f1(px)},{svg.f1(py)}" for px, py in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="{width}" stroke-linejoin="round"/>'
            )
        for (px, py), v in zip(points, [v for v in values if v is not None], strict=True):
            tip = f"{label}: {axis.path}; {LABELS[metric]} {svg.tenge(v)} KZT"
            body.append(
                f'<circle cx="{svg.f1(px)}" cy="{svg.f1(py)}" r="3.5" fill="{colour}">'
                f"<title>{svg.esc(tip)}</title></circle>"
            )
    return svg.document(W, H, body, f"{LABELS[metric]} by {axis.path}")


def chart(title: str, axes: Sequence[Axis], rows: Sequence[Row]) -> str:
    """A self-contained page (inline SVG, no scripts, no network): for each axis, each metric
    against that axis's values, one line per setting of the other axes."""
    sections = []
    for axis in axes:
        others = [a.path for a in axes if a is not axis]
        panels = []
        for metric in CHART_METRICS:
            series: dict[str, list[int | None]] = {}
            for row in rows:
                settings = dict(row.settings)
                label = ", ".join(f"{p}={settings[p]}" for p in others) or "as written"
                line = series.setdefault(label, [None] * len(axis.values))
                line[axis.values.index(settings[axis.path])] = row.money[metric]
            panels.append(_panel(axis, metric, series))
        legend = "".join(
            f'<li><span style="background:{PALETTE[n % len(PALETTE)]}"></span>{svg.esc(label)}</li>'
            for n, label in enumerate(series)
        )
        sections.append(
            f"<section><h2>by {svg.esc(axis.path)}</h2><ul class=legend>{legend}</ul>"
            f"<div class=panels>{''.join(panels)}</div></section>"
        )
    shape = " x ".join(f"{a.path} ({len(a.values)})" for a in axes)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>sweep {svg.esc(title)}</title><style>"
        "body{font-family:DejaVu Sans,Arial,sans-serif;color:#263238;margin:24px}"
        ".panels{display:flex;flex-wrap:wrap;gap:12px}.legend{list-style:none;padding:0}"
        ".legend li{display:inline-block;margin-right:16px}.legend span{display:inline-block;"
        "width:12px;height:12px;margin-right:6px;vertical-align:middle}</style></head><body>"
        f"<h1>sweep {svg.esc(title)}</h1><p>{len(rows)} combination(s) of {svg.esc(shape)}: "
        "money of all programs against each parameter, one line per setting of the others. "
        "Hover a point for its figures.</p>" + "".join(sections) + "</body></html>\n"
    )
