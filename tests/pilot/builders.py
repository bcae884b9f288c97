"""Write pilot folders (contract v1) from Python rows, and run the CLI on them in-process.

    folder = (
        Folder(tmp_path / "pilot")
        .allocations(("AL1", "AA", "T", "OP", "1000", "2025-01-01T10:00"))
        .transfers(("X1", "2025-01-02T10:00", "AA", "OP", "B", "600", ""))
        .write()
    )
    assert brief(findings(folder)) == [...]

A row is a tuple in the column order of the contract's section 2 (`COLUMNS` below) or a dict
by column name (missing columns are written empty; extra keys become extra columns, to test
the reader). `participants` and `programs` start from a standard cast and three programs; a
row with an id the defaults already hold replaces those cells (a dict) or the whole row (a
tuple). `Folder.part` cuts a folder by time (for several loads); `season` is a ready-made
folder with every file and most rules, grown from `cow_bought_twice` (also the CLI tests'
example). `text_folder`, `read` and `errors` write files from CSV text instead and read them
with the reader alone (its tests). Import as `from pilot.builders import ...` (`tests/` is on
`sys.path`).
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from coloring.cli import app
from coloring.domain.time import parse_instant
from coloring.pilot.contract import FILES
from coloring.pilot.reader import (
    EMPTY_LEDGER,
    LedgerView,
    PilotFolder,
    PilotInputError,
    read_folder,
)

Row = Sequence[object] | Mapping[str, object]

# The reader's own list of section 2, so that a folder built here has the columns it reads.
COLUMNS: dict[str, tuple[str, ...]] = {
    name.removesuffix(".csv"): spec.columns for name, spec in FILES.items()
}

DATE_COLUMN: dict[str, str] = {
    "allocations": "allocated_at",
    "loans": "issued_at",
    "subsidies": "approved_at",
    "contracts": "signed_at",
    "purchases": "contracted_at",
    "registry": "at",
    "acts": "accepted_at",
    "transfers": "at",
}
UNDATED = ("participants", "programs", "reference_prices")

REGION = "Akmola"
CAST: tuple[tuple[str, str, str, str, str], ...] = (
    ("T", "Treasury", "treasury", "", ""),
    ("OP", "Operator", "operator", REGION, ""),
    ("B", "Bank", "bank", REGION, ""),
    ("F", "Farmer", "farmer", REGION, ""),
    ("S", "Seller", "seller", REGION, ""),
    ("LC", "Leasing company", "leasing_company", REGION, ""),
    ("SU", "Supplier", "supplier", REGION, ""),
    ("C", "Contractor", "contractor", REGION, ""),
    ("SC", "Subcontractor", "subcontractor", REGION, ""),
)
EXPIRES_AT = "2025-12-31T18:00:00+05:00"
LIVESTOCK_ROUTE = "treasury>operator operator>bank bank>farmer farmer>seller"
SUBSIDY_ROUTE = "treasury>operator operator>supplier"
CONTRACT_ROUTE = (
    "treasury>operator operator>contractor contractor>subcontractor subcontractor>supplier"
)
PROGRAMS: tuple[tuple[str, ...], ...] = (
    ("AA", "Auyl Amanaty", "livestock", LIVESTOCK_ROUTE, EXPIRES_AT, "30", "", "365", ""),
    ("SUB", "Leasing subsidy", "subsidy", SUBSIDY_ROUTE, EXPIRES_AT, "30", "25", "", ""),
    ("ROAD", "Roads", "contract", CONTRACT_ROUTE, EXPIRES_AT, "30", "", "", ""),
)


def _as_dict(file: str, row: Row) -> dict[str, str]:
    if isinstance(row, Mapping):
        return {k: "" if v is None else str(v) for k, v in row.items()}
    columns = COLUMNS[file]
    if len(row) > len(columns):
        raise ValueError(f"{file}: {len(row)} cells for {len(columns)} columns: {row!r}")
    return {c: "" if v is None else str(v) for c, v in zip(columns, row, strict=False)}


def _rows(file: str, key: str | None = None) -> Callable[..., Folder]:
    """A `Folder` method that adds rows to `file`; with a `key`, a row whose key the folder
    already holds replaces it."""

    def add(self: Folder, *rows: Row) -> Folder:
        return self._add(file, rows, key)

    replaced = f"; an existing {key} is replaced" if key else ""
    add.__doc__ = f"({', '.join(COLUMNS[file])}){replaced}"
    return add


class Folder:
    """A pilot folder under construction: every method adds rows and returns the folder."""

    def __init__(self, path: Path, *, cast: bool = True, programs: bool = True) -> None:
        self.path = path
        self.rows: dict[str, list[dict[str, str]]] = {name: [] for name in COLUMNS}
        self.raw: dict[str, bytes] = {}
        if cast:
            self.participants(*CAST)
        if programs:
            self.programs(*PROGRAMS)

    def _add(self, file: str, rows: Sequence[Row], key: str | None = None) -> Folder:
        for row in rows:
            cells = _as_dict(file, row)
            existing = next(
                (r for r in self.rows[file] if key and key in cells and r.get(key) == cells[key]),
                None,
            )
            if existing is None:
                self.rows[file].append(cells)
            elif isinstance(row, Mapping):
                existing.update(cells)
            else:
                existing.clear()
                existing.update(cells)
        return self

    participants = _rows("participants", "participant_id")
    programs = _rows("programs", "program_id")
    allocations = _rows("allocations")
    loans = _rows("loans")
    purchases = _rows("purchases")
    purchase_animals = _rows("purchase_animals")
    subsidies = _rows("subsidies")
    contracts = _rows("contracts")
    acts = _rows("acts")
    registry = _rows("registry")
    reference_prices = _rows("reference_prices")
    transfers = _rows("transfers")

    def file(self, name: str, content: str | bytes) -> Folder:
        """Write this file verbatim instead of (or besides) the built ones."""
        self.raw[name] = content.encode() if isinstance(content, str) else content
        return self

    def part(self, path: Path, since: str | None = None, before: str | None = None) -> Folder:
        """A new folder at `path` with every undated row (participants, programs, reference
        prices) and the dated rows at or after `since` and before `before` (as instants);
        a purchase takes its animals along."""
        low = parse_instant(since).us if since else None
        high = parse_instant(before).us if before else None
        out = Folder(path, cast=False, programs=False)
        for file in UNDATED:
            out.rows[file] = [dict(r) for r in self.rows[file]]
        for file, column in DATE_COLUMN.items():
            for row in self.rows[file]:
                at = parse_instant(row[column]).us
                if (low is None or at >= low) and (high is None or at < high):
                    out.rows[file].append(dict(row))
        purchases = {r["purchase_id"] for r in out.rows["purchases"]}
        out.rows["purchase_animals"] = [
            dict(r) for r in self.rows["purchase_animals"] if r["purchase_id"] in purchases
        ]
        return out

    def write(self) -> Path:
        """Write the folder (files with no rows are left out, except the two required ones)."""
        self.path.mkdir(parents=True, exist_ok=True)
        for file, rows in self.rows.items():
            if not rows and file not in ("participants", "programs"):
                continue
            columns = list(COLUMNS[file])
            for row in rows:
                columns.extend(c for c in row if c not in columns)
            with (self.path / f"{file}.csv").open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(columns)
                writer.writerows([row.get(c, "") for c in columns] for row in rows)
        for name, content in self.raw.items():
            (self.path / name).write_bytes(content)
        return self.path


def cow_bought_twice(
    root: Path, payments: tuple[str, str, str, str, str] = ("T1", "T2", "T3", "T4", "T5")
) -> Folder:
    """AA: 1000.00 allocated to the operator, loan L1 of 500.00 from the bank to the farmer, and
    cow KZ1 bought twice: from S for 400.00 (above the reference price of 300.00) and then from
    S2, the farmer's relative, for 100.00; KZ1 passes to the farmer and is exported on
    2025-02-01. The `payments`, in order: 600.00 from the operator to the bank, the loan's
    500.00 on to the farmer, then for P1 400.00, 50.00 (an overpayment) and 500.00 (beyond
    what the farmer holds)."""
    to_bank, loan, paid, overpaid, refused = payments
    return (
        Folder(root)
        .participants({"participant_id": "F", "related_to": "S2"})
        .participants(("S2", "Seller two", "seller", "Akmola", ""))
        .reference_prices(("cow", "*", "300", "2024-01-01"))
        .allocations(("AL1", "AA", "T", "OP", "1000", "2025-01-01"))
        .loans(("L1", "AA", "B", "F", "500", "2025-01-02"))
        .purchases(("P1", "AA", "F", "S", "2025-01-03"), ("P2", "AA", "F", "S2", "2025-01-04"))
        .purchase_animals(("P1", "KZ1", "cow", "400"), ("P2", "KZ1", "cow", "100"))
        .registry(
            ("KZ1", "cow", "registered", "S", "2025-01-03"),
            ("KZ1", "cow", "transferred", "F", "2025-01-07"),
            ("KZ1", "cow", "exported", "", "2025-02-01"),
        )
        .transfers(
            (to_bank, "2025-01-04", "AA", "OP", "B", "600", ""),
            (loan, "2025-01-05", "AA", "B", "F", "500", "L1"),
            (paid, "2025-01-06", "AA", "F", "S", "400", "P1"),
            (overpaid, "2025-01-08", "AA", "F", "S", "50", "P1"),
            (refused, "2025-01-08", "AA", "F", "S", "500", "P1"),
        )
    )


def season(root: Path) -> Folder:
    """Three programs over January to March with findings of most rules on both sides of
    2025-02-01 (documents paid across the split, an act and a subcontract after it, an export
    after it that makes an earlier purchase an early disposal)."""
    return (
        cow_bought_twice(root, ("M1", "M2", "X3", "X4", "X5"))
        .allocations(
            ("AL2", "SUB", "T", "OP", "1000", "2025-01-01"),
            ("AL3", "ROAD", "T", "OP", "2000", "2025-01-01"),
        )
        .contracts(
            ("K1", "ROAD", "OP", "C", "1000", "2025-01-02", ""),
            ("K2", "ROAD", "C", "SC", "200", "2025-02-05", "K1"),
        )
        .purchases(("P3", "AA", "F", "S", "2025-02-03"))
        .purchase_animals(("P3", "KZ3", "cow", "200"))
        .subsidies(
            ("S1", "SUB", "LC", "SU", "TR1", "tractor", "1000", "300", "2025-01-10"),
            ("S2", "SUB", "LC", "SU", "TR1", "tractor", "1000", "100", "2025-02-10"),
        )
        .acts(("A1", "K1", "400", "2025-01-20"), ("A2", "K1", "400", "2025-02-20"))
        .transfers(
            ("Y1", "2025-01-15", "SUB", "OP", "SU", "300", "S1"),
            ("Z1", "2025-01-25", "ROAD", "OP", "C", "500", "K1"),
            ("Z2", "2025-02-25", "ROAD", "OP", "C", "300", "K1"),
            ("Z3", "2025-02-26", "ROAD", "C", "SC", "200", "K2"),
            ("X7", "2025-02-27", "AA", "F", "S2", "50", "NOPE"),
            ("X6", "2025-03-08", "AA", "OP", "T", "400", ""),
        )
    )


# -- a folder written from CSV text, read by the reader alone -------------------------------

# The reader's tests write each file as text, to test its bytes, quotes and line ends.
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
PROGRAMS_CSV = (
    "program_id,name,kind,route,expires_at,max_idle_days\n"
    "P1,Cows,livestock,treasury>operator operator>bank bank>farmer farmer>seller,2026-01-01,30\n"
    "P2,Roads,contract,treasury>contractor contractor>subcontractor,2026-01-01,30\n"
)
TRANSFERS = "transfer_id,at,program_id,payer,payee,amount,purpose_ref\n"


def text_folder(tmp_path: Path, **files: str | bytes) -> Path:
    """A pilot folder: `name=text` writes `name.csv` (participants and programs by default)."""
    contents: dict[str, str | bytes] = {"participants": PARTICIPANTS, "programs": PROGRAMS_CSV}
    contents.update(files)
    for name, text in contents.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (tmp_path / (name if "." in name else f"{name}.csv")).write_bytes(data)
    return tmp_path


def read(tmp_path: Path, ledger: LedgerView = EMPTY_LEDGER, **files: str | bytes) -> PilotFolder:
    return read_folder(text_folder(tmp_path, **files), ledger)


def errors(tmp_path: Path, ledger: LedgerView = EMPTY_LEDGER, **files: str | bytes) -> list[str]:
    with pytest.raises(PilotInputError) as caught:
        read_folder(text_folder(tmp_path, **files), ledger)
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


ANIMALS = "purchase_id,animal_id,species,price\n"
CONTRACTS = "contract_id,program_id,customer,contractor,value,signed_at,parent_contract_id\n"


# -- running the CLI in-process ------------------------------------------------------------


def db_for(folder: Path) -> str:
    """The default ledger of a folder's test: a SQLite file next to the folder."""
    return f"sqlite:///{folder.parent / (folder.name + '.db')}"


def run(*args: str | Path) -> Result:
    """`coloring ARGS...` in-process; the result has exit_code, stdout and stderr."""
    return CliRunner().invoke(app, [str(a) for a in args])


def load(folder: Path, *args: str, db: str | None = None, code: int = 0) -> Result:
    """`coloring load FOLDER --db DB ARGS...`, asserting its exit status."""
    result = run("load", folder, "--db", db or db_for(folder), *args)
    assert result.exit_code == code, result.stderr or result.stdout
    return result


def findings(
    folder: Path | None, *args: str, db: str | None = None, mode: str | None = None
) -> list[dict[str, Any]]:
    """Load `folder` (if given; loading again changes nothing) into `db` (default: a SQLite
    file next to the folder), then `coloring findings --format json ARGS...`, parsed."""
    if db is None:
        assert folder is not None, "findings() needs a folder or a db"
        db = db_for(folder)
    if folder is not None:
        load(folder, *(("--mode", mode) if mode else ()), db=db)
    result = run("findings", "--db", db, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr or result.stdout
    parsed: list[dict[str, Any]] = json.loads(result.stdout)
    return parsed


def balances(db: str, *args: str) -> dict[tuple[str, str], str]:
    """`coloring balances --format json ARGS...` as {(program, participant): held}."""
    result = run("balances", "--db", db, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr or result.stdout
    return {(b["program"], b["participant"]): b["held"] for b in json.loads(result.stdout)}


KEYS = ("rule", "subject", "program", "amount", "at", "status")


def brief(found: list[dict[str, Any]], rule: str | None = None) -> list[tuple[str, ...]]:
    """The contract's six keys of each finding (of one rule, if given), in output order."""
    return [tuple(f[k] for k in KEYS) for f in found if rule is None or f["rule"] == rule]


def rules_of(found: list[dict[str, Any]], subject: str) -> list[str]:
    """The rules of the findings about one subject, in output order."""
    return [f["rule"] for f in found if f["subject"] == subject]


def sqlite_path(db: str) -> str:
    return db.removeprefix("sqlite:///")


def count_rows(db: str, table: str) -> int:
    with sqlite3.connect(sqlite_path(db)) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
