"""A ledger written before the hash chain existed is never passed silently: `verify` names where
the chain starts, `migrate` chains the older events, and seals work from then on."""

from __future__ import annotations

from pathlib import Path

from integrity.tamper import Stored, coloring
from pilot.builders import load, season


def unchained_ledger(tmp_path: Path) -> tuple[str, Stored]:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    load(season(tmp_path / "pilot").write(), db=url)
    stored = Stored(url)
    stored.run("DELETE FROM ledger_chain")
    return url, stored


def test_verify_names_the_events_written_before_the_chain(tmp_path: Path) -> None:
    url, stored = unchained_ledger(tmp_path)
    result = coloring("verify", "--db", url)
    assert result.returncode == 1
    assert result.stdout.startswith(
        f"position 1: chain: {stored.last()} event(s) from here to position {stored.last()} "
        "are not chained"
    )


def test_seal_refuses_an_unchained_ledger_until_it_is_migrated(tmp_path: Path) -> None:
    url, _ = unchained_ledger(tmp_path)
    refused = coloring("seal", "--db", url)
    assert refused.returncode == 1
    assert "run `coloring migrate` first" in refused.stderr
    migrated = coloring("migrate", "--db", url)
    assert migrated.returncode == 0, migrated.stderr
    assert "earlier seals no longer match" in migrated.stderr
    assert coloring("verify", "--db", url).returncode == 0
    assert coloring("seal", "--db", url).returncode == 0


def test_migrate_refuses_a_broken_chain(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    load(season(tmp_path / "pilot").write(), db=url)
    stored = Stored(url)
    stored.edit_json(5, seq=999)
    result = coloring("migrate", "--db", url)
    assert result.returncode == 1
    assert "the hash chain is broken at position 5" in result.stderr
