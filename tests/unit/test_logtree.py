"""The incremental log-ordered tree: built by appends, from stored nodes only, it gives the
same roots as the definition (audit.merkle.root) for every size, and its inclusion and
consistency proofs are RFC 9162's: they verify, and forged ones fail."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from sop_runtime.audit.logtree import MissingNode, NodeKey, Tree, extend
from sop_runtime.audit.merkle import (
    consistency_path,
    inclusion_path,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)


class Memory:
    """A stored tree in dicts, counting its reads."""

    def __init__(self, low: int) -> None:
        self.low = low
        self.leaves: list[bytes] = []
        self.stored: dict[NodeKey, bytes] = {}
        self.reads = 0

    def leaf_hashes(self, lo: int, hi: int) -> list[bytes]:
        self.reads += 1
        return [leaf_hash(x) for x in self.leaves[lo:hi]]

    def nodes(self, keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
        self.reads += 1
        return {k: self.stored[k] for k in keys if k in self.stored}

    def append(self, new: list[bytes]) -> None:
        made = extend(self, len(self.leaves), [leaf_hash(x) for x in new], self.low)
        assert not set(made) & set(self.stored)  # a node is made once, never changed
        self.stored.update(made)
        self.leaves.extend(new)


def data(n: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(n)]


@pytest.mark.parametrize("low", [1, 2, 4])
def test_every_size_up_to_70_one_leaf_at_a_time(low: int) -> None:
    tree = Memory(low)
    everything = data(71)
    for size in range(71):
        assert Tree(tree, low).root(size) == root(everything[:size]), size
        tree.append(everything[size:size + 1])


@pytest.mark.parametrize("seed", range(8))
def test_random_appends_give_the_definitions_roots_and_proofs(seed: int) -> None:
    rnd = random.Random(seed)
    tree = Memory(rnd.choice([2, 3, 4]))
    everything = data(600)
    sizes = [0]
    while sizes[-1] < 600:
        step = min(rnd.choice([1, 2, 3, 15, 16, 17, 40, 100]), 600 - sizes[-1])
        tree.append(everything[sizes[-1]:sizes[-1] + step])
        sizes.append(sizes[-1] + step)
    for size in sizes:
        t = Tree(tree, tree.low)
        assert t.root(size) == root(everything[:size])
        if size:
            index = rnd.randrange(size)
            assert t.inclusion(index, size) == inclusion_path(index, everything[:size])
    for _ in range(30):
        first, second = sorted(rnd.sample(sizes[1:], 2))
        t = Tree(tree, tree.low)
        proof = t.consistency(first, second)
        assert proof == consistency_path(first, everything[:second])
        assert verify_consistency(first, second, t.root(first), t.root(second), proof)


def test_a_proof_reads_only_a_few_stored_nodes() -> None:
    tree = Memory(4)
    everything = data(5000)
    for lo in range(0, 5000, 333):
        tree.append(everything[lo:lo + 333])
    tree.reads = 0
    t = Tree(tree)
    path = t.inclusion(4321, 5000)
    assert verify_inclusion(everything[4321], 4321, 5000, path, root(everything))
    assert tree.reads <= 2 * 13 + 2  # a node per level, and a block or two of leaves
    tree.reads = 0
    t = Tree(tree)
    t.prefetch(lambda x: (x.inclusion(4321, 5000), x.consistency(1000, 5000)))
    assert t.inclusion(4321, 5000) == path
    assert t.consistency(1000, 5000) == consistency_path(1000, everything)
    assert tree.reads <= 1 + 3  # the nodes in one read, and the blocks of leaves


@pytest.mark.parametrize(("first", "second"), [(1, 2), (3, 7), (4, 8), (6, 8), (5, 70),
                                               (16, 17), (33, 64), (69, 70)])
def test_forged_consistency_proofs_fail(first: int, second: int) -> None:
    everything = data(second)
    old, new = root(everything[:first]), root(everything)
    proof = consistency_path(first, everything)
    assert verify_consistency(first, second, old, new, proof)
    rewritten = root([b"forged", *everything[1:first]])
    assert not verify_consistency(first, second, rewritten, new, proof)
    assert not verify_consistency(first, second, old, root([*everything[:-1], b"x"]), proof)
    for i in range(len(proof)):
        bent = list(proof)
        bent[i] = leaf_hash(b"bent")
        assert not verify_consistency(first, second, old, new, bent), i
    assert not verify_consistency(first, second, old, new, proof[:-1])
    assert not verify_consistency(first, second, old, new, [*proof, old])
    assert not verify_consistency(second, first, new, old, proof)
    if first + 1 < second:
        assert not verify_consistency(first + 1, second, old, new, proof)


def test_trivial_consistency_and_a_missing_node() -> None:
    assert verify_consistency(0, 5, b"", root(data(5)), [])
    assert verify_consistency(5, 5, root(data(5)), root(data(5)), [])
    assert not verify_consistency(5, 5, root(data(5)), root(data(4)), [])
    tree = Memory(2)
    tree.append(data(20))
    del tree.stored[(2, 4)]  # the last four leaves' node
    with pytest.raises(MissingNode):
        Tree(tree, 2).root(20)
