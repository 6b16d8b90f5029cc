"""The log-ordered Merkle tree of the seals, kept incrementally (RFC 9162, section 2.1).

Every entry of the record (each case event, each court journal entry) is a leaf at a
global position, in the order it was appended. A seal is a tree head: a size and the root
MTH(D[size]) of the first ``size`` leaves. Since a new seal only appends leaves, every
earlier seal's tree is a prefix of the later one's, which a consistency proof shows.

What is stored besides the leaves: the hash of every *complete aligned perfect subtree* of
at least ``2**low`` leaves, as node (level, index) = MTH(D[index * 2**level :
(index + 1) * 2**level]). Such a node never changes once its last leaf is in, so

- a new seal computes only the nodes its new leaves complete: O(new + log n) hashes and at
  most one stored node read per level;
- a root, an inclusion proof (PATH, 2.1.3.1) or a consistency proof (PROOF, 2.1.4.1) is a
  combination of O(log n) stored nodes plus subtrees smaller than ``2**low`` leaves, which
  are hashed again from their (at most ``2**low``) leaves.

Every range the RFC's recursions ask for is aligned this way: the split point k of a range
starting at an aligned ``lo`` is a power of two dividing ``lo``. This module does no I/O;
:class:`Source` is how it reads the stored leaves and nodes (``store.logtree`` on the
database, a dict in the tests).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from sop_runtime.audit.merkle import EMPTY_ROOT, _root_of_hashes, _split, node_hash

LOW = 4
"""Nodes of 2**4 = 16 leaves and up are stored; smaller subtrees are hashed from leaves."""

NodeKey = tuple[int, int]  # (level, index)


class Source(Protocol):
    """The stored part of a tree."""

    def leaf_hashes(self, lo: int, hi: int) -> list[bytes]:
        """The leaf hashes of positions [lo, hi) (fewer if the tree holds fewer)."""

    def nodes(self, keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
        """The stored nodes among ``keys``."""


class MissingNode(LookupError):
    """A node or leaf the tree should hold is not stored (the tree's tables were altered)."""


def _is_power(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


class Tree:
    """Roots and proofs over a stored tree, reading each stored node or block of leaves
    once."""

    def __init__(self, source: Source, low: int = LOW) -> None:
        self.source, self.low = source, low
        self._nodes: dict[NodeKey, bytes] = {}
        self._blocks: dict[int, list[bytes]] = {}

    def seed(self, nodes: dict[NodeKey, bytes]) -> None:
        """Nodes known already (e.g. just made), not to be read."""
        self._nodes.update(nodes)

    def prefetch(self, compute: Callable[[Tree], object]) -> None:
        """Read in one go every stored node ``compute`` (run on this tree's shape) asks
        for, so that running it then costs no read per node."""
        probe = _Probe()
        compute(Tree(probe, self.low))
        missing = [k for k in probe.keys if k not in self._nodes]
        if missing:
            self._nodes.update(self.source.nodes(missing))

    def _leaves(self, lo: int, hi: int) -> list[bytes]:
        block = 1 << self.low
        out: list[bytes] = []
        for b in range(lo // block, (hi - 1) // block + 1):
            if b not in self._blocks:
                self._blocks[b] = self.source.leaf_hashes(b * block, (b + 1) * block)
            got = self._blocks[b]
            out.extend(got[max(lo - b * block, 0):max(min(hi - b * block, block), 0)])
        if len(out) != hi - lo:
            raise MissingNode(f"leaves {lo}..{hi}")
        return out

    def _node(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self._nodes:
            self._nodes.update(self.source.nodes([key]))
            if key not in self._nodes:
                raise MissingNode(f"node {level}/{index}")
        return self._nodes[key]

    def perfect(self, lo: int, size: int) -> bytes:
        """MTH of the aligned perfect subtree of ``size`` leaves from ``lo``."""
        level = size.bit_length() - 1
        if level >= self.low:
            return self._node(level, lo >> level)
        return _root_of_hashes(self._leaves(lo, lo + size))

    def mth(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]) for an aligned ``lo`` (as every range of the RFC's recursions is)."""
        n = hi - lo
        if n <= 0:
            return EMPTY_ROOT
        if _is_power(n) and lo % n == 0:
            return self.perfect(lo, n)
        if n < 1 << self.low:
            return _root_of_hashes(self._leaves(lo, hi))
        k = _split(n)
        return node_hash(self.mth(lo, lo + k), self.mth(lo + k, hi))

    def root(self, size: int) -> bytes:
        return self.mth(0, size)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[size]): sibling hashes from the leaf up (RFC 9162, 2.1.3.1)."""
        if not 0 <= index < size:
            raise IndexError(f"leaf {index} of {size}")
        path: list[bytes] = []
        lo, hi = 0, size
        while hi - lo > 1:
            k = _split(hi - lo)
            if index < lo + k:
                path.append(self.mth(lo + k, hi))
                hi = lo + k
            else:
                path.append(self.mth(lo, lo + k))
                lo += k
        return path[::-1]

    def consistency(self, first: int, second: int) -> list[bytes]:
        """PROOF(first, D[second]) (RFC 9162, 2.1.4.1); empty when ``first`` is 0 or
        equals ``second``."""
        if not 0 <= first <= second:
            raise IndexError(f"size {first} of {second}")
        if first in (0, second):
            return []
        found: list[bytes] = []
        lo, hi, whole = 0, second, True
        while hi != first:
            k = _split(hi - lo)
            if first - lo <= k:
                found.append(self.mth(lo + k, hi))
                hi = lo + k
            else:
                found.append(self.mth(lo, lo + k))
                lo += k
                whole = False
        return ([] if whole else [self.mth(lo, hi)]) + found[::-1]


class _Probe:
    """A stand-in source that records which nodes are asked for."""

    def __init__(self) -> None:
        self.keys: list[NodeKey] = []

    def leaf_hashes(self, lo: int, hi: int) -> list[bytes]:
        return [EMPTY_ROOT] * (hi - lo)

    def nodes(self, keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
        self.keys.extend(keys)
        return dict.fromkeys(keys, EMPTY_ROOT)


def edge(size: int, low: int = LOW) -> list[NodeKey]:
    """The stored nodes of the tree of ``size`` leaves that are not inside a larger complete
    one: its perfect subtrees, largest first (what its root and its growth are made of)."""
    out: list[NodeKey] = []
    start = 0
    for level in range(size.bit_length() - 1, low - 1, -1):
        if size >> level & 1:
            out.append((level, start >> level))
            start += 1 << level
    return out


def extend(source: Source, size: int, new: Sequence[bytes], low: int = LOW
           ) -> dict[NodeKey, bytes]:
    """The nodes that appending the leaf hashes ``new`` to a tree of ``size`` leaves
    completes: O(len(new) + log n) hashes; reads at most ``2**low - 1`` old leaves and the
    old tree's :func:`edge` nodes, in one query."""
    total = size + len(new)
    block = 1 << low
    made: dict[NodeKey, bytes] = {}
    wanted = edge(size, low)
    known = source.nodes(wanted) if wanted else {}  # the old nodes a new one can need
    first = size // block
    old = source.leaf_hashes(first * block, size) if size % block else []
    if len(old) != size % block:
        raise MissingNode(f"leaves {first * block}..{size}")
    for b in range(first, total // block):
        lo = b * block
        leaves = [*old, *new[:(b + 1) * block - size]] if lo < size else \
            list(new[lo - size:lo - size + block])
        old = []
        made[(low, b)] = _root_of_hashes(leaves)
    level = low + 1
    while 1 << level <= total:
        width = 1 << level
        for i in range(size // width, total // width):
            left, right = (level - 1, 2 * i), (level - 1, 2 * i + 1)
            missing = [k for k in (left, right) if k not in made and k not in known]
            if missing:
                known.update(_must(source.nodes(missing), missing))
            made[(level, i)] = node_hash(made.get(left) or known[left],
                                         made.get(right) or known[right])
        level += 1
    return made


def _must(found: dict[NodeKey, bytes], keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
    for key in keys:
        if key not in found:
            raise MissingNode(f"node {key[0]}/{key[1]}")
    return found
