"""Purpose documents, animals and their registry history (sections 2 and 5).

The aggregates are exercised directly for their payable values and parties; the application is
used where the question is what a payment saw at its instant.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from coloring.application import ColoringApplication, registry_key
from coloring.domain import documents, records
from coloring.domain.animals import Animal
from coloring.domain.movements import Refused, Transferred
from coloring.domain.registry import RegistryExtract, RegistryFact, facts
from strategies import (
    LIVESTOCK_ROUTE,
    T0,
    after,
    domain_events,
    money_movements,
    program,
    with_cast,
)

# Every document here is P1's, dated T0 in +05:00, the first event of its aggregate.
ON_P1_AT_T0: dict[str, Any] = {"program_id": "P1", "at_us": T0.us, "at_offset": 300, "seq": 1}


def new_loan(amount: int = 500) -> documents.Loan:
    return documents.Loan.record(
        document_id="L1", lender="B", borrower="F1", amount=amount, **ON_P1_AT_T0
    )


def new_purchase(*prices: int) -> documents.Purchase:
    animals = [[f"KZ{i}", "cow", price] for i, price in enumerate(prices)]
    return documents.Purchase.record(
        document_id="U1", buyer="F1", seller="S", animals=animals, **ON_P1_AT_T0
    )


def new_subsidy() -> documents.Subsidy:
    tractor = {"asset_id": "TR1", "asset_kind": "tractor", "asset_value": 1000}
    return documents.Subsidy.record(
        document_id="S1", applicant="F1", supplier="S", amount=300, **tractor, **ON_P1_AT_T0
    )


def new_contract(value: int, *acts: int) -> documents.Contract:
    contract = documents.Contract.record(
        document_id="C1",
        customer="OP",
        contractor="F1",
        value=value,
        parent_contract_id=None,
        **ON_P1_AT_T0,
    )
    for i, amount in enumerate(acts):
        # As an older ledger recorded acts: on the contract (new ones go to the program's page).
        contract._act_accepted(
            contract_id="C1",
            act_id=f"X{i}",
            amount=amount,
            at_us=T0.us + i,
            at_offset=300,
            seq=2 + i,
        )
    return contract


def new_animal(*facts: tuple[int, str, str | None]) -> Animal:
    animal = Animal(animal_id="KZ1")
    for i, fact in enumerate(facts, start=1):
        record_fact(animal, fact, seq=i)
    return animal


def record_fact(animal: Animal, fact: tuple[int, str, str | None], seq: int) -> None:
    """As an older ledger recorded a registry row: on the animal (new ones go to extracts)."""
    at_us, event, owner = fact
    row = RegistryFact(seq, animal.animal_id, "cow", event, owner, at_us, 300)
    animal.trigger_event(Animal.FactRecorded, **row._asdict())


# -- payable values and parties -------------------------------------------------------------


def test_a_loans_payable_value_is_its_amount() -> None:
    assert new_loan(amount=500).payable() == 500


def test_a_loan_is_paid_by_its_lender_to_its_borrower_and_names_no_party() -> None:
    loan = new_loan()
    assert (loan.payer, loan.payee, loan.party) == ("B", "F1", None)


def test_a_purchases_payable_value_is_the_sum_of_its_animals_prices() -> None:
    assert new_purchase(100, 250, 1).payable() == 351


def test_a_purchase_without_animals_is_payable_zero() -> None:
    assert new_purchase().payable() == 0


def test_animals_added_later_count_towards_the_purchases_payable_value() -> None:
    purchase = new_purchase(100)
    purchase.add_animals([documents.PurchasedAnimal("KZ9", "sheep", 40)], seq=2)
    assert purchase.payable() == 140
    assert purchase.animal_ids() == ["KZ0", "KZ9"]


def test_a_purchase_is_paid_by_its_buyer_to_its_seller_and_its_party_is_the_buyer() -> None:
    purchase = new_purchase(1)
    assert (purchase.payer, purchase.payee, purchase.party) == ("F1", "S", "F1")


def test_a_subsidys_payable_value_is_its_amount_not_the_asset_value() -> None:
    assert new_subsidy().payable() == 300


def test_a_subsidy_is_paid_to_its_supplier_by_anyone_and_its_party_is_the_applicant() -> None:
    subsidy = new_subsidy()
    assert (subsidy.payer, subsidy.payee, subsidy.party) == (None, "S", "F1")


def test_a_contract_without_accepted_acts_is_payable_zero() -> None:
    assert new_contract(1000).payable() == 0


def test_a_contracts_payable_value_is_its_accepted_acts_while_below_its_value() -> None:
    assert new_contract(1000, 300, 200).payable() == 500


def test_a_contracts_payable_value_is_capped_at_its_value() -> None:
    assert new_contract(1000, 700, 600).payable() == 1000


def test_a_contract_whose_acts_equal_its_value_is_payable_its_value() -> None:
    assert new_contract(1000, 400, 600).payable() == 1000


def test_a_contract_is_paid_by_its_customer_to_its_contractor() -> None:
    contract = new_contract(1)
    assert (contract.payer, contract.payee, contract.party) == ("OP", "F1", "OP")


# -- the registry --------------------------------------------------------------------------------

DAY = after(T0, days=1).us - T0.us


def test_a_later_registry_record_appends_and_keeps_the_earlier_ones() -> None:
    animal = new_animal((T0.us, "registered", "S"))
    first = list(animal.history)
    record_fact(animal, (T0.us + DAY, "transferred", "F1"), seq=9)
    assert animal.history[: len(first)] == first
    assert len(animal.history) == 2


# -- through the application -------------------------------------------------------------


@pytest.fixture
def app() -> Iterator[ColoringApplication]:
    """An observe ledger with the CAST, programs P1 (livestock) and P1 funds held by F1."""
    application = with_cast(
        ColoringApplication("sqlite:///:memory:"), "observe", program("P1", LIVESTOCK_ROUTE)
    )
    application.allocate(records.AllocationRecord("A1", "P1", "T", "F1", 10_000, T0))
    yield application
    application.close()


def buy_one_cow(app: ColoringApplication, price: int = 400) -> None:
    app.contract_purchase(
        records.PurchaseRecord(
            "U1",
            "P1",
            "F1",
            "S",
            after(T0, hours=1),
            (records.AnimalRecord("U1", "KZ1", "cow", price),),
        )
    )


def transfer_events(app: ColoringApplication) -> dict[str, object]:
    return {m.transfer_id: m for m in money_movements(app) if isinstance(m, Transferred | Refused)}


def test_a_purchases_animals_and_registry_rows_are_stored_as_arrays_and_read_back_as_tuples(
    app: ColoringApplication,
) -> None:
    buy_one_cow(app)
    app.record_registry_fact(
        records.RegistryRecord("KZ1", "cow", "registered", "S", after(T0, days=1))
    )
    app.store.flush()
    notifications = app.store.recorder.select_notifications(1, 1000)
    stored = {n.topic: json.loads(n.state) for n in notifications}
    contracted = stored["coloring.Purchase.Contracted"]["animals"]
    extract = stored["coloring.RegistryExtract.Recorded"]["rows"]
    assert contracted == [["KZ1", "cow", 400]]
    assert extract[0][1:5] == ["KZ1", "cow", "registered", "S"]
    read_back = {type(e): e for e in domain_events(app)}
    assert documents.purchased(read_back[documents.Purchase.Contracted].animals) == [
        documents.PurchasedAnimal("KZ1", "cow", 400)
    ]
    assert facts(read_back[RegistryExtract.Recorded].rows)[0].owner == "S"


def test_an_animals_owner_at_a_past_instant_stays_readable_after_later_records(
    app: ColoringApplication,
) -> None:
    app.record_registry_fact(
        records.RegistryRecord("KZ1", "cow", "registered", "S", after(T0, days=1))
    )
    app.record_registry_fact(
        records.RegistryRecord("KZ1", "cow", "transferred", "F1", after(T0, days=2))
    )
    app.record_registry_fact(
        records.RegistryRecord("KZ1", "cow", "exported", None, after(T0, days=3))
    )
    owners = [app.owner_of("KZ1", after(T0, days=d)) for d in range(4)]
    assert owners == [None, "S", "F1", None]


def test_a_registry_record_after_a_payment_does_not_change_that_payments_findings(
    app: ColoringApplication,
) -> None:
    buy_one_cow(app)
    app.record_registry_fact(
        records.RegistryRecord("KZ1", "cow", "registered", "S", after(T0, hours=2))
    )
    paid = app.pay(records.TransferRecord("T1", after(T0, hours=3), "P1", "F1", "S", 400, "U1"))
    stored_before = transfer_events(app)["T1"]
    app.record_registry_fact(
        records.RegistryRecord("KZ1", "cow", "transferred", "F1", after(T0, hours=4))
    )
    assert paid.findings == [("PAID_BEFORE_REREGISTRATION", 400)]
    assert transfer_events(app)["T1"] == stored_before
    assert app.owner_of("KZ1", after(T0, hours=3)) == "S"


def test_a_registry_record_after_a_refused_payment_does_not_apply_it() -> None:
    app = ColoringApplication("sqlite:///:memory:")
    try:
        with_cast(app, "enforce", program("P1", LIVESTOCK_ROUTE))
        app.allocate(records.AllocationRecord("A1", "P1", "T", "F1", 1000, T0))
        buy_one_cow(app)
        refused = app.pay(
            records.TransferRecord("T1", after(T0, hours=3), "P1", "F1", "S", 400, "U1")
        )
        app.record_registry_fact(
            records.RegistryRecord("KZ1", "cow", "registered", "F1", after(T0, hours=4))
        )
        assert not refused.applied
        assert refused.findings == [("PAID_BEFORE_REREGISTRATION", 400)]
        assert app.holdings("P1") == {"F1": [["A1", 0, 1000, "A1", []]]}
        assert isinstance(transfer_events(app)["T1"], Refused)
    finally:
        app.close()


def test_a_payment_after_reregistration_to_the_buyer_is_not_paid_before_reregistration(
    app: ColoringApplication,
) -> None:
    buy_one_cow(app)
    app.record_registry_fact(
        records.RegistryRecord("KZ1", "cow", "registered", "S", after(T0, hours=1))
    )
    app.record_registry_fact(
        records.RegistryRecord("KZ1", "cow", "transferred", "F1", after(T0, hours=2))
    )
    paid = app.pay(records.TransferRecord("T1", after(T0, hours=3), "P1", "F1", "S", 400, "U1"))
    assert paid.findings == []
    assert paid.settles == "U1"


def test_a_payment_is_judged_against_the_acts_accepted_at_or_before_it(
    app: ColoringApplication,
) -> None:
    app.sign_contract(records.ContractRecord("C1", "P1", "F1", "S", 1000, after(T0, hours=1)))
    app.accept_act(records.ActRecord("X1", "C1", 300, after(T0, hours=2)))
    first = app.pay(records.TransferRecord("T1", after(T0, hours=2), "P1", "F1", "S", 400, "C1"))
    app.accept_act(records.ActRecord("X2", "C1", 900, after(T0, hours=3)))
    second = app.pay(records.TransferRecord("T2", after(T0, hours=4), "P1", "F1", "S", 600, "C1"))
    assert first.findings == [("OVERPAYMENT", 100)]
    assert second.findings == []
    assert transfer_events(app)["T1"].findings == [("OVERPAYMENT", 100)]  # type: ignore[attr-defined]


def test_a_purpose_ref_to_a_document_not_yet_dated_is_a_mismatch_then_a_match_once_it_is(
    app: ColoringApplication,
) -> None:
    """7.13: a purpose_ref names a document only if it is dated at or before the payment."""
    early = app.pay(records.TransferRecord("T1", after(T0, us=1), "P1", "F1", "S", 100, "U1"))
    buy_one_cow(app, price=400)
    later = app.pay(records.TransferRecord("T2", after(T0, hours=2), "P1", "F1", "S", 100, "U1"))
    assert early.findings == [("DOCUMENT_MISMATCH", 100)]
    assert later.settles == "U1"


def test_registry_rows_recorded_by_the_run_are_recorded_as_one_by_one() -> None:
    rows = [
        (records.RegistryRecord("KZ1", "cow", "registered", "S", after(T0, days=1)), 0, "f:2"),
        (records.RegistryRecord("KZ1", "cow", "registered", "S", after(T0, days=1)), 1, "f:3"),
        (records.RegistryRecord("KZ2", "cow", "disposed", "S", after(T0, days=2)), 0, "f:4"),
        (records.RegistryRecord("KZ1", "cow", "transferred", "F1", after(T0, days=3)), 0, "f:5"),
    ]
    stored = []
    for by_run in (False, True):
        app = ColoringApplication("sqlite:///:memory:")
        try:
            with app.store.batch():  # as a load records them
                if by_run:
                    app.record_registry_facts(rows)
                else:
                    for r, n, source in rows:
                        app.record_registry_fact(r, occurrence=n, source=source)
            index = app.store.lookup("registry", [registry_key(r, n) for r, n, _ in rows])
            notes = app.store.recorder.select_notifications(1, 1000)
            extract = [json.loads(n.state)["rows"] for n in notes if "Registry" in n.topic]
            owners = [app.owner_of(a, after(T0, days=4)) for a in ("KZ1", "KZ2")]
            stored.append((index, extract, owners))
        finally:
            app.close()
    assert stored[0] == stored[1]
    assert len(stored[1][0]) == 4
    assert stored[1][2] == ["F1", None]


def test_the_application_alone_resolves_the_moved_animal_and_price_topics() -> None:
    """Older ledgers' per-animal events and the price list's are read by their stored topics: a
    process that imports only the application (as `coloring load` does) must resolve them."""
    import subprocess
    import sys

    code = (
        "import coloring.application\n"
        "from eventsourcing.utils import resolve_topic\n"
        "for t in ('coloring.Animal', 'coloring.Animal.Attested', 'coloring.Animal.FactRecorded',"
        " 'coloring.PriceList', 'coloring.PriceList.Opened', 'coloring.PriceList.PriceQuoted'):\n"
        "    print(resolve_topic(t).__qualname__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [
        "Animal",
        "Animal.Attested",
        "Animal.FactRecorded",
        "PriceList",
        "PriceList.Opened",
        "PriceList.PriceQuoted",
    ]
