"""`coloring serve` while `coloring load` records a folder into the same ledger: both real
processes. Every page answers throughout (the banner says when the read models lag), and once
the load is done the pages show what it recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from coloring.application import ColoringApplication
from coloring.projections.runner import ProjectionRunner

from .conftest import generated
from .test_browser import free_port

COLORING = [sys.executable, "-c", "from coloring.cli import main; main()"]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.mark.slow
@pytest.mark.parametrize(
    "fresh_database",
    ["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)
def test_pages_answer_while_a_load_records_into_the_ledger(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_database()
    folder = generated(tmp_path / "pilot")
    # An empty ledger first (opened and projected as a load would; read commands create none),
    # then the server over it.
    application = ColoringApplication(url)
    ProjectionRunner(application.store).run()
    application.close()
    port = free_port()
    env = {**os.environ, "COLORING_LANG": "en"}
    server = subprocess.Popen(
        [*COLORING, "serve", "--db", url, "--port", str(port)], stderr=subprocess.PIPE, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert get(base + "/")[0] == 200
                break
            except OSError:
                assert server.poll() is None
                assert time.monotonic() < deadline
                time.sleep(0.2)
        load = subprocess.Popen(
            [*COLORING, "load", str(folder), "--db", url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        answers = []
        while load.poll() is None:
            for path in ("/", "/findings", "/risk"):
                answers.append(get(base + path)[0])
            time.sleep(0.05)
        problems = load.stderr.read().decode() if load.stderr else ""
        if load.stderr:
            load.stderr.close()
        assert load.returncode == 0, problems
        assert answers and set(answers) == {200}
        listed = subprocess.run(
            [*COLORING, "findings", "--db", url, "--format", "json"],
            check=True,
            capture_output=True,
            env=env,
        )
        count = len(json.loads(listed.stdout))
        status, page = get(base + "/findings")
        assert status == 200
        assert "behind the event log" not in page
        assert f'<p class="summary">{count} findings' in page
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stderr:
            server.stderr.close()
