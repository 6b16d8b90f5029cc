"""The monev report of one SOP over a year on bench/overdue.py's court: 1M cases over ten
years and every SOP (quick, ``SOP_BENCH_QUICK=1`` or ``--quick``: 100k).

The court is overdue.py's (its generator and loader: cases, open steps, names), with the
``step_attempts`` projection added the way a court's log would fill it: each case walks
the first steps of its SOP in order (up to six; three when quick), a step opening when the
one before closed; 60 % of the steps are claimed before they are done, some after a long
wait; one step in 20 is done again (a second attempt); one in seven is done after its due
time, and each of those carries an ``overdue`` deviation; the running cases' last step is
still open. The durations are drawn, not measured on the calendar: the bench times the
report, which reads them.

Measured, each cold (a new runtime: a fresh connection, the workflows compiled again) and warm
(the same runtime again), the median of several runs, for the SOP with the most cases and
the year 2025:

- ``monev_figures``: every figure of the report (the steps' percentiles, rates, rework,
  deviations, load, service standard);
- ``monev_figures + pages``: with the printable report and both forms rendered as HTML;
- ``monev_figures + the report's PDF``: the report as ``sop monev --pdf`` writes it.

SQLite first, then PostgreSQL when it can be reached. Goal: under 5 s.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

if "--quick" in sys.argv:
    import os

    os.environ["SOP_BENCH_QUICK"] = "1"

from _common import DEFINITIONS, QUICK, Backend, _sqlite_value, backends, machine, table
from overdue import Data, activities, generate, load

from sop_runtime.gcpause import gc_paused
from sop_runtime.service import setup
from sop_runtime.service.monev import monev_figures, monev_pages, monev_pdf
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import db

STEPS = 3 if QUICK else 6  # the most steps a case walks
CLAIMED = 0.60
REWORK = 0.05
LATE = 1 / 7
COLD_RUNS = 2 if QUICK else 3
WARM_RUNS = 3 if QUICK else 5
GOAL_S = 5.0
YEAR = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
SEED = 20261205

ATTEMPT_COLUMNS = ("case_id", "node", "attempt", "sop_id", "version", "role", "status",
                   "activated_at", "claimed_at", "completed_at", "completed_by", "due_at",
                   "limit_unit", "late", "work_seconds", "wait_seconds", "handle_seconds")
DEVIATION_COLUMNS = ("case_id", "seq", "kind", "outcome", "node", "attempt", "actor",
                     "occurred_at", "recorded_at", "rule", "reason", "evidence")


def attempts(data: Data) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...] | None]]:
    """(attempt row, its deviation row or None) for every case of ``data``, generated as
    they are loaded (six million rows are not held at once)."""
    rng = random.Random(SEED)
    acts, holders = activities()
    by_sop: dict[str, list[Any]] = {}
    for a in acts:
        by_sop.setdefault(a.sop_id, []).append(a)
    for case in data.cases:
        case_id, sop, version, status, started = case[0], case[1], case[2], case[3], case[4]
        walk = by_sop[sop][:STEPS]
        running = status == "aktif"
        last = rng.randrange(len(walk)) if running else len(walk) - 1
        at = started
        seq = 2
        for i, act in enumerate(walk[: last + 1]):
            who_all = holders.get(act.roles[0]) or ["rina.ptsp"]
            who = who_all[rng.randrange(len(who_all))]
            tries = 2 if rng.random() < REWORK else 1
            for attempt in range(1, tries + 1):
                open_now = running and i == last and attempt == tries
                wait = int(rng.expovariate(1 / 1800)) if rng.random() < CLAIMED else None
                handle = int(rng.expovariate(1 / 3600))
                limit = 3600 * (1 + rng.randrange(8))
                work = (wait or 0) + handle
                late = rng.random() < LATE
                if late:
                    work = limit + int(rng.expovariate(1 / 7200))
                due = at + timedelta(seconds=limit)
                claimed = at + timedelta(seconds=wait) if wait is not None else None
                done = None if open_now else at + timedelta(seconds=work)
                row = (case_id, act.node, attempt, sop, version, act.roles[0],
                       "aktif" if open_now else "selesai", at, claimed, done,
                       None if open_now else who, due, "menit_kerja",
                       None if open_now else late, None if open_now else work, wait,
                       None if open_now or wait is None else work - wait)
                deviation = None
                if late and done is not None:
                    seq += 3
                    deviation = (case_id, seq, "overdue", "dicatat", act.node, attempt, None,
                                 due, due, "mutu_baku.waktu", None, "{}")
                yield row, deviation
                if done is not None:
                    at = done + timedelta(seconds=rng.randrange(60, 600))


def load_attempts(backend: Backend, data: Data) -> tuple[int, int, float]:
    """Write the attempts and their deviations straight through the driver (executemany on
    SQLite, COPY on PostgreSQL) in one transaction; (attempts, deviations, seconds)."""
    engine = db.make_engine(backend.url)
    raw: Any = engine.raw_connection()
    flagged: list[tuple[Any, ...]] = []
    written = 0
    t0 = time.perf_counter()

    def rows() -> Iterator[tuple[Any, ...]]:
        nonlocal written
        for row, deviation in attempts(data):
            written += 1
            if deviation is not None:
                flagged.append(deviation)
            yield row

    def insert(name: str, columns: tuple[str, ...]) -> str:
        return f"INSERT INTO {name} ({', '.join(columns)}) VALUES " \
               f"({', '.join('?' * len(columns))})"

    try:
        if backend.name == "sqlite":
            cur = raw.cursor()
            cur.execute("BEGIN")
            cur.executemany(insert("step_attempts", ATTEMPT_COLUMNS),
                            (tuple(_sqlite_value(v) for v in r) for r in rows()))
            cur.executemany(insert("deviations", DEVIATION_COLUMNS),
                            (tuple(_sqlite_value(v) for v in r) for r in flagged))
            cur.execute("COMMIT")
        else:
            with raw.cursor() as cur:
                for name, columns, source in (
                        ("step_attempts", ATTEMPT_COLUMNS, rows()),
                        ("deviations", DEVIATION_COLUMNS, iter(flagged))):
                    with cur.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                        for r in source:
                            copy.write_row(r)
            raw.commit()
            raw.driver_connection.autocommit = True
            raw.cursor().execute("VACUUM ANALYZE")
    finally:
        raw.close()
        engine.dispose()
    return written, len(flagged), time.perf_counter() - t0


def busiest_sop(data: Data) -> str:
    counts: dict[str, int] = {}
    for case in data.cases:
        if YEAR[0] <= case[4] < YEAR[1]:
            counts[case[1]] = counts.get(case[1], 0) + 1
    return max(sorted(counts), key=lambda s: counts[s])


def measure(url: str, call: Callable[[Runtime], Any]) -> tuple[float, float, Any]:
    """(cold median s, warm median s, the last result)."""
    cold, found = [], None
    for _ in range(COLD_RUNS):
        rt = Runtime.open(url)
        t0 = time.perf_counter()
        found = call(rt)
        cold.append(time.perf_counter() - t0)
        rt.engine.dispose()
    rt = Runtime.open(url)
    call(rt)
    warm = []
    for _ in range(WARM_RUNS):
        t0 = time.perf_counter()
        found = call(rt)
        warm.append(time.perf_counter() - t0)
    rt.engine.dispose()
    return statistics.median(cold), statistics.median(warm), found


def main() -> None:
    t0 = time.perf_counter()
    with gc_paused():
        data = generate()
    gc.freeze()
    sop = busiest_sop(data)
    print(f"{'quick' if QUICK else 'full'} run: {len(data.cases):,} cases; generated in "
          f"{time.perf_counter() - t0:.1f} s; the report: {sop}, "
          f"{YEAR[0].date()} to {YEAR[1].date()}")
    print(machine())
    worst = 0.0
    with backends("monev") as found:
        for backend in found:
            rt = Runtime.open(backend.url)
            setup.init(rt, DEFINITIONS)
            rt.engine.dispose()
            load_s = load(backend, data, "VACUUM ANALYZE")
            rows, flagged, attempts_s = load_attempts(backend, data)
            print(f"\n{backend.name}: cases loaded in {load_s:.1f} s; {rows:,} step attempts "
                  f"and {flagged:,} deviations in {attempts_s:.1f} s")

            def figures(rt: Runtime) -> Any:
                return monev_figures(rt, sop, *YEAR)

            def with_pages(rt: Runtime) -> Any:
                f = monev_figures(rt, sop, *YEAR)
                monev_pages(rt, f)
                return f

            def with_pdf(rt: Runtime) -> Any:
                f = monev_figures(rt, sop, *YEAR)
                monev_pdf(monev_pages(rt, f).report)
                return f

            out = []
            for what, call in (("monev_figures", figures),
                               ("monev_figures + pages (HTML)", with_pages),
                               ("monev_figures + the report's PDF", with_pdf)):
                cold, warm, f = measure(backend.url, call)
                worst = max(worst, cold, warm)
                v = f.main
                out.append([what, f"{v.attempts:,}", f"{v.service.cases:,}", f"{cold:.2f}",
                            f"{warm:.2f}"])
            print(table(["report", "attempts", "cases", f"cold s (median of {COLD_RUNS})",
                         f"warm s (median of {WARM_RUNS})"], out))
            neck = f.main.bottleneck
            print(f"bottleneck: step {neck.no if neck else '-'}; on-time rates: " + ", ".join(
                f"{s.no}: {s.on_time_rate:.0%}" for s in f.main.steps.values()
                if s.on_time_rate is not None))
    print(f"\nworst: {worst:.2f} s (goal < {GOAL_S:.0f} s)")


if __name__ == "__main__":
    main()
