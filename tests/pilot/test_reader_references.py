"""Reading a pilot folder's ids and references (contract sections 2 and 7): duplicates within and
across files and the ledger, unknown participants, programs, purchases and contracts, and
what a payer, a purchase's animals and a subcontract must be."""

from __future__ import annotations

from pathlib import Path

import pytest

from coloring.domain.records import AnimalRecord, PurchaseRecord
from pilot.builders import ANIMALS, CONTRACTS, PARTICIPANTS, TRANSFERS, Ledger, errors, read

# -- ids and references


def test_a_duplicate_id_is_an_error_on_the_later_row(tmp_path: Path) -> None:
    text = TRANSFERS + "X1,2025-01-02,P1,F1,S1,1,\nX1,2025-01-03,P1,F1,S1,1,\n"
    assert errors(tmp_path, transfers=text) == [
        "transfers.csv:3: transfer_id: duplicate transfer_id 'X1' (first on line 2)"
    ]


def test_a_document_id_in_two_document_files_is_an_error_on_the_later_file(
    tmp_path: Path,
) -> None:
    assert errors(
        tmp_path,
        contracts="contract_id,program_id,customer,contractor,value,signed_at\n"
        "D1,P2,T1,K1,100,2025-01-01\n",
        loans="loan_id,program_id,lender,borrower,amount,issued_at\nD1,P1,B1,F1,100,2025-01-01\n",
    ) == [
        "contracts.csv:2: contract_id: 'D1' is already used by loans.csv:2 (document ids are"
        " unique across loans, purchases, subsidies and contracts)"
    ]


def test_a_document_id_the_ledger_knows_as_another_kind_is_an_error(tmp_path: Path) -> None:
    loans = "loan_id,program_id,lender,borrower,amount,issued_at\n"
    assert errors(tmp_path, Ledger(), loans=loans + "U9,P1,B1,F1,1,2025-01-01\n") == [
        "loans.csv:2: loan_id: 'U9' is already a purchase in the ledger (document ids are unique"
        " across loans, purchases, subsidies and contracts)"
    ]
    assert read(tmp_path, Ledger(), loans=loans + "L9,P1,B1,F1,1,2025-01-01\n")


def test_allocation_and_transfer_ids_share_one_namespace(tmp_path: Path) -> None:
    assert errors(
        tmp_path,
        allocations="allocation_id,program_id,payer,recipient,amount,allocated_at\n"
        "A1,P1,T1,O1,100,2025-01-01\n",
        transfers=TRANSFERS + "A1,2025-01-02,P1,O1,B1,1,\n",
    ) == [
        "transfers.csv:2: transfer_id: 'A1' is already an allocation_id (allocations.csv:2);"
        " allocation and transfer ids share one namespace"
    ]


def test_unknown_participants_and_programs_are_errors_on_their_cells(tmp_path: Path) -> None:
    assert errors(tmp_path, transfers=TRANSFERS + "X1,2025-01-02,P7,F1,Q1,1,\n") == [
        "transfers.csv:2: payee: unknown participant 'Q1' (not in participants.csv nor in the"
        " ledger)",
        "transfers.csv:2: program_id: unknown program 'P7' (not in programs.csv nor in the ledger)",
    ]


def test_participants_and_programs_of_the_ledger_are_known(tmp_path: Path) -> None:
    pilot = read(tmp_path, Ledger(), transfers=TRANSFERS + "X1,2025-01-02,P9,F9,S1,1,\n")
    assert pilot.count()["transfers.csv"] == 1


@pytest.mark.parametrize(
    ("participants", "payment", "error"),
    [
        pytest.param(
            "participant_id,name\nF1,Farmer\n",
            "X1,2025-01-02,P1,F1,S1,10,\n",
            "participants.csv:1: role: required column is missing",
            id="a_header_without_role",
        ),
        pytest.param(
            PARTICIPANTS + "Z1,Z,zebra\n",
            "X1,2025-01-02,P1,F1,Z1,1,\n",
            "participants.csv:9: role: 'zebra' is not a role (expected one of treasury, operator,"
            " bank, farmer, seller, leasing_company, dealer, contractor, subcontractor, supplier,"
            " school, other)",
            id="a_row_with_a_bad_role",
        ),
    ],
)
def test_a_broken_participants_file_does_not_cascade_into_unknown_participants(
    tmp_path: Path, participants: str, payment: str, error: str
) -> None:
    """Only the participants file's own error: its payers and payees are not also unknown."""
    assert errors(tmp_path, participants=participants, transfers=TRANSFERS + payment) == [error]


def test_an_allocation_from_a_non_treasury_is_an_error_on_payer(tmp_path: Path) -> None:
    allocations = "allocation_id,program_id,payer,recipient,amount,allocated_at\n"
    assert errors(
        tmp_path,
        Ledger(),
        allocations=allocations + "A1,P1,B1,O1,1,2025-01-01\nA2,P1,F9,O1,1,2025-01-01\n"
        "A3,P1,T9,O1,1,2025-01-01\nA4,P1,T1,T1,1,2025-01-01\n",
    ) == [
        "allocations.csv:2: payer: payer 'B1' is a bank, not a treasury: only a treasury allocates",
        "allocations.csv:3: payer: payer 'F9' is a farmer, not a treasury: only a treasury"
        " allocates",
        "allocations.csv:5: recipient: 'T1' is also the payer: a payment must go to someone else",
    ]


def test_a_payment_to_its_own_payer_is_an_error_naming_payee(tmp_path: Path) -> None:
    assert errors(tmp_path, transfers=TRANSFERS + "X1,2025-01-02,P1,F1,F1,1,\n") == [
        "transfers.csv:2: payee: 'F1' is also the payer: a payment must go to someone else"
    ]


PURCHASES = "purchase_id,program_id,buyer,seller,contracted_at\nU1,P1,F1,S1,2025-01-01\n"


def test_animals_go_with_their_purchase_or_to_extra_animals(tmp_path: Path) -> None:
    pilot = read(
        tmp_path,
        Ledger(),
        purchases=PURCHASES,
        purchase_animals=ANIMALS + "U1,KZ2,cow,300\nU9,KZ3,cow,400\nU1,KZ1,cow,200.5\n",
    )
    [sourced] = list(pilot.dated())
    purchase = sourced.record
    assert isinstance(purchase, PurchaseRecord)
    assert [(a.animal_id, a.price) for a in purchase.animals] == [("KZ2", 30000), ("KZ1", 20050)]
    [extra] = pilot.extra_animals
    assert (extra.where, extra.record) == (
        "purchase_animals.csv:3",
        AnimalRecord("U9", "KZ3", "cow", 40000),
    )
    sources = pilot.animal_sources(sourced)
    assert [s.where for s in sources] == ["purchase_animals.csv:2", "purchase_animals.csv:4"]
    assert [s.record for s in sources] == list(purchase.animals)


def test_extra_animals_keep_their_file_order(tmp_path: Path) -> None:
    ledger = Ledger()
    ledger.documents["U8"] = "purchase"
    pilot = read(
        tmp_path,
        ledger,
        purchases=PURCHASES,
        purchase_animals=ANIMALS
        + "U9,KZ1,cow,1\nU8,KZ2,cow,1\nU1,KZ3,cow,1\nU9,KZ4,cow,1\nU8,KZ5,cow,1\n",
    )
    assert [(a.record.animal_id, a.line) for a in pilot.extra_animals] == [
        ("KZ1", 2),
        ("KZ2", 3),
        ("KZ4", 5),
        ("KZ5", 6),
    ]


def test_an_animal_of_an_unknown_purchase_or_listed_twice_is_an_error(tmp_path: Path) -> None:
    assert errors(
        tmp_path,
        Ledger(),
        purchases=PURCHASES,
        purchase_animals=ANIMALS + "U1,KZ1,cow,1\nU2,KZ1,cow,1\nL9,KZ1,cow,1\nU1,KZ1,cow,2\n",
    ) == [
        "purchase_animals.csv:3: purchase_id: unknown purchase 'U2' (not in purchases.csv nor in"
        " the ledger)",
        "purchase_animals.csv:4: purchase_id: 'L9' is a loan, not a purchase",
        "purchase_animals.csv:5: animal_id: animal 'KZ1' is listed twice for purchase 'U1'"
        " (first on line 2)",
    ]


def test_acts_and_subcontracts_must_name_a_contract(tmp_path: Path) -> None:
    assert errors(
        tmp_path,
        Ledger(),
        contracts=CONTRACTS + "C1,P2,T1,K1,100,2025-01-01,C7\n",
        acts="act_id,contract_id,amount,accepted_at\nW1,C1,1,2025-01-02\nW2,C8,1,2025-01-02\n"
        "W3,C9,1,2025-01-02\n",
    ) == [
        "acts.csv:3: contract_id: unknown contract 'C8' (not in contracts.csv nor in the ledger)",
        "contracts.csv:2: parent_contract_id: unknown contract 'C7' (not in contracts.csv nor in"
        " the ledger)",
    ]


def test_a_subcontract_must_be_ordered_by_the_parents_contractor_in_its_program(
    tmp_path: Path,
) -> None:
    contracts = CONTRACTS + (
        "C1,P2,T1,K1,100,2025-01-01,\n"
        "C2,P2,K1,K2,50,2025-01-02,C1\n"
        "C3,P2,T1,K2,50,2025-01-02,C1\n"
        "C4,P1,K1,K2,50,2025-01-02,C1\n"
        "C5,P2,K9,K2,50,2025-01-02,C9\n"
    )
    assert errors(tmp_path, Ledger(), contracts=contracts) == [
        "contracts.csv:4: customer: customer 'T1' of a subcontract must be the contractor of"
        " parent contract 'C1', which is 'K1'",
        "contracts.csv:5: parent_contract_id: parent contract 'C1' belongs to program 'P2', not"
        " 'P1': a subcontract stays in its parent's program",
    ]


def test_no_contract_is_its_own_ancestor(tmp_path: Path) -> None:
    contracts = CONTRACTS + (
        "C1,P2,K1,K1,100,2025-01-01,C1\n"
        "C2,P2,K1,K1,50,2025-01-02,C3\n"
        "C3,P2,K1,K1,50,2025-01-02,C2\n"
    )
    assert errors(tmp_path, contracts=contracts) == [
        "contracts.csv:2: parent_contract_id: contract 'C1' is its own ancestor (C1 > C1)",
        "contracts.csv:3: parent_contract_id: contract 'C2' is its own ancestor (C2 > C3 > C2)",
        "contracts.csv:4: parent_contract_id: contract 'C3' is its own ancestor (C3 > C2 > C3)",
    ]


def test_registry_owner_need_not_be_a_participant(tmp_path: Path) -> None:
    registry = "animal_id,species,event,owner,at\nKZ1,cow,registered,IIN-770101,2025-01-01\n"
    assert read(tmp_path, registry=registry).count()["registry.csv"] == 1


def test_equal_reference_prices_are_kept_in_row_order(tmp_path: Path) -> None:
    prices = "item,region,price,valid_from\ncow,*,100,2025-01-01\ncow,*,120,2025-01-01\n"
    records = [s.record for s in read(tmp_path, reference_prices=prices).reference_prices]
    assert [r.price for r in records] == [10000, 12000]
