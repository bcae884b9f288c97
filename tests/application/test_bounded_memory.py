"""What a large load keeps in memory is bounded, and the bounds change no answer: participants
frozen beyond the pinned ones, aggregates let go of kept as digests, the participants saved a
batch at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner

import coloring.digests
import coloring.pilot.loader
import coloring.pilot.parallel
import coloring.store
from coloring.application import ColoringApplication
from coloring.cli import app
from coloring.domain.aggregates import Participant
from coloring.domain.registry import RegistryFact
from coloring.pilot.generator import generate
from coloring.pilot.loader import load_folder
from coloring.pilot.parallel import recorder
from coloring.store import LedgerStore
from processes.helpers import fresh_postgres


def outputs_of(folder: Path, db: Path) -> list[str]:
    """The findings and balances of a fresh ledger loaded with `folder`, as users see them."""
    runner = CliRunner()
    url = f"sqlite:///{db}"
    loaded = runner.invoke(app, ["load", str(folder), "--db", url])
    assert loaded.exit_code == 0, loaded.output
    asked = [["findings", "--format", "json"], ["balances", "--format", "json"], ["balances"]]
    answers = [runner.invoke(app, [*question, "--db", url]) for question in asked]
    assert all(a.exit_code == 0 for a in answers)
    return [a.stdout for a in answers]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of 40 farmers, loaded in batches of 50 records (a batch's records share a page
    event: the batches' bounds are in the findings' evidence)."""
    monkeypatch.setattr(coloring.pilot.loader, "BATCH", 50)
    generated = tmp_path / "pilot"
    generate(generated, seed=11, farmers=40, misuse_rate=0.1)
    return generated


def test_a_load_with_participants_frozen_and_thawed_answers_as_one_with_all_kept_whole(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = outputs_of(folder, tmp_path / "whole.db")
    thawed: list[Participant] = []
    thawing = LedgerStore._thawed

    def counting(store: LedgerStore, key: int, frozen: bytes) -> Participant:
        participant = thawing(store, key, frozen)
        thawed.append(participant)
        return participant

    monkeypatch.setattr(coloring.store, "PINNED_SIZE", 10)
    monkeypatch.setattr(LedgerStore, "_thawed", counting)
    assert outputs_of(folder, tmp_path / "frozen.db") == whole
    assert thawed, "participants were frozen and asked for again"


def test_a_thawed_participant_is_the_participant_that_was_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(coloring.store, "PINNED_SIZE", 2)
    store = LedgerStore("sqlite:///:memory:")
    made = [
        Participant(
            participant_id=f"F{n}", name="Farm", role="farmer", region=None, related_to=["B"], seq=n
        )
        for n in range(1, 5)
    ]
    with store.batch():
        for participant in made:
            store.touch(participant)
    states = {p.id: dict(vars(p)) for p in made}
    assert store._frozen, "the earliest pinned were frozen"
    for participant_id, state in states.items():
        again = store.get(participant_id)
        assert isinstance(again, Participant)
        assert vars(again) == state
        assert list(vars(again)) == list(state)
    assert store.get(made[0].id) is store.get(made[0].id)


def test_aggregates_let_go_of_whose_digests_collide_are_read_back_and_found_absent(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A digest that collides says "perhaps let go of" for an aggregate never saved: the store
    reads it and finds nothing, as it would have answered at once."""
    whole = outputs_of(folder, tmp_path / "whole.db")
    read_back: list[Any] = []
    replayed = LedgerStore._replayed

    def recording(store: LedgerStore, aggregate_id: UUID) -> Any:
        aggregate = replayed(store, aggregate_id)
        read_back.append(aggregate)
        return aggregate

    colliding = coloring.digests.Digests

    monkeypatch.setattr(coloring.store, "CACHE_SIZE", 5)
    monkeypatch.setattr(coloring.store, "Digests", lambda: colliding(lambda _: 1))
    monkeypatch.setattr(LedgerStore, "_replayed", recording)
    assert outputs_of(folder, tmp_path / "small.db") == whole
    assert None in read_back, "aggregates never saved were read and found absent"


def test_a_folders_participants_are_saved_a_batch_at_a_time(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In one batch, a 10M folder's participants held ~0.8 GB for a moment."""
    registered: list[int] = []
    insert = LedgerStore._insert

    def counting(store: LedgerStore, events: list[Any], *args: Any) -> None:
        registered.append(sum(isinstance(e, Participant.Registered) for e in events))
        insert(store, events, *args)

    monkeypatch.setattr(LedgerStore, "_insert", counting)
    outputs_of(folder, tmp_path / "ledger.db")
    assert max(registered) == 50
    assert sum(registered) > 50


@pytest.mark.postgres
def test_a_load_in_two_jobs_writes_the_ledger_one_load_writes(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The participants' batches included: the price list opened with the first price is in
    the batch of that price in both, not in the first batch of one of them."""
    monkeypatch.setattr(coloring.pilot.parallel, "BATCH", 50)
    logs = []
    for record in (None, recorder(2)):
        with fresh_postgres() as url:
            ledger = ColoringApplication(url)
            try:
                load_folder(ledger, folder, record=record)
                logs.append(
                    [
                        (n.originator_id, n.originator_version, n.topic)
                        for n in ledger.store.recorder.select_notifications(1, 1_000_000)
                    ]
                )
            finally:
                ledger.close()
    assert len(logs[0]) > 50
    assert logs[0] == logs[1]


def test_animals_of_one_owner_share_one_string_for_their_owner() -> None:
    store = LedgerStore("sqlite:///:memory:")
    rows = [
        RegistryFact(n, f"KZ{n}", "cow", "registered", "".join(["F", "1"]), 0, 0) for n in (1, 2)
    ]
    assert rows[0].owner is not rows[1].owner
    for row in rows:
        store.record_fact(row)
    assert store.current_owner("KZ1") is store.current_owner("KZ2") == "F1"
