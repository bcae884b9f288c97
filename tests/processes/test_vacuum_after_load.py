"""`coloring load` into PostgreSQL as a real process: the read models it updates in place are
vacuumed before it ends, so the first question after a load steps over no dead rows."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from coloring.pilot.generator import generate

from .helpers import query, run

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

DEAD_ROWS = (
    "SELECT c.relname, (pgstattuple(c.oid)).dead_tuple_count AS dead FROM pg_class c "
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' "
    "AND c.relname LIKE 'rm\\_%' ORDER BY c.relname"
)
"""Each read model's dead rows, counted in its pages: `pg_stat_user_tables.n_dead_tup` is no
count of them here, as a connection of the load that ends after the VACUUM adds the rows it
updated to the count the VACUUM left."""


def dead_rows(url: str) -> list[tuple[str, int]]:
    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pgstattuple'"
        ).fetchall():
            pytest.skip("the pgstattuple extension is not installed on this server")
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        return [(name, dead) for name, dead in conn.execute(DEAD_ROWS).fetchall() if dead]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "pilot"
    generate(folder, seed=7, farmers=40, misuse_rate=0.2)
    return folder


def test_a_load_leaves_no_dead_rows_in_the_read_models(url: str, folder: Path) -> None:
    loaded = run("load", str(folder), "--db", url)
    assert loaded.returncode == 0, loaded.stderr
    assert dead_rows(url) == []


def test_a_load_prints_nothing_on_stdout(url: str, folder: Path) -> None:
    loaded = run("load", str(folder), "--db", url)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout == ""


def test_a_load_that_records_nothing_vacuums_nothing(url: str, folder: Path) -> None:
    vacuums = "SELECT SUM(vacuum_count) FROM pg_stat_user_tables WHERE relname LIKE 'rm\\_%'"
    assert run("load", str(folder), "--db", url).returncode == 0
    before = query(url, vacuums)
    again = run("load", str(folder), "--db", url)
    assert again.returncode == 0, again.stderr
    assert query(url, vacuums) == before
