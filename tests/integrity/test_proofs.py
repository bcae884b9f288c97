"""`coloring prove` prints an inclusion proof of one payment that `coloring check-proof` checks
with nothing but the proof and the seal; any change to either is rejected."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from integrity.tamper import CLI, Sealed, coloring


def prove(s: Sealed, event: str, tmp_path: Path) -> Path:
    result = coloring("prove", event, "--seal", str(s.seal), "--db", s.url)
    assert result.returncode == 0, result.stderr
    path = tmp_path / f"proof-{event}.json"
    path.write_text(result.stdout)
    return path


def check(proof: Path, seal: Path) -> Any:
    """check-proof with no database anywhere: a missing default ledger, in an empty folder."""
    env = {**os.environ, "COLORING_DB": "sqlite:///nowhere/none.db"}
    return coloring_in(proof.parent, env, "check-proof", str(proof), "--seal", str(seal))


def coloring_in(cwd: Path, env: dict[str, str], *args: str) -> Any:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, env=env)


def rewrite(proof: Path, change: Any) -> Path:
    data = json.loads(proof.read_text())
    change(data)
    forged = proof.with_name("forged.json")
    forged.write_text(json.dumps(data))
    return forged


def test_a_payments_proof_holds_offline_and_shows_the_payment(
    sealed: Sealed, tmp_path: Path
) -> None:
    proof = prove(sealed, "X3", tmp_path)
    result = check(proof, sealed.seal)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    # The proven event is the one that recorded the payment (a page of them, or it alone).
    assert '"X3"' in json.dumps(shown["state"])
    assert shown["position"] == sealed.stored.payment("X3")
    assert "the proof holds" in result.stderr


def test_an_event_can_be_proven_by_its_position(sealed: Sealed, tmp_path: Path) -> None:
    assert check(prove(sealed, "1", tmp_path), sealed.seal).returncode == 0


def _state_changed(data: dict[str, Any]) -> None:
    state = json.loads(base64.b64decode(data["event"]["state_base64"]))
    state["forged"] = 1
    data["event"]["state_base64"] = base64.b64encode(json.dumps(state).encode()).decode()
    data["event"]["state"] = state


def _other_path_hash(data: dict[str, Any]) -> None:
    data["audit_path"][0] = "00" * 32


def _other_leaf(data: dict[str, Any]) -> None:
    data["leaf_index"] += 1


def _readable_state_only(data: dict[str, Any]) -> None:
    data["event"]["state"]["payee"] = "SOMEONE-ELSE"


def _other_position(data: dict[str, Any]) -> None:
    data["event"]["position"] += 1


@pytest.mark.parametrize(
    "change",
    [_state_changed, _other_path_hash, _other_leaf, _readable_state_only, _other_position],
)
def test_a_tampered_proof_is_rejected(sealed: Sealed, tmp_path: Path, change: Any) -> None:
    forged = rewrite(prove(sealed, "X3", tmp_path), change)
    result = check(forged, sealed.seal)
    assert result.returncode == 1
    assert "the proof does not hold" in result.stderr


def test_a_proof_against_another_seal_is_rejected(sealed: Sealed, tmp_path: Path) -> None:
    proof = prove(sealed, "X3", tmp_path)
    seal = json.loads(sealed.seal.read_text())
    seal["merkle_root"] = "ab" * 32
    other = tmp_path / "other-seal.json"
    other.write_text(json.dumps(seal))
    assert check(proof, other).returncode == 1


def test_a_file_that_is_not_a_proof_is_bad_input(sealed: Sealed, tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    result = check(junk, sealed.seal)
    assert result.returncode == 2
    assert f"{junk}: not a proof" in result.stderr


def test_prove_refuses_a_ledger_that_no_longer_extends_the_seal(sealed: Sealed) -> None:
    sealed.stored.edit_json(sealed.stored.payment("M1"), amount=601)
    result = coloring("prove", "X3", "--seal", str(sealed.seal), "--db", sealed.url)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "the hash chain is broken at position" in result.stderr


def test_prove_of_an_unknown_payment_exits_1(sealed: Sealed) -> None:
    result = coloring("prove", "NOPE", "--seal", str(sealed.seal), "--db", sealed.url)
    assert result.returncode == 1
    assert "no transfer or allocation 'NOPE'" in result.stderr
