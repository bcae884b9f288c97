"""The dated records of a pilot folder (contract section 3): their order within and across files,
read again or released, and the reading without models (pages, skipped row checks) giving the
records the contract's models give."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from coloring.domain.records import (
    DATED_ORDER,
    AllocationRecord,
    AnimalRecord,
    PurchaseRecord,
    TransferRecord,
)
from coloring.domain.time import parse_instant
from coloring.pilot.checks import Checker
from coloring.pilot.contract import FILES
from coloring.pilot.csvfile import CsvRow
from coloring.pilot.errors import ErrorSink
from coloring.pilot.reader import EMPTY_LEDGER
from pilot.builders import ANIMALS, CONTRACTS, TRANSFERS, Ledger, errors, read

# -- order


SECTION_3 = "allocations loans subsidies contracts purchases registry acts transfers"


def test_dated_records_at_one_instant_follow_the_file_order_of_section_3(tmp_path: Path) -> None:
    t = "2025-03-01T12:00"
    pilot = read(
        tmp_path,
        Ledger(),
        transfers=TRANSFERS + f"X1,{t},P1,O1,B1,1,\n",
        acts=f"act_id,contract_id,amount,accepted_at\nW1,C1,1,{t}\n",
        registry=f"animal_id,species,event,owner,at\nKZ1,cow,registered,F1,{t}\n",
        purchases=f"purchase_id,program_id,buyer,seller,contracted_at\nU1,P1,F1,S1,{t}\n",
        contracts=CONTRACTS + f"C1,P2,T1,K1,100,{t},\n",
        subsidies="subsidy_id,program_id,applicant,supplier,asset_id,asset_kind,asset_value,"
        f"amount,approved_at\nS-1,P1,F1,S1,VIN1,tractor,100,50,{t}\n",
        loans=f"loan_id,program_id,lender,borrower,amount,issued_at\nL1,P1,B1,F1,1,{t}\n",
        allocations="allocation_id,program_id,payer,recipient,amount,allocated_at\n"
        f"A1,P1,T1,O1,1,{t}\nA0,P1,T1,O1,1,2025-03-01T06:59:59Z\n",
    )
    earlier, *at_t = pilot.dated()
    assert (earlier.file, earlier.line, at_t[0].line) == ("allocations.csv", 3, 2)
    assert [s.file.removesuffix(".csv") for s in at_t] == SECTION_3.split()


def test_an_unsorted_file_is_sorted_stably_by_instant(tmp_path: Path) -> None:
    text = TRANSFERS + (
        "X1,2025-01-03,P1,F1,S1,1,\n"
        "X2,2025-01-01,P1,F1,S1,1,\n"
        "X3,2025-01-03T00:00+05:00,P1,F1,S1,1,\n"
        "X4,2025-01-02T19:00Z,P1,F1,S1,1,\n"
        "X5,2025-01-02,P1,F1,S1,1,\n"
    )
    allocations = (
        "allocation_id,program_id,payer,recipient,amount,allocated_at\nA1,P1,T1,O1,1,2025-01-02\n"
    )
    dated = list(read(tmp_path, transfers=text, allocations=allocations).dated())
    ids = [
        r.transfer_id if isinstance(r, TransferRecord) else r.allocation_id
        for r in (s.record for s in dated)
        if isinstance(r, TransferRecord | AllocationRecord)
    ]
    assert ids == ["X2", "A1", "X5", "X1", "X3", "X4"]
    assert [s.line for s in dated] == [3, 2, 6, 2, 4, 5]


def test_dated_may_be_read_again_and_gives_the_same_records(tmp_path: Path) -> None:
    text = TRANSFERS + (
        "X1,2025-01-03,P1,F1,S1,1,\n"
        'X2,2025-01-01,P1,F1,S1,1,"two\nlines"\n'
        "\n"
        "X3,2025-01-02,P1,F1,S1,1,\n"
    )
    registry = "animal_id,species,event,owner,at\nKZ1,cow,registered,F1,2025-01-02\n"
    pilot = read(tmp_path, transfers=text, registry=registry)
    first = list(pilot.dated())
    assert [(s.file, s.line) for s in first] == [
        ("transfers.csv", 3),
        ("registry.csv", 2),
        ("transfers.csv", 6),
        ("transfers.csv", 2),
    ]
    assert first[0].record == TransferRecord(
        "X2", parse_instant("2025-01-01"), "P1", "F1", "S1", 100, "two\nlines"
    )
    assert list(pilot.dated()) == first
    assert list(pilot.dated()) == first


def test_a_file_changed_after_reading_changes_nothing_read(tmp_path: Path) -> None:
    pilot = read(tmp_path, transfers=TRANSFERS + "X1,2025-01-02,P1,F1,S1,1,\n")
    (tmp_path / "transfers.csv").write_text(TRANSFERS + "X1,2025-01-02,P1,F1,S1,1,\nX2,")
    assert [s.record.transfer_id for s in pilot.dated()] == ["X1"]


def test_records_released_by_a_last_pass_cannot_be_read_again(tmp_path: Path) -> None:
    pilot = read(tmp_path, transfers=TRANSFERS + "X1,2025-01-02,P1,F1,S1,1,\n")
    assert len(list(pilot.dated(release=True))) == 1
    with pytest.raises(RuntimeError):
        list(pilot.dated())


_EVERY_DATED_FILE = {
    "allocations": "allocated_at,amount,recipient,payer,program_id,allocation_id\n"
    "2025-01-02T10:00:00.5Z,100.5,O1,T1,P1,A1\n"
    "2025-01-01,7,O1,T1,P2,A2\n",
    "loans": "loan_id,program_id,lender,borrower,amount,issued_at\nL1,P1,B1,F1,1.25,2025-01-02\n",
    "purchases": "purchase_id,program_id,buyer,seller,contracted_at\n"
    "U1,P1,F1,S1,2025-01-02T09:00+06:00\nU2,P1,F1,S1,2025-01-01\n",
    "purchase_animals": ANIMALS + "U1,KZ1,cow,300\nU1,KZ2,bull,301.1\n",
    "subsidies": "subsidy_id,program_id,applicant,supplier,asset_id,asset_kind,asset_value,"
    "amount,approved_at\nS-1,P1,F1,S1,VIN1,трактор,100,50,2025-01-02\n",
    "contracts": CONTRACTS + "C1,P2,T1,K1,100,2025-01-01,\nC2,P2,K1,K2,50,2025-01-02, \n"
    "C3,P2,K2,K1,10,2025-01-03,C2\n",
    "acts": "accepted_at,amount,contract_id,act_id\n2025-01-03,1,C1,W1\n",
    "registry": "animal_id,species,event,owner,at\n"
    "KZ1,cow,registered,F1,2025-01-01\n"
    "KZ1,cow,transferred,S1,2025-01-02\n"
    "KZ1,cow,disposed,,2025-01-03\n"
    "KZ2,bull,exported,F1,2025-01-03\n",
    "transfers": TRANSFERS + "X1,2025-01-02,P1,F1,S1,12,U1\n"
    "X2,2025-01-02,P1,F1,S1,0.01,  \n"
    'X3,2025-01-01,P1,F1,S1,10.5,"за ""корову"", 1"\n',
}


def _model_records(name: str, text: str) -> list[tuple[int, Any]]:
    """(line, record) of each row as the contract's model reads it (one line per row)."""
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == len(text.splitlines())
    header, model = rows[0], FILES[f"{name}.csv"].model
    return [
        (
            line,
            model.model_validate(
                {c: t for c, t in zip(header, row, strict=True) if t.strip()}
            ).to_record(),
        )
        for line, row in enumerate(rows[1:], start=2)
    ]


def test_dated_records_are_the_records_of_the_contract_models(tmp_path: Path) -> None:
    """The second reading builds records without the models: they must be the same."""
    pilot = read(tmp_path, EMPTY_LEDGER, **_EVERY_DATED_FILE)
    animals: dict[str, tuple[AnimalRecord, ...]] = {}
    for _, animal in _model_records("purchase_animals", _EVERY_DATED_FILE["purchase_animals"]):
        animals[animal.purchase_id] = (*animals.get(animal.purchase_id, ()), animal)
    expected = []
    for name, text in _EVERY_DATED_FILE.items():
        if name == "purchase_animals":
            continue
        for line, record in _model_records(name, text):
            if isinstance(record, PurchaseRecord):
                record = replace(record, animals=animals.get(record.purchase_id, ()))
            expected.append((record.at.us, DATED_ORDER[type(record)], line, f"{name}.csv", record))
    expected.sort(key=lambda e: e[:3])
    assert len(expected) == 17
    assert [(s.file, s.line, s.record) for s in pilot.dated()] == [
        (file, line, record) for _, _, line, file, record in expected
    ]


# -- reading without models


def test_rows_of_files_the_row_checker_skips_would_change_nothing_in_it() -> None:
    """`Checker.checks_rows` lets the reading skip `Checker.row` for some files: for those,
    `row` must find nothing and remember nothing, whatever the cells."""
    skipped = [name for name in FILES if not Checker(EMPTY_LEDGER, ErrorSink()).checks_rows(name)]
    assert skipped == ["registry.csv", "reference_prices.csv"]
    for name in skipped:
        checker = Checker(EMPTY_LEDGER, ErrorSink())
        before = {k: repr(v) for k, v in vars(checker).items()}
        cells = {column: "X1" for column in FILES[name].columns}
        checker.row(name, CsvRow(2, cells))
        checker.row(name, CsvRow(3, dict(cells), broken=True))
        assert {k: repr(v) for k, v in vars(checker).items()} == before
        assert checker.sink.errors == []


def test_a_registry_extract_over_pages_reads_each_row_in_line_order_whatever_its_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Usual rows (an empty owner of a disposal, a quoted cell) are read by columns from the
    # CSV reader's lists; a page holding another row (a required cell left empty) is read row
    # by row, and each error is the model's, at its line.
    monkeypatch.setattr("coloring.pilot.reader.PAGE", 3)
    registry = (
        "animal_id,species,event,owner,at\n"
        "KZ1,cow,registered,F1,2025-01-01T10:00:00+05:00\n"
        "KZ1,cow,disposed,,2025-01-02\n"
        '"KZ2",cow,registered,F1,2025-01-03\n'
        "KZ3,cow,registered,F1,2025-01-04T00:00:00Z\n"
        "KZ4,cow,registered,F1,2025-01-05\n"
    )
    pilot = read(tmp_path, registry=registry)
    kept = [(s.line, s.record.animal_id, s.record.owner, s.record.at) for s in pilot.dated()]
    assert kept == [
        (2, "KZ1", "F1", parse_instant("2025-01-01T10:00:00+05:00")),
        (3, "KZ1", None, parse_instant("2025-01-02")),
        (4, "KZ2", "F1", parse_instant("2025-01-03")),
        (5, "KZ3", "F1", parse_instant("2025-01-04T00:00:00Z")),
        (6, "KZ4", "F1", parse_instant("2025-01-05")),
    ]
    wrong = registry.replace("KZ1,cow,d", ",cow,d").replace("F1,2025-01-05", "F#1,2025-01-05")
    assert errors(tmp_path, registry=wrong) == [
        "registry.csv:3: animal_id: a value is required",
        "registry.csv:6: owner: 'F#1' is not an id (1 to 64 characters of A-Z a-z 0-9 . _ : -)",
    ]
