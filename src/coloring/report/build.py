"""Build the report from the read models: one SQL aggregate per chart family, the findings
through `coloring.projections.queries`, capped."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from coloring.domain.time import KZ_OFFSET_MINUTES, format_instant
from coloring.i18n import _
from coloring.projections import explaining, queries, reporting
from coloring.projections.db import Database
from coloring.projections.names import unknown
from coloring.report import page
from coloring.report.charts import render_risk, render_stays, render_utilisation
from coloring.report.flows import flows
from coloring.report.sankey import render_sankey
from coloring.report.scope import Scope, programs
from coloring.report.series import Timeline, risk, stays, timelines

MAX_ROWS = 2000
TOP = 8


@dataclass(frozen=True)
class Chart:
    name: str  # for file names: flows-AA-2025, utilisation-AA-2025, idle-AA-2025, risk
    title: str
    svg: str


@dataclass(frozen=True)
class Report:
    html: str
    charts: list[Chart]
    programs: tuple[str, ...]
    findings_total: int
    findings_shown: int


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)


def build_report(
    db: Database,
    program: str | None = None,
    as_of_us: int | None = None,
    *,
    max_rows: int = MAX_ROWS,
    top: int = TOP,
    downloads: Sequence[tuple[str, str]] = (),
) -> Report:
    """The whole report. Raises `queries.BadQueryError` for an unknown program."""
    t = queries.evaluation_instant(db, as_of_us)
    chosen = programs(db, program, t)
    if program is not None and not chosen:
        known = [p.program_id for p in programs(db)]
        raise unknown("program", program, known, "program")
    scope_text = f"program {program}" if program else f"{len(chosen)} program(s)"
    title = _("Coloured money report") + (f": {program}" if program else "")
    if t is None:
        html = page.render(
            title=title,
            meta=_("the ledger is empty: load a pilot folder first (`coloring load FOLDER`)"),
            summaries=[],
            figures=[],
            findings=[],
            total_findings=0,
        )
        return Report(html, [], tuple(p.program_id for p in chosen), 0, 0)
    scope = Scope(t, chosen, program)
    mode = reporting.ledger_mode(db)
    meta = (
        _("as of {instant}").format(instant=format_instant(t, KZ_OFFSET_MINUTES))
        + (" " + _("(latest record)") if as_of_us is None else "")
        + f"; {scope_text}; {mode or 'observe'} mode"
    )
    found = queries.findings(db, t, queries.Filters(program=program))
    lines = timelines(db, scope)
    made = charts(db, scope, top, lines)
    per_program: dict[str, int] = {}
    for f in found:
        per_program[f.program] = per_program.get(f.program, 0) + 1
    summaries = [
        page.Summary(
            p.program_id,
            p.name,
            lines[p.program_id].allocated[-1] if lines[p.program_id].allocated else 0,
            {s: (v[-1] if v else 0) for s, v in lines[p.program_id].states.items()},
            per_program.get(p.program_id, 0),
        )
        for p in chosen
    ]
    shown = found[:max_rows]
    html = page.render(
        title=title,
        meta=meta,
        summaries=summaries,
        figures=[page.Figure(c.name.split("-", 1)[0], c.title, c.svg) for c in made],
        findings=[(f, explaining.explain_finding(db, f)) for f in shown],
        total_findings=len(found),
        downloads=downloads,
    )
    return Report(html, made, tuple(p.program_id for p in chosen), len(found), len(shown))


def charts(db: Database, scope: Scope, top: int, lines: dict[str, Timeline]) -> list[Chart]:
    graph = flows(db, scope, top)
    stayed = stays(db, scope)
    out: list[Chart] = []
    for p in scope.programs:
        name = f"{p.program_id} ({p.name})"
        out.append(
            Chart(
                f"flows-{slug(p.program_id)}",
                f"{name}: " + _("money flows"),
                render_sankey(graph[p.program_id], p, f"Money flows of {p.program_id}"),
            )
        )
    for p in scope.programs:
        out.append(
            Chart(
                f"utilisation-{slug(p.program_id)}",
                f"{p.program_id}: allocated and where it is, by {lines[p.program_id].unit}",
                render_utilisation(lines[p.program_id], f"Utilisation of {p.program_id}"),
            )
        )
    for p in scope.programs:
        out.append(
            Chart(
                f"idle-{slug(p.program_id)}",
                f"{p.program_id}: days deliveries stayed (max_idle_days {p.max_idle_days})",
                render_stays(
                    stayed.get(p.program_id, []),
                    p.max_idle_days,
                    f"Idle time at intermediaries, {p.program_id}",
                ),
            )
        )
    out.append(
        Chart(
            "risk",
            _("Money at risk by region and program"),
            render_risk(
                risk(db, scope),
                [p.program_id for p in scope.programs],
                "Risk map: money at risk by region and program",
            ),
        )
    )
    return out
