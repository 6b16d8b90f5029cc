"""A witness of a court's log: it keeps, outside the court, every signed tree head the
court served and a mirror of the log tree's leaf hashes (32 bytes an entry, nothing of the
cases), and on each poll checks that the court's newest head is signed with the court's key
and extends what it holds (RFC 9162 consistency). When it does not — a sealed entry
rewritten and the seal recomputed, a log cut short, a head signed by another key — the
witness bisects: it asks the court for the root of ever shorter prefixes of the tree as the
court now stores it, each bound by a consistency proof to the court's newest seal, and
compares each with the root of the same prefix of its mirror. The first prefix where they
part names the first divergent position, and the head the witness holds that first covered
it.

A witness keeps each court in a folder of its own::

    pengadilan.json   the court's address, public key (base64) and name
    kepala.jsonl      every signed head accepted, oldest first (the export's JSON)
    daun.bin          the leaf hashes of the newest held head, in position order
    temuan.jsonl      every finding: when, what the court served, what was wrong

A failed poll changes nothing held: the next poll checks against the same heads again.
The court is reached through :class:`Fetch` (HTTP in the CLI, the app itself in tests).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

from sop_runtime.audit.heads import HeadError, SignedHead, check_consistency, parse
from sop_runtime.audit.logtree import NodeKey, Tree, extend
from sop_runtime.audit.merkle import verify_consistency
from sop_runtime.audit.signing import public_from_text, public_text, verify
from sop_runtime.errors import Kind, SopRuntimeError
from sop_runtime.files import sync_file, sync_folder
from sop_runtime.i18n import tr

PAGE = 4096  # leaf hashes asked for per request (the court serves at most this many)
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class WitnessError(SopRuntimeError):
    """A witness folder or a followed court that cannot be used as it is (an unknown
    court, a name taken, a folder damaged)."""

    kind: ClassVar[Kind] = "bad_input"


class Unreachable(SopRuntimeError):
    """The court did not answer, or answered something that is not its witness API."""

    kind: ClassVar[Kind] = "problem"


class NotServed(Unreachable):
    """The court answered that it has no such thing (HTTP 404): no signed head yet, a
    prefix beyond its newest seal."""


class Fetch(Protocol):
    def __call__(self, path: str, params: dict[str, int]) -> dict[str, Any]:
        """The JSON object the court answers at ``path`` (under its base address) with
        ``params``; :class:`NotServed` for a 404, :class:`Unreachable` otherwise."""


class Mirror:
    """The witness's copy of the tree: leaf hashes, and the complete subtrees made from
    them (as :class:`~sop_runtime.audit.logtree.Source`)."""

    def __init__(self) -> None:
        self.leaves: list[bytes] = []
        self.made: dict[NodeKey, bytes] = {}

    def leaf_hashes(self, lo: int, hi: int) -> list[bytes]:
        return self.leaves[lo:hi]

    def nodes(self, keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
        return {k: self.made[k] for k in keys if k in self.made}

    def append(self, hashes: Sequence[bytes]) -> None:
        self.made.update(extend(self, len(self.leaves), hashes))
        self.leaves.extend(hashes)

    def root(self, size: int) -> bytes:
        return Tree(self).root(size)


@dataclass(frozen=True)
class Court:
    name: str      # the folder's name, as the witness calls it
    url: str
    public: bytes
    zone: str = "Asia/Jakarta"  # how the witness shows the court's times


@dataclass(frozen=True)
class Divergence:
    position: int          # the first entry (0-based) where the served log parts from the held
    held_leaf: str         # its leaf hash in the mirror
    served_leaf: str | None  # and as served now (None: the served log ends before it)
    covered_by: SignedHead  # the held head that first covered it


@dataclass(frozen=True)
class Poll:
    court: Court
    ok: bool
    held: SignedHead | None          # the newest head held after the poll
    added: int = 0                   # entries added to the mirror
    problems: list[str] = field(default_factory=list)
    divergence: Divergence | None = None


class Folder:
    """The witness's folder of courts."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _dir(self, name: str) -> Path:
        return self.root / name

    def follow(self, name: str, url: str, public_key: str, zone: str = "Asia/Jakarta"
               ) -> Court:
        """Start following a court: its folder, with its address and public key."""
        if not _NAME.fullmatch(name):
            raise WitnessError(tr(
                "nama '{n}' tidak dapat dipakai: huruf kecil, angka dan '-', mis. pn-sanana",
                "the name '{n}' cannot be used: lower-case letters, digits and '-', e.g. "
                "pn-sanana", n=name[:80]))
        if not re.match(r"https?://[^\s/]+", url):
            raise WitnessError(tr("alamat '{u}' bukan alamat http(s)",
                                  "the address '{u}' is not an http(s) address", u=url[:200]))
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise WitnessError(tr("zona waktu '{z}' tidak dikenal", "unknown time zone '{z}'",
                                  z=zone[:80])) from None
        public = public_from_text(public_key)
        where = self._dir(name)
        if (where / "pengadilan.json").exists():
            raise WitnessError(tr("'{n}' sudah diikuti ({p})", "'{n}' is followed already "
                                  "({p})", n=name, p=where))
        where.mkdir(parents=True, exist_ok=True)
        _write_atomic(where / "pengadilan.json", json.dumps(
            {"url": url.rstrip("/"), "public_key": public_text(public), "zone": zone},
            indent=1).encode())
        return Court(name, url.rstrip("/"), public, zone)

    def courts(self) -> list[Court]:
        if not self.root.is_dir():
            return []
        return [self.court(p.name) for p in sorted(self.root.iterdir())
                if (p / "pengadilan.json").is_file()]

    def court(self, name: str) -> Court:
        where = self._dir(name) / "pengadilan.json"
        if not _NAME.fullmatch(name) or not where.is_file():
            raise WitnessError(tr("'{n}' tidak diikuti di {f}", "'{n}' is not followed in {f}",
                                  n=name[:80], f=self.root))
        try:
            data = json.loads(where.read_text(encoding="utf-8"))
            return Court(name, str(data["url"]), public_from_text(str(data["public_key"])),
                         str(data.get("zone", "Asia/Jakarta")))
        except (OSError, ValueError, KeyError, TypeError, SopRuntimeError) as exc:
            raise WitnessError(tr("{p} rusak: {e}", "{p} is damaged: {e}", p=where,
                                  e=exc)) from None

    def heads(self, court: Court) -> list[SignedHead]:
        """Every head held, oldest first."""
        where = self._dir(court.name) / "kepala.jsonl"
        if not where.exists():
            return []
        out = []
        for n, line in enumerate(where.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    out.append(parse(json.loads(line), f"{where}:{n}"))
                except (ValueError, HeadError) as exc:
                    raise WitnessError(tr("{p}:{n} rusak: {e}", "{p}:{n} is damaged: {e}",
                                          p=where, n=n, e=exc)) from None
        return out

    def mirror(self, court: Court, size: int) -> Mirror:
        """The mirror of the first ``size`` leaves (what a poll cut short wrote past the
        newest held head is left out)."""
        where = self._dir(court.name) / "daun.bin"
        raw = where.read_bytes()[:32 * size] if where.exists() else b""
        if len(raw) != 32 * size:
            raise WitnessError(tr(
                "{p} memuat {k} daun, kepala terbaru yang dipegang {n}: folder saksi rusak",
                "{p} holds {k} leaves, the newest head held {n}: the witness folder is "
                "damaged", p=where, k=len(raw) // 32, n=size))
        m = Mirror()
        m.append([raw[i:i + 32] for i in range(0, len(raw), 32)])
        return m

    def keep(self, court: Court, head: SignedHead, old_size: int, new: Sequence[bytes]
             ) -> None:
        """Hold ``head``: its new leaves first (written and synced), then the head."""
        where = self._dir(court.name)
        with open(where / "daun.bin", "r+b" if (where / "daun.bin").exists() else "wb") as f:
            f.truncate(32 * old_size)
            f.seek(32 * old_size)
            f.write(b"".join(new))
            f.flush()
            os.fsync(f.fileno())
        held = {k: v for k, v in head.as_json().items() if k != "consistency"}
        _append_line(where / "kepala.jsonl", held)

    def record(self, court: Court, at: datetime, served: dict[str, Any] | None,
               problems: list[str], divergence: Divergence | None) -> None:
        _append_line(self._dir(court.name) / "temuan.jsonl", {
            "at": at.isoformat(), "served": served, "problems": problems,
            "divergence": None if divergence is None else {
                "position": divergence.position, "held_leaf": divergence.held_leaf,
                "served_leaf": divergence.served_leaf,
                "first_held_seal": divergence.covered_by.seal_id}})


def _append_line(path: Path, data: dict[str, Any]) -> None:
    with open(path, "ab") as f:
        f.write(json.dumps(data, ensure_ascii=False).encode() + b"\n")
        f.flush()
        os.fsync(f.fileno())


def _write_atomic(path: Path, data: bytes) -> None:
    part = path.with_suffix(".part")
    part.write_bytes(data)
    sync_file(part)
    os.replace(part, path)
    sync_folder(path.parent)


def poll(folder: Folder, court: Court, fetch: Fetch, now: datetime) -> Poll:
    """Check the court's newest signed head against what is held, and hold it when it
    extends it; otherwise record the finding and bisect for the first divergent entry."""
    held_heads = folder.heads(court)
    held = held_heads[-1] if held_heads else None
    size = held.head.size if held else 0
    served: dict[str, Any] | None = None
    new: SignedHead | None = None
    try:
        served = fetch("/api/saksi/kepala", {"dari": size} if size else {})
        new = parse(served, tr("kepala dari {u}", "the head from {u}", u=court.url))
    except NotServed as exc:
        problems = [tr("pengadilan tidak menyajikan kepala bertanda tangan: {e}",
                       "the court serves no signed head: {e}", e=exc)]
    except HeadError as exc:
        problems = [str(exc)]
    else:
        problems = (check_consistency(held, new, court.public) if held else
                    [] if verify(new.head, new.signature, court.public) else [tr(
                        "kepala segel #{n} tidak ditandatangani kunci pengadilan",
                        "the head of seal #{n} is not signed by the court's key",
                        n=new.seal_id)])
    mirror = folder.mirror(court, size)
    if not problems and new is not None:
        added = _fetch_leaves(fetch, size, new.head.size)
        mirror.append(added)
        if mirror.root(new.head.size).hex() == new.head.root:
            if new.head.size != size or held is None:
                folder.keep(court, new, size, added)
            return Poll(court, True, new, len(added))
        problems = [tr("daun yang disajikan tidak menghasilkan akar kepala segel #{n}",
                       "the leaves served do not give the root of seal #{n}'s head",
                       n=new.seal_id)]
        mirror = folder.mirror(court, size)
    divergence = None
    if held is not None:
        found, why = first_divergence(mirror, size, lambda k: _prefix(fetch, k))
        problems += why
        if found is not None:
            end = _prefix(fetch, 0)
            served_leaf = (_fetch_leaves(fetch, found, found + 1)
                           if end is not None and found < end.sealed_size else [])
            covered = next((h for h in held_heads if h.head.size > found), held)
            divergence = Divergence(found, mirror.leaves[found].hex(),
                                    served_leaf[0].hex() if served_leaf else None, covered)
    folder.record(court, now, served, problems, divergence)
    return Poll(court, False, held, 0, problems, divergence)


def _fetch_leaves(fetch: Fetch, lo: int, hi: int) -> list[bytes]:
    out: list[bytes] = []
    while lo + len(out) < hi:
        got = fetch("/api/saksi/daun", {"dari": lo + len(out),
                                         "jumlah": min(PAGE, hi - lo - len(out))})
        hashes = got.get("hashes")
        if not isinstance(hashes, list) or not hashes or not all(
                isinstance(h, str) and _HEX64.fullmatch(h) for h in hashes):
            raise Unreachable(tr("jawaban daun dari posisi {p} rusak",
                                 "the leaves answered from position {p} are malformed",
                                 p=lo + len(out)))
        out.extend(bytes.fromhex(h) for h in hashes[:hi - lo - len(out)])
    return out


@dataclass(frozen=True)
class Served:
    root: bytes
    sealed_size: int
    sealed_root: str


def _prefix(fetch: Fetch, size: int) -> Served | None:
    """The court's present root of ``size`` entries, checked against the consistency proof
    to its newest seal it comes with (None when the court's tree is smaller)."""
    try:
        got = fetch("/api/saksi/akar", {"ukuran": size})
    except NotServed:
        return None
    try:
        top, sealed = bytes.fromhex(got["root"]), bytes.fromhex(got["sealed_root"])
        sealed_size = int(got["sealed_size"])
        path = [bytes.fromhex(p) for p in got["consistency"]]
    except (KeyError, TypeError, ValueError):
        raise Unreachable(tr("jawaban akar {k} rusak", "the root of {k} answered is malformed",
                             k=size)) from None
    if not (size == 0 or verify_consistency(size, sealed_size, top, sealed, path)):
        raise Unreachable(tr(
            "akar {k} entri yang disajikan tidak terikat pada segel terbaru pengadilan "
            "(bukti konsistensi salah)",
            "the root of {k} entries served is not bound to the court's newest seal (a wrong "
            "consistency proof)", k=size))
    return Served(top, sealed_size, got["sealed_root"])


def first_divergence(mirror: Mirror, size: int, served: Callable[[int], Served | None]
                     ) -> tuple[int | None, list[str]]:
    """The first position below ``size`` where the log served parts from the mirror, by
    bisection over prefix roots (O(log n) questions), and what else to say of it (where a
    shorter log ends); None when the first ``size`` entries are served as held. Every
    answer must be bound to the same newest seal."""
    sealed: set[str] = set()

    def same(k: int) -> bool | None:  # None: the served tree is smaller than k
        got = served(k)
        if got is None:
            return None
        sealed.add(got.sealed_root)
        return got.root == mirror.root(k)

    hi = size
    at_hi = same(hi)
    if at_hi:
        return None, []
    if at_hi is None:  # the served tree is shorter: its end is where to start from
        end = served(0)
        hi = min(size, end.sealed_size) if end else 0
        if hi == 0 or same(hi):
            return hi, [tr("log yang disajikan berakhir pada {k} entri; saksi memegang {n}",
                           "the log served ends at {k} entries; the witness holds {n}",
                           k=hi, n=size)]
    lo = 0  # the empty prefix is the same for everyone
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if same(mid):
            lo = mid
        else:
            hi = mid
    if len(sealed) > 1:
        raise Unreachable(tr("pengadilan berganti segel selama pencarian; periksa lagi",
                             "the court's newest seal changed during the search; poll again"))
    return lo, []
