"""What the court serves its witnesses (a supervising court, the court's website, anyone
who keeps its signed heads): the newest signed tree head with the consistency proof from a
head the witness holds, the root of any prefix of the log tree as it is now stored, and the
leaf hashes themselves, so that a witness can mirror the tree (32 bytes an entry) and, when
a later head does not extend what it holds, find by bisection the first position where the
log it saw and the log now served part (:mod:`sop_runtime.audit.witness`).

Everything here reads the tree's stored nodes and leaves only, never a case's content: a
leaf hash is the SHA-256 of an entry's case id, number and hash, and tells nothing of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from sop_runtime.audit.heads import SignedHead
from sop_runtime.audit.logtree import MissingNode, Tree
from sop_runtime.errors import Damaged, NotFoundError
from sop_runtime.i18n import tr
from sop_runtime.service import seals
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import logtree as stored_tree
from sop_runtime.store import seals as store_seals
from sop_runtime.store.chain import JOURNAL_MARK

MAX_LEAVES = 4096
"""Leaf hashes served at most per request (128 KB of hex): a witness pages through more."""


@dataclass(frozen=True)
class PrefixRoot:
    """The root of the first ``size`` entries of the tree as stored now, and the proof that
    the newest seal (``sealed_size`` entries, ``sealed_root``) extends it."""

    size: int
    root: str
    seal_id: int
    sealed_size: int
    sealed_root: str
    path: tuple[bytes, ...]


def newest_head(rt: Runtime, since: int | None = None) -> SignedHead:
    """The newest signed tree head, with the consistency proof from ``since`` entries (none
    when ``since`` is beyond it: the witness holds more than the court now serves, which is
    the witness's to name)."""
    newest = seals.export(rt)
    if since is None or since > newest.head.size:
        return newest
    return seals.export(rt, newest.seal_id, since=since)


def signed_heads(rt: Runtime, limit: int) -> tuple[list[SignedHead], int]:
    """The newest ``limit`` signed heads, newest first, and how many signed seals there
    are in all (what the court's public page lists)."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        found = store_seals.newest_log_seals(conn, signed=True, limit=limit)
        total = store_seals.count_signed(conn)
    return [h for h in map(seals.signed_head, found) if h is not None], total


def _newest(conn: Connection) -> store_seals.SealRow:
    last = store_seals.newest_log_seal(conn)
    if last is None:
        raise NotFoundError(tr("Belum ada segel pohon log", "No log tree seal yet"))
    return last


def _not_whole(exc: Exception) -> Damaged:
    return Damaged(tr("pohon log tidak utuh ({e}); jalankan sop seal check",
                      "the log tree is not whole ({e}); run sop seal check", e=exc))


def prefix_root(rt: Runtime, size: int | None = None) -> PrefixRoot:
    """The present root of the first ``size`` entries (at most the newest seal's; default:
    all of it), and the consistency proof from it to the newest seal."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        last = _newest(conn)
        size = last.size if size is None else size
        if not 0 <= size <= last.size:
            raise NotFoundError(tr(
                "Segel terbaru (#{n}) mencakup {s} entri; tidak ada akar untuk {k} entri",
                "The newest seal (#{n}) covers {s} entries; there is no root of {k} entries",
                n=last.id, s=last.size, k=size))
        tree = Tree(seals.StoredTree(conn))
        try:
            tree.prefetch(lambda t: (t.root(size), t.consistency(size, last.size)))
            top, path = tree.root(size), tree.consistency(size, last.size)
        except MissingNode as exc:
            raise _not_whole(exc) from exc
    return PrefixRoot(size, top.hex(), last.id, last.size, last.root, tuple(path))


def leaf_hashes(rt: Runtime, start: int, count: int) -> tuple[int, list[str]]:
    """The leaf hashes of positions [``start``, ``start + count``) within the newest seal
    (at most :data:`MAX_LEAVES`), as hex; and the newest seal's size."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        last = _newest(conn)
        if not 0 <= start <= last.size:
            raise NotFoundError(tr(
                "Segel terbaru (#{n}) mencakup {s} entri; posisi {p} di luarnya",
                "The newest seal (#{n}) covers {s} entries; position {p} is beyond it",
                n=last.id, s=last.size, p=start))
        hi = min(start + max(0, min(count, MAX_LEAVES)), last.size)
        found = seals.StoredTree(conn).leaf_hashes(start, hi)
        if len(found) != hi - start:
            raise _not_whole(MissingNode(f"leaves {start}..{hi}"))
    return last.size, [h.hex() for h in found]


@dataclass(frozen=True)
class Entry:
    position: int
    case_id: str   # a court journal's entries: ``@`` and the journal's name
    seq: int
    hash: str

    @property
    def journal(self) -> bool:
        return self.case_id.startswith(JOURNAL_MARK)


def entry_at(rt: Runtime, position: int) -> Entry:
    """The entry at ``position`` of the tree as stored, for the court's auditor told of a
    divergent position by a witness."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        found = stored_tree.leaves(conn, position, position + 1) if position >= 0 else []
    if not found:
        raise NotFoundError(tr("Tidak ada entri pada posisi {p} pohon log",
                               "No entry at position {p} of the log tree", p=position))
    return Entry(position, *found[0])
