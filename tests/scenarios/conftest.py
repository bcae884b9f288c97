"""Fixtures of the scenario tests: a CLI runner on a local typer app with the scenario commands
registered, the repository root as working directory, scenario files under tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_helpers import REPO, Run, Write, scenario_app
from typer.testing import CliRunner, Result


@pytest.fixture
def run() -> Run:
    """Run `coloring ARGS...` (replay, compare) in-process."""
    app = scenario_app()

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(app, list(args))

    return invoke


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work from the repository root, so shipped scenarios print as `scenarios/x.yaml`."""
    monkeypatch.chdir(REPO)
    return REPO


@pytest.fixture
def write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Write:
    """Write a scenario file in tmp_path (the working directory); returns its relative path."""
    monkeypatch.chdir(tmp_path)

    def write_file(name: str, text: str) -> Path:
        (tmp_path / name).write_text(text, encoding="utf-8")
        return Path(name)

    return write_file
