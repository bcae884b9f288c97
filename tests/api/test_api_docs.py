"""docs/api.md's example runs as written, and the public surface is what the docs list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import coloring.api

ROOT = Path(__file__).resolve().parents[2]


def example() -> str:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "docs/api.md has no python example"
    return str(blocks[0])


def test_the_documented_example_runs_from_the_repository_root(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(example(), "docs/api.md", "exec"), {"__name__": "docs_api_example"})
    printed = capsys.readouterr().out
    assert "payments applied" in printed
    assert "enforce" in printed


def test_every_public_name_is_documented_and_nothing_else_is_public() -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    public = set(coloring.api.__all__)
    assert public == {
        "Balance", "BalanceStep", "BadQueryError", "ColoringError", "Delivery", "Expectations",
        "Finding", "Ledger", "LoadSummary", "Movement", "NotFoundError", "Participant",
        "ProgramTotals", "Replay", "Rows", "RuleTotal", "Trace", "TraceStep", "Utilisation",
        "open", "replay",
    }  # fmt: skip
    for name in public:
        assert f"`{name}" in text, name


def test_the_command_line_starts_without_loading_arrow_or_the_api() -> None:
    import subprocess
    import sys

    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, coloring.cli; print(sorted(m for m in ('pyarrow', 'xlsxwriter', "
            "'coloring.api') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"
