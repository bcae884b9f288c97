"""Grouped questions (`findings --group-by`), filters by status and amount, sorting, CSV for
Excel, per-program balances, and amounts in an 80-column table."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from itertools import permutations
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

import coloring.questions_cli as questions_cli
from coloring.examples import SHIPPED
from coloring.export.grouping import KEYS, group
from pilot.builders import load, run
from strategies import api_findings


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = f"sqlite:///{tmp_path_factory.mktemp('grouped') / 'ledger.db'}"
    load(SHIPPED, db=db)
    return db


def as_json(*args: str) -> Any:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@given(api_findings(), st.lists(st.sampled_from(sorted(KEYS)), min_size=1, max_size=3, unique=True))
def test_groups_add_up_to_the_ungrouped_findings(found: list[Any], keys: list[str]) -> None:
    groups = group(found, keys)
    assert sum(g.count for g in groups) == len(found)
    assert sum(g.refused for g in groups) == sum(f.status == "refused" for f in found)
    assert sum((g.amount for g in groups), Decimal(0)) == sum((f.amount for f in found), Decimal(0))
    assert len({g.key for g in groups}) == len(groups)
    by_amount = group(found, keys, "amount")
    assert sorted(by_amount, key=lambda g: g.key) == sorted(groups, key=lambda g: g.key)
    assert [g.amount for g in by_amount] == sorted((g.amount for g in groups), reverse=True)


@pytest.mark.parametrize(
    "keys",
    [
        ["rule"],
        ["program"],
        ["region"],
        ["participant"],
        ["region", "rule"],
        ["program", "participant", "status"],
    ],
)
def test_grouped_findings_on_the_command_line_total_the_ungrouped_ones(
    ledger: str, keys: list[str]
) -> None:
    rows = as_json("findings", "--db", ledger)
    grouped = as_json("findings", "--db", ledger, *(a for k in keys for a in ("--group-by", k)))
    assert sum(g["findings"] for g in grouped) == len(rows)
    total = sum(Decimal(g["amount"]) for g in grouped)
    assert total == sum(Decimal(r["amount"]) for r in rows)
    assert all(set(g) == {*keys, "findings", "refused", "amount"} for g in grouped)


def test_status_and_minimum_amount_filter_and_amount_sorts_largest_first(ledger: str) -> None:
    rows = as_json("findings", "--db", ledger)
    refused = as_json("findings", "--db", ledger, "--status", "refused")
    assert refused == [r for r in rows if r["status"] == "refused"] and refused
    big = as_json("findings", "--db", ledger, "--min-amount", "1000000", "--sort", "amount")
    assert {r["subject"] for r in big} == {
        r["subject"] for r in rows if Decimal(r["amount"]) >= 1_000_000
    }
    assert [Decimal(r["amount"]) for r in big] == sorted(
        (Decimal(r["amount"]) for r in big), reverse=True
    )


@pytest.mark.parametrize("amount", ["-5", "1.234", "lots"])
def test_a_bad_minimum_amount_is_a_usage_error(ledger: str, amount: str) -> None:
    result = run("findings", "--db", ledger, "--min-amount", amount)
    assert result.exit_code == 2
    assert "--min-amount" in result.stderr


def test_excel_csv_has_a_bom_semicolons_and_decimal_commas_and_the_same_rows(ledger: str) -> None:
    plain = run("findings", "--db", ledger, "--format", "csv").stdout
    raw = run("findings", "--db", ledger, "--format", "csv", "--excel").stdout_bytes
    assert raw.startswith("\ufeffrule;subject;".encode()) and raw.count(b"\r\n") > 1
    excel = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(excel.removeprefix("\ufeff")), delimiter=";"))
    expected = list(csv.reader(io.StringIO(plain)))
    assert [r[3] for r in rows[1:]] == [r[3].replace(".", ",") for r in expected[1:]]
    assert [r[:3] + r[4:] for r in rows] == [r[:3] + r[4:] for r in expected]


def test_excel_without_csv_is_a_usage_error(ledger: str) -> None:
    result = run("findings", "--db", ledger, "--excel")
    assert result.exit_code == 2 and "--format csv" in result.stderr


def test_per_program_balances_add_up_and_agree_with_the_holders(ledger: str) -> None:
    programs = as_json("balances", "--db", ledger, "--per-program", "--as-of", "2025-06-30")
    holders = as_json("balances", "--db", ledger, "--as-of", "2025-06-30")
    for p in programs:
        allocated, spent, returned, held = (
            Decimal(p[k]) for k in ("allocated", "spent", "returned", "held")
        )
        assert allocated == spent + returned + held > 0
        assert held == sum(Decimal(h["held"]) for h in holders if h["program"] == p["program"])


def test_amounts_in_an_80_column_table_are_whole_right_aligned_and_grouped(
    ledger: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = io.StringIO()
    monkeypatch.setattr(questions_cli, "out", Console(file=shown, width=80))
    assert run("findings", "--db", ledger, "--sort", "amount").exit_code == 0
    lines = shown.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    rows = as_json("findings", "--db", ledger)
    for r in rows:
        whole, cents = r["amount"].split(".")
        assert f"{int(whole):,}.{cents}" in shown.getvalue()
    cells = [line.split("│")[5] for line in lines if "│" in line and "," in line.split("│")[5]]
    assert cells and all(c.endswith(" ") and not c.rstrip().endswith(" ") for c in cells)
    assert len({len(c) - len(c.lstrip()) + len(c.strip()) for c in cells}) == 1


def test_every_group_key_order_gives_the_same_totals(ledger: str) -> None:
    totals = set()
    for keys in permutations(["rule", "region"]):
        grouped = as_json("findings", "--db", ledger, *(a for k in keys for a in ("--group-by", k)))
        totals.add(sum(Decimal(g["amount"]) for g in grouped))
    assert len(totals) == 1


def test_per_program_balances_with_a_participant_is_a_usage_error(ledger: str) -> None:
    result = run("balances", "--db", ledger, "--per-program", "--participant", "F1")
    assert result.exit_code == 2 and "leave out --participant" in result.stderr


def test_trace_csv_for_excel_has_a_bom_and_semicolons(ledger: str) -> None:
    plain = run("trace", "AL-00001#0", "--db", ledger, "--format", "csv").stdout
    raw = run("trace", "AL-00001#0", "--db", ledger, "--format", "csv", "--excel").stdout_bytes
    assert raw.startswith("\ufeffat;holder;via;outcome\r\n".encode())
    assert raw.decode().removeprefix("\ufeff").replace(";", ",").replace("\r\n", "\n") == plain
