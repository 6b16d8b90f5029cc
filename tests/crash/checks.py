"""What a database must show after a crash, a power cut or a race: the acknowledged actions
in its log, a log that ``sop verify`` passes, projections equal to a rebuild from the log,
and (SQLite) pages that pass ``PRAGMA integrity_check``. Each check returns what is wrong
(empty: nothing), so the tests assert it and the bench script counts it.

Also here: how a power-cut copy's write-ahead log is torn (:func:`tear_wal`).
"""

from __future__ import annotations

import json
import random
import sqlite3
import struct
from collections import defaultdict
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from sop_runtime.store import events, make_engine
from sop_runtime.store.schema import case_names, cases, deviations, open_steps
from tests.e2e.cli import sop


@dataclass(frozen=True)
class Ack:
    """An action the writer saw committed: the case's log then ended at (seq, hash)."""

    case_id: str
    seq: int
    hash: str
    action: str
    node: str

    @classmethod
    def parse(cls, rest: str) -> Ack:
        case_id, seq, hash_, action, node = rest.split()
        return cls(case_id, int(seq), hash_, action, node)


def _env(url: str) -> dict[str, str]:
    return {"SOP_DATABASE_URL": url}


def log_heads(url: str, case_ids: Iterable[str] | None = None) -> dict[tuple[str, int], str]:
    """(case, seq) -> hash of every stored event of ``case_ids`` (default: every case)."""
    from sop_runtime.store.scan import case_ids as all_case_ids

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            wanted = sorted(set(case_ids)) if case_ids is not None else list(all_case_ids(conn))
            return {(e.case_id, e.seq): e.hash for case in wanted
                    for e in events.load(conn, case)}
    finally:
        engine.dispose()


def lost(url: str, acks: Iterable[Ack]) -> list[Ack]:
    """The acknowledged actions whose event is not in the log at ``url`` (missing, or
    another event in its place)."""
    acks = list(acks)
    stored = log_heads(url, {a.case_id for a in acks})
    return [a for a in acks if stored.get((a.case_id, a.seq)) != a.hash]


@dataclass(frozen=True)
class Verified:
    ok: bool
    cases: int
    events: int
    detail: str  # what ``sop verify`` said when it did not pass


def verify(url: str) -> Verified:
    """``sop verify --json`` on ``url``, through the CLI."""
    r = sop("verify", "--json", env=_env(url))
    said = f"sop verify: exit {r.returncode}\n{r.stdout}{r.stderr}"
    try:
        data = json.loads(r.stdout)
    except ValueError:
        return Verified(False, 0, 0, said)
    ok = r.returncode == 0 and data.get("ok") is True and "Traceback" not in r.stderr
    return Verified(ok, int(data.get("cases") or 0), int(data.get("events") or 0),
                    "" if ok else said)


Snapshot = dict[str, list[tuple[Any, ...]]]


def snapshot(engine: Engine) -> Snapshot:
    """The projections' rows, sorted, without what a rebuild writes afresh (``cases``'
    ``updated_at``, the deviations' autoincrement id)."""
    out = {}
    with engine.connect() as conn:
        for table, skip in ((cases, {"updated_at"}), (open_steps, set()), (deviations, {"id"}),
                            (case_names, set())):
            cols = [c for c in table.c if c.name not in skip]
            out[table.name] = sorted((tuple(r) for r in conn.execute(select(*cols))), key=repr)
    return out


def differences(before: Snapshot, after: Snapshot, shown: int = 3) -> list[str]:
    out = []
    for name in before:
        if before[name] == after[name]:
            continue
        old, new = set(before[name]), set(after[name])
        out += [f"{name}: only before the rebuild: {row}" for row in sorted(old - new, key=repr)
                [:shown]]
        out += [f"{name}: only after the rebuild: {row}" for row in sorted(new - old, key=repr)
                [:shown]]
        if old == new:
            out.append(f"{name}: the same rows, {len(before[name])} before the rebuild and "
                       f"{len(after[name])} after")
    return out


def projections_rebuilt(url: str) -> list[str]:
    """Run ``sop rebuild`` on ``url``: how the projections differed from the rebuilt ones."""
    engine = make_engine(url)
    try:
        before = snapshot(engine)
        engine.dispose()
        r = sop("rebuild", env=_env(url))
        if r.returncode != 0:
            return [f"sop rebuild: exit {r.returncode}\n{r.stdout}{r.stderr}"]
        return differences(before, snapshot(engine))
    finally:
        engine.dispose()


def sqlite_integrity(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` of a SQLite file: what it found wrong."""
    with closing(sqlite3.connect(path)) as conn:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else [f"integrity_check: {r}" for r in rows]


def consistent(url: str) -> list[str]:
    """Everything a database must pass whatever happened to it: ``sop verify``, projections
    equal to a rebuild, and on SQLite ``integrity_check`` (after the product opened it)."""
    checked = verify(url)
    problems = [] if checked.ok else [checked.detail]
    problems += projections_rebuilt(url)
    if url.startswith("sqlite:///"):
        problems += sqlite_integrity(Path(url.removeprefix("sqlite:///")))
    return problems


def group(acks: Iterable[Ack]) -> dict[str, list[Ack]]:
    by_case: dict[str, list[Ack]] = defaultdict(list)
    for a in acks:
        by_case[a.case_id].append(a)
    return by_case


# -- tearing a write-ahead log ------------------------------------------------------------
#
# SQLite's WAL: a 32-byte header (big-endian; page size at 8, salts at 16..24), then frames
# of 24 bytes + one page, each checksummed cumulatively from the header on; reading stops at
# the first frame whose salt or checksum fails, and only frames up to the last commit frame
# count. The -shm index starts with two copies of a 48-byte header (salts at 32..40) and the
# checkpoint's figures: nBackfill at 96 (frames copied into the database file) and
# nBackfillAttempted at 128 (frames a running checkpoint may have copied), native order.
#
# A power cut can lose what was not synced; pages a checkpoint has copied into the database
# file were synced in the WAL first (synchronous=FULL syncs it at every commit and before a
# checkpoint), so a tear that reached them would model a disk that loses synced data, which
# no database survives. The tear is therefore made only past those frames.

WAL_HEADER = 32
FRAME_HEADER = 24


def tear_floor(wal: bytes, shm: bytes) -> int | None:
    """The first byte of ``wal`` that a tear may touch, or None when the copy does not tell
    (the index was being written, or describes another generation of the WAL)."""
    if len(wal) < WAL_HEADER or len(shm) < 136:
        return None
    if shm[0:48] != shm[48:96] or shm[12] == 0:  # mid-update, or not initialised
        return None
    if wal[16:24] != shm[32:40]:  # the WAL file is not the generation the index describes
        return None
    backfilled: int = max(struct.unpack_from("=I", shm, 96)[0],
                          struct.unpack_from("=I", shm, 128)[0])
    if backfilled == 0:
        return 0
    page: int = struct.unpack_from(">I", wal, 8)[0]
    return WAL_HEADER + backfilled * (FRAME_HEADER + page)


@dataclass(frozen=True)
class Tear:
    how: str            # "cut", "garbage" or "none" (nothing past the floor to tear)
    offset: int
    length: int         # bytes cut off or overwritten
    size: int           # the WAL's size before the tear


def tear_wal(folder: Path, rng: random.Random, name: str = "sop.db") -> Tear:
    """Tear the WAL of the database copy in ``folder``: cut it at a random byte, or
    overwrite a random range with garbage, past the frames a checkpoint may have copied."""
    wal_path, shm_path = folder / f"{name}-wal", folder / f"{name}-shm"
    wal = wal_path.read_bytes() if wal_path.exists() else b""
    shm = shm_path.read_bytes() if shm_path.exists() else b""
    floor = tear_floor(wal, shm)
    if floor is None or floor >= len(wal):
        return Tear("none", len(wal), 0, len(wal))
    offset = rng.randrange(floor, len(wal))
    if rng.random() < 0.5:
        wal_path.write_bytes(wal[:offset])
        return Tear("cut", offset, len(wal) - offset, len(wal))
    length = rng.randint(1, min(4096, len(wal) - offset))
    wal_path.write_bytes(wal[:offset] + rng.randbytes(length) + wal[offset + length:])
    return Tear("garbage", offset, length, len(wal))
