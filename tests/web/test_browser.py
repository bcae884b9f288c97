"""`coloring serve` in a real browser: the commands run as processes (`generate`, `load`,
`serve`) and Playwright drives Debian's chromium from a risk-map cell to a finding to a trace,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not installed (apt-get install -y chromium; .ci/run installs it)",
    ),
]
COLORING = [sys.executable, "-c", "from coloring.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(*args: str) -> None:
    done = subprocess.run([*COLORING, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def served(fresh_database: Callable[[], str], tmp_path: Path) -> Iterator[str]:
    """The address of `coloring serve` over a generated ledger, in a process of its own."""
    url = fresh_database()
    run("generate", str(tmp_path / "pilot"), "--seed", "7", "--farmers", "30")
    run("load", str(tmp_path / "pilot"), "--db", url)
    port = free_port()
    server = subprocess.Popen(
        [*COLORING, "serve", "--db", url, "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLORING_LANG": "en"},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not start in 30 s"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stderr:
            server.stderr.close()


@pytest.mark.parametrize(
    "fresh_database",
    ["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)
def test_an_auditor_clicks_from_a_risk_map_cell_to_a_finding_to_a_trace(served: str) -> None:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{served}/risk")
        assert page.locator("h1").inner_text() == "Risk map"
        # The cell of the road program: its findings are payments, each with units to follow.
        cell = page.locator("a.cell[href*='program=ROADS-2025']").first
        cell_text = cell.inner_text()
        cell.click()
        page.wait_for_url("**/findings?**")
        count = int(cell_text.split("\n")[-1].split()[0].replace(",", ""))
        assert page.locator("table.findings tbody tr").count() == min(count, 50)
        subjects = page.locator("table.findings tbody tr td:nth-child(3) a")
        for i in range(subjects.count()):
            subjects.nth(i).click()
            page.wait_for_url("**/finding/**")
            if page.locator("a.trace").count():
                break
            page.go_back()
        assert page.locator("code.source").count() >= 1  # the pilot rows, as file:line
        assert ".csv:" in page.locator("code.source").first.inner_text()
        unit = page.locator("a.trace").first.inner_text()
        page.locator("a.trace").first.click()
        page.wait_for_url("**/trace?**")
        assert unit in page.locator("h2").inner_text()
        assert page.locator("table.trace tbody tr").count() >= 2
        assert page.locator("p.state").inner_text().startswith("Now:")
        browser.close()
    assert errors == []
