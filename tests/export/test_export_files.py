"""`coloring export`: Parquet tables read back equal the JSON tables and `coloring findings`
row for row; the xlsx workbook reads back every finding and total exactly; bad --out is a usage
error that writes nothing."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest

from coloring.examples import SHIPPED
from coloring.export.tables import TABLES
from pilot.builders import load, run


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = f"sqlite:///{tmp_path_factory.mktemp('export') / 'ledger.db'}"
    load(SHIPPED, db=db)
    return db


def exported(db: str, fmt: str, out: Path) -> Path:
    result = run("export", "--db", db, "--format", fmt, "--out", out)
    assert result.exit_code == 0, result.stderr
    return out


def as_json_value(value: Any, row: dict[str, Any], name: str) -> Any:
    """A value read from Parquet as the JSON export writes it."""
    if isinstance(value, Decimal):
        return str(value)
    if name + "_offset_minutes" in row:
        offset = timezone(timedelta(minutes=row[name + "_offset_minutes"]))
        return value.astimezone(offset).isoformat(timespec="seconds")
    if name == "evidence":
        return json.loads(value)
    return value


def parquet_rows(path: Path) -> list[dict[str, Any]]:
    rows = pq.read_table(path).to_pylist()
    return [
        {k: as_json_value(v, row, k) for k, v in row.items() if not k.endswith("_offset_minutes")}
        for row in rows
    ]


def test_every_parquet_table_reads_back_equal_to_the_json_export_row_for_row(
    db_url: str, tmp_path: Path
) -> None:
    # An in-memory ledger lives as long as one command: that kind exports from a file too.
    db = db_url if db_url != "sqlite:///:memory:" else f"sqlite:///{tmp_path / 'l.db'}"
    load(SHIPPED, db=db)
    parquet = exported(db, "parquet", tmp_path / "pq")
    as_json = exported(db, "json", tmp_path / "js")
    for name in TABLES:
        expected = json.loads((as_json / f"{name}.json").read_text(encoding="utf-8"))
        assert parquet_rows(parquet / f"{name}.parquet") == expected, name
        assert expected or name == "balance_steps", f"{name} is empty"
        about = pq.read_schema(parquet / f"{name}.parquet").metadata
        assert about[b"coloring.table"] == name.encode()


def test_parquet_findings_equal_the_findings_command_row_for_row(
    ledger: str, tmp_path: Path
) -> None:
    shown = json.loads(run("findings", "--db", ledger, "--format", "json").stdout)
    rows = parquet_rows(exported(ledger, "parquet", tmp_path / "pq") / "findings.parquet")
    assert len(rows) == len(shown) > 0
    for row, f in zip(rows, shown, strict=True):
        assert {k: row[k] for k in f} == f


def test_the_workbook_reads_back_every_finding_and_total_exactly(
    ledger: str, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(exported(ledger, "xlsx", tmp_path / "l.xlsx"))
    assert book.sheetnames == [
        "Findings",
        "By rule",
        "By region and program",
        "Balances",
        "Programs",
    ]
    shown = json.loads(run("findings", "--db", ledger, "--format", "json").stdout)
    sheet = book["Findings"]
    assert sheet["G2"].number_format == "#,##0.00"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(shown)
    for (at, offset, rule, subject, program, _, amount, status, who, *_), f in zip(
        rows, shown, strict=True
    ):
        assert (rule, subject, program, status) == (
            f["rule"],
            f["subject"],
            f["program"],
            f["status"],
        )
        assert Decimal(str(amount)) == Decimal(f["amount"])
        assert at.isoformat() + offset == f["at"]
        assert who == ", ".join(f["participants"])
    by_rule: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal("0")])
    for f in shown:
        by_rule[f["rule"]][0] += 1
        by_rule[f["rule"]][1] += Decimal(f["amount"])
    read = {
        r[0]: [r[1], Decimal(str(r[3]))]
        for r in book["By rule"].iter_rows(min_row=2, values_only=True)
    }
    total = read.pop("total")
    assert read == dict(by_rule)
    assert total == [len(shown), sum((Decimal(f["amount"]) for f in shown), Decimal(0))]
    regional = list(book["By region and program"].iter_rows(min_row=2, values_only=True))
    assert sum(r[2] for r in regional[:-1]) == len(shown) == regional[-1][2]
    balances = {
        (b["program"], b["participant"]): Decimal(b["held"])
        for b in json.loads(run("balances", "--db", ledger, "--format", "json").stdout)
    }
    read_balances = {
        (r[0], r[1]): Decimal(str(r[3]))
        for r in book["Balances"].iter_rows(min_row=2, values_only=True)
    }
    assert read_balances == balances


@pytest.mark.parametrize(
    ("fmt", "make", "message"),
    [
        ("xlsx", "folder", "is a folder"),
        ("parquet", "file", "is a file"),
    ],
)
def test_an_export_onto_the_wrong_kind_of_path_is_a_usage_error(
    ledger: str, tmp_path: Path, fmt: str, make: str, message: str
) -> None:
    target = tmp_path / "target"
    target.mkdir() if make == "folder" else target.write_text("keep me")
    result = run("export", "--db", ledger, "--format", fmt, "--out", target)
    assert result.exit_code == 2
    assert message in result.stderr
    assert make == "folder" or target.read_text() == "keep me"


def test_a_second_export_replaces_the_folder_as_a_whole(ledger: str, tmp_path: Path) -> None:
    out = tmp_path / "pq"
    exported(ledger, "parquet", out)
    (out / "stale.parquet").write_bytes(b"old")
    exported(ledger, "parquet", out)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_docs_export_lists_every_column_of_every_table() -> None:
    from coloring.api.ledger import Ledger

    text = (Path(__file__).resolve().parents[2] / "docs" / "export.md").read_text("utf-8")
    with Ledger("sqlite:///:memory:") as empty:
        from coloring.export.tables import read

        for name, rows in read(empty).items():
            line = next(x for x in text.splitlines() if x.startswith(f"| `{name}` |"))
            for column in rows.schema().names:
                assert f"`{column}`" in line, (name, column)


def test_a_failed_export_keeps_the_previous_folder_and_leaves_no_scratch(
    ledger: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import coloring.export.parquet as parquet

    out = exported(ledger, "parquet", tmp_path / "pq")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    written: list[str] = []

    def disk_full_on_the_third(table: object, where: Path, **_: object) -> None:
        written.append(where.name)
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        where.write_bytes(b"partial")

    monkeypatch.setattr(parquet.pq, "write_table", disk_full_on_the_third)
    result = run("export", "--db", ledger, "--format", "parquet", "--out", out)
    assert result.exit_code == 2
    assert "No space left on device" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["pq"]
