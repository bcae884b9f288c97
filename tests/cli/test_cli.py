"""The `coloring` command line: help, output formats (section 6), exit codes and messages
(0 ok, 1 failed check or domain error, 2 bad input or usage), verify, rebuild, explain, trace."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from contextlib import redirect_stdout
from datetime import datetime
from importlib import import_module
from pathlib import Path

import pytest

from coloring import cli
from coloring.readcli import answer
from pilot.builders import Folder, count_rows, cow_bought_twice, db_for, load, run, sqlite_path

# The CLI registers its commands lazily, from this table: `app.registered_commands` is empty
# until a command runs, so the table is what lists them.
COMMANDS = sorted(cli.COMMANDS)


def messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def example(root: Path) -> Folder:
    """A small livestock season: a loan, two purchases of one cow, payments with an
    overpayment, a refused payment and a late return."""
    return cow_bought_twice(root).transfers(("T6", "2025-03-08", "AA", "OP", "T", "400", ""))


EXAMPLE_FINDINGS = [
    ("EARLY_DISPOSAL", "P1/KZ1", "AA", "400.00", "2025-01-03T00:00:00+05:00", "open"),
    ("PRICE_ABOVE_REFERENCE", "P1/KZ1", "AA", "400.00", "2025-01-03T00:00:00+05:00", "open"),
    ("DUPLICATE_ANIMAL", "P2/KZ1", "AA", "100.00", "2025-01-04T00:00:00+05:00", "open"),
    ("EARLY_DISPOSAL", "P2/KZ1", "AA", "100.00", "2025-01-04T00:00:00+05:00", "open"),
    ("SELLER_NOT_OWNER", "P2/KZ1", "AA", "100.00", "2025-01-04T00:00:00+05:00", "open"),
    ("PAID_BEFORE_REREGISTRATION", "T3", "AA", "400.00", "2025-01-06T00:00:00+05:00", "open"),
    ("INSUFFICIENT_FUNDS", "T5", "AA", "500.00", "2025-01-08T00:00:00+05:00", "refused"),
    ("OVERPAYMENT", "T4", "AA", "50.00", "2025-01-08T00:00:00+05:00", "open"),
    ("IDLE_FUNDS", "AL1", "AA", "400.00", "2025-01-31T00:00:00+05:00", "open"),
    ("IDLE_FUNDS", "T1", "AA", "100.00", "2025-02-03T00:00:00+05:00", "open"),
    ("IDLE_FUNDS", "T2", "AA", "50.00", "2025-02-04T00:00:00+05:00", "open"),
]


@pytest.fixture
def ledger(tmp_path: Path) -> str:
    """The example season loaded into a SQLite file; its database URL."""
    folder = example(tmp_path / "season").write()
    load(folder)
    return db_for(folder)


# -- help ----------------------------------------------------------------------------------


def test_the_app_has_help_listing_every_command() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f" {name} " in result.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_text(name: str) -> None:
    module, function = cli.COMMANDS[name].split(":")
    doc = " ".join((getattr(import_module(module), function).__doc__ or "").split())
    assert doc, f"`coloring {name}` has no docstring"
    result = run(name, "--help")
    assert result.exit_code == 0
    shown = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.stdout).split())
    assert " ".join(doc.split()[:6]) in shown


# -- findings: formats ---------------------------------------------------------------------


def test_findings_json_is_the_contracts_list_of_objects(ledger: str) -> None:
    result = run("findings", "--db", ledger, "--format", "json")
    assert result.exit_code == 0
    found = json.loads(result.stdout)
    assert [
        tuple(f[k] for k in ("rule", "subject", "program", "amount", "at", "status")) for f in found
    ] == EXAMPLE_FINDINGS


def test_findings_json_amounts_are_strings_with_two_decimals_and_times_carry_offsets(
    ledger: str,
) -> None:
    found = json.loads(run("findings", "--db", ledger, "--format", "json").stdout)
    for f in found:
        assert isinstance(f["amount"], str)
        assert re.fullmatch(r"[0-9]+\.[0-9]{2}", f["amount"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", f["at"])
        assert f["status"] in ("open", "refused")


def test_findings_json_is_sorted_by_instant_then_rule_then_subject(ledger: str) -> None:
    found = json.loads(run("findings", "--db", ledger, "--format", "json").stdout)
    keys = [(datetime.fromisoformat(f["at"]), f["rule"], f["subject"]) for f in found]
    assert keys == sorted(keys)


def test_findings_json_of_an_empty_ledger_is_an_empty_array(tmp_path: Path) -> None:
    folder = Folder(tmp_path / "empty").write()
    load(folder)
    result = run("findings", "--db", db_for(folder), "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_findings_csv_has_a_header_and_the_same_rows_as_json(ledger: str) -> None:
    result = run("findings", "--db", ledger, "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:7] == ["rule", "subject", "program", "amount", "at", "status", "participants"]
    assert rows[0][7:] == ["region", "evidence"]
    assert [tuple(r[:6]) for r in rows[1:]] == EXAMPLE_FINDINGS


def test_findings_table_goes_to_stdout_and_its_count_to_stderr(ledger: str) -> None:
    result = run("findings", "--db", ledger, "--rule", "OVERPAYMENT")
    assert result.exit_code == 0
    assert "T4" in result.stdout and "50.00" in result.stdout
    assert messages(result.stderr) == ["1 finding"]


def test_findings_check_exits_1_when_there_is_a_finding(ledger: str) -> None:
    assert run("findings", "--db", ledger, "--format", "json", "--check").exit_code == 1
    quiet = run("findings", "--db", ledger, "--rule", "ROUND_TRIP", "--check")
    assert quiet.exit_code == 0


def test_an_unknown_format_is_a_usage_error(ledger: str) -> None:
    assert run("findings", "--db", ledger, "--format", "xml").exit_code == 2


@pytest.mark.parametrize("command", ["findings", "balances", "explain", "trace"])
def test_a_bad_as_of_exits_2_saying_what_a_time_looks_like(ledger: str, command: str) -> None:
    args = {"explain": ["OVERPAYMENT", "T4"], "trace": ["AL1#0"]}.get(command, [])
    result = run(command, *args, "--db", ledger, "--as-of", "yesterday")
    assert result.exit_code == 2
    assert messages(result.stderr) == [
        "error: --as-of: 'yesterday' is not a time of the form "
        "YYYY-MM-DD[THH:MM[:SS[.ffffff]]][Z|+HH:MM]"
    ]


def test_a_bad_since_exits_2(ledger: str) -> None:
    result = run("findings", "--db", ledger, "--since", "2025-02-30")
    assert result.exit_code == 2
    assert messages(result.stderr)[0].startswith("error: --since: '2025-02-30' ")


# -- load: bad input -----------------------------------------------------------------------


def test_bad_input_exits_2_naming_every_error_and_records_nothing(tmp_path: Path) -> None:
    folder = example(tmp_path / "bad")
    folder.rows["transfers"][1]["amount"] = "12.345"
    folder.rows["loans"][0]["issued_at"] = "2025-13-02"
    path = folder.write()
    result = load(path, code=2)
    assert messages(result.stderr) == [
        "loans.csv:2: issued_at: '2025-13-02' is not a valid date or time: month must be in 1..12",
        "transfers.csv:3: amount: '12.345' is not an amount in tenge with at most 2 fraction "
        "digits",
        f"{path}: nothing was recorded",
    ]
    assert result.stdout == ""
    assert not Path(sqlite_path(db_for(path))).exists()


def test_a_refused_load_into_an_existing_ledger_keeps_the_ledger(tmp_path: Path) -> None:
    good = example(tmp_path / "good").write()
    load(good)
    bad = example(tmp_path / "bad")
    bad.rows["transfers"][1]["amount"] = "12.345"
    before = count_rows(db_for(good), "stored_events")
    load(bad.write(), db=db_for(good), code=2)
    assert count_rows(db_for(good), "stored_events") == before


def test_a_misspelt_csv_file_is_an_error(tmp_path: Path) -> None:
    path = example(tmp_path / "bad").file("particpants.csv", "participant_id\nX\n").write()
    result = load(path, code=2)
    assert messages(result.stderr)[0].startswith("particpants.csv:")
    assert "not a file of the pilot contract" in messages(result.stderr)[0]


def test_payer_equal_to_payee_names_the_payee_column(tmp_path: Path) -> None:
    path = (
        example(tmp_path / "bad").transfers(("T7", "2025-03-09", "AA", "B", "B", "1", "")).write()
    )
    result = load(path, code=2)
    assert messages(result.stderr)[0].startswith("transfers.csv:8: payee: ")


def test_loading_a_missing_folder_exits_2(tmp_path: Path) -> None:
    result = run("load", tmp_path / "nowhere", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.exit_code == 2
    assert messages(result.stderr) == [
        f"{tmp_path / 'nowhere'}:0: -: no such folder",
        f"{tmp_path / 'nowhere'}: nothing was recorded",
    ]


def test_an_unknown_mode_exits_2(tmp_path: Path) -> None:
    folder = example(tmp_path / "season").write()
    result = run("load", folder, "--db", db_for(folder), "--mode", "strict")
    assert result.exit_code == 2
    assert messages(result.stderr) == ["error: --mode must be observe or enforce, not 'strict'"]


def test_a_ledger_keeps_the_mode_it_was_opened_in(tmp_path: Path) -> None:
    folder = example(tmp_path / "season").write()
    load(folder)
    result = run("load", folder, "--db", db_for(folder), "--mode", "enforce")
    assert result.exit_code == 1
    assert "observe" in result.stderr


def test_load_reports_on_stderr_and_prints_no_data(tmp_path: Path) -> None:
    result = load(example(tmp_path / "season").write())
    assert result.stdout == ""
    assert "payments applied 5, refused 1" in result.stderr


# -- trace, balances, explain --------------------------------------------------------------


def test_trace_follows_one_unit_from_its_allocation_to_where_it_is(ledger: str) -> None:
    result = run("trace", "AL1#0", "--db", ledger, "--format", "json")
    assert result.exit_code == 0
    trace = json.loads(result.stdout)
    assert (trace["unit"], trace["program"], trace["state"]) == ("AL1#0", "AA", "spent at S")
    assert [(s["holder"], s["via"], s["outcome"]) for s in trace["steps"]] == [
        ("OP", "AL1", "held"),
        ("B", "T1", "held"),
        ("F", "T2", "held"),
        ("S", "T3", "spent"),
    ]


def test_trace_as_of_a_past_instant_stops_there(ledger: str) -> None:
    result = run("trace", "AL1#0", "--db", ledger, "--format", "json", "--as-of", "2025-01-04")
    assert json.loads(result.stdout)["state"] == "held by B"


def test_trace_of_an_unknown_allocation_exits_2_naming_the_known_ones(ledger: str) -> None:
    result = run("trace", "NOPE#1", "--db", ledger)
    assert result.exit_code == 2
    assert messages(result.stderr) == [
        "error: no allocation 'NOPE' in the ledger (allocations: AL1)"
    ]


def test_trace_of_a_unit_the_allocation_did_not_issue_exits_1(ledger: str) -> None:
    result = run("trace", "AL1#100000", "--db", ledger)
    assert result.exit_code == 1
    assert messages(result.stderr) == [
        "error: allocation 'AL1' has units 0..99999; there is no #100000"
    ]


def test_balances_show_what_each_holder_holds(ledger: str) -> None:
    result = run("balances", "--db", ledger, "--format", "json")
    assert json.loads(result.stdout) == [
        {"program": "AA", "participant": "B", "held": "100.00"},
        {"program": "AA", "participant": "F", "held": "50.00"},
    ]


def test_explain_names_the_transfer_and_the_document(ledger: str) -> None:
    result = run("explain", "OVERPAYMENT", "T4", "--db", ledger)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert (
        lines[0] == "OVERPAYMENT T4 (open): 50.00 KZT of program AA, at 2025-01-08T00:00:00+05:00"
    )
    assert lines[1].startswith(
        "- transfer T4 at 2025-01-08T00:00:00+05:00: F -> S, 50.00 KZT, applied (spent), "
        "purpose_ref P1, counted towards P1"
    )
    assert lines[2] == (
        "- purchase P1 of AA dated 2025-01-03T00:00:00+05:00: F -> S, "
        "value 400.00 KZT, paid 450.00 KZT"
    )


def test_explain_of_an_animal_finding_shows_the_registry(ledger: str) -> None:
    result = run("explain", "SELLER_NOT_OWNER", "P2/KZ1", "--db", ledger)
    assert result.exit_code == 0
    assert (
        "- registry of KZ1: 2025-01-03T00:00:00+05:00 registered S; "
        "2025-01-07T00:00:00+05:00 transferred F; 2025-02-01T00:00:00+05:00 exported"
    ) in result.stdout.splitlines()


def test_explain_of_a_finding_that_does_not_exist_exits_1(ledger: str) -> None:
    result = run("explain", "OVERPAYMENT", "T1", "--db", ledger)
    assert result.exit_code == 1
    assert messages(result.stderr) == [
        "error: no finding OVERPAYMENT T1 (see `coloring findings --rule OVERPAYMENT`)"
    ]


# -- verify and rebuild --------------------------------------------------------------------


def alter(db: str, sql: str) -> None:
    with sqlite3.connect(sqlite_path(db)) as conn:
        conn.execute(sql)


def test_verify_passes_on_a_loaded_ledger(ledger: str) -> None:
    result = run("verify", "--db", ledger)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert re.fullmatch(
        r"verified: (\d+) events, chained from position 1 to \1; every aggregate replays "
        r"\(\d+\), \d+ snapshot\(s\) match, the record index and the read models agree, "
        "money is conserved",
        messages(result.stderr)[0],
    )


def test_verify_fails_with_a_diff_after_a_read_model_row_is_altered(ledger: str) -> None:
    alter(ledger, "UPDATE rm_holdings SET held = held + 1 WHERE participant_id = 'B'")
    result = run("verify", "--db", ledger)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:3] == [
        "read models: rm_holdings: 1 row(s) the events imply are missing or altered, "
        "1 row(s) the events do not imply",
        "  - expected ('AA', 'B', 10000)",
        "  + found    ('AA', 'B', 10001)",
    ]
    assert messages(result.stderr)[-1].startswith("error: ")


def test_verify_shows_a_read_model_row_written_twice_as_one_the_events_do_not_imply(
    ledger: str,
) -> None:
    # rm_balance_steps has no primary key (`schema.STEPS_KEY`): nothing refuses a second copy
    first = "SELECT * FROM rm_balance_steps ORDER BY seq, participant_id LIMIT 1"
    alter(ledger, f"INSERT INTO rm_balance_steps {first}")
    with sqlite3.connect(sqlite_path(ledger)) as conn:
        [twice] = conn.execute(first).fetchall()
    result = run("verify", "--db", ledger)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "read models: rm_balance_steps: 0 row(s) the events imply are missing or altered, "
        "1 row(s) the events do not imply",
        f"  + found    {twice}",
    ]


def test_verify_finds_a_deleted_finding(ledger: str) -> None:
    alter(ledger, "DELETE FROM rm_findings WHERE rule = 'OVERPAYMENT'")
    result = run("verify", "--db", ledger)
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "read models: rm_findings: 1 row(s) the events imply are missing"
    )


def test_rebuild_then_verify_passes(ledger: str) -> None:
    alter(ledger, "UPDATE rm_holdings SET held = held + 1 WHERE participant_id = 'B'")
    rebuilt = run("rebuild", "--db", ledger)
    assert rebuilt.exit_code == 0
    assert re.fullmatch(r"rebuilt the read models from \d+ events", messages(rebuilt.stderr)[0])
    assert run("verify", "--db", ledger).exit_code == 0


def test_rebuild_gives_the_same_findings(ledger: str) -> None:
    before = run("findings", "--db", ledger, "--format", "json").stdout
    assert run("rebuild", "--db", ledger).exit_code == 0
    assert run("findings", "--db", ledger, "--format", "json").stdout == before


def test_a_ledger_that_cannot_be_opened_is_a_usage_error_saying_what_to_check(
    tmp_path: Path,
) -> None:
    result = run("load", tmp_path, "--db", f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    assert result.exit_code == 2
    assert "cannot open the ledger at sqlite:///" in result.stderr
    assert "--db / COLORING_DB" in result.stderr


def test_read_models_written_before_findings_kept_their_text_are_completed_on_open(
    ledger: str,
) -> None:
    expected = run("findings", "--db", ledger, "--format", "json").stdout
    with sqlite3.connect(sqlite_path(ledger)) as conn:
        conn.execute("DROP INDEX ix_rm_unit_moves_via")
        conn.execute("ALTER TABLE rm_findings DROP COLUMN shown")
    assert answer(["findings", "--db", ledger, "--format", "json"]) is None  # not complete
    assert run("findings", "--db", ledger, "--format", "json").stdout == expected
    with sqlite3.connect(sqlite_path(ledger)) as conn:
        assert not conn.execute("SELECT 1 FROM rm_findings WHERE shown = ''").fetchall()
        assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'ix_rm_unit_moves_via'")
    assert run("verify", "--db", ledger).exit_code == 0
    with redirect_stdout(io.StringIO()) as printed:
        assert answer(["findings", "--db", ledger, "--format", "json"]) == 0
    assert printed.getvalue() == expected
    assert json.loads(expected)


def test_read_models_projected_before_balance_steps_existed_are_completed_on_open(
    ledger: str,
) -> None:
    at = "2025-03-01T00:00:00+05:00"
    expected = run("balances", "--db", ledger, "--as-of", at, "--format", "json").stdout
    with sqlite3.connect(sqlite_path(ledger)) as conn:
        conn.execute("DROP TABLE rm_balance_steps")
        conn.execute("DROP TABLE rm_holders")
    assert run("balances", "--db", ledger, "--as-of", at, "--format", "json").stdout == expected
    assert json.loads(expected)
    assert run("verify", "--db", ledger).exit_code == 0
