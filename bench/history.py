"""Flat with history: what a supervisor and a clerk open, and what the sweep searches, on
courts of 10k, 100k and 1M cases (quick: 10k and 100k).

Each court is bench/overdue.py's (cases over every SOP across ten years, 10% of them still
running with one open step each, some assigned, messy deadlines) with about 0.8
deviations per case as in bench/deviations.py (overdue steps mostly, wrong actors, missing
outputs, a refused attempt now and then), bulk-loaded straight through the driver (SQLite
``executemany``; PostgreSQL ``COPY`` then ``VACUUM ANALYZE``) on a database ``sop init`` set
up, with the counts the projection keeps beside them (``tallies``). The court is one a
sweep keeps up with, as a running server's flow does every few
minutes: a step past its deadline and a case past its service standard are already recorded
as such, but those that fell due in the last ``SWEPT_AGO`` (what the next sweep finds); one
open step in fifty waits on a timer, a few of them run out since the last sweep.

Measured through the service (the operator: nothing hidden, nothing journaled) or the store,
at ``NOW``, the median of several runs on one runtime (the OS file cache warm; more runs
for the quick ones):

- the sweep's candidates (``store.queries.sweep_candidates``);
- the supervisor's overview the first time it is opened (``service.supervision.overview``,
  the per-process counts thrown away before each run);
- the deviations counted by kind (``store.supervision.deviation_kinds``);
- the overdue list's first page (100, a screen), the clerk's worklist's first page and the
  deviations' first page (50).

Prints a table per backend (10k / 100k / 1M) and ends with the worst growth of any of them,
``growth 1M/10k: W`` (quick: ``growth 100k/10k``).
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, timedelta
from typing import Any

from _common import DEFINITIONS, QUICK, backends, machine, table
from deviations import DEVIATION_COLUMNS, PER_CASE, _kind
from overdue import NOW, Data, generate, load

from sop_runtime.gcpause import gc_paused
from sop_runtime.service import setup, supervision, views
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import queries
from sop_runtime.store import supervision as store_supervision

SIZES = (10_000, 100_000) if QUICK else (10_000, 100_000, 1_000_000)
RUNS = 5 if QUICK else 9
MOST_RUNS, SPAN = 201, 0.5
SWEPT_AGO = timedelta(minutes=15)
TIMERS = 0.02
CLERK = "rina.ptsp"
SEED = 20261207


def court(size: int) -> tuple[Data, Callable[[], Iterator[tuple[Any, ...]]]]:
    """The court of ``size`` cases as a sweep left it ``SWEPT_AGO`` before ``NOW``, and
    its deviations (generated as they load)."""
    data = generate(size)
    rng = random.Random(SEED + size)
    now = NOW.astimezone(UTC)
    swept = now - SWEPT_AGO
    steps = []
    for row in data.steps:
        due, timer = row[9], None
        if rng.random() < TIMERS:  # the same draw for every role row is not needed: messy
            timer = now + timedelta(days=rng.uniform(-SWEPT_AGO / timedelta(days=1), 10))
        steps.append((*row[:10], timer, due is not None and due < swept))
    data.steps = steps
    data.cases = [(*c[:8], c[6] is None and c[7] < swept, *c[9:]) for c in data.cases]
    per_case = [int(PER_CASE) + (rng.random() < PER_CASE % 1) for _ in range(size)]

    def deviations() -> Iterator[tuple[Any, ...]]:
        pick = random.Random(SEED - size)
        for case, n in zip(data.cases, per_case, strict=True):
            for k in range(n):
                kind, rule = _kind(pick.random())
                at = case[4] + timedelta(minutes=pick.uniform(5, 6000))
                yield (case[0], 3 + 2 * k, kind, "ditolak" if pick.random() < 0.03 else
                       "dicatat", "langkah_1", 1, None if kind == "overdue" else "siti.kasir",
                       at, at, rule, None, '{"due_at": "2020-01-01T00:00:00+00:00"}')
    return data, deviations


def median_ms(call: Callable[[], Any], before: Callable[[], Any] | None = None) -> float:
    """The median of at least ``RUNS`` runs, and of more (up to ``MOST_RUNS``) while they
    take less than ``SPAN`` seconds in all: a sub-millisecond figure on a shared machine is
    otherwise one other process's burst away from doubling."""
    call()  # the first call warms the runtime's caches
    times: list[float] = []
    while len(times) < RUNS or (sum(times) < SPAN and len(times) < MOST_RUNS):
        if before is not None:
            before()
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def measure(url: str) -> dict[str, float]:
    rt = Runtime.open(url, clock=lambda: NOW)
    reader = operator()

    def sweep() -> Any:
        with rt.engine.connect() as conn:
            return queries.sweep_candidates(conn, NOW)

    def kinds() -> Any:
        with rt.engine.connect() as conn:
            return store_supervision.deviation_kinds(conn)

    out = {
        "sweep candidates": median_ms(sweep),
        "supervisor overview, first view": median_ms(
            lambda: supervision.overview(rt, reader=reader), rt._figures.clear),
        "deviation counts by kind": median_ms(kinds),
        "overdue, first page (100)": median_ms(
            lambda: views.overdue(rt, reader=reader, now=NOW, limit=100)),
        "tasks, first page": median_ms(lambda: views.tasks(rt, CLERK)),
        "deviations, first page": median_ms(lambda: views.deviation_page(rt, reader=reader)),
    }
    rt.engine.dispose()
    return out


def main() -> None:
    print(f"{'quick' if QUICK else 'full'} run: courts of "
          f"{', '.join(f'{n:,}' for n in SIZES)} cases, 10% running, about {PER_CASE} "
          f"deviations per case; median of {RUNS}-{MOST_RUNS} runs")
    print(machine())
    found: dict[tuple[str, int], dict[str, float]] = {}
    for size in SIZES:
        t0 = time.perf_counter()
        with gc_paused():
            data, deviations = court(size)
            kinds = [("deviation_kind", kind, n) for kind, n in
                     sorted(Counter(row[2] for row in deviations()).items())]
        gc.freeze()
        print(f"\n{size:,} cases: {data.open_steps:,} open steps, {data.overdue_steps:,} "
              f"overdue (generated in {time.perf_counter() - t0:.1f} s)", flush=True)
        with backends(f"hist{size}") as chosen:
            for backend in chosen:
                rt = Runtime.open(backend.url)
                setup.init(rt, DEFINITIONS)
                rt.engine.dispose()
                load_s = load(backend, data, "VACUUM ANALYZE",
                              [("deviations", DEVIATION_COLUMNS, deviations())], kinds)
                found[(backend.name, size)] = measure(backend.url)
                print(f"{backend.name}: loaded in {load_s:.1f} s, measured", flush=True)
        del data, deviations
        gc.unfreeze()
        gc.collect()
    small, big = SIZES[0], SIZES[-1]
    worst = (0.0, "")
    for name in ("sqlite", "postgresql"):
        if (name, small) not in found:
            continue
        rows = []
        for what in found[(name, small)]:
            cells = [f"{found[(name, n)][what]:.1f}" for n in SIZES]
            growth = found[(name, big)][what] / found[(name, small)][what]
            worst = max(worst, (growth, f"{name}: {what}"))
            rows.append([what, *cells, f"{growth:.2f}"])
        print(f"\n{name}, warm ms (median)")
        print(table(["", *(f"{n // 1000:,}k" for n in SIZES),
                     f"{big // 1000:,}k/{small // 1000}k"], rows))
    label = "1M" if big == 1_000_000 else f"{big // 1000}k"
    print(f"\nworst: {worst[1]}")
    print(f"growth {label}/{small // 1000}k: {worst[0]:.2f}")


if __name__ == "__main__":
    main()
