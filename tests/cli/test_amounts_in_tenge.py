"""Every amount a command prints is tenge with two decimals, evidence included; ids and names
are never printed as `-` or `None`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from coloring.examples import SHIPPED
from pilot.builders import load, run

TENGE = re.compile(r"[0-9]+\.[0-9]{2}")


@pytest.fixture(scope="module")
def example_ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = f"sqlite:///{tmp_path_factory.mktemp('example') / 'ledger.db'}"
    load(SHIPPED, db=db)
    return db


def explained(db: str, rule: str, subject: str) -> list[str]:
    result = run("explain", rule, subject, "--db", db)
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


def test_explain_shows_a_subsidys_asset_value_and_reference_price_in_tenge(
    example_ledger: str,
) -> None:
    lines = explained(example_ledger, "PRICE_ABOVE_REFERENCE", "SB-000003")
    assert "- asset_value: 13500000.00 KZT" in lines
    assert "- reference_price: 6900000.00 KZT" in lines


def test_explain_of_a_subsidy_names_its_applicant_and_supplier(example_ledger: str) -> None:
    lines = explained(example_ledger, "SUBSIDY_OVER_CAP", "SB-000002")
    assert any("applicant FRM-000003, supplier DLR-001" in line for line in lines), lines
    assert not any(" - -> " in line or "None" in line for line in lines), lines


def test_findings_json_gives_evidence_amounts_as_tenge_strings(example_ledger: str) -> None:
    result = run("findings", "--db", example_ledger, "--format", "json")
    by_subject = {(f["rule"], f["subject"]): f["evidence"] for f in json.loads(result.stdout)}
    assert by_subject[("SUBSIDY_OVER_CAP", "SB-000002")]["asset_value"] == "30467000.00"
    assert by_subject[("PRICE_ABOVE_REFERENCE", "SB-000003")]["reference_price"] == "6900000.00"
    assert by_subject[("IDLE_FUNDS", "T-0000049")]["delivered"] == "3720000.00"


def test_trace_before_a_unit_was_issued_names_the_instant(example_ledger: str) -> None:
    result = run("trace", "AL-00001#0", "--db", example_ledger, "--as-of", "2020-01-01")
    assert result.exit_code == 1
    assert "unit AL-00001#0 had not been issued by 2020-01-01T00:00:00+05:00" in result.stderr
    assert "None" not in result.stderr


def test_no_output_of_the_demo_prints_none(tmp_path: Path) -> None:
    result = run("demo", "--db", f"sqlite:///{tmp_path / 'demo.db'}")
    assert result.exit_code == 0, result.stderr
    assert "None" not in result.stdout
    assert not re.search(r"\s-\s->", result.stdout)
