"""Reading a pilot folder as CSV (contract sections 1, 2 and 7): its files, encoding, quotes and
line ends, its header and columns, and how errors of every file are reported."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from coloring.domain.records import TransferRecord
from coloring.domain.time import parse_instant
from coloring.pilot.reader import PilotInputError, read_folder
from pilot.builders import PARTICIPANTS, TRANSFERS, errors, read

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


# -- error reports


def test_all_errors_of_all_files_are_reported_sorted(tmp_path: Path) -> None:
    assert errors(
        tmp_path,
        transfers=TRANSFERS + "X1,2025-01-02,P1,F1,S1,-1,\n",
        participants=PARTICIPANTS + "Z1,,farmer\n",
    ) == [
        "participants.csv:9: name: a value is required",
        "transfers.csv:2: amount: '-1' is not an amount in tenge with at most 2 fraction digits",
    ]
