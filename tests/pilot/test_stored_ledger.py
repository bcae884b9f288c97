"""The reader's view of the ledger it loads into: an empty ledger answers every question with
"none" without building an aggregate id; a ledger that holds records answers from its store."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from coloring.application import ColoringApplication
from coloring.domain import ids
from coloring.pilot.loader import load_folder
from coloring.pilot.stored import StoredLedger

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "akmola-small"


def _first(name: str, column: str) -> str:
    with (EXAMPLE / name).open(newline="") as f:
        return next(csv.DictReader(f))[column]


def test_an_empty_ledger_knows_nothing_and_builds_no_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = StoredLedger(ColoringApplication(f"sqlite:///{tmp_path / 'l.db'}").store)

    def no_id(kind: str, key: str) -> None:
        raise AssertionError(f"an id was built for {kind} {key}")

    monkeypatch.setattr(ids, "natural_id", no_id)
    assert view.participant_role(_first("participants.csv", "participant_id")) is None
    assert not view.program_exists(_first("programs.csv", "program_id"))
    assert view.document_kind(_first("loans.csv", "loan_id")) is None
    assert view.contract_terms("C-1") is None


def test_a_ledger_that_holds_records_answers_from_its_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    load_folder(ColoringApplication(url), EXAMPLE)
    view = StoredLedger(ColoringApplication(url).store)
    assert view.participant_role(_first("participants.csv", "participant_id")) == _first(
        "participants.csv", "role"
    )
    assert view.program_exists(_first("programs.csv", "program_id"))
    assert view.document_kind(_first("loans.csv", "loan_id")) == "loan"


def test_a_ledger_loaded_by_this_process_answers_from_its_store(tmp_path: Path) -> None:
    app = ColoringApplication(f"sqlite:///{tmp_path / 'l.db'}")
    load_folder(app, EXAMPLE)
    view = StoredLedger(app.store)
    assert view.program_exists(_first("programs.csv", "program_id"))
    assert view.document_kind(_first("loans.csv", "loan_id")) == "loan"
