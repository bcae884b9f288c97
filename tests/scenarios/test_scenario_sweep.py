"""`coloring sweep`: every combination of a grid replayed (in parallel), one row each, the same
figures as single replays; expectations reported per row, never an error exit."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from scenario_helpers import Run

import coloring.scenarios.sweep
from coloring.report.export import chromium
from coloring.scenarios.sweep import Row, parse_grid, sweep
from report.pngs import read_png, screenshot

LIVESTOCK = "scenarios/auyl-amanaty.yaml"
GRID = ("--grid", "programs.AA-2025.max_idle_days=5,30,60", "--grid", "mode=observe,enforce")


def swept(run: Run, *args: str) -> dict[str, Any]:
    result = run("sweep", LIVESTOCK, *GRID, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_a_3x2_sweep_gives_the_figures_of_six_single_replays(run: Run, in_repo: Path) -> None:
    rows = swept(run, "--jobs", "2")["rows"]
    assert [tuple(r["settings"].values()) for r in rows] == [
        (days, mode) for days in ("5", "30", "60") for mode in ("observe", "enforce")
    ]
    for row in rows:
        days, mode = row["settings"].values()
        single = run(
            "replay",
            LIVESTOCK,
            "--set",
            f"programs.AA-2025.max_idle_days={days}",
            "--mode",
            mode,
            "--format",
            "json",
        )
        assert single.exit_code == 0, single.stderr  # a what-if: expectations are reported
        report = json.loads(single.stdout)
        for metric, amount in row["money"].items():
            total = sum(Decimal(p[metric]) for p in report["programs"].values())
            assert Decimal(amount) == total, (days, mode, metric)
        counts = {rule: t["count"] for rule, t in report["findings_by_rule"].items()}
        assert row["findings_by_rule"] == counts
        assert row["payments"] == report["payments"]
        assert row["expectations"]["failed"] == [
            f"{f['where']}: {f['field']}: expected {f['expected']}, actual {f['actual']}"
            for f in report["expectations"]["failed"]
        ]


def test_one_process_and_two_give_the_same_rows(run: Run, in_repo: Path) -> None:
    assert swept(run, "--jobs", "1") == swept(run, "--jobs", "2")


def test_failed_expectations_are_reported_per_row_and_the_sweep_exits_0(
    run: Run, in_repo: Path
) -> None:
    result = run("sweep", LIVESTOCK, *GRID, "--jobs", "1")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[4].endswith("7 of 21 failed") and lines[6].endswith("all 15 hold")
    assert "expectations that do not hold" in result.stdout
    assert "expectations fail in 4 (shown per row)" in result.stderr


def test_parquet_and_csv_hold_the_same_rows(run: Run, in_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "sweep.parquet"
    assert run("sweep", LIVESTOCK, *GRID, "--format", "parquet", "--out", str(out)).exit_code == 0
    table = pq.read_table(out).to_pylist()
    as_csv = run("sweep", LIVESTOCK, *GRID, "--format", "csv").stdout.splitlines()
    header = as_csv[0].split(",")
    assert header == list(table[0])
    for line, row in zip(as_csv[1:], table, strict=True):
        assert line.split(",") == [str(v) for v in row.values()]
    assert row["misused"] == Decimal("1610000.00")


def test_the_chart_is_one_offline_page_with_a_panel_per_axis_and_metric(
    run: Run, in_repo: Path, tmp_path: Path
) -> None:
    page = tmp_path / "sweep.html"
    assert run("sweep", LIVESTOCK, *GRID, "--chart", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 2 * 4
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "misused (KZT)" in html and "by programs.AA-2025.max_idle_days" in html


def test_a_bad_grid_is_a_usage_error_before_anything_is_replayed(run: Run, in_repo: Path) -> None:
    result = run("sweep", LIVESTOCK, "--grid", "mode=observe,sideways")
    assert result.exit_code == 2
    assert "nothing was replayed" in result.stderr
    assert "sideways" in result.stderr
    assert run("sweep", LIVESTOCK, "--grid", "max_idle_days").exit_code == 2
    assert run("sweep", LIVESTOCK, *GRID, "--format", "parquet").exit_code == 2


@pytest.mark.slow
@pytest.mark.skipif(chromium() is None, reason="chromium is not installed (.ci/run installs it)")
def test_the_chart_paints_in_a_real_browser_offline(
    run: Run, in_repo: Path, tmp_path: Path
) -> None:
    page = tmp_path / "sweep.html"
    assert run("sweep", LIVESTOCK, *GRID, "--chart", str(page)).exit_code == 0
    png = tmp_path / "sweep.png"
    done = screenshot(page, png, "1200,1400")
    assert done.returncode == 0, done.stderr[-2000:]
    assert [line for line in done.stderr.splitlines() if "CONSOLE" in line] == []
    picture = read_png(png)
    sample = picture.sample()
    inked = [p for p in sample if p != (255, 255, 255)]
    assert len(inked) > len(sample) // 50, "the chart page is blank"
    assert len(set(sample)) >= 8, "too few colours for lines of several series"


REPLAY_ONE = coloring.scenarios.sweep.replay_one


def replay_counted(
    scenario: str, settings: tuple[tuple[str, str], ...], sets: tuple[str, ...] = ()
) -> Row:
    """`replay_one` in a worker, each replay a line of the file `$REPLAYS`."""
    with open(os.environ["REPLAYS"], "a") as replays:
        replays.write(f"{settings}\n")
    return REPLAY_ONE(scenario, settings, sets)


def test_a_sweep_stopped_at_its_first_row_replays_no_more_of_its_grid(
    in_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C, or SIGTERM as `cli.main` raises it, while the rows come in: the combinations not
    begun are dropped, not all replayed before the sweep ends."""
    replays = tmp_path / "replays"
    monkeypatch.setenv("REPLAYS", str(replays))
    monkeypatch.setattr(coloring.scenarios.sweep, "replay_one", replay_counted)
    days = ",".join(str(d) for d in range(1, 21))
    axes = parse_grid([f"programs.AA-2025.max_idle_days={days}", "mode=observe,enforce"])

    def stopped(done: int, row: Row) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep(Path(LIVESTOCK), axes, jobs=2, done=stopped)
    assert len(replays.read_text().splitlines()) < 40 // 2
