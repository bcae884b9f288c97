"""The Merkle tree is RFC 6962's: the published test vectors, every audit path, and forgeries."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from coloring.integrity.merkle import (
    audit_path,
    canonical_content,
    leaf_hash,
    merkle_root,
    node_hash,
    root_from_path,
)
from strategies import leaf_hashes

# The inputs and roots of the Certificate Transparency test vectors (RFC 6962 implementations).
CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
             "606162636465666768696a6b6c6d6e6f"]  # fmt: skip
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 section 2.1, written as the recursion it states."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def test_roots_match_the_certificate_transparency_test_vectors() -> None:
    leaves = [leaf_hash(bytes.fromhex(x)) for x in CT_LEAVES]
    assert [merkle_root(leaves[:n]).hex() for n in range(1, 9)] == CT_ROOTS


def test_the_empty_tree_hashes_to_the_hash_of_nothing() -> None:
    assert merkle_root([]) == hashlib.sha256(b"").digest()


@given(leaf_hashes)
def test_the_root_is_the_rfc_recursion(leaves: list[bytes]) -> None:
    assert merkle_root(leaves) == reference_root(leaves)


@given(leaf_hashes, st.data())
def test_every_leafs_audit_path_leads_to_the_root(leaves: list[bytes], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    path = audit_path(index, leaves)
    assert root_from_path(index, len(leaves), leaves[index], path) == merkle_root(leaves)


@given(leaf_hashes, st.data())
def test_an_altered_leaf_index_or_path_never_leads_to_the_root(
    leaves: list[bytes], data: st.DataObject
) -> None:
    n = len(leaves)
    index = data.draw(st.integers(0, n - 1))
    path = audit_path(index, leaves)
    root = merkle_root(leaves)
    other_leaf = hashlib.sha256(leaves[index]).digest()
    assert root_from_path(index, n, other_leaf, path) != root
    # (The tree size is not checked here: a path may fit two sizes, so the seal pins it.)
    other_index = data.draw(st.integers(0, n - 1).filter(lambda i: leaves[i] != leaves[index]))
    assert root_from_path(other_index, n, leaves[index], path) != root
    if path:
        k = data.draw(st.integers(0, len(path) - 1))
        bent = [*path[:k], hashlib.sha256(path[k]).digest(), *path[k + 1 :]]
        assert root_from_path(index, n, leaves[index], bent) != root
        assert root_from_path(index, n, leaves[index], path[:-1]) != root


def test_an_events_content_names_every_column_so_no_two_events_share_it() -> None:
    oid = "7b0e1e84-3c1e-4d1c-9b59-1f4c7f0e2d11"
    base = canonical_content(7, oid, 3, "coloring.X", b"{}")
    assert base == canonical_content(7, oid.replace("-", ""), 3, "coloring.X", b"{}")
    assert (
        len(
            {
                base,
                canonical_content(8, oid, 3, "coloring.X", b"{}"),
                canonical_content(7, oid, 4, "coloring.X", b"{}"),
                canonical_content(7, oid, 3, "coloring.X{", b"}"),
                canonical_content(7, oid, 3, "coloring.X", b"{ }"),
            }
        )
        == 5
    )
