"""Several loads into one ledger (sections 3 and 7.14): loading again changes nothing, later
folders add what is new, time only moves forward, and the findings of several loads equal
those of one load of all records."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from pilot.builders import Folder, brief, count_rows, findings, load, run, season

SPLIT = "2025-02-01"


def messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def findings_text(db: str) -> str:
    result = run("findings", "--db", db, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def contract_view(found: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What the contract promises of each finding, with the parties it concerns."""
    return [(*t, tuple(f["participants"])) for t, f in zip(brief(found), found, strict=True)]


def test_the_season_has_findings_of_most_rules(tmp_path: Path) -> None:
    found = findings(season(tmp_path / "all").write())
    assert {f["rule"] for f in found} >= {
        "DOCUMENT_MISMATCH",
        "DOUBLE_SUBSIDY",
        "DUPLICATE_ANIMAL",
        "EARLY_DISPOSAL",
        "IDLE_FUNDS",
        "INSUFFICIENT_FUNDS",
        "OVERPAYMENT",
        "PAID_BEFORE_REREGISTRATION",
        "PRICE_ABOVE_REFERENCE",
        "RELATED_PARTY",
        "SELLER_NOT_OWNER",
        "SUBSIDY_OVER_CAP",
    }


def test_loading_the_same_folder_twice_changes_nothing(tmp_path: Path) -> None:
    folder = season(tmp_path / "all").write()
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    load(folder, db=db)
    before = (findings_text(db), count_rows(db, "stored_events"))
    load(folder, db=db)
    assert (findings_text(db), count_rows(db, "stored_events")) == before


def test_loading_again_says_everything_was_already_recorded(tmp_path: Path) -> None:
    folder = season(tmp_path / "all").write()
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    load(folder, db=db)
    again = load(folder, db=db)
    assert "payments applied 0, refused 0" in again.stderr


def test_two_folders_split_by_time_give_the_findings_of_one_load(tmp_path: Path) -> None:
    whole = season(tmp_path / "all")
    one = findings(whole.write())
    first = whole.part(tmp_path / "january", before=SPLIT).write()
    second = whole.part(tmp_path / "february", since=SPLIT).write()
    db = f"sqlite:///{tmp_path / 'two-loads.db'}"
    findings(first, db=db)
    assert contract_view(findings(second, db=db)) == contract_view(one)


def test_three_folders_split_by_time_give_the_findings_of_one_load(tmp_path: Path) -> None:
    whole = season(tmp_path / "all")
    one = findings(whole.write())
    db = f"sqlite:///{tmp_path / 'three-loads.db'}"
    cuts = [None, "2025-01-08", "2025-02-05", None]
    for i, (since, before) in enumerate(itertools.pairwise(cuts)):
        found = findings(whole.part(tmp_path / f"part{i}", since, before).write(), db=db)
    assert contract_view(found) == contract_view(one)


def test_a_later_folder_may_start_at_exactly_the_latest_instant(tmp_path: Path) -> None:
    first = Folder(tmp_path / "one").allocations(("AL1", "AA", "T", "OP", "1000", "2025-01-01"))
    first.transfers(("X1", "2025-01-02T10:00", "AA", "OP", "B", "1000", ""))
    second = Folder(tmp_path / "two").transfers(
        ("X2", "2025-01-02T10:00", "AA", "B", "F", "1000", "")
    )
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    findings(first.write(), db=db)
    assert findings(second.write(), db=db) == []


def test_an_id_loaded_again_with_different_content_is_refused_naming_both_places(
    tmp_path: Path,
) -> None:
    allocation = ("AL1", "AA", "T", "OP", "1000", "2025-01-01")
    first = (
        Folder(tmp_path / "one")
        .allocations(allocation)
        .transfers(("X1", "2025-01-02", "AA", "OP", "B", "100", ""))
        .write()
    )
    second = (
        Folder(tmp_path / "two")
        .allocations(allocation)
        .transfers(
            ("X0", "2025-01-03", "AA", "OP", "B", "5", ""),
            ("X1", "2025-01-02", "AA", "OP", "B", "200", ""),
        )
        .write()
    )
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    load(first, db=db)
    events = count_rows(db, "stored_events")
    refused = load(second, db=db, code=2)
    assert (
        "transfers.csv:3: -: transfer 'X1' is already in the ledger with different content "
        f"(recorded from {first}/transfers.csv:2); to correct it, load every folder into a "
        "fresh ledger"
    ) in messages(refused.stderr)
    assert messages(refused.stderr)[-1] == f"{second}: nothing was recorded"
    assert count_rows(db, "stored_events") == events


def test_a_later_folder_with_a_record_before_the_latest_instant_is_refused_whole(
    tmp_path: Path,
) -> None:
    first = Folder(tmp_path / "one").allocations(("AL1", "AA", "T", "OP", "1000", "2025-01-01"))
    first.transfers(("X1", "2025-01-05", "AA", "OP", "B", "100", ""))
    second = Folder(tmp_path / "two").allocations(("AL2", "AA", "T", "OP", "10", "2025-01-06"))
    second.transfers(
        ("X2", "2025-01-07", "AA", "OP", "F", "100", ""),
        ("X3", "2025-01-04T23:59:59", "AA", "OP", "F", "100", ""),
    )
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    before = findings(first.write(), db=db)
    events = count_rows(db, "stored_events")
    refused = load(second.write(), db=db, code=2)
    assert messages(refused.stderr)[-2:] == [
        "transfers.csv:3: -: this record is dated before the latest instant already in the "
        "ledger: time only moves forward across loads; to correct the past, load all folders "
        "into a fresh ledger",
        f"{tmp_path / 'two'}: nothing was recorded",
    ]
    assert count_rows(db, "stored_events") == events
    assert findings(None, db=db) == before


def late_animals(root: Path) -> tuple[Folder, Folder]:
    """P1 (F buys KZ1 from S) recorded first; a later folder lists KZ2 (bought earlier in P0,
    never registered) for P1 too, and F pays P1 in full."""
    first = Folder(root / "one").allocations(("AL1", "AA", "T", "OP", "1000", "2025-01-01"))
    first.transfers(
        ("M1", "2025-01-01T11:00", "AA", "OP", "B", "1000", ""),
        ("M2", "2025-01-01T12:00", "AA", "B", "F", "1000", ""),
    ).purchases(
        ("P0", "AA", "F", "S", "2025-01-02"), ("P1", "AA", "F", "S", "2025-01-03")
    ).purchase_animals(("P0", "KZ2", "cow", "90"), ("P1", "KZ1", "cow", "400")).registry(
        ("KZ1", "cow", "registered", "S", "2024-12-01"),
        ("KZ1", "cow", "transferred", "F", "2025-01-04"),
    )
    second = (
        Folder(root / "two")
        .purchase_animals(("P1", "KZ2", "cow", "100"))
        .transfers(
            ("X1", "2025-01-05", "AA", "F", "S", "500", "P1"),
        )
    )
    return first, second


def first_loaded(root: Path) -> str:
    """A ledger holding the first folder of `late_animals`; returns its URL."""
    first, _ = late_animals(root)
    db = f"sqlite:///{root / 'ledger.db'}"
    load(first.write(), db=db)
    return db


def in_two_loads_and_in_one(
    root: Path, first: Folder, second: Folder
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The findings of `first` then `second` loaded into one ledger, and those of one load of
    `first` with the animals and payments of `second`."""
    db = f"sqlite:///{root / 'two-loads.db'}"
    findings(first.write(), db=db)
    two = findings(second.write(), db=db)
    whole = first.part(root / "all")
    whole.purchase_animals(*second.rows["purchase_animals"]).transfers(*second.rows["transfers"])
    return two, findings(whole.write())


def test_late_animals_of_a_purchase_loaded_earlier_give_the_findings_of_one_load(
    tmp_path: Path,
) -> None:
    two, one = in_two_loads_and_in_one(tmp_path, *late_animals(tmp_path))
    assert contract_view(two) == contract_view(one)
    assert [(f["rule"], f["subject"]) for f in one] == [
        ("UNREGISTERED_ANIMAL", "P0/KZ2"),
        ("DUPLICATE_ANIMAL", "P1/KZ2"),
        ("UNREGISTERED_ANIMAL", "P1/KZ2"),
        ("PAID_BEFORE_REREGISTRATION", "X1"),
    ]


def test_late_animals_for_a_purchase_the_ledger_does_not_hold_are_refused(
    tmp_path: Path,
) -> None:
    db = first_loaded(tmp_path)
    orphan = Folder(tmp_path / "orphan").purchase_animals(("P9", "KZ9", "cow", "100")).write()
    refused = load(orphan, db=db, code=2)
    assert messages(refused.stderr)[-2:] == [
        "purchase_animals.csv:2: purchase_id: unknown purchase 'P9' (not in purchases.csv nor "
        "in the ledger)",
        f"{orphan}: nothing was recorded",
    ]


def test_late_animals_re_judge_a_payment_made_before_they_were_loaded(tmp_path: Path) -> None:
    first, second = late_animals(tmp_path)
    first.transfers(("X1", "2025-01-05", "AA", "F", "S", "500", "P1"))
    second.rows["transfers"] = []
    two, one = in_two_loads_and_in_one(tmp_path, first, second)
    assert contract_view(two) == contract_view(one)


def test_findings_json_is_the_same_text_after_a_second_load(tmp_path: Path) -> None:
    folder = season(tmp_path / "all").write()
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    load(folder, db=db)
    first = json.loads(findings_text(db))
    load(folder, db=db)
    assert json.loads(findings_text(db)) == first


def test_a_folder_that_only_adds_an_animal_to_an_earlier_purchase_counts_it_in_the_summary(
    tmp_path: Path,
) -> None:
    db = first_loaded(tmp_path)
    only_animal = Folder(tmp_path / "animal").purchase_animals(("P1", "KZ2", "cow", "100"))
    result = load(only_animal.write(), db=db)
    assert f"loaded {tmp_path / 'animal'} (observe mode): 1 purchase_animal;" in result.stderr
    assert "nothing new" not in result.stderr
