"""`coloring serve`'s pages, through Starlette's test client over a generated ledger."""

from __future__ import annotations

import io
import re
from collections import Counter
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from coloring.domain.money import format_tiyn
from coloring.domain.rulebook import SPECS, Rule
from coloring.domain.time import parse_instant
from coloring.i18n import Text
from coloring.projections import browse, queries
from coloring.report.scope import Scope, programs
from coloring.report.series import risk

from .conftest import Ledger

EN = Text("en")


def links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def shown(client: TestClient, url: str, **params: str) -> str:
    """The text of the page at `url`, which must be served (200)."""
    page = client.get(url, params=params)
    assert page.status_code == 200, url
    return page.text


def count_of(html: str) -> int:
    m = re.search(r'<p class="summary">([0-9,]+) findings?', html)
    assert m is not None, html
    return int(m[1].replace(",", ""))


def total_of(html: str) -> str:
    m = re.search(r'<strong class="total">([0-9,.]+)</strong>', html)
    assert m is not None
    return m[1]


def test_the_overview_lists_every_program_with_money_that_adds_up(
    client: TestClient, web_ledger: Ledger
) -> None:
    page = shown(client, "/")
    t = web_ledger.latest_us()
    totals = browse.program_totals(web_ledger.db, t)
    assert {p.program for p in totals} == {"AA-2025", "AGROLEASE-2025", "ROADS-2025"}
    for p in totals:
        assert p.allocated == p.spent + p.returned + p.held
        assert EN.money(p.allocated) in page
    assert page.count("<svg") >= 6  # flows, utilisation and idle time per program


def test_every_overview_number_links_to_the_rows_that_sum_to_it(
    client: TestClient, web_ledger: Ledger
) -> None:
    page = client.get("/").text
    t = web_ledger.latest_us()
    for p in browse.program_totals(web_ledger.db, t):
        for link, amount in (
            (f"/movements?program={p.program}&kind=allocation&status=applied", p.allocated),
            (f"/movements?program={p.program}&outcome=spent&status=applied", p.spent),
            (f"/movements?program={p.program}&outcome=returned&status=applied", p.returned),
            (f"/balances?program={p.program}", p.held),
        ):
            assert link.replace("&", "&amp;") in page
            assert total_of(client.get(link).text) == EN.money(amount)


def test_the_findings_page_lists_what_the_cli_lists(client: TestClient, web_ledger: Ledger) -> None:
    found = queries.findings(web_ledger.db)
    page = shown(client, "/findings")
    assert count_of(page) == len(found)
    assert f"/finding/{found[0].rule}/{found[0].subject}" in page


@pytest.mark.parametrize(
    "query",
    [
        "rule=OVERPAYMENT",
        "program=ROADS-2025",
        "status=refused",
        "participant=OP-KAZAVTOZHOL",
        "since=2025-06-01&until=2025-09-30",
    ],
)
def test_each_findings_filter_keeps_what_the_query_keeps(
    client: TestClient, web_ledger: Ledger, query: str
) -> None:
    q = {k: v[0] for k, v in parse_qs(query).items()}
    expected = [
        f
        for f in queries.findings(
            web_ledger.db,
            None,
            queries.Filters(
                rules=(q["rule"],) if "rule" in q else (),
                program=q.get("program"),
                participant=q.get("participant"),
                since_us=parse_instant(q["since"]).us if "since" in q else None,
                until_us=parse_instant(q["until"]).us if "until" in q else None,
            ),
        )
        if "status" not in q or f.status == q["status"]
    ]
    assert expected
    assert count_of(client.get(f"/findings?{query}").text) == len(expected)


def test_the_amount_filter_is_in_tenge_and_inclusive(
    client: TestClient, web_ledger: Ledger
) -> None:
    found = queries.findings(web_ledger.db)
    middle = sorted(f.amount for f in found)[len(found) // 2]
    page = client.get(f"/findings?min={format_tiyn(middle)}")
    assert count_of(page.text) == sum(1 for f in found if f.amount >= middle)
    page = client.get(f"/findings?max={format_tiyn(middle)}")
    assert count_of(page.text) == sum(1 for f in found if f.amount <= middle)


def test_findings_sort_by_amount_both_ways(client: TestClient) -> None:
    def amounts(sort: str) -> list[float]:
        html = client.get(f"/findings?sort={sort}").text
        cells = re.findall(r'<td class="num"><a [^>]*>([0-9,.]+)</a></td>', html)
        return [float(c.replace(",", "")) for c in cells]

    down = amounts("-amount")
    assert down == sorted(down, reverse=True)
    up = amounts("amount")
    assert up == sorted(up)


def test_findings_are_paged_fifty_at_a_time(client: TestClient, web_ledger: Ledger) -> None:
    total = len(queries.findings(web_ledger.db))
    first = client.get("/findings").text
    rows = first.count("<tr>\n<td>")
    assert rows == min(50, total)
    if total > 50:
        assert "page=2" in first
        second = client.get("/findings?page=2").text
        assert second.count("<tr>\n<td>") == min(50, total - 50)


def test_a_bad_filter_is_a_400_page_that_says_what_is_wrong(client: TestClient) -> None:
    page = client.get("/findings?rule=NO_SUCH_RULE")
    assert page.status_code == 400
    assert "unknown rule NO_SUCH_RULE" in page.text
    page = client.get("/findings?min=abc")
    assert page.status_code == 400
    assert "min:" in page.text
    page = client.get("/?as_of=2025-02-30")
    assert page.status_code == 400
    assert "as_of" in page.text


def test_every_risk_map_cell_links_to_findings_that_add_up_to_it(
    client: TestClient, web_ledger: Ledger
) -> None:
    html = client.get("/risk").text
    t = web_ledger.latest_us()
    cells = risk(web_ledger.db, Scope(t, programs(web_ledger.db, None, t)))
    cell_links = re.findall(r'<a class="cell" href="([^"]+)"', html)
    assert len(cell_links) == len(cells)
    for link in cell_links:
        q = {k: v[0] for k, v in parse_qs(urlsplit(unescape(link)).query).items()}
        cell = cells[("" if q["region"] == "-" else q["region"], q["program"])]
        page = client.get(unescape(link)).text
        assert count_of(page) == sum(n for n, _ in cell.by_rule.values())
        assert f"money at risk (each subject once) {EN.money(cell.at_risk)} KZT" in page


def test_a_finding_shows_its_rule_evidence_pilot_rows_and_units(
    client: TestClient, web_ledger: Ledger
) -> None:
    f = next(f for f in queries.findings(web_ledger.db) if f.rule == "OVERPAYMENT")
    page = shown(client, f"/finding/{f.rule}/{f.subject}")
    assert SPECS[Rule.OVERPAYMENT].explanation in unescape(page)
    assert re.search(r"transfers\.csv:[0-9]+", page)
    assert "Terms in force" in page
    assert "/trace?unit=" in page


def test_an_animal_finding_shows_the_purchase_row_it_came_from(
    client: TestClient, web_ledger: Ledger
) -> None:
    f = next(f for f in queries.findings(web_ledger.db) if f.rule == "SELLER_NOT_OWNER")
    page = client.get(f"/finding/{f.rule}/{f.subject}").text
    assert re.search(r"purchases\.csv:[0-9]+", page)
    assert re.search(r"registry\.csv:[0-9]+", page)


def test_an_unknown_finding_is_a_404(client: TestClient) -> None:
    assert client.get("/finding/OVERPAYMENT/NOPE").status_code == 404


def test_a_participant_page_shows_money_that_links_to_its_movements(
    client: TestClient, web_ledger: Ledger
) -> None:
    page = shown(client, "/participant/BANK-001")
    t = web_ledger.latest_us()
    for m in browse.money_of(web_ledger.db, "BANK-001", t):
        link = f"/movements?payee=BANK-001&program={m.program}&status=applied"
        assert link.replace("&", "&amp;") in page
        assert total_of(client.get(link).text) == EN.money(m.received)
    assert client.get("/participant/NOBODY").status_code == 404


def test_a_trace_shows_the_path_of_a_unit(client: TestClient, web_ledger: Ledger) -> None:
    page = shown(client, "/trace", unit="AL-00001#0")
    steps = queries.trace(web_ledger.db, "AL-00001#0").steps
    assert page.count("<tr><td") == len(steps)
    assert client.get("/trace", params={"unit": "nonsense"}).status_code == 400
    assert client.get("/trace", params={"unit": "AL-99999#0"}).status_code == 404


def test_as_of_travels_in_time_and_every_link_keeps_it(
    client: TestClient, web_ledger: Ledger
) -> None:
    at = "2025-06-30T00:00:00+05:00"
    page = client.get("/findings", params={"as_of": at})
    expected = queries.findings(web_ledger.db, parse_instant(at).us)
    assert count_of(page.text) == len(expected) < len(queries.findings(web_ledger.db))
    inner = [u for u in links(page.text) if u.startswith("/") and not u.startswith("/static")]
    kept = [u for u in inner if "as_of=" in u]
    assert len(kept) >= len(inner) - 1  # all but the "latest" link


def test_the_pages_speak_russian_and_kazakh_with_local_numbers(web_ledger: Ledger) -> None:
    from coloring.web.app import create_app

    client = TestClient(create_app(web_ledger.url, "en"))
    t = web_ledger.latest_us()
    allocated = browse.program_totals(web_ledger.db, t)[0].allocated
    ru = client.get("/?lang=ru").text
    assert "Обзор" in ru and "Нарушения" in ru
    assert Text("ru").money(allocated) in ru  # 1 234 567,00
    kk = client.get("/findings?lang=kk").text
    assert "Бұзушылықтар" in kk
    finding = client.get(
        "/finding/OVERPAYMENT/"
        + next(f.subject for f in queries.findings(web_ledger.db) if f.rule == "OVERPAYMENT")
        + "?lang=kk"
    ).text
    assert "Құжат құнынан артық төленді" in finding


def test_the_language_chosen_is_remembered_in_a_cookie(web_ledger: Ledger) -> None:
    from coloring.web.app import create_app

    with TestClient(create_app(web_ledger.url, "en")) as c:
        c.get("/?lang=ru")
        assert "Обзор" in c.get("/risk").text


def test_every_link_of_the_site_opens(client: TestClient) -> None:
    seen: set[str] = set()
    todo = ["/", "/risk", "/findings"]
    statuses: Counter[int] = Counter()
    while todo and len(seen) < 120:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        page = client.get(url)
        statuses[page.status_code] += 1
        assert page.status_code in (200, 501), (url, page.status_code)
        if page.headers["content-type"].startswith("text/html"):
            todo += [u for u in links(page.text) if u.startswith("/") and "lang=" not in u]
    assert statuses[200] > 50


def test_the_server_refuses_anything_but_reading(client: TestClient, web_ledger: Ledger) -> None:
    before = web_ledger.db.query("SELECT COUNT(*) FROM ledger_records")
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)("/findings").status_code == 405
    assert web_ledger.db.query("SELECT COUNT(*) FROM ledger_records") == before


def test_pages_forbid_every_fetch_from_elsewhere(client: TestClient) -> None:
    page = client.get("/")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert re.search(r'(src|href|action)="https?:', page.text) is None
    assert client.get("/static/style.css").status_code == 200


def test_the_excel_download_is_the_export_at_the_pages_instant(
    client: TestClient, web_ledger: Ledger
) -> None:
    from openpyxl import load_workbook

    at = "2025-06-30T00:00:00+05:00"
    for params, expected in (
        ({}, queries.findings(web_ledger.db)),
        ({"as_of": at}, queries.findings(web_ledger.db, parse_instant(at).us)),
    ):
        answer = client.get("/export.xlsx", params=params)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
        book = load_workbook(io.BytesIO(answer.content), read_only=True)
        sheet = book["Findings"]
        subjects = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True) if row[3]}
        assert subjects == {f.subject for f in expected}


def test_a_participant_holds_what_it_received_less_what_it_spent_and_paid_on(
    web_ledger: Ledger,
) -> None:
    t = web_ledger.latest_us()
    earlier = t - 200 * 86_400_000_000  # mid-year: money still on its way
    people = [
        p
        for (p,) in web_ledger.db.query(
            "SELECT participant_id FROM rm_participants WHERE role <> 'treasury'"
        )
    ]
    checked = 0
    for when in (t, earlier):
        for pid in people:
            for m in browse.money_of(web_ledger.db, pid, when):
                assert m.received - m.spent_here - m.paid == m.held, (pid, when, m)
                checked += 1
    assert checked > 50


@pytest.mark.parametrize("typed", ["1000000", "1 000 000,00", "1,000,000.00", "1\xa0000\xa0000,00"])
def test_amounts_are_read_as_people_type_them(client: TestClient, typed: str) -> None:
    plain = count_of(client.get("/findings", params={"min": "1000000"}).text)
    assert count_of(client.get("/findings", params={"min": typed}).text) == plain
