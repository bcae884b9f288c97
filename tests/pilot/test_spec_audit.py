"""Folders that are valid under the pilot data contract but once failed to load or to judge.

Each test is a literal reading of one line of `shared/spec/pilot-data.md`; the docstring says
which. Times written without an offset are +05:00; the cast and programs are those of
`pilot.builders` (ROAD: treasury>operator operator>contractor contractor>subcontractor
subcontractor>supplier, max_idle_days 30).
"""

from __future__ import annotations

from pathlib import Path

from pilot.builders import Folder, brief, db_for, findings, run

OPEN = "open"


def road(tmp_path: Path) -> Folder:
    """AL1 issues 1000.00 of ROAD to the operator on 2025-01-01."""
    return Folder(tmp_path / "pilot").allocations(
        ("AL1", "ROAD", "T", "OP", "1000", "2025-01-01T10:00")
    )


K1 = ("K1", "ROAD", "OP", "C", "1000", "2025-01-02T10:00", "")
"""The operator's contract with C, value 1000.00, signed on 2025-01-02."""


def subcontract(signed_at: str) -> tuple[str, ...]:
    """K2, C's subcontract of K1 with SC, value 100.00."""
    return ("K2", "ROAD", "C", "SC", "100", signed_at, "K1")


def paid_down_the_chain(tmp_path: Path, *contracts: tuple[str, ...], to_sc: str) -> Path:
    """`road` with `contracts` (K1 and its subcontract, in file order), acts of 500.00 on K1 and
    100.00 on K2 on 2025-01-03, then OP paying C 500.00 under K1 and C paying SC `to_sc`
    under K2 on 2025-01-04."""
    folder = road(tmp_path).contracts(*contracts)
    folder.acts(("A1", "K1", "500", "2025-01-03T10:00"), ("A2", "K2", "100", "2025-01-03T10:00"))
    folder.transfers(
        ("X1", "2025-01-04T10:00", "ROAD", "OP", "C", "500", "K1"),
        ("X2", "2025-01-04T11:00", "ROAD", "C", "SC", to_sc, "K2"),
    )
    return folder.write()


def test_a_subcontract_listed_before_its_parent_at_the_same_instant_is_loaded(
    tmp_path: Path,
) -> None:
    """Section 3: at one instant, within a file, row order. Section 2 asks only that the parent
    exists and that its contractor orders the subcontract, so the child's row may come first."""
    folder = paid_down_the_chain(tmp_path, subcontract("2025-01-02T10:00"), K1, to_sc="150")
    assert brief(findings(folder)) == [
        ("OVERPAYMENT", "X2", "ROAD", "50.00", "2025-01-04T11:00:00+05:00", OPEN)
    ]


def test_a_subcontract_signed_before_its_parent_is_loaded(tmp_path: Path) -> None:
    """Nothing in sections 2 or 7 dates a subcontract after its parent (7.10 asks for the same
    program and no cycle); it is judged like any other contract."""
    folder = paid_down_the_chain(tmp_path, K1, subcontract("2025-01-01T12:00"), to_sc="100")
    assert findings(folder) == []


def test_an_act_accepted_before_its_contract_is_signed_counts_for_later_payments(
    tmp_path: Path,
) -> None:
    """Section 5: a contract's payable value is the lesser of `value` and the acts accepted at
    or before the payment; section 2 does not date an act after its contract."""
    folder = road(tmp_path).contracts(("K1", "ROAD", "OP", "C", "1000", "2025-01-03T10:00", ""))
    folder.acts(("A1", "K1", "300", "2025-01-02T10:00"))
    folder.transfers(("X1", "2025-01-04T10:00", "ROAD", "OP", "C", "400", "K1"))
    assert brief(findings(folder.write())) == [
        ("OVERPAYMENT", "X1", "ROAD", "100.00", "2025-01-04T10:00:00+05:00", OPEN)
    ]


def test_acts_before_and_after_signing_both_count_and_enforce_mode_refuses_beyond_them(
    tmp_path: Path,
) -> None:
    """The same reading in enforce mode (section 4), with acts on both sides of the signing;
    a rebuild from the events gives the same read models (`verify`)."""
    folder = road(tmp_path).contracts(("K1", "ROAD", "OP", "C", "1000", "2025-01-03T10:00", ""))
    folder.acts(("A1", "K1", "300", "2025-01-02T10:00"), ("A2", "K1", "200", "2025-01-03T12:00"))
    folder.transfers(
        ("X1", "2025-01-04T10:00", "ROAD", "OP", "C", "500", "K1"),
        ("X2", "2025-01-04T11:00", "ROAD", "OP", "C", "1", "K1"),
    )
    path = folder.write()
    assert brief(findings(path, mode="enforce")) == [
        ("OVERPAYMENT", "X2", "ROAD", "1.00", "2025-01-04T11:00:00+05:00", "refused")
    ]
    assert run("verify", "--db", db_for(path)).exit_code == 0


def test_a_program_whose_units_may_idle_for_ever_loads_and_finds_no_idle_funds(
    tmp_path: Path,
) -> None:
    """Section 2: `max_idle_days` is any whole number of days (7.6: >= 0, no upper bound); a
    limit beyond every representable instant means units are never idle."""
    folder = (
        road(tmp_path)
        .programs({"program_id": "ROAD", "max_idle_days": "999999999"})
        .transfers(("X1", "2025-06-01T10:00", "ROAD", "OP", "C", "400", ""))
    )
    path = folder.write()
    assert findings(path) == []
    assert findings(path, "--rule", "IDLE_FUNDS", "--as-of", "9999-12-31T23:59") == []
