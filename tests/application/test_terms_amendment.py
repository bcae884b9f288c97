"""Amending a program's money terms (`coloring amend`): an event in the program's history that
changes expiry and idle limit from its instant on, never what was judged before it.

The standard programs of `pilot.builders` expire at 2025-12-31T18:00:00+05:00 with
max_idle_days 30. Each story loads a first folder, amends, then loads a later folder.
"""

from __future__ import annotations

import json
from pathlib import Path

from pilot.builders import Folder, brief, count_rows, db_for, findings, load, run


def amend(db: str, *args: str, code: int = 0) -> str:
    result = run("amend", "AA", "--db", db, *args)
    assert result.exit_code == code, result.stderr or result.stdout
    return result.stderr


def operator_funded(root: Path) -> Folder:
    """AL1 issues 1000.00 of AA to the operator on 2025-01-01 at 10:00."""
    return Folder(root).allocations(("AL1", "AA", "T", "OP", "1000", "2025-01-01T10:00"))


def funded_ledger(tmp_path: Path) -> str:
    """A ledger holding `operator_funded` (the folder `first`); returns its URL."""
    first = operator_funded(tmp_path / "first").write()
    db = db_for(first)
    load(first, db=db)
    return db


def story(tmp_path: Path, amendment: tuple[str, ...], *transfers: tuple[str, ...]) -> str:
    """A funded ledger amended (`coloring amend AA` arguments), then loaded with a later
    folder of `transfers` (`later`); returns its URL."""
    db = funded_ledger(tmp_path)
    amend(db, *amendment)
    load(Folder(tmp_path / "later").transfers(*transfers).write(), db=db)
    return db


def extended(tmp_path: Path, at: str, expires_at: str, paid_at: str, amount: str) -> str:
    """A `story`: AA's expiry moved at `at` to `expires_at` by order 17, then M1, the operator
    paying `amount` to the bank at `paid_at`."""
    amendment = ("--at", at, "--expires-at", expires_at, "--reason", "order 17")
    return story(tmp_path, amendment, ("M1", paid_at, "AA", "OP", "B", amount, ""))


def test_a_payment_after_the_registered_expiry_but_within_an_extension_is_not_late(
    tmp_path: Path,
) -> None:
    db = extended(tmp_path, "2025-06-01", "2026-06-30", paid_at="2026-01-10", amount="500")
    assert [f["rule"] for f in findings(None, "--rule", "SPENT_AFTER_EXPIRY", db=db)] == []

    unamended = f"sqlite:///{tmp_path / 'unamended.db'}"
    load(tmp_path / "first", db=unamended)
    load(tmp_path / "later", db=unamended)
    assert brief(findings(None, "--rule", "SPENT_AFTER_EXPIRY", db=unamended)) == [
        ("SPENT_AFTER_EXPIRY", "M1", "AA", "500.00", "2026-01-10T00:00:00+05:00", "open")
    ]


def test_a_shortened_expiry_makes_later_payments_late(tmp_path: Path) -> None:
    db = story(
        tmp_path,
        ("--at", "2025-05-01", "--expires-at", "2025-06-01", "--reason", "program closed"),
        ("M1", "2025-06-02", "AA", "OP", "B", "500", ""),
    )
    assert [f["subject"] for f in findings(None, "--rule", "SPENT_AFTER_EXPIRY", db=db)] == ["M1"]


def test_each_delivery_keeps_the_idle_limit_it_arrived_under(tmp_path: Path) -> None:
    db = story(
        tmp_path,
        ("--at", "2025-01-02", "--max-idle-days", "5", "--reason", "faster payouts"),
        ("M1", "2025-01-03T10:00", "AA", "OP", "B", "400", ""),
        ("M2", "2025-01-20T10:00", "AA", "OP", "B", "600", ""),
    )
    # AL1 arrived under 30 days and left in 19; M1 arrived under 5 and stayed 17.
    assert brief(findings(None, "--rule", "IDLE_FUNDS", db=db)) == [
        ("IDLE_FUNDS", "M1", "AA", "400.00", "2025-01-08T10:00:00+05:00", "open")
    ]
    assert run("verify", "--db", db).exit_code == 0


def test_unreturned_money_is_judged_against_the_expiry_in_force_at_the_evaluation_instant(
    tmp_path: Path,
) -> None:
    db = extended(tmp_path, "2025-12-01", "2026-03-31", paid_at="2026-01-15", amount="100")
    assert findings(None, "--rule", "UNRETURNED_AFTER_EXPIRY", db=db) == []
    late = findings(None, "--rule", "UNRETURNED_AFTER_EXPIRY", "--as-of", "2026-04-01", db=db)
    assert [(f["subject"], f["amount"], f["at"]) for f in late] == [
        ("AA/B", "100.00", "2026-03-31T00:00:00+05:00"),
        ("AA/OP", "900.00", "2026-03-31T00:00:00+05:00"),
    ]
    explained = run(
        "explain", "UNRETURNED_AFTER_EXPIRY", "AA/OP", "--as-of", "2026-04-01", "--db", db
    )
    assert "amended at 2025-12-01T00:00:00+05:00" in explained.stdout
    assert "(order 17)" in explained.stdout


def test_the_history_of_terms_shows_every_amendment_known_at_the_instant(
    tmp_path: Path,
) -> None:
    db = funded_ledger(tmp_path)
    amend(db, "--at", "2025-02-01", "--max-idle-days", "10", "--reason", "first")
    amend(db, "--at", "2025-03-01", "--expires-at", "2026-01-31", "--reason", "second")

    listed = json.loads(run("programs", "--db", db, "--format", "json").stdout)
    aa = next(p for p in listed if p["program"] == "AA")
    assert (aa["expires_at"], aa["max_idle_days"]) == ("2025-12-31T18:00:00+05:00", 30)
    assert aa["amendments"] == [
        {
            "at": "2025-02-01T00:00:00+05:00",
            "expires_at": "2025-12-31T18:00:00+05:00",
            "max_idle_days": 10,
            "reason": "first",
        },
        {
            "at": "2025-03-01T00:00:00+05:00",
            "expires_at": "2026-01-31T00:00:00+05:00",
            "max_idle_days": 10,
            "reason": "second",
        },
    ]
    before = json.loads(
        run("programs", "--db", db, "--format", "json", "--as-of", "2025-02-15").stdout
    )
    assert [a["reason"] for a in next(p for p in before if p["program"] == "AA")["amendments"]] == [
        "first"
    ]
    assert run("verify", "--db", db).exit_code == 0


def test_a_refused_amendment_says_why_and_records_nothing(tmp_path: Path) -> None:
    db = funded_ledger(tmp_path)
    events = count_rows(db, "stored_events")
    cases = [
        (("--at", "2025-02-01", "--reason", "nothing"), 2, "changes expires_at, max_idle_days"),
        (("--at", "2025-02-01", "--max-idle-days", "5", "--reason", " "), 2, "needs a reason"),
        (("--at", "2025-02-01", "--max-idle-days", "-1", "--reason", "x"), 2, "from 0 to"),
        (("--at", "2025-02-01", "--max-idle-days", str(10**13), "--reason", "x"), 2, "from 0 to"),
        (
            ("--at", "2025-02-01", "--expires-at", "2025-01-31", "--reason", "x"),
            2,
            "before the amendment instant",
        ),
        (("--at", "2025-02-30", "--max-idle-days", "5", "--reason", "x"), 2, "--at"),
        (("--at", "2024-12-31", "--max-idle-days", "5", "--reason", "x"), 1, "time only moves"),
    ]
    for args, code, message in cases:
        assert message in amend(db, *args, code=code)
    result = run(
        "amend", "NOPE", "--at", "2025-02-01", "--max-idle-days", "5", "--reason", "x", "--db", db
    )
    assert result.exit_code == 1 and "unknown program 'NOPE'" in result.stderr
    assert count_rows(db, "stored_events") == events
