"""Exported signed tree heads, and the witness's check between two of them, without the
database (RFC 9162: a later head must extend an earlier one, shown by a consistency proof).

An export is a JSON object::

    {"format": "sop-runtime/signed-tree-head/v1", "seal_id": 7, "court": "...",
     "size": 1234, "root": "<64 hex>", "sealed_at": "2026-12-01T01:00:00.000000Z",
     "key_id": "<16 hex>", "signature": "<base64>",
     "consistency": {"from_size": 1000, "path": ["<64 hex>", ...]}}

``consistency`` is there when the export was made for a witness holding an earlier head
(``sop seal export --dari OLD``): the proof that this head extends the tree of ``from_size``
entries. The witness checks both signatures with the court's public key it keeps, then the
proof against the root it holds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, ClassVar

from sop_runtime.audit.merkle import verify_consistency
from sop_runtime.audit.signing import INSTANT_FORMAT, TreeHead, key_id, verify
from sop_runtime.errors import Kind, SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.wording import moment_text

EXPORT_FORMAT = "sop-runtime/signed-tree-head/v1"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_MAX_PATH = 128  # a consistency proof has at most 2 log2(n) hashes


class HeadError(SopRuntimeError):
    """An exported head that is not one (a field missing or of the wrong shape)."""

    kind: ClassVar[Kind] = "bad_input"


@dataclass(frozen=True)
class SignedHead:
    seal_id: int
    head: TreeHead
    key_id: str
    signature: str
    from_size: int | None = None  # the consistency proof carried, if any
    path: tuple[bytes, ...] = ()

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": EXPORT_FORMAT, "seal_id": self.seal_id, "court": self.head.court,
            "size": self.head.size, "root": self.head.root,
            "sealed_at": self.head.instant,
            "key_id": self.key_id, "signature": self.signature}
        if self.from_size is not None:
            out["consistency"] = {"from_size": self.from_size,
                                  "path": [p.hex() for p in self.path]}
        return out


    def compact(self) -> str:
        """The head alone (no proof) as one line of canonical JSON: what the QR code on the
        Ketua's report carries, read back by :func:`parse` as an export."""
        held = {k: v for k, v in self.as_json().items() if k != "consistency"}
        return json.dumps(held, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def lines(self, tz: tzinfo) -> list[str]:
        """The short text the Ketua's report prints, in the reader's language: what the
        head fixes, and by which key (the QR code beside it carries the head exactly)."""
        return [
            tr("Kepala log {c}: segel #{n}, {k} entri log, {t}",
               "Log head of {c}: seal #{n}, {k} log entries, {t}",
               c=self.head.court, n=self.seal_id, k=self.head.size,
               t=moment_text(self.head.sealed_at, tz)),
            tr("Akar Merkle (SHA-256): {r}", "Merkle root (SHA-256): {r}", r=self.head.root),
            tr("Ditandatangani kunci pengadilan {k} (Ed25519): {s}",
               "Signed with the court's key {k} (Ed25519): {s}", k=self.key_id,
               s=self.signature),
        ]


def parse(data: object, name: str) -> SignedHead:
    """An export read back; :class:`HeadError` naming the field when it is not one."""
    def bad(why: str) -> HeadError:
        return HeadError(tr("{f} bukan kepala segel yang diekspor: {w}",
                            "{f} is not an exported seal head: {w}", f=name, w=why))

    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise bad(tr("format bukan {x}", "the format is not {x}", x=EXPORT_FORMAT))
    try:
        size, seal_id = data["size"], data["seal_id"]
        court, root, signature, key = (data["court"], data["root"], data["signature"],
                                       data["key_id"])
        when = datetime.strptime(data["sealed_at"], INSTANT_FORMAT).replace(tzinfo=UTC)
    except KeyError as exc:
        raise bad(tr("kolom {k} tidak ada", "the field {k} is missing", k=exc)) from None
    except (TypeError, ValueError):
        raise bad(tr("sealed_at bukan waktu UTC", "sealed_at is not a UTC instant")) from None
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
               for v in (size, seal_id)):
        raise bad(tr("size dan seal_id harus bilangan bulat", "size and seal_id must be "
                     "whole numbers"))
    if not (isinstance(root, str) and _HEX64.fullmatch(root)):
        raise bad(tr("root bukan 64 digit heksadesimal", "root is not 64 hexadecimal digits"))
    if not all(isinstance(v, str) for v in (court, signature, key)):
        raise bad(tr("court, signature dan key_id harus teks", "court, signature and key_id "
                     "must be text"))
    head = SignedHead(seal_id, TreeHead(court, size, root, when), key, signature)
    proof = data.get("consistency")
    if proof is None:
        return head
    try:
        from_size, path = proof["from_size"], proof["path"]
    except (KeyError, TypeError):
        raise bad(tr("consistency harus memuat from_size dan path",
                     "consistency must hold from_size and path")) from None
    if not (isinstance(from_size, int) and isinstance(path, list) and len(path) <= _MAX_PATH
            and all(isinstance(p, str) and _HEX64.fullmatch(p) for p in path)):
        raise bad(tr("bukti konsistensi rusak", "the consistency proof is malformed"))
    return SignedHead(seal_id, head.head, key, signature, from_size,
                      tuple(bytes.fromhex(p) for p in path))


def check_consistency(old: SignedHead, new: SignedHead, public: bytes) -> list[str]:
    """What is wrong between a head a witness holds (``old``) and a later one (``new``), by
    the court's ``public`` key alone: nothing (an empty list) when both are the court's
    signed heads and ``new`` extends ``old``."""
    problems = []
    name = key_id(public)
    for label, h in ((tr("lama", "old"), old), (tr("baru", "new"), new)):
        if not verify(h.head, h.signature, public):
            problems.append(tr(
                "kepala {l} (segel #{n}) tidak ditandatangani kunci {k}",
                "the {l} head (seal #{n}) is not signed by the key {k}", l=label, n=h.seal_id,
                k=name))
    if problems:
        return problems
    if old.head.court != new.head.court:
        return [tr("kedua kepala dari pengadilan berbeda ({a}, {b})",
                   "the two heads are from different courts ({a}, {b})",
                   a=old.head.court, b=new.head.court)]
    if new.head.size < old.head.size:
        return [tr("kepala baru ({b} entri) lebih kecil dari yang lama ({a}): log dipotong",
                   "the new head ({b} entries) is smaller than the old ({a}): the log was cut",
                   a=old.head.size, b=new.head.size)]
    if new.head.size == old.head.size:
        if new.head.root != old.head.root:
            return [tr("ukuran sama, akar berbeda: log ditulis ulang",
                       "the same size with another root: the log was rewritten")]
        return []
    if new.from_size != old.head.size:
        return [tr("kepala baru tidak membawa bukti dari {a} entri (ekspor dengan --dari "
                   "kepala lama)",
                   "the new head carries no proof from {a} entries (export it with --dari "
                   "the old head)", a=old.head.size)]
    if not verify_consistency(old.head.size, new.head.size, bytes.fromhex(old.head.root),
                              bytes.fromhex(new.head.root), new.path):
        return [tr("kepala baru TIDAK memperluas yang lama: entri yang sudah disegel telah "
                   "diubah, dihapus atau disisipi",
                   "the new head does NOT extend the old one: sealed entries were altered, "
                   "removed or slipped in")]
    return []
