"""`coloring serve` stopped by SIGTERM (`kill PID`, a service manager's stop), as a real
process: uvicorn stops serving, then ends the process by the signal, as it always did."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from coloring.application import ColoringApplication
from coloring.projections.runner import ProjectionRunner

from .test_browser import free_port

COLORING = [sys.executable, "-c", "from coloring.cli import main; main()"]


def serving(url: str) -> subprocess.Popen[bytes]:
    """`coloring serve` over the ledger at `url`, once its first page answers."""
    port = free_port()
    server = subprocess.Popen(
        [*COLORING, "serve", "--db", url, "--port", str(port)], stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as answer:
                assert answer.status == 200
            return server
        except OSError:
            assert server.poll() is None
            assert time.monotonic() < deadline
            time.sleep(0.2)


def test_a_server_stopped_by_sigterm_ends_by_that_signal(tmp_path: Path) -> None:
    """Not with exit 0: `cli.main` makes SIGTERM a KeyboardInterrupt, which `uvicorn.run`
    swallows when it raises the signal again after stopping."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    application = ColoringApplication(url)
    ProjectionRunner(application.store).run()
    application.close()
    server = serving(url)
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == -signal.SIGTERM
