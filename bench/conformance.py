"""Log rows replayed per second by ``sop conformance`` on a generated log of 1M rows (quick:
100k), on one process and on one per core, side by side.

The log is what SIPP's step table would hold for legalisasi-waarmerking (the library's
longest golden route, 10 steps): clean cases walked by the engine along the golden route
(tests/golden/routes.yaml), each step done a few minutes after it opened by the route's
user, then repeated under new case ids a week later each time, with one case in seven
mutated (a swap, a deletion, an actor substitution, a delay past the limit, a repeated row
or an empty required output). It is written as CSV with its mapping file and checked by the
same code as the command (``conformance.check``): the CSV is read, every case replayed
through ``decide`` in record mode, the findings sorted.

Ends with the replay's rows per second on one process per core. Goal >= 100k events/s.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from _common import DEFINITIONS, QUICK, ROUTES_FILE, machine, table

from sop_runtime.compiler.library import load_library
from sop_runtime.conformance.check import ConformanceReport, check
from sop_runtime.conformance.mapping import load_mapping
from sop_runtime.conformance.synthetic_log import MUTATIONS, Generator, Row, load_routes
from sop_runtime.gcpause import gc_paused

SOP = "legalisasi-waarmerking"
ROWS = 100_000 if QUICK else 1_000_000
TEMPLATES = 300 if QUICK else 1000
GOAL = 100_000


def generate(gen: Generator, rows_wanted: int) -> list[Row]:
    first = datetime.fromisoformat("2025-01-06T00:00:00+09:00")
    templates = [gen.clean(f"T{k}", start)
                 for k, start in enumerate(gen.start_times(TEMPLATES, first))]
    span = timedelta(weeks=1 + (templates[-1][-1].at - templates[0][0].at).days // 7)
    rows: list[Row] = []
    n = 0
    while len(rows) < rows_wanted:
        template = templates[n % len(templates)]
        shift = span * (n // len(templates))
        case = f"W/{n:07d}/Leg/PN Snn"
        copy = [replace(r, case=case, at=r.at + shift,
                        due=r.due + shift if r.due else None,
                        service_due=r.service_due + shift if r.service_due else None)
                for r in template]
        if n % 7 == 0:
            mutated = gen.mutate(copy, MUTATIONS[(n // 7) % len(MUTATIONS)])
            if mutated is not None:
                copy = mutated[0]
        rows.extend(copy)
        n += 1
    return rows


def measure(log: Path, gen: Generator, mapping: Path, workers: int) -> ConformanceReport:
    lib = load_library([DEFINITIONS])
    assert lib.court is not None
    court = lib.court.model
    wf = lib.workflow(SOP)
    loaded = load_mapping(mapping, wf, frozenset(p.id for p in court.peran))
    return check(log, wf, loaded, gen.calendar, frozenset(p.id for p in court.peran
                                                         if p.pengawas), workers=workers)


def main() -> None:
    print(f"bench/conformance.py — {machine()}")
    t0 = time.perf_counter()
    lib = load_library([DEFINITIONS])
    assert lib.court is not None
    gen = Generator.for_court(lib.workflow(SOP), load_routes(ROUTES_FILE)[SOP], lib.court.model,
                              seed=2026)
    with gc_paused():
        rows = generate(gen, ROWS)
    folder = Path(tempfile.mkdtemp(prefix="sop-bench-conformance-"))
    log, mapping = folder / "log.csv", folder / "map.yaml"
    with log.open("w", encoding="utf-8", newline="") as f:
        gen.write_rows(f, rows, header=True)
    gen.write_mapping(mapping)
    cases = len({r.case for r in rows})
    print(f"{'quick' if QUICK else 'full'} run: {len(rows):,} rows in {cases:,} cases of {SOP} "
          f"({log.stat().st_size / 1e6:.0f} MB of CSV), made in {time.perf_counter() - t0:.1f} s")
    del rows
    results = []
    for workers in sorted({1, os.cpu_count() or 1}):
        r = measure(log, gen, mapping, workers)
        results.append(r)
    print(table(
        ["processes", "rows", "cases", "findings", "read s", "replay s", "replay rows/s",
         "read+replay rows/s"],
        [[str(r.workers), f"{r.replayed:,}", f"{len(r.cases):,}", f"{sum(r.totals.values()):,}",
          f"{r.read_seconds:.1f}", f"{r.replay_seconds:.1f}",
          f"{r.replayed / r.replay_seconds:,.0f}",
          f"{r.replayed / (r.read_seconds + r.replay_seconds):,.0f}"] for r in results]))
    one = results[0]
    assert all(r.totals == one.totals for r in results), "the processes disagree"
    best = max(results, key=lambda r: r.replayed / r.replay_seconds)
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    print(f"findings by kind: {dict(one.totals.most_common())}")
    print(f"goal >= {GOAL:,} events/s (an event: one row of the log replayed)")
    print(f"conformance: {best.replayed / best.replay_seconds:.0f} events/s")


if __name__ == "__main__":
    main()
