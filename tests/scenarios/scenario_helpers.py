"""Shared by the scenario tests: where the shipped scenarios are, and the app they run on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from typer.testing import Result

from coloring.cli import register

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"

Run = Callable[..., Result]
Write = Callable[[str, str], Path]


def scenario_app() -> typer.Typer:
    """A local typer app with `replay`, `compare` and `sweep`, as `coloring.cli` wires them."""
    app = typer.Typer()
    register(app, "replay", "compare", "sweep")
    return app
