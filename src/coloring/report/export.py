"""Write each chart next to the HTML as `<stem>-<chart>.svg`, and as PNG through headless
Chromium (`--screenshot` of the SVG file at its own size) when Chromium is installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from coloring.domain.errors import ColoringError
from coloring.report.build import Chart
from coloring.scratch import scratch_folder

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# No network, no background services, no first-run UI: a screenshot of a local file only.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--hide-scrollbars",
    "--mute-audio",
)
_SIZE = re.compile(r'<svg[^>]*?\swidth="(\d+)"\s+height="(\d+)"')


class ExportError(ColoringError):
    pass


def chromium() -> str | None:
    """The Chromium binary: `$COLORING_CHROMIUM`, else the first browser found on PATH."""
    named = os.environ.get("COLORING_CHROMIUM")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def svg_size(svg: str) -> tuple[int, int]:
    m = _SIZE.search(svg)
    return (int(m[1]), int(m[2])) if m else (1100, 400)


def screenshot(binary: str, page: Path, png: Path, width: int, height: int) -> None:
    """Render a local file with headless Chromium into `png` (window `width` x `height`)."""
    with scratch_folder("browser") as profile:
        command = [
            binary,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            f"--screenshot={png}",
            page.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise ExportError(f"{png.name}: chromium did not run ({e})") from None
    if done.returncode != 0 or not png.is_file() or png.stat().st_size == 0:
        tail = " ".join(done.stderr.strip().splitlines()[-2:])
        raise ExportError(
            f"{png.name}: chromium failed (exit {done.returncode}): {tail or 'no output'}"
        )


def chart_path(out: Path, chart: Chart, suffix: str) -> Path:
    return out.with_name(f"{out.stem}-{chart.name}{suffix}")


def write_svgs(out: Path, charts: list[Chart]) -> list[Path]:
    written = []
    for chart in charts:
        path = chart_path(out, chart, ".svg")
        path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + chart.svg, encoding="utf-8")
        written.append(path)
    return written


def write_pngs(out: Path, charts: list[Chart], binary: str, workers: int = 4) -> list[Path]:
    """One PNG per chart, rendered from the SVG files already written (a few in parallel)."""

    def one(chart: Chart) -> Path:
        png = chart_path(out, chart, ".png")
        width, height = svg_size(chart.svg)
        screenshot(binary, chart_path(out, chart, ".svg"), png, width, height)
        return png

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, charts))
