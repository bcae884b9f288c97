"""The registry is looked up, never replayed: a ledger reopened by another process finds each
animal's owners in the record index, on every store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

import coloring.recordindex
import coloring.store
from coloring.application import ColoringApplication
from coloring.domain.records import (
    AllocationRecord,
    AnimalRecord,
    PurchaseRecord,
    RegistryRecord,
    TransferRecord,
)
from conftest import POSTGRES_URL, require_postgres, reset_postgres
from strategies import LIVESTOCK_ROUTE, T0, after, program, reopened, with_cast


@contextmanager
def _funded_ledger(db_url: str) -> Iterator[ColoringApplication]:
    """A ledger with the cast, a livestock program P1 and 10,000 tiyn allocated to F1."""
    app = ColoringApplication(db_url)
    try:
        with_cast(app, "observe", program("P1", LIVESTOCK_ROUTE))
        app.allocate(AllocationRecord("A1", "P1", "T", "F1", 10_000, T0))
        yield app
    finally:
        app.close()


def test_a_reopened_ledger_finds_owners_in_the_record_index_and_judges_with_them(
    db_url: str,
) -> None:
    with _funded_ledger(db_url) as app:
        # `KZX1` would match a prefix pattern `KZ_1` that did not escape its underscore.
        app.record_registry_fact(
            RegistryRecord("KZ_1", "cow", "registered", "S", after(T0, hours=1))
        )
        app.record_registry_fact(
            RegistryRecord("KZX1", "cow", "registered", "F2", after(T0, hours=2))
        )
        app.contract_purchase(
            PurchaseRecord(
                "U1", "P1", "F1", "S", after(T0, hours=3), (AnimalRecord("U1", "KZ_1", "cow", 400),)
            )
        )
        with reopened(app) as again:
            assert again.owner_of("KZ_1", after(T0, hours=1)) == "S"
            assert again.owner_of("KZ_1", T0) is None
            assert again.owner_of("KZX1", after(T0, hours=2)) == "F2"
            paid = again.pay(TransferRecord("T1", after(T0, hours=4), "P1", "F1", "S", 400, "U1"))
            assert paid.findings == [("PAID_BEFORE_REREGISTRATION", 400)]
            again.record_registry_fact(
                RegistryRecord("KZ_1", "cow", "transferred", "F1", after(T0, hours=5))
            )
            assert again.owner_of("KZ_1", after(T0, hours=5)) == "F1"


def test_a_purchase_recorded_outside_a_batch_saves_its_animals_index_rows_with_it(
    db_url: str,
) -> None:
    """The command saves at once (no batch): its animals' index rows go in the same save, not
    with whatever command comes next."""
    with _funded_ledger(db_url) as app:
        animals = (AnimalRecord("U1", "KZ1", "cow", 400), AnimalRecord("U1", "KZ2", "cow", 500))
        app.contract_purchase(PurchaseRecord("U1", "P1", "F1", "S", after(T0, hours=3), animals))
        with reopened(app) as again:
            found = again.store.lookup("purchase_animal", ["U1/KZ1", "U1/KZ2"])
            assert sorted(found) == ["U1/KZ1", "U1/KZ2"]


def _paid_after_many_registrations(db_url: str) -> list[tuple[str, int]]:
    with _funded_ledger(db_url) as app:
        app.record_registry_fact(
            RegistryRecord("KZ1", "cow", "registered", "S", after(T0, hours=1))
        )
        app.record_registry_fact(
            RegistryRecord("KZ2", "cow", "registered", "F2", after(T0, hours=1))
        )
        for i in range(3, 10):
            app.record_registry_fact(
                RegistryRecord(f"KZ{i}", "cow", "registered", "S", after(T0, hours=2))
            )
        animals = tuple(AnimalRecord("U1", a, "cow", 400) for a in ("KZ1", "KZ2", "KZ0"))
        app.contract_purchase(PurchaseRecord("U1", "P1", "F1", "S", after(T0, hours=3), animals))
        paid = app.pay(TransferRecord("T1", after(T0, hours=4), "P1", "F1", "S", 1200, "U1"))
        return paid.findings


def test_owners_forgotten_to_bound_memory_are_read_back_and_judge_the_same(
    db_url: str, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = _paid_after_many_registrations(f"sqlite:///{tmp_path_factory.mktemp('all')}/l.db")
    monkeypatch.setattr(coloring.store, "OWNERS_SIZE", 2)
    assert _paid_after_many_registrations(db_url) == kept
    assert kept  # an owner other than the seller (KZ2) and an unregistered animal (KZ0)


@pytest.mark.postgres
def test_on_postgresql_one_animals_registry_rows_are_read_through_an_index() -> None:
    require_postgres()
    reset_postgres()
    app = ColoringApplication(POSTGRES_URL)
    try:
        app.open_ledger("observe")
        app.record_registry_fact(RegistryRecord("KZ1", "cow", "registered", "S", T0))
    finally:
        app.close()
    sql = coloring.recordindex.registry_rows_sql(postgres=True)
    with psycopg.connect(POSTGRES_URL) as conn:
        # The planner's choice on a table of one row says nothing; whether it can use an
        # index is what decides a look-up on a table of millions.
        conn.execute("SET enable_seqscan = off")
        plan = "\n".join(r[0] for r in conn.execute(f"EXPLAIN {sql}", ("KZ1\x1f", "KZ1 ")))
        rows = conn.execute(sql, ("KZ1\x1f", "KZ1 ")).fetchall()
    assert "ledger_records_registry_keys" in plan
    assert len(rows) == 1
