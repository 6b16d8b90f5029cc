"""``sop deviations`` on a growing court: the old whole list beside the paged one, at 10k and
1M cases (quick: 10k and 100k).

Each court is shaped like bench/overdue.py's (cases over every SOP across ten years, 90% of
them finished) with about 0.8 deviations per case (overdue steps mostly, wrong actors,
missing outputs, a refused attempt now and then), bulk-loaded straight through the driver
(SQLite ``executemany``; PostgreSQL ``COPY`` then ``VACUUM ANALYZE``) on a database ``sop
init`` set up. Measured through ``service.views``, as the command reads them (the operator:
nothing hidden, nothing journaled):

- before: ``views.deviations`` with no limit, what ``sop deviations`` read until it was paged
  (at 1M cases it failed while the SOP of each listed case was asked in one IN list of 800k
  values, past SQLite's limit on variables; the time was the time to the failure; the cases
  are now asked 500 at a time, so it completes, slowly);
- after: ``views.deviation_page``, the first page (50, the command's default);
- deep: the page after a cursor half-way down the history (what ``--lanjut`` costs there).

Time: the median of several warm runs (one runtime; the OS file cache warm). Memory: the peak
of Python's allocations during one run (``tracemalloc``, a separate run so its cost does not
count in the time). Ends with the first page's worst time and the growth 1M/10k of the
first page's time.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, timedelta
from typing import Any

from _common import DEFINITIONS, QUICK, backends, bulk_load, machine, table
from overdue import CASE_COLUMNS, NOW, activities
from sqlalchemy.exc import DBAPIError

from sop_runtime.service import setup, views
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime

SIZES = (10_000, 100_000) if QUICK else (10_000, 1_000_000)
PER_CASE = 0.8
PAGE = views.DEVIATIONS_PER_PAGE
WARM_RUNS = 7
WHOLE_RUNS = 3
SEED = 20261206
DEVIATION_COLUMNS = ("case_id", "seq", "kind", "outcome", "node", "attempt", "actor",
                     "occurred_at", "recorded_at", "rule", "reason", "evidence")
KINDS = (("overdue", "mutu_baku.waktu", 0.7), ("wrong_actor", "pelaksana", 0.15),
         ("missing_output", "output", 0.1), ("override", "pengawas", 0.05))


def _kind(r: float) -> tuple[str, str]:
    for kind, rule, share in KINDS:
        r -= share
        if r < 0:
            return kind, rule
    return KINDS[0][0], KINDS[0][1]


def court(size: int) -> tuple[list[tuple[Any, ...]], Callable[[], Iterator[tuple[Any, ...]]],
                              int]:
    """(case rows, the deviation rows (generated as they load), how many there are)."""
    rng = random.Random(SEED + size)
    acts, _ = activities()
    now = NOW.astimezone(UTC)
    cases: list[tuple[Any, ...]] = []
    first_open = int(size * 0.9)
    for i in range(size):
        year = 2017 + i * 10 // size
        act = acts[rng.randrange(len(acts))]
        running = i >= first_open
        started = now - timedelta(days=(size - i) / size * 3650 + rng.random())
        updated = started + timedelta(minutes=rng.uniform(1, 600))
        cases.append((f"SNN-{year}-{i % (size // 10) + 1:06d}", act.sop_id, act.version,
                      "aktif" if running else "selesai", started, "rina.ptsp",
                      None if running else updated, started + timedelta(days=14), False, "{}",
                      12, f"{rng.getrandbits(256):064x}", updated, "Budi Umasugi", None))
    per_case = [int(PER_CASE) + (rng.random() < PER_CASE % 1) for _ in range(size)]

    def rows() -> Iterator[tuple[Any, ...]]:
        pick = random.Random(SEED - size)
        for case, n in zip(cases, per_case, strict=True):
            for k in range(n):
                kind, rule = _kind(pick.random())
                at = case[4] + timedelta(minutes=pick.uniform(5, 6000))
                yield (case[0], 3 + 2 * k, kind, "ditolak" if pick.random() < 0.03 else "dicatat",
                       "langkah_1", 1, None if kind == "overdue" else "siti.kasir", at, at,
                       rule, None, '{"due_at": "2020-01-01T00:00:00+00:00"}')
    return cases, rows, sum(per_case)


def warm_ms(call: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def peak_mb(call: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure(url: str, n: int) -> dict[str, tuple[str, float, float]]:
    """{what: (rows, warm ms, peak MB)} on a court of ``n`` deviations."""
    rt = Runtime.open(url)
    reader = operator()
    middle = views.deviation_page(rt, reader=reader, per_page=1000)
    for _ in range(n // 2000):  # half-way down, a thousand at a time
        assert middle.next is not None
        middle = views.deviation_page(rt, reader=reader, per_page=1000, cursor=middle.next)
    half = middle.next
    del middle
    def whole() -> Any:
        try:
            return views.deviations(rt, reader=reader)
        except DBAPIError as exc:  # SQLite at 1M: the cases of 800k rows in one IN list
            return f"fails: {str(exc.orig)[:40]}"

    calls: dict[str, Callable[[], Any]] = {
        "before: the whole list": whole,
        f"after: the first page ({PAGE})": lambda: views.deviation_page(rt, reader=reader),
        f"after: a page half-way down ({PAGE})": lambda: views.deviation_page(
            rt, reader=reader, cursor=half),
    }
    out = {}
    for what, call in calls.items():
        found = call()  # the first call warms the caches
        rows = (found if isinstance(found, str) else
                f"{len(found) if isinstance(found, list) else len(found.rows):,}")
        ms = warm_ms(call, WHOLE_RUNS if what.startswith("before") else WARM_RUNS)
        out[what] = (rows, ms, peak_mb(call))
    rt.engine.dispose()
    return out


def main() -> None:
    print(f"{'quick' if QUICK else 'full'} run: courts of {', '.join(f'{n:,}' for n in SIZES)}"
          f" cases, about {PER_CASE} deviations per case")
    print(machine())
    first: dict[tuple[str, int], float] = {}
    for size in SIZES:
        t0 = time.perf_counter()
        cases, rows, n = court(size)
        print(f"\n{size:,} cases, {n:,} deviations (generated in "
              f"{time.perf_counter() - t0:.1f} s)")
        with backends(f"dev{size}") as found:
            for backend in found:
                rt = Runtime.open(backend.url)
                setup.init(rt, DEFINITIONS)
                rt.engine.dispose()
                load_s = bulk_load(backend, [("cases", CASE_COLUMNS, cases),
                                             ("deviations", DEVIATION_COLUMNS, rows())],
                                   "VACUUM ANALYZE")
                figures = measure(backend.url, n)
                print(f"{backend.name}: loaded in {load_s:.1f} s")
                print(table(["sop deviations", "rows", "warm ms (median)", "peak MB"],
                            [[what, r, f"{ms:.1f}", f"{mb:.1f}"]
                             for what, (r, ms, mb) in figures.items()]))
                first[(backend.name, size)] = figures[f"after: the first page ({PAGE})"][1]
        del cases, rows
    small, big = SIZES
    growth = max(first[(b, big)] / first[(b, small)] for b, s in first if s == small
                 and (b, big) in first)
    print(f"\nfirst page (warm): {max(v for (_, s), v in first.items() if s == big):.1f} ms"
          f" at {big:,} cases")
    print(f"growth {big // 1000}k/{small // 1000}k: {growth:.2f}")


if __name__ == "__main__":
    main()
