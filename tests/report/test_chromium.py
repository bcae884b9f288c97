"""The report in a real browser: headless Chromium opens the file offline, runs its script
without errors and paints a picture that is not blank; `--format png` writes real PNGs."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from coloring import scratch
from coloring.report.export import chromium

from .conftest import Ledger
from .pngs import Picture, read_png, screenshot

BROWSER = chromium()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        BROWSER is None,
        reason="chromium is not installed (apt-get install -y chromium; .ci/run installs it)",
    ),
]
WHITE = (255, 255, 255)


def not_blank(picture: Picture, least_colours: int = 12) -> None:
    sample = picture.sample()
    inked = [p for p in sample if p != WHITE]
    assert len(inked) > len(sample) // 20, "less than 5% of the picture is painted"
    assert len(set(sample)) >= least_colours, "too few colours for charts"


def test_chromium_renders_the_report_offline_without_script_errors(
    example_ledger: Ledger, cli: typer.Typer, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", "--db", example_ledger.url, "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    png = tmp_path / "report.png"
    done = screenshot(out, png, "1400,3000")
    assert done.returncode == 0, done.stderr[-2000:]
    # Chromium logs every console message (console.error, uncaught exceptions, refused
    # fetches) as `INFO:CONSOLE(...)`; the page must log none.
    console = [
        line
        for line in done.stderr.splitlines()
        if "Uncaught" in line or "CONSOLE" in line or "console error" in line.lower()
    ]
    assert console == []
    assert png.stat().st_size > 100_000  # a blank page of that size compresses to a few KB
    picture = read_png(png)
    assert (picture.width, picture.height) == (1400, 3000)
    not_blank(picture)
    # the first flow diagram's treasury node (dark slate) is painted near the top left
    top = [picture.pixel(x, y) for y in range(300, 800, 5) for x in range(100, 300, 5)]
    assert any(max(p) < 90 for p in top)


def test_png_format_writes_a_picture_of_each_chart(
    example_ledger: Ledger, cli: typer.Typer, tmp_path: Path
) -> None:
    out = tmp_path / "aa.html"
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "--db",
            example_ledger.url,
            "--out",
            str(out),
            "--program",
            "AA-2025",
            "--format",
            "png",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "wrote 4 PNG chart(s): aa-*.png"
    for name in ("flows-AA-2025", "utilisation-AA-2025", "idle-AA-2025", "risk"):
        picture = read_png(tmp_path / f"aa-{name}.png")
        assert picture.width == 1100
        not_blank(picture, least_colours=6)


def test_png_export_removes_the_browser_profiles_killed_exports_left_and_leaves_none(
    example_ledger: Ledger,
    cli: typer.Typer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    gone = subprocess.Popen(["sleep", "60"])
    start = scratch._started(gone.pid)
    gone.kill()
    gone.wait()
    left = private / f"coloring-browser-{scratch._scope()}-{gone.pid}-{start}-k3x_9q2a"
    (left / "Default").mkdir(parents=True)
    out = tmp_path / "aa.html"
    result = CliRunner().invoke(
        cli,
        ["report", "--db", example_ledger.url, "--out", str(out), "--format", "png"],
    )
    assert result.exit_code == 0, result.stderr
    assert (
        f"removed 1 browser profile left in {private} by a PNG export that was killed"
        in result.stderr.splitlines()
    )
    assert list(private.iterdir()) == []
