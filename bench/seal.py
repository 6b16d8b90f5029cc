"""Sealing and checking stay flat as the court's history grows: a seal, an inclusion proof,
a consistency proof and the default ``sop verify`` after 1,000 new events, on a log of 10k and
of 1M events (quick: 10k and 100k), on SQLite and PostgreSQL; and what signing a seal adds.

Each log is bench/verify.py's (the golden routes' real logs, repeated and chained anew,
bulk-loaded, projections written from them). It is sealed once — the first seal positions
the whole log in the tree, O(n) once, and is printed apart — and then, twice: 1,000 events
or more are appended through the service layer (golden routes walked as new cases), the
default ``sop verify`` (what changed since the seal) is timed on them (median of 3), and
the next seal is timed (median of the two). Then 1,000 more, sealed with the court's key set
(``SOP_SIGNING_KEY``, a key made for the run in a temporary folder): the signed seal, beside
the unsigned ones, shows what signing costs. An inclusion proof of an old case's sealed head
is the median of 20; so is a consistency proof from the first seal (the whole loaded log) to
the signed one, as a witness asks for it (``sop seal export --dari``: the signed head and
its proof), each checked once. For comparison the query the seals made before ran on every
seal (each case's newest event, a scan of the whole log) is timed on the same log.

``SOP_BENCH_SEAL_BACKENDS=sqlite`` (or ``postgresql``) runs one backend only: loading 1M
events into PostgreSQL takes several minutes on a small machine.

Ends with ``growth 1M/10k: W``: the worst ratio, over the four operations (seal, inclusion
proof, consistency proof, verify) and the backends, of the largest log's time to the
smallest's (goal: under 2).
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from _common import (
    QUICK,
    Backend,
    SteppingClock,
    backends,
    load_routes,
    machine,
    table,
    timed,
    walk_route,
)
from verify import load_generated, templates

from sop_runtime.audit import signing
from sop_runtime.audit.merkle import verify_consistency
from sop_runtime.service import integrity, seals
from sop_runtime.service.runtime import Runtime

SIZES = (10_000, 100_000) if QUICK else (10_000, 1_000_000)
NEW = 1_000
CYCLES = 2
SUPERVISOR = "bambang.panitera"
ONLY = {b for b in os.environ.get("SOP_BENCH_SEAL_BACKENDS", "").split(",") if b}

HEADS_SCAN = """SELECT e.case_id, e.seq, e.hash FROM events e
JOIN (SELECT case_id, max(seq) AS seq FROM events GROUP BY case_id) n
  ON e.case_id = n.case_id AND e.seq = n.seq ORDER BY e.case_id"""


@dataclass
class Row:
    backend: str
    size: int
    first_seal_s: float = 0.0
    heads_scan_s: float = 0.0
    seal_s: list[float] = field(default_factory=list)
    proof_ms: float = 0.0
    consistency_ms: float = 0.0
    signed_seal_s: float = 0.0
    verify_s: float = 0.0
    appended: int = 0


def append(rt: Runtime, rnd: random.Random) -> int:
    """Walk golden routes as new cases until at least :data:`NEW` events are appended."""
    routes = load_routes()
    names = sorted(routes)
    before = _events(rt)
    while _events(rt) - before < NEW:
        sop = rnd.choice(names)
        walk_route(rt, sop, routes[sop])
    return _events(rt) - before


def _events(rt: Runtime) -> int:
    with rt.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM events").scalar() or 0)


def measure(backend: Backend, size: int) -> Row:
    row = Row(backend.name, size)
    rt = Runtime.open(backend.url, SteppingClock())
    with rt.engine.connect() as conn:
        row.heads_scan_s = timed(lambda: conn.exec_driver_sql(HEADS_SCAN).all())
    first: list[seals.SealRow] = []
    row.first_seal_s = timed(lambda: first.append(seals.seal(rt, SUPERVISOR)))
    with rt.engine.connect() as conn:
        old_case = conn.exec_driver_sql(
            "SELECT case_id FROM events WHERE id = (SELECT min(id) FROM events)").scalar()
    rnd = random.Random(size)
    for cycle in range(CYCLES):
        row.appended = append(rt, rnd)
        if cycle == CYCLES - 1:
            runs = []
            for _ in range(3):
                t0 = time.perf_counter()
                found = integrity.verify(rt, full=False)
                runs.append(time.perf_counter() - t0)
                if not found.ok or found.new_events != row.appended:
                    raise SystemExit(f"{backend.name}: default verify did not pass: "
                                     f"{integrity.as_json(found)}")
            row.verify_s = statistics.median(runs)
        row.seal_s.append(timed(lambda: seals.seal(rt, SUPERVISOR)))
    append(rt, rnd)
    signed = _signed_seal(rt, row)
    proofs = []
    for _ in range(20):
        t0 = time.perf_counter()
        made = seals.proof(rt, str(old_case))
        proofs.append(time.perf_counter() - t0)
        assert seals.proof_holds(made)
    row.proof_ms = statistics.median(proofs) * 1000
    old = first[0]
    runs = []
    for _ in range(20):
        t0 = time.perf_counter()
        held = seals.export(rt, signed.id, since=old.size)
        runs.append(time.perf_counter() - t0)
    if not verify_consistency(old.size, signed.size, bytes.fromhex(old.root),
                              bytes.fromhex(signed.root), held.path):
        raise SystemExit(f"{backend.name}: the consistency proof does not hold")
    row.consistency_ms = statistics.median(runs) * 1000
    if not seals.check(rt, full=False).ok:
        raise SystemExit(f"{backend.name}: the seals do not check")
    rt.engine.dispose()
    return row


def _signed_seal(rt: Runtime, row: Row) -> seals.SealRow:
    """A seal made with a signing key set (one made for the run), timed."""
    made: list[seals.SealRow] = []
    with tempfile.TemporaryDirectory() as folder:
        key = signing.new_key(Path(folder) / "kunci-segel.pem")
        before = os.environ.get(signing.KEY_ENV)
        os.environ[signing.KEY_ENV] = str(Path(folder) / "kunci-segel.pem")
        try:
            row.signed_seal_s = timed(lambda: made.append(seals.seal(rt, SUPERVISOR)))
        finally:
            if before is None:
                del os.environ[signing.KEY_ENV]
            else:
                os.environ[signing.KEY_ENV] = before
    if made[0].signed_with != key.id:
        raise SystemExit(f"{row.backend}: the seal was not signed")
    return made[0]


def main() -> None:
    print(machine())
    found = templates()
    rows: list[Row] = []
    for size in SIZES:
        with backends(f"seal{size}") as found_backends:
            for backend in found_backends:
                if ONLY and backend.name not in ONLY:
                    continue
                load_generated(backend, found, size)
                rows.append(measure(backend, size))
    print(table(["backend", "events", "heads scan s (before)", "first seal s",
                 f"seal s (+{NEW:,})", f"signed seal s (+{NEW:,})", "proof ms",
                 "consistency ms", f"verify s (+{NEW:,})"],
                [[r.backend, f"{r.size:,}", f"{r.heads_scan_s:.3f}", f"{r.first_seal_s:.2f}",
                  f"{statistics.median(r.seal_s):.3f}", f"{r.signed_seal_s:.3f}",
                  f"{r.proof_ms:.2f}", f"{r.consistency_ms:.2f}", f"{r.verify_s:.3f}"]
                 for r in rows]))
    worst = 0.0
    for name in {r.backend for r in rows}:
        small = next(r for r in rows if r.backend == name and r.size == SIZES[0])
        large = next(r for r in rows if r.backend == name and r.size == SIZES[-1])
        ratios = {"seal": statistics.median(large.seal_s) / statistics.median(small.seal_s),
                  "proof": large.proof_ms / small.proof_ms,
                  "consistency": large.consistency_ms / small.consistency_ms,
                  "verify": large.verify_s / small.verify_s}
        print(f"{name}: {SIZES[-1]:,}/{SIZES[0]:,} " + ", ".join(
            f"{k} {v:.2f}" for k, v in ratios.items()))
        worst = max(worst, *ratios.values())
    label = "1M/10k" if not QUICK else "100k/10k"
    print(f"growth {label}: {worst:.2f}")


if __name__ == "__main__":
    main()
