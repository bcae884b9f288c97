"""The log's hashes, pure: an event's canonical content, the chain link, RFC 6962 Merkle trees.

Nothing here touches a database, so a third party can check a proof with this module alone (or
re-implement it from docs/integrity.md).

- Leaf hash of an event: SHA-256(0x00 || content), where content is the event's canonical
  bytes (`canonical_content`).
- Chain link at an event: SHA-256(previous link || leaf hash); the link before the first
  chained event is 32 zero bytes.
- Merkle tree hash (RFC 6962 section 2.1): MTH of one leaf is its leaf hash; of n > 1 leaves,
  SHA-256(0x01 || MTH(first k) || MTH(rest)) with k the largest power of two below n.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from uuid import UUID

GENESIS = bytes(32)
CONTENT_TAG = b"coloring-event/1\x00"


_HEAD = struct.Struct(">Q16sQI")
_LENGTH = struct.Struct(">Q")


def canonical_content(
    position: int, originator_id: UUID | str, version: int, topic: str, state: bytes
) -> bytes:
    """Fixed-width numbers, the id's 16 bytes and length-prefixed text: two different events
    never share a content, whichever database stored them."""
    if isinstance(originator_id, UUID):
        oid = originator_id.bytes
    elif len(originator_id) == 32:
        oid = bytes.fromhex(originator_id)  # SQLite's form; the same bytes as the UUID's
    else:
        oid = UUID(str(originator_id)).bytes
    topic_bytes = topic.encode()
    try:
        head = _HEAD.pack(position, oid, version, len(topic_bytes))
    except struct.error as e:
        raise ValueError(f"a position or version out of range ({e})") from None
    return b"".join((CONTENT_TAG, head, topic_bytes, _LENGTH.pack(len(state)), state))


def leaf_hash(content: bytes) -> bytes:
    h = hashlib.sha256(b"\x00")
    h.update(content)
    return h.digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def chain_link(previous: bytes, leaf: bytes) -> bytes:
    return hashlib.sha256(previous + leaf).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes; the empty tree's hash is SHA-256 of nothing (RFC 6962)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = list(leaves)
    # Bottom-up pairing gives the same tree as the recursive split: the left subtrees of a
    # split are perfect, and a level's odd last node is carried up unchanged.
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def audit_path(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 section 2.1.1: sibling hashes from the leaf up to the root."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf {index} is not in a tree of {len(leaves)}")
    path: list[bytes] = []
    lo, hi = 0, len(leaves)
    # Walk down from the root, collecting the sibling subtree at each split, then reverse.
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            path.append(merkle_root(leaves[lo + k : hi]))
            hi = lo + k
        else:
            path.append(merkle_root(leaves[lo : lo + k]))
            lo = lo + k
    path.reverse()
    return path


def root_from_path(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes | None:
    """The root an inclusion proof implies (RFC 9162 section 2.1.3.2), or None if the path
    does not fit a tree of `size` leaves."""
    if not 0 <= index < size:
        return None
    fn, sn = index, size - 1
    r = leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None
