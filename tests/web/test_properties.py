"""Invariants of the workbench's numbers at any instant (time travel), over a generated ledger."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from starlette.testclient import TestClient

from coloring.domain.time import Instant, format_instant
from coloring.projections import browse, queries
from coloring.report.scope import Scope, programs
from coloring.report.series import risk
from coloring.web.findings import Narrowing, findings_page
from strategies import instants

from .conftest import Ledger

FIRST_US = 1735671600000000  # 2025-01-01T00:00+05:00, before the generated year
LAST_US = 1767207600000000  # 2026-01-01T00:00+05:00, after it
in_the_pilot_year = instants(FIRST_US, LAST_US)
ONCE = settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])


@ONCE
@given(at=in_the_pilot_year)
def test_every_program_conserves_money_at_any_instant(web_ledger: Ledger, at: Instant) -> None:
    t = at.us
    held = {}
    for b in queries.balances(web_ledger.db, t):
        held[b.program] = held.get(b.program, 0) + b.held
    for p in browse.program_totals(web_ledger.db, t):
        assert p.allocated == p.spent + p.returned + p.held
        assert p.held == held.get(p.program, 0)


@ONCE
@given(at=in_the_pilot_year)
def test_the_risk_map_and_the_findings_pages_agree_at_any_instant(
    web_ledger: Ledger, at: Instant
) -> None:
    t = at.us
    cells = risk(web_ledger.db, Scope(t, programs(web_ledger.db, None, t)))
    for (region, program), cell in cells.items():
        page = findings_page(
            web_ledger.db,
            t,
            queries.Filters(program=program),
            Narrowing(region=region or "-"),
        )
        assert page.total == sum(n for n, _ in cell.by_rule.values())
        assert page.at_risk == cell.at_risk
    total = len(queries.findings(web_ledger.db, t))
    assert findings_page(web_ledger.db, t, queries.Filters(), Narrowing()).total == total


@ONCE
@given(at=in_the_pilot_year)
def test_the_findings_page_counts_what_the_cli_counts_at_any_instant(
    client: TestClient, web_ledger: Ledger, at: Instant
) -> None:
    # The instant in any offset: the page reads it as the CLI's --as-of does.
    page = client.get("/findings", params={"as_of": format_instant(at.us, at.offset_minutes)})
    expected = len(queries.findings(web_ledger.db, at.us))
    assert f'<p class="summary">{expected:,} finding' in page.text
