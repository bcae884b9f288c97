"""The pages of `coloring serve`: each handler reads, and returns its template and context."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any, cast

from starlette.requests import Request
from starlette.responses import Response

from coloring.domain.money import InvalidAmountTextError, parse_tiyn
from coloring.domain.rules import Rule
from coloring.domain.time import InvalidTimeError, parse_instant
from coloring.projections import browse, explaining, queries
from coloring.projections.db import Database
from coloring.projections.runner import ProjectionRunner
from coloring.report.build import charts
from coloring.report.charts import at_risk_by_region
from coloring.report.scope import Scope, programs
from coloring.report.series import risk, timelines
from coloring.web.app import PageError, Site, View
from coloring.web.findings import (
    NO_REGION,
    SORTS,
    Narrowing,
    findings_page,
    first_participants,
)
from coloring.web.paging import Page, page_count

MOVEMENTS_PAGE = 50
STATUSES = ("open", "refused")


def _instant(v: View, name: str) -> int | None:
    text = v.request.query_params.get(name) or None
    if text is None:
        return None
    try:
        return parse_instant(text).us
    except InvalidTimeError as e:
        raise PageError(400, f"{name}: {e}") from None


def _amount(v: View, name: str) -> int | None:
    # Tenge as people type them: 1250000.50, 1 250 000,50 or 1,250,000.50.
    text = "".join((v.request.query_params.get(name) or "").split())
    if not text:
        return None
    text = text.replace(",", "") if "." in text else text.replace(",", ".")
    try:
        return parse_tiyn(text)
    except InvalidAmountTextError as e:
        raise PageError(400, f"{name}: {e}") from None


def _page(v: View) -> int:
    text = v.request.query_params.get("page") or "1"
    return int(text) if text.isdigit() else 1


def _need_instant(v: View) -> int:
    t = v.t
    if t is None:
        raise PageError(404, v.text.gettext("The ledger is empty: load a pilot folder first."))
    return t


def overview(v: View) -> tuple[str, dict[str, Any]]:
    t = v.t
    if t is None:
        return "overview.html", {"totals": [], "figures": [], "counts": {}}
    # Kept per instant, like the charts: the sums scan every payment up to it.
    totals = v.ledger.remembered(("totals", t), lambda: browse.program_totals(v.db, t))
    counts: dict[str, int] = {}
    for f in v.findings():
        counts[f.program] = counts.get(f.program, 0) + 1
    scope = Scope(t, programs(v.db, None, t))
    figures = v.ledger.remembered(
        ("charts", t),
        lambda: [
            c
            for c in charts(v.db, scope, 8, timelines(v.db, scope))
            if not c.name.startswith("risk")
        ],
    )
    return "overview.html", {"totals": totals, "figures": figures, "counts": counts}


def findings(v: View) -> tuple[str, dict[str, Any]]:
    q = v.request.query_params
    rules = tuple(r for r in q.getlist("rule") if r)
    unknown = sorted(set(rules) - {r.value for r in Rule})
    if unknown:
        raise PageError(400, f"rule: unknown rule {', '.join(unknown)}")
    status = q.get("status") or None
    if status is not None and status not in STATUSES:
        raise PageError(400, f"status: {status!r} is not one of {', '.join(STATUSES)}")
    sort = q.get("sort") or "at"
    if sort.lstrip("-") not in SORTS:
        raise PageError(400, f"sort: {sort!r} is not one of {', '.join(SORTS)}")
    filters = queries.Filters(
        rules=rules,
        program=q.get("program") or None,
        participant=q.get("participant") or None,
        since_us=_instant(v, "since"),
        until_us=_instant(v, "until"),
    )
    narrowing = Narrowing(
        region=q.get("region") or None,
        status=status,
        min_amount=_amount(v, "min"),
        max_amount=_amount(v, "max"),
    )
    everything = v.findings()
    regions = v.ledger.remembered(("regions", v.t), lambda: first_participants(v.db, everything))
    found = findings_page(
        v.db, v.t, filters, narrowing, sort, _page(v), known=everything, regions=regions
    )
    return "findings.html", {
        "found": found,
        "sort": sort,
        "rules": [r.value for r in Rule],
        "chosen_rules": rules,
        "programs": browse.program_ids(v.db),
        "regions": browse.region_names(v.db),
        "statuses": STATUSES,
        "no_region": NO_REGION,
        "columns": SORTS,
    }


def finding(v: View) -> tuple[str, dict[str, Any]]:
    rule = v.request.path_params["rule"]
    subject = v.request.path_params["subject"]
    f = queries.find_one(v.db, rule, subject, v.as_of_us, known=v.findings())
    movement_id = f.evidence.get("transfer") or f.evidence.get("delivery")
    units = browse.units_moved_by(v.db, movement_id) if isinstance(movement_id, str) else []
    terms = browse.terms_in_force(v.db, f.program, f.at_us)
    people = browse.participants(v.db, list(f.participants))
    return "finding.html", {
        "f": f,
        "lines": explaining.explain_finding(v.db, f),
        "sources": browse.sources(v.db, f),
        "units": units,
        "movement": browse.movement(v.db, movement_id) if isinstance(movement_id, str) else None,
        "terms": terms,
        "people": people,
    }


def participant(v: View) -> tuple[str, dict[str, Any]]:
    pid = v.request.path_params["participant_id"]
    who = browse.participant(v.db, pid)
    t = _need_instant(v)
    found = v.findings(queries.Filters(participant=pid))
    return "participant.html", {
        "who": who,
        "holdings": browse.money_of(v.db, pid, t),
        "found": found[:50],
        "found_total": len(found),
        "found_amount": sum(f.amount for f in found),
    }


def trace(v: View) -> tuple[str, dict[str, Any]]:
    unit = (v.request.query_params.get("unit") or "").strip()
    if not unit:
        return "trace.html", {"trace": None, "unit": ""}
    found = queries.trace(v.db, unit, v.as_of_us)
    # Steps carry their instants as text (the CLI's); pages write them the locale's way.
    moments = [parse_instant(step.at) for step in found.steps]
    return "trace.html", {"trace": found, "unit": unit, "moments": moments}


def risk_map(v: View) -> tuple[str, dict[str, Any]]:
    t = v.t
    if t is None:
        return "risk.html", {"regions": [], "programs": [], "cells": {}}
    scope = Scope(t, programs(v.db, None, t))
    cells = risk(v.db, scope)
    per_region = at_risk_by_region(cells)
    peak = max((c.at_risk for c in cells.values()), default=0) or 1
    return "risk.html", {
        "regions": list(per_region),
        "programs": [p.program_id for p in scope.programs],
        "cells": cells,
        "peak": peak,
        "no_region": NO_REGION,
        "per_region": per_region,
    }


def movements(v: View) -> tuple[str, dict[str, Any]]:
    q = v.request.query_params
    t = _need_instant(v)
    chosen = {key: q[key] for key in browse.MOVEMENT_FILTERS if q.get(key)}
    page = _page(v)
    rows, total, amount = browse.movements(
        v.db, t, chosen, MOVEMENTS_PAGE, (page - 1) * MOVEMENTS_PAGE
    )
    found = Page(rows, total, amount, page, page_count(total, MOVEMENTS_PAGE))
    return "movements.html", {"found": found, "chosen": chosen}


def balances(v: View) -> tuple[str, dict[str, Any]]:
    q = v.request.query_params
    t = _need_instant(v)
    rows = queries.balances(v.db, t, q.get("program") or None, q.get("participant") or None)
    return "balances.html", {"rows": rows, "total": sum(b.held for b in rows)}


PAGES: list[tuple[str, Callable[[View], tuple[str, dict[str, Any]]]]] = [
    ("/", overview),
    ("/findings", findings),
    ("/finding/{rule}/{subject:path}", finding),
    ("/participant/{participant_id:path}", participant),
    ("/trace", trace),
    ("/risk", risk_map),
    ("/movements", movements),
    ("/balances", balances),
]


class _ReadModels:
    """The projection runner as the Python API's ledger sees it without catching up: only the
    read models (serving never projects)."""

    def __init__(self, db: Database) -> None:
        self.db = db


def _write_workbook(site: Site, stream: IO[bytes], as_of: str | None) -> None:
    """`coloring export --format xlsx`'s workbook, from the read models as they are."""
    from coloring.api.ledger import Ledger
    from coloring.export.xlsx import write_workbook

    runner = cast(ProjectionRunner, _ReadModels(site.ledger.db))
    write_workbook(
        Ledger.over(site.ledger.application, runner, catch_up=False), stream, as_of=as_of
    )


def exporter(site: Site) -> Callable[[Request], Response]:
    """`/export.xlsx`: the workbook of `coloring export --format xlsx`, at the page's instant."""

    def endpoint(request: Request) -> Response:
        try:
            v = site.view(request)
        except PageError as e:
            return site.unviewable(request, e)
        stream = io.BytesIO()
        _write_workbook(site, stream, v.as_of)
        name = "coloring.xlsx" if v.as_of is None else f"coloring-{v.as_of[:10]}.xlsx"
        return Response(
            stream.getvalue(),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    return endpoint
