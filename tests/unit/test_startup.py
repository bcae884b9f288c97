"""What a command imports before it does anything (docs/performance.md, start-up)."""

from __future__ import annotations

import subprocess
import sys


def test_a_sqlite_command_does_not_import_postgresql_support() -> None:
    code = (
        "import sys, coloring.application, coloring.locking, coloring.pilot.loader; "
        "postgres = ('psycopg', 'eventsourcing.postgres'); "
        "print(sorted(m for m in sys.modules if m.startswith(postgres)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
