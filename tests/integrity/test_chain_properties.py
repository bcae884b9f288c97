"""Properties of the chain: a sound ledger always verifies (and keeps extending its seals as it
grows); any change to any stored event is named at its position."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity.tamper import Stored
from pilot.builders import load, run, season
from strategies import event_columns


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template")
    url = f"sqlite:///{root / 'ledger.db'}"
    load(season(root / "pilot").write(), db=url)
    return root / "ledger.db"


def test_a_ledger_loaded_in_two_parts_extends_the_seal_of_the_first(tmp_path: Path) -> None:
    whole = season(tmp_path / "whole")
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    load(whole.part(tmp_path / "january", before="2025-02-01").write(), db=url)
    seal = tmp_path / "seal.json"
    seal.write_text(run("seal", "--db", url).stdout)
    load(whole.part(tmp_path / "later", since="2025-02-01").write(), db=url)
    result = run("verify", "--db", url, "--seal", str(seal))
    assert result.exit_code == 0, result.stdout
    assert (
        json.loads(run("seal", "--db", url).stdout)["size"] > json.loads(seal.read_text())["size"]
    )


@settings(max_examples=25, deadline=None)
@given(data=st.data(), column=event_columns)
def test_any_change_to_any_stored_event_is_named_at_its_position(
    template: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, column: str
) -> None:
    path = tmp_path_factory.mktemp("tampered") / "ledger.db"
    shutil.copy(template, path)
    stored = Stored(f"sqlite:///{path}")
    position = data.draw(st.integers(1, stored.last()), label="position")
    _, version, topic, state = stored.event(position)
    if column == "state":
        i = data.draw(st.integers(0, len(state) - 1), label="byte")
        changed: object = state[:i] + bytes([state[i] ^ 0x01]) + state[i + 1 :]
    elif column == "topic":
        changed = topic + "x"
    elif column == "originator_version":
        changed = version + 1000
    else:
        changed = "00000000000000000000000000000000"
    stored.run(f"UPDATE {stored.events} SET {column} = ? WHERE rowid = ?", (changed, position))
    result = run("verify", "--db", f"sqlite:///{path}")
    assert result.exit_code == 1
    assert f"position {position}: chain:" in result.stdout
