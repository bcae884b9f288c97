"""One definition of money by verdict: the report (its flows and its utilisation), a replay of
the same folder, `balances --per-program` and `programs` split what was spent into "on purpose"
and "with findings" alike, per program, and spent = on purpose + misused, on the shipped example
and on generated folders."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from coloring.application import ColoringApplication
from coloring.cli import app
from coloring.examples import SHIPPED
from coloring.pilot.loader import load_folder
from coloring.projections import queries
from coloring.projections.db import Database
from coloring.projections.runner import ProjectionRunner
from coloring.report.flows import flows
from coloring.report.sankey import render_sankey
from coloring.report.scope import Scope, programs
from coloring.report.series import timelines
from coloring.report.svg import STATE_COLOURS
from pilot.generated import generated_folder, given_generator_args

Split = dict[str, tuple[int, int, int]]  # program -> (spent, on purpose, with findings)


def in_tiyn(text: str) -> int:
    whole, frac = text.split(".")
    return int(whole) * 100 + int(frac)


@contextmanager
def reported(folder: Path, db: str) -> Iterator[tuple[Database, Scope]]:
    """The folder loaded into the ledger at `db`: its read models and the report's scope at the
    instant the report evaluates."""
    application = ColoringApplication(db)
    try:
        runner = ProjectionRunner(application.store)
        load_folder(application, folder)
        runner.run()
        t = queries.evaluation_instant(runner.db, None)
        assert t is not None
        yield runner.db, Scope(t, programs(runner.db, None, t))
    finally:
        application.close()


def split_by_the_report(folder: Path, db: str) -> tuple[Split, Split]:
    """(from the utilisation chart's last bucket, from the flow diagram's sinks)."""
    with reported(folder, db) as (read_models, scope):
        lines, graph = timelines(read_models, scope), flows(read_models, scope)
    by_lines, by_flows = {}, {}
    for p, line in lines.items():
        ok, bad = line.states["spent on purpose"][-1], line.states["spent with findings"][-1]
        by_lines[p] = (ok + bad, ok, bad)
        sinks = {
            s: sum(k.amount for k in graph[p].links if k.target == s)
            for s in ("=spent_ok", "=spent_flagged")
        }
        ok, bad = sinks["=spent_ok"], sinks["=spent_flagged"]
        by_flows[p] = (ok + bad, ok, bad)
    return by_lines, by_flows


def split_by_a_replay(folder: Path, tmp: Path) -> Split:
    scenario = tmp / "replay.yaml"
    scenario.write_text(f"title: the same folder\npilot: {folder}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["replay", str(scenario), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    used = json.loads(result.stdout)["programs"]
    return {
        p: (in_tiyn(u["spent"]), in_tiyn(u["on_purpose"]), in_tiyn(u["misused"]))
        for p, u in used.items()
    }


def split_by_balances(db: str) -> Split:
    """`coloring balances --per-program`; checks on the way that its `held` is what the holders
    hold."""
    result = CliRunner().invoke(app, ["balances", "--per-program", "--format", "json", "--db", db])
    assert result.exit_code == 0, result.stderr
    holders = CliRunner().invoke(app, ["balances", "--format", "json", "--db", db])
    held: dict[str, int] = {}
    for b in json.loads(holders.stdout):
        held[b["program"]] = held.get(b["program"], 0) + in_tiyn(b["held"])
    out = {}
    for m in json.loads(result.stdout):
        assert in_tiyn(m["held"]) == held.get(m["program"], 0)
        assert in_tiyn(m["allocated"]) == sum(in_tiyn(m[k]) for k in ("spent", "returned", "held"))
        out[m["program"]] = (in_tiyn(m["spent"]), in_tiyn(m["on_purpose"]), in_tiyn(m["misused"]))
    return out


def split_by_programs(db: str) -> Split:
    result = CliRunner().invoke(app, ["programs", "--format", "json", "--db", db])
    assert result.exit_code == 0, result.stderr
    return {
        p["program"]: tuple(in_tiyn(p["money"][k]) for k in ("spent", "on_purpose", "misused"))
        for p in json.loads(result.stdout)
    }


def assert_one_answer(folder: Path, tmp: Path) -> Split:
    db = f"sqlite:///{tmp / 'ledger.db'}"
    by_lines, by_flows = split_by_the_report(folder, db)
    by_replay = split_by_a_replay(folder, tmp)
    assert by_lines == by_flows == by_replay == split_by_balances(db) == split_by_programs(db)
    for spent, on_purpose, misused in by_replay.values():
        assert spent == on_purpose + misused and on_purpose >= 0 and misused >= 0
    return by_replay


def test_report_and_replay_split_the_example_folders_spending_alike(tmp_path: Path) -> None:
    split = assert_one_answer(SHIPPED, tmp_path)
    # The leasing program's subsidies: one over its cap, one on an inflated price, one double.
    assert split["AGROLEASE-2025"][2] > 0
    # Livestock: phantom, duplicate and early-sold animals, payments off route or undocumented.
    assert split["AA-2025"][2] > 0


@given_generator_args(4, farmers=(2, 15), misuse_rates=[0.1, 0.3])
def test_report_and_replay_split_a_generated_folders_spending_alike(
    args: dict[str, Any],
) -> None:
    with generated_folder(args) as folder:
        assert_one_answer(folder, folder.parent)


def test_the_sankey_paints_the_misused_part_red(tmp_path: Path) -> None:
    with reported(SHIPPED, f"sqlite:///{tmp_path / 'ledger.db'}") as (read_models, scope):
        graph = flows(read_models, scope)
        leasing = next(p for p in scope.programs if p.program_id == "AGROLEASE-2025")
        svg = render_sankey(graph["AGROLEASE-2025"], leasing, "flows")
    red = STATE_COLOURS["spent with findings"]
    bands = re.findall(
        r'<path class="band" d="[^"]*" fill="([^"]*)"[^>]*><title>([^<]*)</title>', svg
    )
    painted = [
        in_tiyn(amount)
        for fill, tip in bands
        if fill == red
        for amount in re.findall(r": ([0-9]+\.[0-9]{2}) KZT", tip)
    ]
    misused = sum(k.amount for k in graph["AGROLEASE-2025"].links if k.target == "=spent_flagged")
    assert painted and sum(painted) == misused
    assert all("spent with findings" in tip for fill, tip in bands if fill == red)
