"""A sealed ledger of the `season` folder, on a SQLite file and on PostgreSQL, for tampering."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from conftest import POSTGRES_URL, require_postgres, reset_postgres
from integrity.tamper import Sealed, Stored
from pilot.builders import load, run, season


def _drop_read_models(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename LIKE 'rm\\_%'"
        ).fetchall()
        if tables:
            conn.execute(f"DROP TABLE {', '.join(t for (t,) in tables)}")


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
        _drop_read_models(POSTGRES_URL)
        url = POSTGRES_URL
    else:
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    load(season(tmp_path / "pilot").write(), db=url)
    sealed = run("seal", "--db", url)
    assert sealed.exit_code == 0, sealed.stderr
    seal = tmp_path / "seal.json"
    seal.write_text(sealed.stdout)
    yield Sealed(url, seal, Stored(url))
