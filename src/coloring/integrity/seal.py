"""Seals and inclusion proofs as JSON documents, and the offline check of a proof.

A seal is the head of the log at one moment: its last position, the chain link there, the
number of chained events and the Merkle root over them. A proof shows that one event is a leaf
of the sealed tree. `check_proof` needs nothing but the two documents.
"""

from __future__ import annotations

import base64
import contextlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from coloring.domain.errors import ColoringError
from coloring.integrity.merkle import canonical_content, leaf_hash, root_from_path

SEAL_FORMAT = "coloring-seal/1"
PROOF_FORMAT = "coloring-inclusion-proof/1"


class EvidenceFileError(ColoringError):
    """A seal or proof file that cannot be read as one."""


@dataclass(frozen=True)
class Seal:
    position: int
    chain_hash: str
    size: int
    merkle_root: str
    first_position: int
    sealed_at: str

    def as_dict(self) -> dict[str, Any]:
        """The seal file's object, led by its format as every seal written so far."""
        return {"format": SEAL_FORMAT, **asdict(self)}


def _load(path: Path, kind: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise EvidenceFileError(f"{path}: cannot read the {kind} ({e.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise EvidenceFileError(f"{path}: not a {kind} (not JSON: {e})") from None
    if not isinstance(data, dict):
        raise EvidenceFileError(f"{path}: not a {kind} (expected a JSON object)")
    return data


def _field(data: dict[str, Any], path: Path, name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise EvidenceFileError(f"{path}: field {name!r} is missing or not a {kind.__name__}")
    return value


def _digest(data: dict[str, Any], path: Path, name: str) -> str:
    value = _field(data, path, name, str)
    try:
        if len(bytes.fromhex(value)) == 32:
            return str(value)
    except ValueError:
        pass
    raise EvidenceFileError(f"{path}: field {name!r} is not a SHA-256 in hex")


def read_seal(path: Path) -> Seal:
    data = _load(path, "seal")
    if data.get("format") != SEAL_FORMAT:
        raise EvidenceFileError(f"{path}: not a seal (format is not {SEAL_FORMAT!r})")
    return Seal(
        position=_field(data, path, "position", int),
        chain_hash=_digest(data, path, "chain_hash"),
        size=_field(data, path, "size", int),
        merkle_root=_digest(data, path, "merkle_root"),
        first_position=_field(data, path, "first_position", int),
        sealed_at=_field(data, path, "sealed_at", str),
    )


def proof_document(
    row: tuple[int, Any, int, str, bytes], index: int, size: int, path: list[bytes], seal: Seal
) -> dict[str, Any]:
    position, oid, version, topic, state = row
    event: dict[str, Any] = {
        "position": position,
        "originator_id": str(UUID(str(oid))),
        "originator_version": version,
        "topic": topic,
        "state_base64": base64.b64encode(state).decode(),
    }
    with contextlib.suppress(ValueError):  # shown for reading; the proof is over the bytes
        event["state"] = json.loads(state)
    return {
        "format": PROOF_FORMAT,
        "event": event,
        "leaf_index": index,
        "tree_size": size,
        "audit_path": [h.hex() for h in path],
        "merkle_root": seal.merkle_root,
    }


@dataclass(frozen=True)
class ProofCheck:
    ok: bool
    reason: str
    event: dict[str, Any]


def check_proof(proof_path: Path, seal: Seal) -> ProofCheck:
    """Whether the proof's event is the leaf it claims in the sealed tree (no database)."""
    data = _load(proof_path, "proof")
    if data.get("format") != PROOF_FORMAT:
        raise EvidenceFileError(f"{proof_path}: not a proof (format is not {PROOF_FORMAT!r})")
    event = data.get("event")
    if not isinstance(event, dict):
        raise EvidenceFileError(f"{proof_path}: field 'event' is missing or not an object")
    index = _field(data, proof_path, "leaf_index", int)
    size = _field(data, proof_path, "tree_size", int)
    hashes = data.get("audit_path")
    if not isinstance(hashes, list) or not all(isinstance(h, str) for h in hashes):
        raise EvidenceFileError(f"{proof_path}: field 'audit_path' is not a list of hashes")
    try:
        path = [bytes.fromhex(h) for h in hashes]
        state = base64.b64decode(_field(event, proof_path, "state_base64", str), validate=True)
        content = canonical_content(
            _field(event, proof_path, "position", int),
            _field(event, proof_path, "originator_id", str),
            _field(event, proof_path, "originator_version", int),
            _field(event, proof_path, "topic", str),
            state,
        )
    except ValueError as e:
        return ProofCheck(False, f"the proof is malformed ({e})", event)
    if size != seal.size:
        return ProofCheck(
            False, f"the proof is for a tree of {size} events, the seal covers {seal.size}", event
        )
    root = root_from_path(index, size, leaf_hash(content), path)
    if root is None:
        return ProofCheck(False, "the audit path does not fit the tree size", event)
    if root.hex() != seal.merkle_root:
        return ProofCheck(
            False,
            "the event and audit path lead to a different Merkle root than the seal's: "
            "the event or the proof was altered, or it is not in the sealed log",
            event,
        )
    # What is shown comes from the proven bytes only: a readable `state` beside them that says
    # something else is a forgery, not a detail.
    shown = {k: v for k, v in event.items() if k not in ("state_base64", "state")}
    try:
        shown["state"] = json.loads(state)
    except ValueError:
        shown["state_base64"] = event["state_base64"]
    if "state" in event and event["state"] != shown.get("state"):
        return ProofCheck(False, "the readable 'state' differs from the proven bytes", event)
    return ProofCheck(True, f"leaf {index} of {size} under the sealed root", shown)
