"""RFC 9162 Merkle trees: roots by the definition, audit paths that verify, forged ones
that do not."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_runtime.audit.merkle import (
    EMPTY_ROOT,
    inclusion_path,
    leaf_hash,
    node_hash,
    root,
    verify_inclusion,
)


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def test_the_definition_on_small_trees() -> None:
    a, b, c = b"a", b"b", b"c"
    assert root([]) == sha(b"") == EMPTY_ROOT
    assert root([a]) == sha(b"\x00a")
    assert root([a, b]) == sha(b"\x01" + sha(b"\x00a") + sha(b"\x00b"))
    # three leaves split 2 + 1
    assert root([a, b, c]) == node_hash(node_hash(leaf_hash(a), leaf_hash(b)), leaf_hash(c))


def test_a_leaf_cannot_pass_for_a_node() -> None:
    a, b = b"a", b"b"
    inner = leaf_hash(a) + leaf_hash(b)
    assert root([inner]) != root([a, b])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=12), min_size=1, max_size=40), st.data())
def test_every_leaf_has_a_path_that_verifies(leaves: list[bytes], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    top = root(leaves)
    path = inclusion_path(index, leaves)
    assert verify_inclusion(leaves[index], index, len(leaves), path, top)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=12), min_size=2, max_size=40, unique=True), st.data())
def test_forged_proofs_fail(leaves: list[bytes], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    top = root(leaves)
    path = inclusion_path(index, leaves)
    other = (index + 1) % len(leaves)
    assert not verify_inclusion(leaves[other], index, len(leaves), path, top)  # wrong leaf
    assert not verify_inclusion(leaves[index] + b"!", index, len(leaves), path, top)
    assert not verify_inclusion(leaves[index], index, len(leaves), path, sha(top))  # wrong root
    if path:
        bent = [sha(path[0]), *path[1:]]
        assert not verify_inclusion(leaves[index], index, len(leaves), bent, top)
        assert not verify_inclusion(leaves[index], index, len(leaves), path[:-1], top)


def test_an_index_outside_the_tree() -> None:
    with pytest.raises(IndexError):
        inclusion_path(3, [b"a", b"b"])
    assert not verify_inclusion(b"a", 2, 2, [], root([b"a", b"b"]))
