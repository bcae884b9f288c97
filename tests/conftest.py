"""Shared test configuration: hypothesis profiles and the databases every ledger test runs on.

`HYPOTHESIS_PROFILE=ci` (what `scripts/test` sets) is derandomised so CI is reproducible;
`dev` (the default) draws fresh examples on every run.

The `db_url` fixture re-runs a test on an in-memory SQLite database, a SQLite file and the local
PostgreSQL server. PostgreSQL is required unless `COLORING_SKIP_POSTGRES=1`: an unreachable
server fails the test with a message that says how to start it, so CI never skips it silently.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings

from coloring.projections.schema import TABLES as READ_MODEL_TABLES

settings.register_profile("ci", derandomize=True, max_examples=50, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

POSTGRES_URL = os.environ.get(
    "COLORING_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
SKIP_POSTGRES_VAR = "COLORING_SKIP_POSTGRES"

# Tables the ledger creates (the library names them after the application, `coloring_*`;
# `stored_*` and `snapshots` are the library's defaults, dropped too in case a test or an
# older build used them).
LEDGER_TABLES = (
    "coloring_events",
    "coloring_snapshots",
    "coloring_tracking",
    "stored_events",
    "stored_snapshots",
    "snapshots",
    "ledger_records",
    "ledger_chain",
    "ledger_loads",
    "ledger_writer",
)


def reset_postgres(url: str = POSTGRES_URL) -> None:
    """Drop every table the ledger uses, events and read models, so the next application starts
    from an empty store (read models of another ledger would otherwise look up to date)."""
    tables = [*LEDGER_TABLES, *READ_MODEL_TABLES]
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {', '.join(tables)} CASCADE")


def require_postgres(url: str = POSTGRES_URL) -> None:
    """Skip when PostgreSQL is opted out of; fail, saying what to do, when it is unreachable."""
    if os.environ.get(SKIP_POSTGRES_VAR) == "1":
        pytest.skip(f"{SKIP_POSTGRES_VAR}=1: PostgreSQL tests skipped on request")
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return
    except psycopg.OperationalError as e:
        reason = str(e).strip()
    pytest.fail(
        f"PostgreSQL is not reachable at {url} ({reason}). Start it "
        "(`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, "
        f"as .ci/run does) or set {SKIP_POSTGRES_VAR}=1 to skip the PostgreSQL tests.",
        pytrace=False,
    )


@pytest.fixture(autouse=True, scope="session")
def private_tmpdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The temporary files of the tests, and of the processes they start, in a folder of the
    session's own: a load removes what killed loads left in TMPDIR (`pilot.intake`), and the
    tests neither leave copies in the machine's /tmp nor take any from it."""
    folder = tmp_path_factory.mktemp("tmp")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(folder))
        patch.setattr(tempfile, "tempdir", None)  # found again, in TMPDIR
        yield


DATABASES = [
    pytest.param("sqlite-memory", id="sqlite-memory"),
    pytest.param("sqlite-file", id="sqlite-file"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=DATABASES)
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """A function that returns the URL of a new, empty database of one kind on every call.

    SQLite memory: a new in-memory database (it lives as long as the application that opens
    it). SQLite file: a new file under `tmp_path`. PostgreSQL: the test database with the
    ledger's tables dropped (close the previous application before calling again).
    """
    kind: str = request.param
    counter = itertools.count()
    if kind == "postgres":
        require_postgres()

    def new() -> str:
        if kind == "sqlite-memory":
            return "sqlite:///:memory:"
        if kind == "sqlite-file":
            return f"sqlite:///{tmp_path / f'ledger-{next(counter)}.db'}"
        reset_postgres()
        return POSTGRES_URL

    yield new


@pytest.fixture
def db_url(fresh_database: Callable[[], str]) -> str:
    """The URL of an empty database, once per kind: SQLite memory, SQLite file, PostgreSQL."""
    return fresh_database()
