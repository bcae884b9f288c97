"""`coloring report`: one self-contained HTML file with five sections, whose charts agree with
the ledger (money conserved in the flows, states that add up to the allocated amount, idle
histogram = IDLE_FUNDS findings, risk map = findings), the same on every database."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from coloring.application import ColoringApplication
from coloring.domain.time import parse_instant
from coloring.examples import SHIPPED
from coloring.pilot.loader import load_folder
from coloring.projections import explaining, queries
from coloring.projections.runner import ProjectionRunner
from coloring.report import build_report
from coloring.report.flows import flows
from coloring.report.page import SECTIONS
from coloring.report.scope import Scope, programs
from coloring.report.series import risk, stays, timelines
from coloring.report.svg import tenge, ticks
from pilot.builders import Folder, db_for, load

from .conftest import Ledger

SVG = "{http://www.w3.org/2000/svg}"
INSTANTS = ["2025-02-15T12:00", "2025-06-01", None]


def scope_at(ledger: Ledger, when: str | None) -> Scope:
    t = parse_instant(when).us if when else queries.latest_us(ledger.db)
    assert t is not None
    return Scope(t, programs(ledger.db))


@pytest.fixture(params=INSTANTS)
def scope(request: pytest.FixtureRequest, example_ledger: Ledger) -> Scope:
    """The example ledger's programs at each of `INSTANTS` (None: at its latest instant)."""
    return scope_at(example_ledger, request.param)


def run(cli: typer.Typer, *args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["report", *map(str, args)])
    return result.exit_code, result.stderr


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, re.S)]


@pytest.fixture(scope="module")
def html(example_ledger: Ledger, tmp_path_factory: pytest.TempPathFactory, cli: typer.Typer) -> str:
    out = tmp_path_factory.mktemp("html") / "report.html"
    code, stderr = run(cli, "--db", example_ledger.url, "--out", out)
    assert code == 0, stderr
    assert stderr.startswith(f"wrote {out} (")
    return out.read_text(encoding="utf-8")


def test_the_report_is_one_file_that_references_nothing_on_the_network(html: str) -> None:
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"<link\b|<img\b|<iframe\b|@import|url\(", html, re.I)
    assert "<script src" not in html
    assert "default-src 'none'" in html  # the browser refuses any fetch the page might try


def test_the_report_has_the_five_sections_in_order(html: str) -> None:
    titles = re.findall(r"<h2>(.*?)</h2>", html)
    assert titles == list(SECTIONS.values())
    assert titles == [
        "Money flows",
        "Utilisation over time",
        "Idle time at intermediaries",
        "Risk map",
        "Findings",
    ]


def test_every_chart_is_valid_svg_that_draws_shapes(html: str) -> None:
    charts = svgs(html)
    assert len(charts) == 3 * 3 + 1  # flows, utilisation, idle per program; one risk map
    for svg in charts:
        shapes = [e for e in svg.iter() if e.tag in (SVG + "path", SVG + "rect", SVG + "polygon")]
        coloured = [e for e in shapes if e.get("fill") not in (None, "none", "#ffffff")]
        assert len(coloured) >= 3, svg.get("aria-label")


def test_every_finding_is_in_the_table_with_its_evidence(html: str, example_ledger: Ledger) -> None:
    found = queries.findings(example_ledger.db)
    assert html.count('<tr class="finding"') == len(found) == 25
    first = found[0]
    assert f"<td>{first.subject}</td>" in html
    assert explaining.explain_finding(example_ledger.db, first)[0] in html


def test_the_flows_end_in_sinks_that_add_up_to_the_allocations(
    example_ledger: Ledger, scope: Scope
) -> None:
    graph = flows(example_ledger.db, scope, top=2)
    held: dict[str, int] = {}
    for b in queries.balances(example_ledger.db, scope.t):
        held[b.program] = held.get(b.program, 0) + b.held
    for p in scope.programs:
        links = graph[p.program_id].links
        allocated = example_ledger.db.query(
            "SELECT COALESCE(SUM(amount), 0) FROM rm_movements WHERE kind = 'allocation' "
            "AND program_id = ? AND at_us <= ?",
            (p.program_id, scope.t),
        )[0][0]
        sinks = sum(link.amount for link in links if link.target.startswith("="))
        assert sinks == allocated
        kept = sum(link.amount for link in links if link.target in ("=held", "=idle"))
        assert kept == held.get(p.program_id, 0)
        nodes = {k for link in links for k in (link.source, link.target)}
        assert nodes == set(graph[p.program_id].nodes)


def test_utilisation_states_add_up_to_the_allocated_amount_and_end_as_the_flows(
    example_ledger: Ledger, scope: Scope
) -> None:
    lines = timelines(example_ledger.db, scope)
    graph = flows(example_ledger.db, scope)
    for p in scope.programs:
        line = lines[p.program_id]
        for i in range(len(line.buckets)):
            assert sum(v[i] for v in line.states.values()) == line.allocated[i]
            assert all(v[i] >= 0 for v in line.states.values())
        for state, sink in (("idle", "=idle"), ("held", "=held"), ("returned", "=returned")):
            expected = sum(x.amount for x in graph[p.program_id].links if x.target == sink)
            assert line.states[state][-1] == expected, (p.program_id, state)


def test_deliveries_longer_than_the_limit_are_the_idle_findings(
    example_ledger: Ledger, scope: Scope
) -> None:
    stayed = stays(example_ledger.db, scope)
    idle = queries.idle_findings(example_ledger.db, scope.t)
    for p in scope.programs:
        over = sum(s.count for s in stayed.get(p.program_id, []) if s.over)
        assert over == len([f for f in idle if f.program == p.program_id])
    deliveries = example_ledger.db.query(
        "SELECT COUNT(*) FROM rm_deliveries WHERE at_us <= ?", (scope.t,)
    )[0][0]
    assert sum(s.count for v in stayed.values() for s in v) == deliveries


def test_the_risk_map_counts_every_finding_once(example_ledger: Ledger, scope: Scope) -> None:
    cells = risk(example_ledger.db, scope)
    found = queries.findings(example_ledger.db, scope.t)
    assert sum(n for c in cells.values() for n, _ in c.by_rule.values()) == len(found)
    assert sum(a for c in cells.values() for _, a in c.by_rule.values()) == sum(
        f.amount for f in found
    )
    for c in cells.values():
        assert 0 < c.at_risk <= sum(a for _, a in c.by_rule.values())


def test_a_long_findings_table_is_capped_with_a_note(example_ledger: Ledger) -> None:
    made = build_report(example_ledger.db, max_rows=5)
    assert (made.findings_total, made.findings_shown) == (25, 5)
    assert made.html.count('<tr class="finding"') == 5
    assert "Showing the first 5 of 25 findings" in made.html


def test_one_program_as_of_an_instant(example_ledger: Ledger) -> None:
    made = build_report(example_ledger.db, "AA-2025", parse_instant("2025-03-01").us)
    assert made.programs == ("AA-2025",)
    assert [c.name for c in made.charts] == [
        "flows-AA-2025",
        "utilisation-AA-2025",
        "idle-AA-2025",
        "risk",
    ]
    assert "as of 2025-03-01T00:00:00+05:00; program AA-2025" in made.html
    assert "AGROLEASE-2025" not in made.html


def test_svg_and_png_formats_write_each_chart_next_to_the_html(
    example_ledger: Ledger, cli: typer.Typer, tmp_path: Path
) -> None:
    out = tmp_path / "season.html"
    code, stderr = run(
        cli, "--db", example_ledger.url, "--out", out, "--format", "svg", "--program", "ROADS-2025"
    )
    assert code == 0, stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        "season-flows-ROADS-2025.svg",
        "season-idle-ROADS-2025.svg",
        "season-risk.svg",
        "season-utilisation-ROADS-2025.svg",
        "season.html",
    ]
    for path in tmp_path.glob("*.svg"):
        svg = ET.parse(path).getroot()
        assert svg.tag == SVG + "svg" and int(svg.get("width", "0")) > 0
    assert stderr.splitlines()[-1] == "wrote 4 SVG chart(s): season-*.svg"


def test_an_unknown_program_is_an_error_that_names_the_known_ones(
    example_ledger: Ledger, cli: typer.Typer, tmp_path: Path
) -> None:
    code, stderr = run(
        cli, "--db", example_ledger.url, "--out", tmp_path / "r.html", "--program", "NOPE"
    )
    assert code == 2
    assert stderr == (
        "error: --program: no program 'NOPE' in the ledger "
        "(programs: AA-2025, AGROLEASE-2025, ROADS-2025)\n"
    )
    assert not (tmp_path / "r.html").exists()


def test_bad_usage_exits_2_and_says_what_to_do(
    example_ledger: Ledger, cli: typer.Typer, tmp_path: Path
) -> None:
    code, stderr = run(cli, "--db", example_ledger.url, "--out", tmp_path / "no" / "r.html")
    assert (code, stderr) == (
        2,
        f"error: --out {tmp_path}/no/r.html: the folder {tmp_path}/no does not exist; "
        "create it first\n",
    )
    code, stderr = run(cli, "--db", example_ledger.url, "--out", tmp_path)
    assert code == 2 and stderr.startswith(f"error: --out {tmp_path}: is a folder")
    code, stderr = run(
        cli, "--db", example_ledger.url, "--out", tmp_path / "r.html", "--as-of", "yesterday"
    )
    assert code == 2 and stderr.startswith("error: --as-of: 'yesterday' is not a time")
    code, _ = run(cli, "--db", "mysql://x", "--out", tmp_path / "r.html")
    assert code == 2


def test_the_report_of_a_ledger_with_no_movement_says_so(cli: typer.Typer, tmp_path: Path) -> None:
    folder = Folder(tmp_path / "empty").write()
    load(folder)
    out = tmp_path / "r.html"
    code, stderr = run(cli, "--db", db_for(folder), "--out", out)
    assert code == 0, stderr
    assert "the ledger is empty" in out.read_text(encoding="utf-8")


def test_the_report_of_a_ledger_that_does_not_exist_is_refused(
    cli: typer.Typer, tmp_path: Path
) -> None:
    code, stderr = run(cli, "--db", f"sqlite:///{tmp_path / 'typo.db'}", "--out", tmp_path / "r")
    assert code == 2
    assert stderr.startswith(f"error: no ledger at sqlite:///{tmp_path / 'typo.db'}")
    assert list(tmp_path.iterdir()) == []


def test_the_report_is_the_same_on_every_database(db_url: str, example_ledger: Ledger) -> None:
    application = ColoringApplication(db_url)
    try:
        runner = ProjectionRunner(application.store)
        load_folder(application, SHIPPED)
        runner.run()
        for when in INSTANTS:
            t = parse_instant(when).us if when else None
            here = build_report(runner.db, None, t).html
            assert here == build_report(example_ledger.db, None, t).html
    finally:
        application.close()


def test_money_labels_and_axis_ticks_are_made_from_integers() -> None:
    assert [tenge(v) for v in (0, 95_000, 1_250_000, 340_000_000, 125_000_000_000)] == [
        "0",
        "950",
        "12.5 k",
        "3.40 mln",
        "1.25 bn",
    ]
    assert ticks(7) == [0, 2, 4, 6, 8]
    assert ticks(5001) == [0, 2000, 4000, 6000]


def test_png_without_chromium_writes_the_svgs_and_says_why_there_is_no_png(
    example_ledger: Ledger, cli: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLORING_CHROMIUM", str(tmp_path / "no-such-browser"))
    out = tmp_path / "r.html"
    code, stderr = run(
        cli, "--db", example_ledger.url, "--out", out, "--program", "AA-2025", "--format", "png"
    )
    assert code == 0, stderr
    assert stderr.splitlines()[-1] == (
        "PNG not written: chromium was not found (apt-get install chromium, or set "
        "$COLORING_CHROMIUM); the SVG charts are written"
    )
    assert len(list(tmp_path.glob("r-*.svg"))) == 4
    assert not list(tmp_path.glob("*.png"))


def test_before_the_first_record_every_chart_says_there_is_nothing_yet(
    example_ledger: Ledger,
) -> None:
    made = build_report(example_ledger.db, None, parse_instant("2020-01-01").us)
    assert made.findings_total == 0
    assert made.html.count("no money moved in this program by the instant") == 3
    assert made.html.count("nothing allocated by the instant") == 3
    assert made.html.count("no deliveries to intermediaries by the instant") == 3
    assert "no findings by the instant" in made.html


def test_xlsx_writes_the_workbook_next_to_the_report_and_links_it(
    example_ledger: Ledger, cli: typer.Typer, tmp_path: Path
) -> None:
    import openpyxl

    out = tmp_path / "audit.html"
    result = CliRunner().invoke(
        cli, ["report", "--db", example_ledger.url, "--out", str(out), "--xlsx"]
    )
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert '<a href="audit.xlsx" download>audit.xlsx</a>' in page
    book = openpyxl.load_workbook(tmp_path / "audit.xlsx")
    rows = list(book["Findings"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(re.findall(r"<tr class=\"finding\"", page)) > 0
