"""No evidence amount is in tiyn: over generated folders, every amount a finding's evidence
holds is a tenge string with two decimals, equal to the record it came from."""

from __future__ import annotations

import csv
import json
import re
from typing import Any

from typer.testing import CliRunner

from coloring.cli import app
from coloring.domain.money import format_tiyn, parse_tiyn
from coloring.projections.queries import EVIDENCE_AMOUNTS
from pilot.generated import generated_folder, given_generator_args

TENGE = re.compile(r"[0-9]+\.[0-9]{2}")


def tenge(text: str) -> str:
    return format_tiyn(parse_tiyn(text))


@given_generator_args(5, farmers=(2, 12), misuse_rates=[0.1, 0.5])
def test_every_evidence_amount_is_tenge_with_two_decimals_as_recorded(
    args: dict[str, Any],
) -> None:
    with generated_folder(args) as folder:
        db = f"sqlite:///{folder.parent / 'ledger.db'}"
        assert CliRunner().invoke(app, ["load", str(folder), "--db", db]).exit_code == 0
        result = CliRunner().invoke(app, ["findings", "--format", "json", "--db", db])
        with (folder / "subsidies.csv").open() as f:
            asset_values = {r["subsidy_id"]: tenge(r["asset_value"]) for r in csv.DictReader(f)}
        with (folder / "reference_prices.csv").open() as f:
            references = {tenge(r["price"]) for r in csv.DictReader(f)}
    for finding in json.loads(result.stdout):
        for key, value in finding["evidence"].items():
            # Numbers in evidence are positions (the event, a registry row), never money.
            if isinstance(value, int | float):
                assert key in ("notification", "entry") or key.endswith("_seq"), (key, finding)
            if key in EVIDENCE_AMOUNTS:
                assert TENGE.fullmatch(value), (key, finding)
        evidence = finding["evidence"]
        if "asset_value" in evidence:
            assert evidence["asset_value"] == asset_values[finding["subject"]]
        if "reference_price" in evidence:
            assert evidence["reference_price"] in references
