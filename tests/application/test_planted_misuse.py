"""On generated pilot folders the ledger finds every planted breach and nothing else."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner

from coloring.cli import app
from coloring.pilot.generator import generate


def findings_of(folder: Path, db: Path) -> set[tuple[str, str]]:
    runner = CliRunner()
    url = f"sqlite:///{db}"
    loaded = runner.invoke(app, ["load", str(folder), "--db", url])
    assert loaded.exit_code == 0, loaded.output
    listed = runner.invoke(app, ["findings", "--format", "json", "--db", url])
    assert listed.exit_code == 0, listed.output
    return {(f["rule"], f["subject"]) for f in json.loads(listed.stdout)}


def planted_in(folder: Path) -> set[tuple[str, str]]:
    return {(p["rule"], p["subject"]) for p in json.loads((folder / "planted.json").read_text())}


@pytest.mark.parametrize("seed", [11, 12])
def test_findings_on_a_seeded_medium_folder_have_precision_and_recall_of_one(
    tmp_path: Path, seed: int
) -> None:
    folder = tmp_path / "pilot"
    generate(folder, seed=seed, farmers=40, misuse_rate=0.1)
    planted = planted_in(folder)
    found = findings_of(folder, tmp_path / "ledger.db")
    assert {rule for rule, _ in planted} >= {"IDLE_FUNDS", "OVERPAYMENT", "DOUBLE_SUBSIDY"}
    assert found - planted == set(), "flagged although planted as clean"
    assert planted - found == set(), "planted but not found"


def test_a_registry_extract_of_the_whole_herd_yields_exactly_the_planted_findings(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "pilot"
    generate(folder, seed=13, farmers=30, misuse_rate=0.1, herd=15)
    assert findings_of(folder, tmp_path / "ledger.db") == planted_in(folder)


def test_the_shipped_example_folder_yields_exactly_its_planted_findings(tmp_path: Path) -> None:
    folder = Path(__file__).resolve().parents[2] / "examples" / "akmola-small"
    assert findings_of(folder, tmp_path / "ledger.db") == planted_in(folder)


def test_a_ledger_larger_than_the_aggregate_cache_finds_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import coloring.store

    monkeypatch.setattr(coloring.store, "CACHE_SIZE", 5)
    folder = Path(__file__).resolve().parents[2] / "examples" / "akmola-small"
    assert findings_of(folder, tmp_path / "ledger.db") == planted_in(folder)


def test_participants_are_never_read_back_however_small_the_aggregate_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every payment reads its payer and payee: read back from the ledger, they were nearly
    all of what a large folder's load read back."""
    import coloring.pilot.loader
    import coloring.store
    from coloring.domain.aggregates import Participant

    read_back = []
    replayed = coloring.store.LedgerStore._replayed

    def recording(store: coloring.store.LedgerStore, aggregate_id: UUID) -> object:
        aggregate = replayed(store, aggregate_id)
        read_back.append(aggregate)
        return aggregate

    monkeypatch.setattr(coloring.pilot.loader, "BATCH", 50)  # the cache shrinks per batch
    monkeypatch.setattr(coloring.store, "CACHE_SIZE", 5)
    monkeypatch.setattr(coloring.store.LedgerStore, "_replayed", recording)
    folder = tmp_path / "pilot"
    generate(folder, seed=11, farmers=40, misuse_rate=0.1)
    assert findings_of(folder, tmp_path / "ledger.db") == planted_in(folder)
    assert read_back, "documents, which the cache does not keep, are read back"
    assert not [a for a in read_back if isinstance(a, Participant)]


def test_a_load_in_small_batches_with_few_owners_kept_in_memory_finds_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many pages, so animals and assets are re-judged on later pages, some of them after
    findings of theirs were written (only those are deleted first); owners forgotten after
    each batch and read back from the record index."""
    import coloring.pilot.loader
    import coloring.store

    monkeypatch.setattr(coloring.pilot.loader, "BATCH", 50)
    monkeypatch.setattr(coloring.store, "OWNERS_SIZE", 20)
    folder = tmp_path / "pilot"
    generate(folder, seed=11, farmers=40, misuse_rate=0.1)
    assert findings_of(folder, tmp_path / "ledger.db") == planted_in(folder)
