"""A small ledger (the shipped example: livestock, subsidy and road programs with most rules
broken) loaded once into a SQLite file, and a `coloring` app with the `report` command."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import typer

from coloring.application import ColoringApplication
from coloring.cli import register
from coloring.examples import SHIPPED
from coloring.pilot.loader import load_folder
from coloring.projections.db import Database
from coloring.projections.runner import ProjectionRunner


@dataclass(frozen=True)
class Ledger:
    url: str
    db: Database


@pytest.fixture(scope="session")
def example_ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'example.db'}"
    application = ColoringApplication(url)
    runner = ProjectionRunner(application.store)
    load_folder(application, SHIPPED)
    runner.run()
    yield Ledger(url, runner.db)
    application.close()


@pytest.fixture(scope="session")
def cli() -> typer.Typer:
    """A command line with `report` registered as `cli.py` registers it (a callback keeps it a
    group, so the command is called by name: `report --out ...`)."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def main() -> None:
        """coloring"""

    register(app, "report")
    return app
