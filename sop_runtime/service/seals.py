"""Seals: heads of the log-ordered Merkle tree (RFC 9162) over every entry of the record.

A per-case hash chain cannot show that a whole case, or a case's newest events, were
deleted. A seal can: every case event and court journal entry is a leaf at its position in
append order (given when a seal takes it, never on the write path), and a seal fixes the
tree of the first ``size`` leaves by its root, which goes on the monthly report the Ketua
signs. Each later seal extends the earlier ones, which an RFC 9162 consistency proof shows;
any sealed event has an inclusion proof. Checking the seals finds a sealed entry altered,
removed (a case deleted, a log truncated), reordered or slipped in — and says since which
seal. The tree keeps its complete subtrees (:mod:`sop_runtime.audit.logtree`), so a seal
costs what was appended since the last one, and a proof O(log n) reads.

A supervisor seals (:func:`seal`); the orchestrator seals on a schedule as the system
account (:func:`seal_on_schedule`, :mod:`sop_runtime.service.seal_schedule`), only when the
log grew, so what is not yet sealed is at most an hour's work.

Seals made before the tree (kind ``heads``: a root over every case's newest event, its
leaves kept per seal) stay readable and are checked as they were.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection, select

from sop_runtime.audit import heads, signing
from sop_runtime.audit.logtree import MissingNode, Tree, extend
from sop_runtime.audit.merkle import (
    inclusion_path,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from sop_runtime.compiler.canonical import canonical_json
from sop_runtime.definition.court import SYSTEM_ACCOUNT
from sop_runtime.errors import Damaged, NotFoundError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.people import NotAllowed, require_supervisor
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import logtree as stored_tree
from sop_runtime.store import seals as store_seals
from sop_runtime.store.chain import JOURNAL_MARK
from sop_runtime.store.db import begin_write
from sop_runtime.store.schema import events
from sop_runtime.store.seals import Head
from sop_runtime.store.seals import SealRow as SealRow  # for the interfaces

PROOF_FORMAT = "sop-runtime/seal-proof/v1"       # a case head in a heads seal
LOG_PROOF_FORMAT = "sop-runtime/seal-proof/v2"   # an entry at its position in a log seal
SEAL_TRIES = 5  # a seal aborted to break a deadlock with a writer (PostgreSQL) is retried


def leaf(head: Head) -> bytes:
    """The leaf of an entry: canonical JSON ``{"case_id", "hash", "seq"}`` (the case id
    of a court journal's entry is ``@`` and the journal's name)."""
    case_id, seq, hash_ = head
    return canonical_json({"case_id": case_id, "seq": seq, "hash": hash_})


class StoredTree:
    """The tree's stored leaves and nodes as :class:`~sop_runtime.audit.logtree.Source`."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def leaf_hashes(self, lo: int, hi: int) -> list[bytes]:
        return [leaf_hash(leaf(x)) for x in stored_tree.leaves(self.conn, lo, hi)]

    def nodes(self, keys: Any) -> dict[tuple[int, int], bytes]:
        return {k: bytes.fromhex(v) for k, v in stored_tree.nodes(self.conn, keys).items()}


def seal(rt: Runtime, actor: str, *, note: str | None = None) -> SealRow:
    """Seal the log as it stands now (a supervisor's act): position every entry appended
    since the last seal, and store the new tree head."""
    if actor == SYSTEM_ACCOUNT:  # the system seals on its schedule only: seal_on_schedule
        raise NotAllowed(tr("Akun sistem hanya menyegel menurut jadwal",
                            "The system account seals on its schedule only"))
    made = _retried(lambda: _seal(rt, actor, note, only_new=False))
    assert made.seal is not None
    return made.seal


@dataclass(frozen=True)
class Sealed:
    """What a scheduled seal did: ``seal`` the new seal, or None when nothing was appended
    since ``previous`` (the newest seal, which then already holds the whole log)."""

    seal: SealRow | None
    previous: SealRow | None
    added: int  # entries the new seal positioned


def seal_on_schedule(rt: Runtime, *, note: str) -> Sealed:
    """Seal as the system account (:data:`SYSTEM_ACCOUNT`), on the orchestrator's schedule,
    if anything was appended since the newest seal: a log that did not grow gets no seal.
    Whether it grew is read inside the sealing transaction, after the writers are held, so
    two sealers at once make one seal and the other finds nothing new."""
    return _retried(lambda: _seal(rt, SYSTEM_ACCOUNT, note, only_new=True))


def _retried(make: Callable[[], Sealed]) -> Sealed:
    for attempt in range(1, SEAL_TRIES + 1):
        try:
            return make()
        except Exception as exc:
            if attempt == SEAL_TRIES or not stored_tree.is_deadlock(exc):
                raise
    raise AssertionError("unreachable")


def _seal(rt: Runtime, actor: str, note: str | None, *, only_new: bool) -> Sealed:
    now = rt.now()
    key = signing.configured_key()  # a key that cannot be used is said before anything waits
    with begin_write(rt.engine) as conn:
        ensure_ready(rt, conn)
        if actor != SYSTEM_ACCOUNT:
            require_supervisor(catalog.directory(rt, conn), actor, now, "menyegel log",
                               "seal the log")
        stored_tree.hold_writers(conn)
        last = store_seals.newest_log_seal(conn)
        size = last.size if last else 0
        if stored_tree.beyond(conn, size):
            raise Damaged(tr(
                "pohon log menyimpan entri di luar segel terbaru (#{n}): tabel segel telah "
                "diubah di luar produk; jalankan sop seal check",
                "the log tree holds entries beyond the newest seal (#{n}): the seal tables "
                "were altered outside the product; run sop seal check",
                n=last.id if last else 0))
        new = stored_tree.appended(conn, last.events_through if last else 0,
                                   last.journal_through if last else 0)
        if only_new and not new.leaves:
            return Sealed(None, last, 0)
        source = StoredTree(conn)
        try:
            made = extend(source, size, [leaf_hash(leaf(x)) for x in new.leaves])
        except MissingNode as exc:
            raise Damaged(tr("pohon log tidak utuh ({e}); jalankan sop seal check",
                             "the log tree is not whole ({e}); run sop seal check",
                             e=exc)) from exc
        stored_tree.save(conn, size, new.leaves, made)
        total = size + len(new.leaves)
        tree = Tree(source)
        tree.seed(made)
        tree.prefetch(lambda t: t.root(total))
        top = tree.root(total).hex()
        court = signature = None
        if key is not None:  # the signed tree head (audit.signing)
            court = catalog.court(rt, conn)[0].pengadilan.nama
            signature = key.sign(signing.TreeHead(court, total, top, now))
        seal_id = store_seals.save_log_seal(
            conn, sealed_at=now, sealed_by=actor, size=total, root=top,
            events_through=new.events_through, journal_through=new.journal_through, note=note,
            court=court, signature=signature, signed_with=None if key is None else key.id)
    return Sealed(SealRow(seal_id, now, actor, total, top, note, 0, "log", new.events_through,
                          new.journal_through, court, signature,
                          None if key is None else key.id), last, len(new.leaves))


def head_of(s: SealRow) -> signing.TreeHead | None:
    """The tree head a signed seal states (None for an unsigned one)."""
    if s.signature is None or s.court is None:
        return None
    return signing.TreeHead(s.court, s.size, s.root, s.sealed_at)


def signed_head(s: SealRow) -> heads.SignedHead | None:
    """A signed seal's head as a witness holds it (None for an unsigned one)."""
    head = head_of(s)
    if head is None or s.signature is None or s.signed_with is None:
        return None
    return heads.SignedHead(s.id, head, s.signed_with, s.signature)


@dataclass(frozen=True)
class SealBreak:
    seal_id: int
    sealed_at: datetime
    what: str            # seal_altered | signature | case_removed | truncated | altered
    case_id: str | None
    seq: int | None
    message: str


@dataclass(frozen=True)
class SealCheck:
    ok: bool
    seals: int
    first_break: SealBreak | None = None
    signed: int = 0        # seals whose signature was checked with the key at hand, and held
    not_checked: int = 0    # signed seals not checked: another key's, or no key at hand
    unsigned: int = 0


def check(rt: Runtime, *, full: bool = True, touched: list[str] | None = None) -> SealCheck:
    """Check the seals, oldest first; the first break names the seal since which something
    changed.

    Always: each log seal's root from the tree's stored nodes, and each extends the one
    before (a consistency proof from the stored nodes) — O(seals x log n); and the sealed
    head of each case in ``touched`` (the cases appended to since the newest seal) against
    the log. ``full`` also reads the whole sealed history: every stored node recomputed
    from its leaves, every sealed leaf against the log, no entry slipped into the sealed
    range, and the seals made before the tree against their leaves and the log."""
    try:  # checking needs only the key's public half; a key this user cannot use (another
        # account's file on the server) leaves the signatures unchecked, never the log
        key = signing.configured_key()
    except signing.SigningKeyError:
        key = None
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        found = store_seals.list_seals(conn)
        logged = [s for s in found if s.kind == "log"]
        brk = _heads_breaks(conn, found) if full else None
        brk = brk or _tree_breaks(conn, logged)
        brk = brk or signature_break(logged, None if key is None else key.public)
        if brk is None and touched and logged:
            brk = _touched_breaks(conn, logged, touched)
        if full and brk is None:
            brk = _history_breaks(conn, logged)
    mine = [s for s in logged if s.signed and key is not None and s.signed_with == key.id]
    return SealCheck(brk is None, len(found), brk, signed=len(mine) if brk is None else 0,
                     not_checked=sum(s.signed for s in logged) - len(mine),
                     unsigned=sum(not s.signed for s in found))


def signature_break(logged: list[SealRow], public: bytes | None) -> SealBreak | None:
    """The first seal signed by the key ``public`` whose signature does not hold over the
    head it states (a size, root, time or court edited in the seal's row no longer matches
    it); seals of other keys are not looked at."""
    if public is None:
        return None
    name = signing.key_id(public)
    for s in logged:
        head = head_of(s)
        if s.signed_with != name or head is None or s.signature is None:
            continue
        if not signing.verify(head, s.signature, public):
            return SealBreak(s.id, s.sealed_at, "signature", None, None, tr(
                "segel #{n}: tanda tangan kunci {k} tidak cocok dengan kepala pohon yang "
                "dinyatakannya (ukuran, akar, waktu atau pengadilan diubah)",
                "seal #{n}: the signature of key {k} does not match the tree head it states "
                "(its size, root, time or court was changed)", n=s.id, k=name))
    return None


def _first_sealing(logged: list[SealRow], position: int) -> SealRow:
    """The first log seal that took ``position``."""
    sizes = [s.size for s in logged]
    return logged[min(bisect.bisect_right(sizes, position), len(logged) - 1)]


def _touched_breaks(conn: Connection, logged: list[SealRow], touched: list[str]
                    ) -> SealBreak | None:
    """Each touched case's newest sealed event must still be in the log as sealed (the new
    events chain from it)."""
    sealed = stored_tree.newest_positioned(conn, touched, logged[-1].size)
    now = stored_tree.event_hashes(conn, [(c, seq) for c, (_, seq, _) in sealed.items()])
    for position, case_id, seq, hash_ in sorted((p, c, q, h)
                                                for c, (p, q, h) in sealed.items()):
        if now.get((case_id, seq)) != hash_:
            return _leaf_break(conn, _first_sealing(logged, position), case_id, seq,
                               now.get((case_id, seq)))
    return None


def _heads_breaks(conn: Connection, found: list[SealRow]) -> SealBreak | None:
    """The seals made before the tree, as they were always checked."""
    for s in found:
        if s.kind != "heads":
            continue
        heads = store_seals.leaves(conn, s.id)
        if len(heads) != s.size or root([leaf(h) for h in heads]).hex() != s.root:
            return _altered(s)
        bad = store_seals.unmatched_leaves(conn, s.id)
        if bad:
            (case_id, seq, _), now_hash = bad[0]
            return _leaf_break(conn, s, case_id, seq, now_hash)
    return None


def _altered(s: SealRow, detail: str | None = None) -> SealBreak:
    if detail is None:
        detail = (tr("daftar kepala perkara tidak lagi menghasilkan akarnya",
                     "its list of case heads no longer gives its root") if s.kind == "heads"
                  else tr("pohon log tidak lagi menghasilkan akarnya",
                          "the log tree no longer gives its root"))
    return SealBreak(s.id, s.sealed_at, "seal_altered", None, None,
                     tr("segel #{n}: {d}", "seal #{n}: {d}", n=s.id, d=detail))


def _tree_breaks(conn: Connection, logged: list[SealRow]) -> SealBreak | None:
    """Each log seal's root from the stored nodes, and each later seal extending the one
    before it."""
    tree = Tree(StoredTree(conn))
    with suppress(IndexError, ValueError):  # a seal smaller than the one before: named below
        tree.prefetch(lambda t: [*(t.root(s.size) for s in logged),
                                 *(t.consistency(a.size, b.size)
                                   for a, b in pairwise(logged))])
    before: SealRow | None = None
    for s in logged:
        try:
            if tree.root(s.size).hex() != s.root:
                return _altered(s)
            if before is not None and not verify_consistency(
                    before.size, s.size, bytes.fromhex(before.root), bytes.fromhex(s.root),
                    tree.consistency(before.size, s.size)):
                return _altered(s, tr("tidak memperluas segel #{p}",
                                      "it does not extend seal #{p}", p=before.id))
        except (MissingNode, IndexError, ValueError):
            return _altered(s, tr("pohon log tidak utuh", "the log tree is not whole"))
        before = s
    return None


def _history_breaks(conn: Connection, logged: list[SealRow]) -> SealBreak | None:
    """The whole sealed history read again: the stored nodes from the leaves, the leaves
    against the log, and no entry slipped into the sealed range."""
    if not logged:
        return None
    newest = logged[-1]

    def sealing(position: int) -> SealRow:
        return _first_sealing(logged, position)

    if stored_tree.positions(conn) < newest.size:
        return _altered(newest, tr("entri pohon log hilang atau bernomor ganda",
                                   "log tree entries are missing or numbered twice"))
    bad_node = _first_bad_node(conn, newest.size)
    if bad_node is not None:
        return _altered(sealing(bad_node))
    unmatched = stored_tree.first_unmatched(conn, newest.size)
    if unmatched is not None:
        position, (case_id, seq, _), now_hash = unmatched
        return _leaf_break(conn, sealing(position), case_id, seq, now_hash)
    slipped = stored_tree.first_unpositioned(conn, newest.events_through,
                                             newest.journal_through)
    if slipped is not None:
        entry_id, case_id, seq = slipped
        journal_entry = case_id.startswith(JOURNAL_MARK)
        s = next(x for x in logged if entry_id <= (x.journal_through if journal_entry
                                                    else x.events_through))
        return SealBreak(s.id, s.sealed_at, "inserted", case_id, seq, tr(
            "{w} {c} urutan {q} disisipkan ke bagian log yang telah disegel #{n} ({t})",
            "{w} {c} seq {q} was slipped into the part of the log sealed by #{n} ({t})",
            w=tr("jurnal", "journal") if journal_entry else tr("perkara", "case"),
            c=case_id, q=seq, n=s.id, t=s.sealed_at.isoformat(timespec="minutes")))
    return None


class _Rebuilt:
    """The tree recomputed from its leaves, batch by batch, as a Source: it remembers the
    last block of leaf hashes and every node made."""

    def __init__(self) -> None:
        self.tail: list[bytes] = []
        self.tail_start = 0
        self.made: dict[tuple[int, int], bytes] = {}

    def leaf_hashes(self, lo: int, hi: int) -> list[bytes]:
        return self.tail[lo - self.tail_start:hi - self.tail_start]

    def nodes(self, keys: Any) -> dict[tuple[int, int], bytes]:
        return {k: self.made[k] for k in keys if k in self.made}


def _first_bad_node(conn: Connection, size: int) -> int | None:
    """The first leaf position under a stored node that its leaves no longer give (or a
    node missing or stored beyond the sealed tree)."""
    from sop_runtime.audit.logtree import LOW

    rebuilt = _Rebuilt()
    done = 0
    for batch in stored_tree.stream(conn, size):
        hashes = [leaf_hash(leaf(x)) for x in batch]
        rebuilt.made.update(extend(rebuilt, done, hashes))
        keep = done + len(hashes) - (done + len(hashes)) % (1 << LOW)
        rebuilt.tail = (rebuilt.tail + hashes)[keep - rebuilt.tail_start:]
        rebuilt.tail_start = keep
        done += len(hashes)
    stored = stored_tree.all_nodes(conn)
    wrong = [k for k in set(stored) | set(rebuilt.made)
             if k not in stored or k not in rebuilt.made or stored[k] != rebuilt.made[k].hex()]
    return min((i << level for level, i in wrong), default=None)


def _leaf_break(conn: Any, s: SealRow, case_id: str, seq: int,
                now_hash: str | None) -> SealBreak:
    when = s.sealed_at.isoformat(timespec="minutes")
    if case_id.startswith(JOURNAL_MARK):
        return SealBreak(s.id, s.sealed_at, "altered" if now_hash is not None else "truncated",
                         case_id, seq, tr(
            "jurnal {c}: entri urutan {q} yang disegel #{n} ({t}) telah {w}",
            "journal {c}: entry seq {q} sealed by #{n} ({t}) was {w}",
            c=case_id, q=seq, n=s.id, t=when,
            w=tr("diubah", "altered") if now_hash is not None else tr("dihapus", "removed")))
    if now_hash is not None:
        return SealBreak(s.id, s.sealed_at, "altered", case_id, seq, tr(
            "perkara {c} urutan {q} telah diubah sejak segel #{n} ({t})",
            "case {c} seq {q} was altered since seal #{n} ({t})",
            c=case_id, q=seq, n=s.id, t=when))
    left = conn.execute(select(events.c.seq).where(events.c.case_id == case_id)
                        .limit(1)).first()
    if left is None:
        return SealBreak(s.id, s.sealed_at, "case_removed", case_id, seq, tr(
            "perkara {c} telah dihapus seluruhnya sejak segel #{n} ({t})",
            "case {c} was removed entirely since seal #{n} ({t})",
            c=case_id, n=s.id, t=when))
    return SealBreak(s.id, s.sealed_at, "truncated", case_id, seq, tr(
        "log perkara {c} terpotong: peristiwa urutan {q} yang disegel #{n} ({t}) hilang",
        "case {c}'s log was truncated: event seq {q} sealed by #{n} ({t}) is gone",
        c=case_id, q=seq, n=s.id, t=when))


def seals_list(rt: Runtime) -> list[SealRow]:
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        return store_seals.list_seals(conn)


def proof(rt: Runtime, case_id: str, seal_id: int | None = None, *,
          seq: int | None = None) -> dict[str, Any]:
    """The inclusion proof of ``case_id``'s sealed head (or of its event ``seq``) in seal
    ``seal_id`` (default: the newest seal that holds it)."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        found = store_seals.list_seals(conn)
        candidates = [s for s in reversed(found) if seal_id is None or s.id == seal_id]
        positioned = stored_tree.case_leaves(conn, case_id)
        for s in candidates:
            made = (_log_proof(conn, s, case_id, positioned, seq) if s.kind == "log"
                    else _heads_proof(conn, s, case_id, seq))
            if made is not None:
                return made
    raise NotFoundError(tr("Tidak ada segel yang mencakup perkara {c}{q}{s}",
                           "No seal covers case {c}{q}{s}", c=case_id,
                           q=f" #{seq}" if seq is not None else "",
                           s=f" (segel #{seal_id})" if seal_id else ""))


def _log_proof(conn: Connection, s: SealRow, case_id: str,
               positioned: list[tuple[int, int, str]], seq: int | None
               ) -> dict[str, Any] | None:
    held = [p for p in positioned if p[0] < s.size and (seq is None or p[1] == seq)]
    if not held:
        return None
    position, seq_, hash_ = held[-1]
    try:
        tree = Tree(StoredTree(conn))
        tree.prefetch(lambda t: t.inclusion(position, s.size))
        path = tree.inclusion(position, s.size)
    except MissingNode as exc:
        raise Damaged(tr("pohon log tidak utuh ({e}); jalankan sop seal check",
                         "the log tree is not whole ({e}); run sop seal check", e=exc)) from exc
    return _proof_json(LOG_PROOF_FORMAT, s, position, (case_id, seq_, hash_), path)


def _heads_proof(conn: Connection, s: SealRow, case_id: str, seq: int | None
                 ) -> dict[str, Any] | None:
    heads = store_seals.leaves(conn, s.id)
    index = next((i for i, h in enumerate(heads)
                  if h[0] == case_id and (seq is None or h[1] == seq)), None)
    if index is None:
        return None
    return _proof_json(PROOF_FORMAT, s, index, heads[index],
                       inclusion_path(index, [leaf(h) for h in heads]))


def _proof_json(form: str, s: SealRow, index: int, head: Head, path: list[bytes]
                ) -> dict[str, Any]:
    case_id, seq, hash_ = head
    return {"format": form, "seal_id": s.id, "sealed_at": s.sealed_at.isoformat(),
            "root": s.root, "size": s.size, "index": index,
            "leaf": {"case_id": case_id, "seq": seq, "hash": hash_},
            "path": [p.hex() for p in path]}


def proof_holds(data: dict[str, Any], expected_root: str | None = None) -> bool:
    """Whether a proof shows its leaf in its seal (and the seal's root is
    ``expected_root``, e.g. the one printed on the signed report). Needs no database."""
    try:
        head = (str(data["leaf"]["case_id"]), int(data["leaf"]["seq"]),
                str(data["leaf"]["hash"]))
        top = bytes.fromhex(str(data["root"]))
        path = [bytes.fromhex(str(p)) for p in data["path"]]
        index, size = int(data["index"]), int(data["size"])
    except (KeyError, TypeError, ValueError):
        return False
    if data.get("format") not in (PROOF_FORMAT, LOG_PROOF_FORMAT):
        return False
    if expected_root is not None and expected_root.lower() != top.hex():
        return False
    return verify_inclusion(leaf(head), index, size, path, top)


def case_leaves(conn: Connection, case_id: str) -> list[tuple[int, int, str]]:
    """Every seal's leaf for ``case_id``, oldest seal first: (seal id, sealed seq, sealed
    hash) — in a log seal, the case's newest event the seal holds."""
    found = store_seals.list_seals(conn)
    heads = {sid: (seq, hash_) for sid, seq, hash_ in store_seals.case_leaves(conn, case_id)}
    positioned = stored_tree.case_leaves(conn, case_id)
    by_position = sorted(positioned)
    starts = [p for p, _, _ in by_position]
    out: list[tuple[int, int, str]] = []
    for s in found:
        if s.kind == "heads":
            if s.id in heads:
                out.append((s.id, *heads[s.id]))
            continue
        held = by_position[:bisect.bisect_left(starts, s.size)]
        if held:
            newest = max(held, key=lambda p: p[1])
            out.append((s.id, newest[1], newest[2]))
    return out


def export(rt: Runtime, seal_id: int | None = None, *,
           since: int | None = None) -> heads.SignedHead:
    """Seal ``seal_id``'s signed tree head (default: the newest signed seal), for a witness;
    with ``since`` (the size of a head the witness holds), the consistency proof from it."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        picked = store_seals.newest_log_seals(conn, signed=seal_id is None, seal_id=seal_id)
        if not picked:
            raise NotFoundError(tr("Tidak ada segel pohon log #{n}", "No log tree seal #{n}",
                                   n=seal_id) if seal_id is not None else tr(
                "Belum ada segel yang ditandatangani (SOP_SIGNING_KEY, sop seal key)",
                "No signed seal yet (SOP_SIGNING_KEY, sop seal key)"))
        s = picked[0]
        signed = signed_head(s)
        if signed is None:
            raise NotFoundError(tr("Segel #{n} tidak ditandatangani", "Seal #{n} is not signed",
                                   n=s.id))
        if since is None:
            return signed
        if not 0 <= since <= s.size:
            raise NotFoundError(tr(
                "Kepala lama ({a} entri) lebih besar dari segel #{n} ({b} entri)",
                "The old head ({a} entries) is larger than seal #{n} ({b} entries)",
                a=since, n=s.id, b=s.size))
        path: list[bytes] = []
        if 0 < since < s.size:
            tree = Tree(StoredTree(conn))
            tree.prefetch(lambda t: t.consistency(since, s.size))
            path = tree.consistency(since, s.size)
        return replace(signed, from_size=since, path=tuple(path))
