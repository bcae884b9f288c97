"""A generated ledger (three programs, every rule planted) loaded once into a SQLite file, and a
Starlette test client over `coloring serve`'s app."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from coloring.application import ColoringApplication
from coloring.pilot.generator import generate
from coloring.pilot.loader import load_folder
from coloring.projections import queries
from coloring.projections.db import Database
from coloring.projections.runner import ProjectionRunner
from coloring.web.app import create_app


@dataclass(frozen=True)
class Ledger:
    url: str
    folder: Path
    db: Database

    def latest_us(self) -> int:
        """The instant the pages default to: the ledger's latest."""
        t = queries.latest_us(self.db)
        assert t is not None
        return t


def generated(folder: Path, seed: int = 5) -> Path:
    generate(folder, seed=seed, farmers=30, scale=1.0, misuse_rate=0.05)
    return folder


@pytest.fixture(scope="session")
def web_ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    base = tmp_path_factory.mktemp("web")
    folder = generated(base / "pilot")
    url = f"sqlite:///{base / 'ledger.db'}"
    application = ColoringApplication(url)
    runner = ProjectionRunner(application.store)
    load_folder(application, folder)
    runner.run()
    yield Ledger(url, folder, runner.db)
    application.close()


@pytest.fixture(scope="session")
def client(web_ledger: Ledger) -> Iterator[TestClient]:
    with TestClient(create_app(web_ledger.url, "en")) as c:
        yield c
