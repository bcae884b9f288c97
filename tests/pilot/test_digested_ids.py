"""Transfer and act ids are kept as digests: a collision of digests neither invents an error
nor hides one, and the errors come out as with every id kept whole."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from coloring.digests import Digests
from coloring.pilot import reader
from coloring.pilot.checks import Checker
from pilot.builders import TRANSFERS, errors, read

ALLOCATIONS = "allocation_id,program_id,payer,recipient,amount,allocated_at\n"
CONTRACTS = (
    "contract_id,program_id,customer,contractor,value,signed_at\nC1,P2,T1,K1,100,2025-01-01\n"
)
ACTS = "act_id,contract_id,amount,accepted_at\n"


def one_digest(value: str) -> int:
    return 7


@pytest.fixture
def colliding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every id has the same digest: each id after the first is settled by the exact check."""
    monkeypatch.setattr(reader, "Checker", partial(Checker, digest=one_digest))


def transfers(*ids: str) -> str:
    return TRANSFERS + "".join(f"{i},2025-01-0{n % 9 + 1},P1,F1,S1,1,\n" for n, i in enumerate(ids))


def test_digests_say_new_for_a_new_digest_and_perhaps_seen_for_a_known_one() -> None:
    digests = Digests(lambda value: len(value))
    assert [digests.add(v) for v in ("a", "b", "cc", "a", "dd")] == [
        True,
        False,
        True,
        False,
        False,
    ]
    assert digests.count == 2


def test_digests_say_no_for_a_digest_never_added_and_perhaps_for_an_added_one() -> None:
    digests = Digests(lambda value: len(value))
    digests.add("a")
    assert ("a" in digests, "b" in digests, "cc" in digests) == (True, True, False)


def test_digests_keep_every_one_of_many_when_the_table_grows() -> None:
    digests = Digests()
    values = [f"T-{n:07d}" for n in range(20_000)]
    assert all(digests.add(v) for v in values)
    assert not any(digests.add(v) for v in values)
    assert all(v in digests for v in values)
    assert digests.count == 20_000


@pytest.mark.usefixtures("colliding")
def test_ids_of_one_digest_are_duplicates_only_when_equal(tmp_path: Path) -> None:
    text = transfers("X1", "X2", "X1", "X3", "X2", "X2")
    assert errors(tmp_path, transfers=text) == [
        "transfers.csv:4: transfer_id: duplicate transfer_id 'X1' (first on line 2)",
        "transfers.csv:6: transfer_id: duplicate transfer_id 'X2' (first on line 3)",
        "transfers.csv:7: transfer_id: duplicate transfer_id 'X2' (first on line 3)",
    ]


@pytest.mark.usefixtures("colliding")
def test_a_folder_of_distinct_ids_of_one_digest_reads_without_error(tmp_path: Path) -> None:
    acts = ACTS + "".join(f"AC{n},C1,1,2025-01-02\n" for n in range(50))
    pilot = read(
        tmp_path, transfers=transfers(*(f"X{n}" for n in range(50))), contracts=CONTRACTS, acts=acts
    )
    assert pilot.count()["transfers.csv"] == 50
    assert pilot.count()["acts.csv"] == 50


@pytest.mark.usefixtures("colliding")
def test_a_transfer_id_whose_digest_was_seen_still_clashes_with_an_allocation(
    tmp_path: Path,
) -> None:
    assert errors(
        tmp_path,
        allocations=ALLOCATIONS + "A1,P1,T1,O1,100,2025-01-01\n",
        transfers=transfers("X1", "A1"),
    ) == [
        "transfers.csv:3: transfer_id: 'A1' is already an allocation_id (allocations.csv:2);"
        " allocation and transfer ids share one namespace"
    ]


def test_the_errors_are_the_same_with_every_digest_colliding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "allocations": ALLOCATIONS + "A1,P1,T1,O1,100,2025-01-01\n",
        "transfers": transfers("X1", "A1", "X2", "X1", "A1", "X3"),
        "contracts": CONTRACTS,
        "acts": ACTS + "AC1,C1,1,2025-01-02\nAC2,C1,1,2025-01-02\nAC1,C9,1,2025-01-03\n",
        "purchases": "purchase_id,program_id,buyer,seller,contracted_at\n"
        "U1,P1,F1,S1,2025-01-02\nU2,P1,F1,S1,2025-01-02\n",
        "purchase_animals": "purchase_id,animal_id,species,price\n"
        "U1,KZ1,cow,1\nU2,KZ1,cow,1\nU1,KZ2,cow,1\nU1,KZ1,cow,2\nU2,KZ1\nU2,KZ1,cow,3\n",
    }
    (tmp_path / "whole").mkdir()
    (tmp_path / "colliding").mkdir()
    whole = errors(tmp_path / "whole", **files)
    assert [e for e in whole if "listed twice" in e] == [
        "purchase_animals.csv:5: animal_id: animal 'KZ1' is listed twice for purchase 'U1'"
        " (first on line 2)",
        "purchase_animals.csv:7: animal_id: animal 'KZ1' is listed twice for purchase 'U2'"
        " (first on line 3)",
    ]
    monkeypatch.setattr(reader, "Checker", partial(Checker, digest=one_digest))
    assert errors(tmp_path / "colliding", **files) == whole
