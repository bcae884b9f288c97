"""A scenario that cannot be replayed: every problem at once, each naming `file:line: field`
(or the `--set` that caused it), exit 2, nothing replayed."""

from __future__ import annotations

from pathlib import Path

from scenario_helpers import Run, Write

CAST = """\
participants:
  T: {role: treasury}
  OP: {role: operator}
  F: {role: farmer}
programs:
  AA:
    kind: livestock
    route: treasury>operator operator>farmer
    expires_at: 2025-12-31T18:00
    max_idle_days: 30
"""


def problems(run: Run, path: Path, *args: str) -> list[str]:
    result = run("replay", str(path), *args)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-1] == f"error: {path}: {len(lines) - 1} problem(s); nothing was replayed"
    return lines[:-1]


def test_a_scenario_with_errors_names_file_line_and_field_of_each(run: Run, write: Write) -> None:
    path = write(
        "bad.yaml",
        """\
participants:
  T: {role: treasury}
  OP: {role: operatr}
programs:
  AA:
    kind: livestock
    route: treasury>operator operator>farmer
    expires_at: 2025-12-31
    max_idle_days: thirty
timeline:
  - {at: 2025-01-01, allocate: AL1, from: T, to: OP, amount: 100}
  - at: 2025-01-02
    pay: T1
    from: OP
    amount: 12.345
    colour: red
  - {at: 2025-01-03, frobnicate: X}
  - {at: someday, return: T3, from: OP, amount: 1}
expect:
  findings: [OFF_ROUTE]
  finding_counts: {NO_SUCH_RULE: 1}
""",
    )
    assert problems(run, path) == [
        "bad.yaml:3: participants.OP.role: Input should be 'treasury', 'operator', 'bank', "
        "'farmer', 'seller', 'leasing_company', 'dealer', 'contractor', 'subcontractor', "
        "'supplier', 'school' or 'other'",
        "bad.yaml:9: programs.AA.max_idle_days: Input should be a valid integer",
        "bad.yaml:12: timeline[1].to: Field required",
        "bad.yaml:15: timeline[1].amount: '12.345' is not an amount in tenge with at most 2 "
        "fraction digits",
        "bad.yaml:16: timeline[1].colour: unknown field (see docs/scenarios.md for the fields of "
        "each part)",
        "bad.yaml:17: timeline[2]: a step is a mapping with `at` and exactly one of: allocate, "
        "lend, purchase, register, transfer_ownership, dispose, export, approve_subsidy, "
        "sign_contract, accept_act, pay, return, amend_terms",
        "bad.yaml:18: timeline[3].at: 'someday' is not a time of the form "
        "YYYY-MM-DD[THH:MM[:SS[.ffffff]]][Z|+HH:MM]",
        "bad.yaml:20: expect.findings[0]: a finding is 'RULE SUBJECT', e.g. 'OFF_ROUTE T-7'",
        "bad.yaml:21: expect.finding_counts.NO_SUCH_RULE: Input should be 'INSUFFICIENT_FUNDS', "
        "'OFF_ROUTE', 'MISSING_DOCUMENT', 'DOCUMENT_MISMATCH', 'OVERPAYMENT', "
        "'SPENT_AFTER_EXPIRY', 'UNRETURNED_AFTER_EXPIRY', 'IDLE_FUNDS', 'ROUND_TRIP', "
        "'RELATED_PARTY', 'UNREGISTERED_ANIMAL', 'SELLER_NOT_OWNER', "
        "'PAID_BEFORE_REREGISTRATION', 'DUPLICATE_ANIMAL', 'EARLY_DISPOSAL', "
        "'PRICE_ABOVE_REFERENCE', 'SUBSIDY_OVER_CAP' or 'DOUBLE_SUBSIDY'",
    ]


def test_references_are_checked_like_the_pilot_contract_with_the_scenario_line(
    run: Run, write: Write
) -> None:
    path = write(
        "refs.yaml",
        CAST
        + """\
timeline:
  - {at: 2025-01-01, allocate: AL1, from: OP, to: F, amount: 100}
  - {at: 2025-01-02, pay: AL1, from: OP, to: GHOST, amount: 5}
  - {at: 2025-01-02, pay: T2, from: F, to: F, amount: 5}
  - {at: 2025-01-03, accept_act: ACT1, contract: C1, amount: 5}
  - {at: 2025-01-04, sign_contract: C1, customer: OP, contractor: F, value: 5}
  - {at: 2025-01-05, transfer_ownership: COW-9, to: F}
  - {at: 2025-01-06, pay: T3, from: OP, to: F, amount: 5, program: BB}
""",
    )
    assert problems(run, path) == [
        "refs.yaml:12: timeline[0].from: an allocation is paid by a treasury",
        "refs.yaml:13: timeline[1].pay: 'AL1' is already used (refs.yaml:12)",
        "refs.yaml:13: timeline[1].to: unknown participant 'GHOST' (declare it in participants)",
        "refs.yaml:14: timeline[2].to: the payee is the payer",
        "refs.yaml:15: timeline[3].contract: no contract 'C1' signed by then",
        "refs.yaml:17: timeline[5].species: required: animal 'COW-9' is in no purchase",
        "refs.yaml:18: timeline[6].program: unknown program 'BB'",
    ]


def test_yaml_syntax_errors_and_duplicate_keys_name_their_line(run: Run, write: Write) -> None:
    broken = write("broken.yaml", "title: x\ntimeline:\n  - {at: 2025-01-01, pay: T1\n")
    result = run("replay", str(broken))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith("broken.yaml:4: -: not valid YAML: ")
    twice = write("twice.yaml", CAST + "programs:\n  BB: {}\n")
    assert problems(run, twice) == [
        "twice.yaml:11: programs: appears twice in one mapping (first on line 5)"
    ]


def test_exactly_one_source_is_required(run: Run, write: Write) -> None:
    both = write("both.yaml", CAST + "timeline: []\npilot: folder\n")
    assert problems(run, both) == [
        "both.yaml:1: -: give exactly one of timeline, pilot, generate (found timeline, pilot)"
    ]
    folder = write("folder.yaml", CAST + "pilot: folder\n")
    assert problems(run, folder) == [
        "folder.yaml:1: participants: comes from the pilot folder; change program settings "
        "with parameters.programs",
        "folder.yaml:5: programs: comes from the pilot folder; change program settings with "
        "parameters.programs",
    ]


def test_a_bad_set_names_the_set_not_the_file(run: Run, write: Write) -> None:
    path = write("ok.yaml", CAST + "timeline: []\n")
    assert problems(run, path, "--set", "programs.AA.max_idle_days=sixty") == [
        "--set programs.AA.max_idle_days=sixty: parameters.programs.AA.max_idle_days: "
        "Input should be a valid integer"
    ]
    assert problems(run, path, "--set", "programs.ZZ.max_idle_days=3") == [
        "--set programs.ZZ.max_idle_days=3: parameters.programs.ZZ: unknown program 'ZZ' "
        "(programs: AA)"
    ]
    assert problems(run, path, "--set", "colour=red") == [
        "--set colour=red: colour: unknown parameter (parameters: as_of, generate, mode, programs)"
    ]
    assert problems(run, path, "--set", "mode") == [
        "--set mode: -: expected PATH=VALUE, e.g. mode=enforce"
    ]
    assert problems(run, path, "--set", "mode=sometimes") == [
        "--set mode=sometimes: parameters.mode: Input should be 'observe' or 'enforce'"
    ]


def test_bad_options_and_missing_files_are_usage_errors(run: Run, write: Write) -> None:
    assert problems(run, Path("nowhere.yaml")) == ["nowhere.yaml: -: no such file"]
    path = write("ok.yaml", CAST + "timeline: []\n")
    result = run("replay", str(path), "--as-of", "2025-02-30")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --as-of: '2025-02-30' is not a valid date or time: day is out of range for month\n"
    )
    assert run("replay", str(path), "--mode", "sometimes").exit_code == 2
