"""`coloring.api` on every database kind: typed answers (Decimal tenge, aware datetimes) that
agree with the command line, Arrow tables with exact amounts, errors as the API's own."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pyarrow.compute as pc
import pytest

import coloring.api
from coloring.examples import SHIPPED
from pilot.builders import run

MID_YEAR = "2025-06-30T18:00"


@pytest.fixture
def ledger(db_url: str, tmp_path: Path) -> Iterator[tuple[coloring.api.Ledger, str]]:
    """The example folder loaded through the API; the URL the CLI can read it at (an in-memory
    ledger lives as long as its process, so that kind is a file too)."""
    url = db_url if db_url != "sqlite:///:memory:" else f"sqlite:///{tmp_path / 'api.db'}"
    with coloring.api.open(url) as opened:
        opened.load(SHIPPED)
        yield opened, url


def cli_json(*args: str) -> list[dict[str, str]]:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, str]] = json.loads(result.stdout)
    return rows


def test_findings_are_typed_and_equal_the_command_line_row_for_row(
    ledger: tuple[coloring.api.Ledger, str],
) -> None:
    api, url = ledger
    found = api.findings(as_of=MID_YEAR)
    assert found and all(isinstance(f.amount, Decimal) for f in found)
    assert all(f.at.utcoffset() == timedelta(hours=5) for f in found)
    assert found.to_dicts() == [
        {**row, "region": f.region}
        for row, f in zip(
            cli_json("findings", "--db", url, "--as-of", MID_YEAR), found, strict=True
        )
    ]


def test_a_finding_is_frozen(ledger: tuple[coloring.api.Ledger, str]) -> None:
    api, _ = ledger
    with pytest.raises(dataclasses.FrozenInstanceError):
        api.findings()[0].amount = Decimal(0)  # type: ignore[misc]


def test_arrow_amounts_are_exact_decimals_that_sum_as_the_rows_do(
    ledger: tuple[coloring.api.Ledger, str],
) -> None:
    api, _ = ledger
    found = api.findings()
    table = found.to_arrow()
    assert str(table.schema.field("amount").type) == "decimal128(20, 2)"
    assert pc.sum(table["amount"]).as_py() == sum((f.amount for f in found), Decimal(0))
    assert table.num_rows == len(found) == len(api.findings().to_arrow().to_pylist())


def test_balances_as_of_a_datetime_equal_the_command_line(
    ledger: tuple[coloring.api.Ledger, str],
) -> None:
    api, url = ledger
    when = datetime(2025, 6, 30, 18, 0, tzinfo=timezone(timedelta(hours=5)))
    assert api.balances(as_of=when).to_dicts() == cli_json(
        "balances", "--db", url, "--as-of", MID_YEAR
    )
    assert api.balances(as_of=when) == api.balances(as_of=MID_YEAR)


def test_program_totals_add_up_and_match_utilisation(
    ledger: tuple[coloring.api.Ledger, str],
) -> None:
    api, _ = ledger
    use = {u.program: u for u in api.utilisation(as_of=MID_YEAR)}
    for p in api.programs(as_of=MID_YEAR):
        assert p.allocated == p.spent + p.returned + p.held
        assert (p.allocated, p.spent, p.returned, p.held) == (
            use[p.program].allocated,
            use[p.program].spent,
            use[p.program].returned,
            use[p.program].held,
        )


def test_a_trace_has_aware_steps_and_the_command_lines_state(
    ledger: tuple[coloring.api.Ledger, str],
) -> None:
    api, url = ledger
    unit = api.movements()[0].movement + "#0"
    trace = api.trace(unit)
    shown = json.loads(run("trace", unit, "--db", url, "--format", "json").stdout)
    assert trace.state == shown["state"]
    assert [s.holder for s in trace.steps] == [s["holder"] for s in shown["steps"]]
    assert all(s.at.tzinfo is not None for s in trace.steps)
    assert trace.to_arrow().num_rows == len(trace.steps)


@pytest.mark.parametrize(
    ("ask", "message"),
    [
        ({"rule": "OVERPAID"}, "unknown rule 'OVERPAID' \\(did you mean OVERPAYMENT\\?\\)"),
        ({"as_of": "yesterday"}, "as_of: 'yesterday' is not a time"),
        ({"min_amount": "1.001"}, "at most 2 fraction digits"),
        ({"status": "closed"}, "not open or refused"),
    ],
)
def test_a_malformed_question_raises_bad_query_error(
    ledger: tuple[coloring.api.Ledger, str], ask: dict[str, str], message: str
) -> None:
    api, _ = ledger
    with pytest.raises(coloring.api.BadQueryError, match=message):
        api.findings(**ask)  # type: ignore[arg-type]


def test_explain_gives_the_lines_of_the_explain_command(
    ledger: tuple[coloring.api.Ledger, str],
) -> None:
    api, url = ledger
    f = api.findings()[0]
    shown = run("explain", f.rule, f.subject, "--db", url).stdout.splitlines()
    assert list(api.explain(f.rule, f.subject)) == shown
    with pytest.raises(coloring.api.NotFoundError):
        api.explain(f.rule, "NO-SUCH")


def test_an_unknown_unit_raises_not_found_error(ledger: tuple[coloring.api.Ledger, str]) -> None:
    api, _ = ledger
    with pytest.raises(coloring.api.NotFoundError):
        api.trace("NO-SUCH#0")


def test_loading_the_same_folder_twice_changes_nothing(
    ledger: tuple[coloring.api.Ledger, str],
) -> None:
    api, _ = ledger
    before = api.findings(), api.balance_steps(), api.movements()
    again = api.load(SHIPPED)
    assert again.applied == 0 and again.skipped > 0
    assert (api.findings(), api.balance_steps(), api.movements()) == before


def test_replay_with_overrides_equals_the_replay_command() -> None:
    root = Path(__file__).resolve().parents[2]
    scenario = root / "scenarios" / "auyl-amanaty.yaml"
    result = coloring.api.replay(scenario, mode="enforce", **{"programs.AA-2025.max_idle_days": 15})
    shown = json.loads(
        run(
            "replay",
            scenario,
            "--mode",
            "enforce",
            "--set",
            "programs.AA-2025.max_idle_days=15",
            "--format",
            "json",
        ).stdout
    )
    assert result.mode == "enforce"
    assert {u.program: str(u.misused) for u in result.utilisation} == {
        p: u["misused"] for p, u in shown["programs"].items()
    }
    assert [(f.rule, f.subject) for f in result.findings] == [
        (f["rule"], f["subject"]) for f in shown["findings"]
    ]
    assert len(result.expectations.failures) == len(shown["expectations"]["failed"]) > 0
    assert not result.expectations.ok


def test_a_bad_override_raises_a_coloring_error_naming_it() -> None:
    root = Path(__file__).resolve().parents[2]
    with pytest.raises(coloring.api.ColoringError, match="sixty"):
        coloring.api.replay(
            root / "scenarios" / "auyl-amanaty.yaml", **{"programs.AA-2025.max_idle_days": "sixty"}
        )


def test_a_ledger_opened_without_catch_up_answers_as_projected_and_writes_nothing(
    tmp_path: Path,
) -> None:
    from coloring.application import ColoringApplication
    from coloring.pilot.loader import load_folder
    from coloring.projections.runner import ProjectionRunner

    url = f"sqlite:///{tmp_path / 'pending.db'}"
    app = ColoringApplication(url)
    load_folder(app, SHIPPED)  # recorded, not projected yet
    pending = ProjectionRunner(app.store).pending()
    app.close()
    with coloring.api.open(url, catch_up=False) as reader:
        assert len(reader.findings()) == 0
    app = ColoringApplication(url)
    assert ProjectionRunner(app.store).pending() == pending > 0
    app.close()
    with coloring.api.open(url) as ledger:
        assert len(ledger.findings()) > 0
