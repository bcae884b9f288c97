"""A sealed ledger of the `season` folder, on a SQLite file and on PostgreSQL, for tampering."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import POSTGRES_URL, require_postgres, reset_postgres
from integrity.tamper import Sealed, Stored
from pilot.builders import load, run, season


@pytest.fixture(
    params=[
        pytest.param("sqlite-file", id="sqlite-file"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def sealed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sealed]:
    if request.param == "postgres":
        require_postgres()
        reset_postgres()
        url = POSTGRES_URL
    else:
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    load(season(tmp_path / "pilot").write(), db=url)
    sealed = run("seal", "--db", url)
    assert sealed.exit_code == 0, sealed.stderr
    seal = tmp_path / "seal.json"
    seal.write_text(sealed.stdout)
    yield Sealed(url, seal, Stored(url))
