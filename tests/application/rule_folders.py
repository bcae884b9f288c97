"""The small pilot folders the rule tests build on (tests/application/test_rules_*.py).

Times written without an offset are +05:00. The standard cast and programs are those of
`pilot.builders` (AA livestock, SUB subsidy with a 25% cap, ROAD contract; all expire at
2025-12-31T18:00:00+05:00, max_idle_days 30; AA keeps animals 365 days).
"""

from __future__ import annotations

from pathlib import Path

from pilot.builders import EXPIRES_AT, LIVESTOCK_ROUTE, Folder, brief, findings

OPEN = "open"
REFUSED = "refused"


def aa(tmp_path: Path, amount: str = "1000") -> Folder:
    """AL1 issues `amount` of AA to the operator on 2025-01-01 at 10:00."""
    return Folder(tmp_path / "pilot").allocations(
        ("AL1", "AA", "T", "OP", amount, "2025-01-01T10:00")
    )


def bank_funded(tmp_path: Path) -> Folder:
    """AA: 1000.00 with the bank from 2025-01-01 11:00."""
    return aa(tmp_path).transfers(("M1", "2025-01-01T11:00", "AA", "OP", "B", "1000", ""))


def farmer_funded(tmp_path: Path) -> Folder:
    """AA: 1000.00 with the farmer from 2025-01-01 12:00."""
    return bank_funded(tmp_path).transfers(("M2", "2025-01-01T12:00", "AA", "B", "F", "1000", ""))


def cow_bought(folder: Folder, to_buyer_at: str | None = "2025-01-02T09:00") -> Folder:
    """Purchase P1 (AA, F buys from S on 2025-01-02 at 08:00) of cow KZ1 for 400.00; KZ1 is
    registered to S since 2024-12-01 and transferred to F at `to_buyer_at` (None: never)."""
    folder.purchases(("P1", "AA", "F", "S", "2025-01-02T08:00"))
    folder.purchase_animals(("P1", "KZ1", "cow", "400"))
    folder.registry(("KZ1", "cow", "registered", "S", "2024-12-01"))
    if to_buyer_at is not None:
        folder.registry(("KZ1", "cow", "transferred", "F", to_buyer_at))
    return folder


def pay_for_cow(tmp_path: Path, to_buyer_at: str | None = "2025-01-02T09:00") -> Folder:
    """The farmer pays X1 = 400.00 for P1 on 2025-01-02 at 10:00."""
    return cow_bought(farmer_funded(tmp_path), to_buyer_at).transfers(
        ("X1", "2025-01-02T10:00", "AA", "F", "S", "400", "P1")
    )


def with_loan(folder: Folder, amount: str = "500", **changes: str) -> Folder:
    """Loan L1 (AA, B lends to F) issued on 2025-01-01 at 09:00."""
    row = {
        "loan_id": "L1",
        "program_id": "AA",
        "lender": "B",
        "borrower": "F",
        "amount": amount,
        "issued_at": "2025-01-01T09:00",
        **changes,
    }
    return folder.loans(row)


def road_contract(tmp_path: Path, value: str = "1000") -> Folder:
    """ROAD: 2000.00 with the operator; contract K1 (OP orders from C) signed 2025-01-01."""
    return (
        Folder(tmp_path / "pilot")
        .allocations(("AL1", "ROAD", "T", "OP", "2000", "2025-01-01T10:00"))
        .contracts(("K1", "ROAD", "OP", "C", value, "2025-01-01T10:00", ""))
    )


def subcontracted(tmp_path: Path) -> Folder:
    """`road_contract` and its subcontract K2: C orders 300.00 from SC, signed with K1."""
    return road_contract(tmp_path).contracts(
        ("K2", "ROAD", "C", "SC", "300", "2025-01-01T10:00", "K1")
    )


def subsidy_world(tmp_path: Path) -> Folder:
    """SUB: 1000.00 with the operator from 2025-01-01 10:00."""
    return Folder(tmp_path / "pilot").allocations(
        ("AL1", "SUB", "T", "OP", "1000", "2025-01-01T10:00")
    )


def tractor_subsidised(tmp_path: Path, approved_at: str = "2025-01-01T10:00") -> Folder:
    """`subsidy_world` and subsidy S1 of 200.00 to LC for tractor TR1 (1000.00) from SU."""
    return subsidy_world(tmp_path).subsidies(
        ("S1", "SUB", "LC", "SU", "TR1", "tractor", "1000", "200", approved_at)
    )


def second_program(folder: Folder, program_id: str, kind: str = "livestock") -> Folder:
    route = LIVESTOCK_ROUTE if kind == "livestock" else "treasury>operator operator>supplier"
    return folder.programs(
        (program_id, f"Program {program_id}", kind, route, EXPIRES_AT, "30", "", "", "")
    )


def spend_at(tmp_path: Path, at: str) -> list[tuple[str, ...]]:
    folder = aa(tmp_path).transfers(("X1", at, "AA", "OP", "B", "100", "")).write()
    return brief(findings(folder, "--rule", "SPENT_AFTER_EXPIRY"))


def animal_rules(tmp_path: Path, *registry: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Purchase P1 (F buys cow KZ1 from S for 400.00 on 2025-01-02 at 08:00) and these
    registry rows; the findings of the two registration rules."""
    folder = Folder(tmp_path / "pilot").purchases(("P1", "AA", "F", "S", "2025-01-02T08:00"))
    folder.purchase_animals(("P1", "KZ1", "cow", "400")).registry(*registry)
    found = findings(folder.write())
    return [f for f in brief(found) if f[0] in ("UNREGISTERED_ANIMAL", "SELLER_NOT_OWNER")]


# A registry row: KZ1 transferred to the buyer F the morning after purchase P1; the finding
# when it leaves F within retention.
TO_BUYER = ("KZ1", "cow", "transferred", "F", "2025-01-02T09:00")
EARLY_P1 = ("EARLY_DISPOSAL", "P1/KZ1", "AA", "400.00", "2025-01-02T08:00:00+05:00", OPEN)
