"""Seals: a periodic Merkle root (RFC 9162) over every case's newest event.

A per-case hash chain cannot show that a whole case, or a case's newest events, were
deleted. A seal can: it fixes each case's head at the time, and its root goes on the
monthly report the Ketua signs. Checking a seal finds a case removed, a log truncated or a
sealed event altered since — and says since which seal. An inclusion proof shows that one
case's head is in a seal without handing over the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from sop_runtime.audit.merkle import inclusion_path, root, verify_inclusion
from sop_runtime.compiler.canonical import canonical_json
from sop_runtime.errors import NotFoundError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.people import require_supervisor
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import seals as store_seals
from sop_runtime.store.chain import JOURNAL_MARK
from sop_runtime.store.db import begin_write
from sop_runtime.store.schema import events
from sop_runtime.store.seals import Head
from sop_runtime.store.seals import SealRow as SealRow  # for the interfaces

PROOF_FORMAT = "sop-runtime/seal-proof/v1"


def leaf(head: Head) -> bytes:
    """The leaf of a case head: canonical JSON ``{"case_id", "hash", "seq"}``."""
    case_id, seq, hash_ = head
    return canonical_json({"case_id": case_id, "seq": seq, "hash": hash_})


def seal(rt: Runtime, actor: str, *, note: str | None = None) -> SealRow:
    """Seal every case's newest event now (a supervisor's act)."""
    now = rt.now()
    with begin_write(rt.engine) as conn:
        ensure_ready(rt, conn)
        require_supervisor(catalog.directory(rt, conn), actor, now, "menyegel log",
                           "seal the log")
        heads = store_seals.current_heads(conn)
        top = root([leaf(h) for h in heads]).hex()
        seal_id = store_seals.save_seal(conn, sealed_at=now, sealed_by=actor, root=top,
                                        heads=heads, note=note)
    return SealRow(seal_id, now, actor, len(heads), top, note,
                   sum(1 for h in heads if h[0].startswith(JOURNAL_MARK)))


@dataclass(frozen=True)
class SealBreak:
    seal_id: int
    sealed_at: datetime
    what: str            # seal_altered | case_removed | truncated | altered
    case_id: str | None
    seq: int | None
    message: str


@dataclass(frozen=True)
class SealCheck:
    ok: bool
    seals: int
    first_break: SealBreak | None = None


def check(rt: Runtime) -> SealCheck:
    """Check every seal against the log, oldest first; the first break names the seal
    since which something changed."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        found = store_seals.list_seals(conn)
        for s in found:
            heads = store_seals.leaves(conn, s.id)
            if len(heads) != s.size or root([leaf(h) for h in heads]).hex() != s.root:
                return SealCheck(False, len(found), SealBreak(
                    s.id, s.sealed_at, "seal_altered", None, None,
                    tr("segel #{n}: daftar kepala perkara tidak lagi menghasilkan akarnya",
                       "seal #{n}: its list of case heads no longer gives its root", n=s.id)))
            bad = store_seals.unmatched_leaves(conn, s.id)
            if bad:
                (case_id, seq, _), now_hash = bad[0]
                return SealCheck(False, len(found), _leaf_break(conn, s, case_id, seq, now_hash))
    return SealCheck(True, len(found))


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


def proof(rt: Runtime, case_id: str, seal_id: int | None = None) -> dict[str, Any]:
    """The inclusion proof of ``case_id``'s sealed head in seal ``seal_id`` (default: the
    newest seal that covers the case)."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        found = store_seals.list_seals(conn)
        candidates = [s for s in reversed(found) if seal_id is None or s.id == seal_id]
        for s in candidates:
            heads = store_seals.leaves(conn, s.id)
            index = next((i for i, h in enumerate(heads) if h[0] == case_id), None)
            if index is None:
                continue
            path = inclusion_path(index, [leaf(h) for h in heads])
            case_id_, seq, hash_ = heads[index]
            return {"format": PROOF_FORMAT, "seal_id": s.id,
                    "sealed_at": s.sealed_at.isoformat(), "root": s.root, "size": s.size,
                    "index": index, "leaf": {"case_id": case_id_, "seq": seq, "hash": hash_},
                    "path": [p.hex() for p in path]}
    raise NotFoundError(tr("Tidak ada segel yang mencakup perkara {c}{s}",
                           "No seal covers case {c}{s}", c=case_id,
                           s=f" (segel #{seal_id})" if seal_id else ""))


def proof_holds(data: dict[str, Any], expected_root: str | None = None) -> bool:
    """Whether a proof shows its leaf in its seal (and the seal's root is
    ``expected_root``, e.g. the one printed on the signed report)."""
    try:
        head = (str(data["leaf"]["case_id"]), int(data["leaf"]["seq"]),
                str(data["leaf"]["hash"]))
        top = bytes.fromhex(str(data["root"]))
        path = [bytes.fromhex(str(p)) for p in data["path"]]
        index, size = int(data["index"]), int(data["size"])
    except (KeyError, TypeError, ValueError):
        return False
    if data.get("format") != PROOF_FORMAT:
        return False
    if expected_root is not None and expected_root.lower() != top.hex():
        return False
    return verify_inclusion(leaf(head), index, size, path, top)
