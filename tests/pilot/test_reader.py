"""The CSV boundary: reading a pilot folder as the data contract (sections 1, 2, 7) says."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coloring.domain.records import (
    DATED_ORDER,
    AllocationRecord,
    AnimalRecord,
    PurchaseRecord,
    RegistryRecord,
    TransferRecord,
)
from coloring.domain.time import parse_instant
from coloring.pilot.checks import Checker
from coloring.pilot.contract import FILES
from coloring.pilot.csvfile import CsvRow
from coloring.pilot.errors import ErrorSink
from coloring.pilot.reader import (
    EMPTY_LEDGER,
    LedgerView,
    PilotFolder,
    PilotInputError,
    read_folder,
)

PARTICIPANTS = (
    "participant_id,name,role\n"
    "T1,Treasury,treasury\n"
    "O1,Operator,operator\n"
    "B1,Bank,bank\n"
    "F1,Farmer,farmer\n"
    "S1,Seller,seller\n"
    "K1,Builder,contractor\n"
    "K2,Sub,subcontractor\n"
)
PROGRAMS = (
    "program_id,name,kind,route,expires_at,max_idle_days\n"
    "P1,Cows,livestock,treasury>operator operator>bank bank>farmer farmer>seller,2026-01-01,30\n"
    "P2,Roads,contract,treasury>contractor contractor>subcontractor,2026-01-01,30\n"
)
TRANSFERS = "transfer_id,at,program_id,payer,payee,amount,purpose_ref\n"


def folder(tmp_path: Path, **files: str | bytes) -> Path:
    """A pilot folder: `name=text` writes `name.csv` (participants and programs by default)."""
    contents: dict[str, str | bytes] = {"participants": PARTICIPANTS, "programs": PROGRAMS}
    contents.update(files)
    for name, text in contents.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (tmp_path / (name if "." in name else f"{name}.csv")).write_bytes(data)
    return tmp_path


def read(tmp_path: Path, ledger: LedgerView = EMPTY_LEDGER, **files: str | bytes) -> PilotFolder:
    return read_folder(folder(tmp_path, **files), ledger)


def errors(tmp_path: Path, ledger: LedgerView = EMPTY_LEDGER, **files: str | bytes) -> list[str]:
    with pytest.raises(PilotInputError) as caught:
        read_folder(folder(tmp_path, **files), ledger)
    assert str(caught.value) == "\n".join(str(e) for e in caught.value.errors)
    return [str(e) for e in caught.value.errors]


class Ledger:
    """A ledger view holding a few records of an earlier load."""

    def __init__(self) -> None:
        self.roles = {"T9": "treasury", "F9": "farmer", "K9": "contractor"}
        self.programs = {"P9"}
        self.documents = {"L9": "loan", "U9": "purchase", "C9": "contract"}

    def participant_role(self, participant_id: str) -> str | None:
        return self.roles.get(participant_id)

    def program_exists(self, program_id: str) -> bool:
        return program_id in self.programs

    def document_kind(self, document_id: str) -> str | None:
        return self.documents.get(document_id)

    def contract_terms(self, contract_id: str) -> tuple[str, str] | None:
        return ("P2", "K9") if contract_id == "C9" else None

    def movement_id_exists(self, allocation_or_transfer_id: str) -> bool:
        return False


# -- files and encoding


def test_a_valid_folder_gives_its_records_and_counts(tmp_path: Path) -> None:
    pilot = read(tmp_path, transfers=TRANSFERS + "X1,2025-01-02,P1,F1,S1,1250000.5,PU1\n")
    assert pilot.count() == {"participants.csv": 7, "programs.csv": 2, "transfers.csv": 1}
    assert [p.record.participant_id for p in pilot.participants][:2] == ["T1", "O1"]
    program = pilot.programs[0].record
    assert program.route[0] == ("treasury", "operator")
    assert program.price_tolerance_percent == Decimal(20)
    [transfer] = list(pilot.dated())
    assert transfer.record == TransferRecord(
        "X1", parse_instant("2025-01-02"), "P1", "F1", "S1", 125000050, "PU1"
    )
    assert transfer.where == "transfers.csv:2"


def test_missing_required_files_are_errors_on_line_zero(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not data")
    with pytest.raises(PilotInputError) as caught:
        read_folder(tmp_path)
    assert [str(e) for e in caught.value.errors] == [
        "participants.csv:0: -: required file is missing",
        "programs.csv:0: -: required file is missing",
    ]


def test_an_unknown_csv_file_is_an_error_and_other_extensions_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "readme.md").write_text("x")
    (tmp_path / "transfer.csv").write_text(TRANSFERS)
    [error] = errors(tmp_path)
    assert error.startswith("transfer.csv:0: -: not a file of the pilot contract (expected one of")
    assert "transfers.csv" in error


def test_an_empty_file_is_an_error_on_line_one(tmp_path: Path) -> None:
    assert errors(tmp_path, transfers="") == [
        "transfers.csv:1: -: the file is empty: expected a header row"
    ]


def test_a_header_only_file_has_no_records(tmp_path: Path) -> None:
    assert read(tmp_path, transfers=TRANSFERS).count()["transfers.csv"] == 0


def test_a_bom_is_tolerated(tmp_path: Path) -> None:
    pilot = read(tmp_path, participants="\ufeff" + PARTICIPANTS)
    assert pilot.participants[0].record.participant_id == "T1"


def test_crlf_line_ends_are_read(tmp_path: Path) -> None:
    text = (TRANSFERS + "X1,2025-01-02,P1,F1,S1,10,\nX2,2025-01-03,P1,F1,S1,10.123,\n").replace(
        "\n", "\r\n"
    )
    assert errors(tmp_path, transfers=text) == [
        "transfers.csv:3: amount: '10.123' is not an amount in tenge with at most 2 fraction digits"
    ]


def test_quoted_cells_may_hold_commas_and_quotes(tmp_path: Path) -> None:
    pilot = read(tmp_path, participants=PARTICIPANTS + 'Z1,"Farm, ""Aul"" LLC",farmer\n')
    assert pilot.participants[-1].record.name == 'Farm, "Aul" LLC'


def test_a_cell_longer_than_the_csv_modules_default_limit_is_read(tmp_path: Path) -> None:
    """RFC 4180 sets no length; Python's csv refuses cells over 131,072 characters unless told."""
    name = "Aul " * 50_000
    pilot = read(tmp_path, participants=PARTICIPANTS + f"Z1,{name},farmer\n")
    assert pilot.participants[-1].record.name == name


def test_a_quoted_cell_over_two_lines_keeps_the_next_line_number_right(tmp_path: Path) -> None:
    text = PARTICIPANTS + 'Z1,"two\nlines",farmer\nZ2,Next,farmr\n'
    assert errors(tmp_path, participants=text)[0].startswith(
        "participants.csv:11: role: 'farmr' is not a role"
    )
    pilot = read(tmp_path, participants=PARTICIPANTS + 'Z1,"two\r\nlines",farmer\n')
    assert pilot.participants[-1].record.name == "two\r\nlines"
    assert pilot.participants[-1].where == "participants.csv:9"


def test_blank_lines_are_ignored_but_counted_as_lines(tmp_path: Path) -> None:
    text = TRANSFERS + "\nX1,2025-01-02,P1,F1,S1,10,\n\n   \nX2,2025-01-02,P1,F1,S1,0,\n"
    assert errors(tmp_path, transfers=text) == [
        "transfers.csv:6: amount: '0': an amount must be greater than 0"
    ]


@pytest.mark.parametrize(
    ("row", "error"),
    [
        pytest.param(
            "X1,2025-01-02,P1,F1,S1,12.345,",
            "amount: '12.345' is not an amount in tenge with at most 2 fraction digits",
            id="a-three-decimal-amount",
        ),
        pytest.param(
            "X1,2025-01-02,P1, F1,S1,10,",
            "payer: ' F1' is not an id (1 to 64 characters of A-Z a-z 0-9 . _ : -)",
            id="values-are-verbatim-so-a-leading-blank-makes-a-bad-id",
        ),
        pytest.param(
            "X1,2025-01-02,P1,F1,  ,10,",
            "payee: a value is required",
            id="a-cell-of-blanks-is-empty",
        ),
    ],
)
def test_a_bad_cell_is_an_error_naming_file_line_and_column(
    tmp_path: Path, row: str, error: str
) -> None:
    assert errors(tmp_path, transfers=f"{TRANSFERS}{row}\n") == [f"transfers.csv:2: {error}"]


def test_a_non_utf8_byte_is_an_error_naming_its_cell(tmp_path: Path) -> None:
    data = PARTICIPANTS.encode() + b"Z1,Caf\xe9,farmer\n"
    assert errors(tmp_path, participants=data) == [
        "participants.csv:9: name: 'Caf\\xe9' is not valid UTF-8 (save as UTF-8)"
    ]


def test_a_nul_character_is_an_error_naming_its_cell(tmp_path: Path) -> None:
    """PostgreSQL cannot store U+0000 in text: refused on every ledger, so that a folder loads
    the same into SQLite and PostgreSQL (it once loaded into one and failed in the other)."""
    text = PARTICIPANTS + "Z1,Caf\x00e,farmer\nZ2,Caf\x00\xe9,farmer\n"
    assert errors(tmp_path, participants=text) == [
        "participants.csv:9: name: 'Caf\\x00e' holds a NUL character (U+0000)",
        "participants.csv:10: name: 'Caf\\x00\xe9' holds a NUL character (U+0000)",
    ]


def test_a_malformed_quote_is_an_error_on_its_line(tmp_path: Path) -> None:
    text = TRANSFERS + '"X1"x,2025-01-02,P1,F1,S1,10,\nX2,2025-01-02,P1,F1,S1,1.001,\n'
    assert errors(tmp_path, transfers=text) == [
        "transfers.csv:2: -: malformed CSV: ',' expected after '\"'",
        "transfers.csv:3: amount: '1.001' is not an amount in tenge with at most 2 fraction digits",
    ]


def test_a_row_with_too_few_cells_is_an_error(tmp_path: Path) -> None:
    assert errors(tmp_path, transfers=TRANSFERS + "X1,2025-01-02,P1,F1,S1\n") == [
        "transfers.csv:2: -: 5 cells, but the header has 7 columns (a quote or comma missing?)"
    ]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"transfers": 'transfer_id,at,program_id,payer,payee,amount,"purpose\nref"\n'},
            "transfers.csv:1: purpose\\nref: unknown column",
        ),
        (
            {"participants": PARTICIPANTS.encode() + b'Z1,"Caf\xe9\nAu\tLait",farmer\n'},
            "participants.csv:9: name: 'Caf\\xe9\\nAu\\tLait' is not valid UTF-8",
        ),
        ({"notes\r\n.csv": "x\n"}, "notes\\r\\n.csv:0: -: not a file of the pilot contract"),
    ],
    ids=["column name", "cell of invalid UTF-8", "file name"],
)
def test_an_error_shows_line_breaks_and_tabs_escaped_so_it_stays_on_one_line(
    tmp_path: Path, files: dict[str, str | bytes], expected: str
) -> None:
    [error] = errors(tmp_path, **files)
    assert error.startswith(expected)


# -- headers


def test_an_unknown_column_is_an_error_on_line_one_and_the_rows_are_still_checked(
    tmp_path: Path,
) -> None:
    """Section 2: all errors at once; the known columns are read as if the unknown one were
    not there."""
    text = "transfer_id,note,at,program_id,payer,payee,amount\nX1,x,bad,P1,F1,S1,1.234\nX1,y\n"
    header, *rows = errors(tmp_path, transfers=text)
    assert header.startswith("transfers.csv:1: note: unknown column (expected: transfer_id, at,")
    assert rows == [
        "transfers.csv:2: amount: '1.234' is not an amount in tenge with at most 2 fraction digits",
        "transfers.csv:2: at: 'bad' is not a time of the form"
        " YYYY-MM-DD[THH:MM[:SS[.ffffff]]][Z|+HH:MM]",
        "transfers.csv:3: -: 2 cells, but the header has 7 columns (a quote or comma missing?)",
    ]


def test_a_missing_column_is_an_error_naming_it(tmp_path: Path) -> None:
    text = "transfer_id,at,program_id,payer,payee\n"
    assert errors(tmp_path, transfers=text) == [
        "transfers.csv:1: amount: required column is missing"
    ]


def test_a_duplicate_column_is_an_error(tmp_path: Path) -> None:
    text = "transfer_id,at,program_id,payer,payee,amount,amount\n"
    assert errors(tmp_path, transfers=text) == [
        "transfers.csv:1: amount: column appears twice in the header"
    ]


def test_a_header_cell_without_a_name_is_an_error(tmp_path: Path) -> None:
    assert errors(tmp_path, transfers=TRANSFERS.replace("\n", ",\n")) == [
        "transfers.csv:1: -: column 8 of the header has no name"
    ]


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PilotInputError) as caught:
        read_folder(tmp_path / "nope")
    assert [e.reason for e in caught.value.errors] == [
        "is not a folder (expected a folder of pilot CSV files)"
    ]


def test_column_order_is_free_and_optional_columns_may_be_absent(tmp_path: Path) -> None:
    pilot = read(
        tmp_path,
        transfers="amount,payee,payer,program_id,at,transfer_id\n5,S1,F1,P1,2025-01-01,X1\n",
    )
    [transfer] = [s.record for s in pilot.dated()]
    assert isinstance(transfer, TransferRecord)
    assert (transfer.amount, transfer.purpose_ref) == (500, None)


# -- cells


def test_a_time_without_offset_means_almaty_time(tmp_path: Path) -> None:
    text = TRANSFERS + "X1,2025-01-02T10:00,P1,F1,S1,1,\nX2,2025-01-02T05:00Z,P1,F1,S1,1,\n"
    first, second = (s.record for s in read(tmp_path, transfers=text).dated())
    assert isinstance(first, TransferRecord)
    assert first.at.offset_minutes == 300
    assert first.at.us == second.at.us
    assert first.at.isoformat() == "2025-01-02T10:00:00+05:00"


def test_a_bad_time_is_an_error(tmp_path: Path) -> None:
    [error] = errors(tmp_path, transfers=TRANSFERS + "X1,02.01.2025,P1,F1,S1,1,\n")
    assert error.startswith("transfers.csv:2: at: '02.01.2025' is not a time of the form")


def test_roles_kinds_routes_and_days_are_checked(tmp_path: Path) -> None:
    programs = (
        "program_id,name,kind,route,expires_at,max_idle_days,retention_days,subsidy_cap_percent\n"
        "P1,A,cattle,treasury>farmer,2026-01-01,1.5,-1,50\n"
        "P2,B,subsidy,treasury>farmr,2026-01-01,3,,12.5%\n"
        "P3,C,subsidy,treasury-farmer,2026-01-01,3,,\n"
    )
    assert errors(tmp_path, programs=programs) == [
        "programs.csv:2: kind: 'cattle' is not a program kind (expected one of livestock, subsidy,"
        " contract)",
        "programs.csv:2: max_idle_days: '1.5' is not a whole number of days (0 or more)",
        "programs.csv:2: retention_days: '-1' is not a whole number of days (0 or more)",
        "programs.csv:3: route: route hop 'treasury>farmr': 'farmr' is not a role (expected one of"
        " treasury, operator, bank, farmer, seller, leasing_company, dealer, contractor,"
        " subcontractor, supplier, school, other)",
        "programs.csv:3: subsidy_cap_percent: '12.5%' is not a percentage (a decimal number,"
        " 0 or more, e.g. 12.5)",
        "programs.csv:4: route: route hop 'treasury-farmer' is not of the form role>role",
    ]


def test_optional_program_cells_are_parsed(tmp_path: Path) -> None:
    programs = (
        "program_id,name,kind,route,expires_at,max_idle_days,subsidy_cap_percent,"
        "retention_days,price_tolerance_percent\n"
        "P1,A,subsidy,treasury>farmer  farmer>seller,2026-01-01,0,50.5,180,7.25\n"
        "P2,B,contract,treasury>contractor,2026-01-01,0,,,\n"
    )
    first, second = (s.record for s in read(tmp_path, programs=programs).programs)
    assert first.route == (("treasury", "farmer"), ("farmer", "seller"))
    assert (first.subsidy_cap_percent, first.retention_days) == (Decimal("50.5"), 180)
    assert first.price_tolerance_percent == Decimal("7.25")
    assert (second.subsidy_cap_percent, second.retention_days) == (None, None)
    assert second.price_tolerance_percent == Decimal(20)


def test_related_to_ignores_blanks_and_empty_items_and_checks_participants(tmp_path: Path) -> None:
    text = "participant_id,name,role,related_to\nF1,A,farmer, S1 ;;S1;F1\nS1,B,seller,\n"
    assert read(tmp_path, participants=text).participants[0].record.related_to == ("S1",)
    text += "F2,C,farmer,S1;X9;b@d\n"
    assert errors(tmp_path, participants=text) == [
        "participants.csv:4: related_to: 'b@d' is not an id (1 to 64 characters of A-Z a-z"
        " 0-9 . _ : -)",
        "participants.csv:4: related_to: unknown participant 'X9' (not in participants.csv nor"
        " in the ledger)",
    ]


def test_registry_owner_is_required_for_registered_and_ignored_for_disposed(
    tmp_path: Path,
) -> None:
    registry = (
        "animal_id,species,event,owner,at\n"
        "KZ1,cow,registered,,2025-01-01\n"
        "KZ1,cow,disposed,not an id!,2025-01-02\n"
        "KZ1,cow,sold,F1,2025-01-03\n"
        "KZ2,cow,transferred,someone-else,2025-01-03\n"
    )
    assert errors(tmp_path, registry=registry) == [
        "registry.csv:2: owner: a value is required when event is 'registered'",
        "registry.csv:4: event: 'sold' is not a registry event (expected one of registered,"
        " transferred, disposed, exported)",
    ]
    pilot = read(
        tmp_path,
        registry=registry.replace(",,2025-01-01", ",F1,2025-01-01").replace(
            "KZ1,cow,sold,F1", "KZ1,cow,exported,F1"
        ),
    )
    records = [s.record for s in pilot.dated()]
    assert all(isinstance(r, RegistryRecord) for r in records)
    assert [r.owner for r in records if isinstance(r, RegistryRecord)] == [
        "F1",
        None,
        None,
        "someone-else",
    ]


def test_purpose_ref_is_free_text_and_never_an_error(tmp_path: Path) -> None:
    text = TRANSFERS + 'X1,2025-01-02,P1,F1,S1,1,"any thing, really"\nX2,2025-01-02,P1,F1,S1,1, \n'
    refs = [s.record for s in read(tmp_path, transfers=text).dated()]
    assert [r.purpose_ref for r in refs if isinstance(r, TransferRecord)] == [
        "any thing, really",
        None,
    ]


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
ANIMALS = "purchase_id,animal_id,species,price\n"


def test_animals_go_with_their_purchase_or_to_extra_animals(tmp_path: Path) -> None:
    pilot = read(
        tmp_path,
        Ledger(),
        purchases=PURCHASES,
        purchase_animals=ANIMALS + "U1,KZ2,cow,300\nU9,KZ3,cow,400\nU1,KZ1,cow,200.5\n",
    )
    [purchase] = [s.record for s in pilot.dated()]
    assert isinstance(purchase, PurchaseRecord)
    assert [(a.animal_id, a.price) for a in purchase.animals] == [("KZ2", 30000), ("KZ1", 20050)]
    assert [a.where for a in pilot.extra_animals] == ["purchase_animals.csv:3"]
    assert pilot.animal_source("U1", "KZ1").where == "purchase_animals.csv:4"
    source = pilot.animal_source("U9", "KZ3")
    assert (source.where, source.record) == (
        "purchase_animals.csv:3",
        AnimalRecord("U9", "KZ3", "cow", 40000),
    )
    assert pilot.animal_source("U1", "KZ2").record == purchase.animals[0]
    with pytest.raises(KeyError):
        pilot.animal_source("U1", "KZ3")


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


CONTRACTS = "contract_id,program_id,customer,contractor,value,signed_at,parent_contract_id\n"


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


def test_all_errors_of_all_files_are_reported_sorted(tmp_path: Path) -> None:
    assert errors(
        tmp_path,
        transfers=TRANSFERS + "X1,2025-01-02,P1,F1,S1,-1,\n",
        participants=PARTICIPANTS + "Z1,,farmer\n",
    ) == [
        "participants.csv:9: name: a value is required",
        "transfers.csv:2: amount: '-1' is not an amount in tenge with at most 2 fraction digits",
    ]


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


# -- round trip


_ID = st.text(alphabet="abcXYZ019._:-", min_size=1, max_size=64)
_AMOUNT = st.tuples(
    st.integers(min_value=0, max_value=10**15 - 1),
    st.sampled_from(["", "0", "5", "05", "50", "99"]),
).filter(lambda a: a[0] > 0 or a[1] not in ("", "0"))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(_ID, _AMOUNT), min_size=0, max_size=8, unique_by=lambda r: r[0]))
def test_any_valid_transfers_file_round_trips(
    tmp_path: Path, rows: list[tuple[str, tuple[int, str]]]
) -> None:
    lines = [
        f"{tid},2025-01-02T10:00,P1,F1,S1,{whole}{'.' + frac if frac else ''},\n"
        for tid, (whole, frac) in rows
    ]
    pilot = read(tmp_path, transfers=TRANSFERS + "".join(lines))
    got = [s.record for s in pilot.dated()]
    assert [(r.transfer_id, r.amount) for r in got if isinstance(r, TransferRecord)] == [
        (tid, whole * 100 + int(frac.ljust(2, "0") or "0")) for tid, (whole, frac) in rows
    ]


def test_an_amount_or_a_number_of_days_beyond_what_the_database_holds_is_an_input_error(
    tmp_path: Path,
) -> None:
    """A quadrillion tenge (10**17 tiyn) or 10**12 days would overflow the 64-bit integers of
    the databases; they are refused at the boundary instead of failing after recording."""
    programs = "program_id,name,kind,route,expires_at,max_idle_days\n"
    programs += "P1,x,livestock,treasury>operator,2026-01-01,1000000000001\n"
    assert errors(
        tmp_path,
        transfers=TRANSFERS + "X1,2025-01-02,P1,O1,B1,1000000000000000.01,\n",
        programs=programs,
    ) == [
        "programs.csv:2: max_idle_days: '1000000000001': more than 1000000000000 days is more "
        "than the ledger records",
        "transfers.csv:2: amount: '1000000000000000.01': an amount above 1000000000000000 tenge "
        "is more than the ledger records",
    ]


def test_leading_zeros_do_not_count_towards_the_size_of_an_amount_or_a_number_of_days(
    tmp_path: Path,
) -> None:
    """Section 7.6: `[0-9]+`, whatever its length (Python's int() refuses 4,300 digits)."""
    zeros = "0" * 5_000
    programs = "program_id,name,kind,route,expires_at,max_idle_days\n"
    programs += f"P1,x,livestock,treasury>operator,2026-01-01,{zeros}30\n"
    pilot = read(
        tmp_path, programs=programs, transfers=TRANSFERS + f"X1,2025-01-02,P1,O1,B1,{zeros}1.5,\n"
    )
    assert pilot.programs[0].record.max_idle_days == 30
    assert [s.record.amount for s in pilot.dated()] == [150]


def test_numbers_too_long_for_the_ledger_are_input_errors_not_a_crash(tmp_path: Path) -> None:
    """Choice 9a: an amount, a number of days or a percentage of thousands of digits is refused
    with the reason, where it once stopped the load with Python's own message or a traceback."""
    nines = "9" * 5_000
    programs = "program_id,name,kind,route,expires_at,max_idle_days,subsidy_cap_percent\n"
    programs += f"P1,x,livestock,treasury>operator,2026-01-01,{nines},1{'0' * 5_000}\n"
    found = errors(
        tmp_path, programs=programs, transfers=TRANSFERS + f"X1,2025-01-02,P1,O1,B1,{nines},\n"
    )
    assert [e.split(": ")[:2] for e in found] == [
        ["programs.csv:2", "max_idle_days"],
        ["programs.csv:2", "subsidy_cap_percent"],
        ["transfers.csv:2", "amount"],
    ]
    assert all(e.endswith("is more than the ledger records") for e in found)


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
