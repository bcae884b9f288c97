"""Every process a test starts is ended with the test, whatever its outcome, and keeps its
temporary files in the test's own TMPDIR; `url` is a new PostgreSQL database for one test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import end_all, fresh_postgres


@pytest.fixture(autouse=True)
def ended() -> Iterator[None]:
    yield
    end_all()


@pytest.fixture(autouse=True)
def tmp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The TMPDIR of the processes the test starts, empty: the copy of a folder that a load
    killed here leaves stays here, where no later test's load removes it and says so."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    return folder


@pytest.fixture
def url() -> Iterator[str]:
    with fresh_postgres() as url:
        yield url
