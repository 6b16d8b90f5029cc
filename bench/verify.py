"""Events verified per second by ``store.chain.verify`` on a long log: 1M events (quick:
100k), on SQLite and PostgreSQL.

The log is made of real events: every SOP's golden route (tests/golden/routes.yaml) is
walked once through the service layer, and those logs (types, payloads, actors, the time
between events) are repeated under new case ids and later times until the log is long
enough. Every copy is chained afresh with the store's own hashing
(``store.chain.chain_hashes``, what ``append`` uses) and bulk-loaded through the driver
(SQLite ``executemany`` in one transaction, PostgreSQL ``COPY``) into a court set up with the
definitions the events name; the projections are then written from the log as ``sop
rebuild`` does, so both the chain check and all of ``sop verify`` (projections against the
fold of each case's log, versions, journals, seals) have every check to make and must report
the log intact.

``verify`` runs on a new engine each time (a fresh connection; the OS file cache is warm),
the median of several runs. Ends with the worst backend's events per second.
Goal >= 500k events/s.
"""

from __future__ import annotations

import gc
import hashlib
import os
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from _common import (
    DEFINITIONS,
    QUICK,
    Backend,
    SteppingClock,
    backends,
    bulk_load,
    load_routes,
    machine,
    sqlite_backend,
    table,
    walk_route,
)

from sop_runtime.gcpause import gc_paused
from sop_runtime.service import integrity, setup
from sop_runtime.service.rebuild import rebuild
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import chain, db
from sop_runtime.store.parallel import verify_parallel

EVENTS = 100_000 if QUICK else 1_000_000
RUNS = 3
GOAL = 500_000


@dataclass(frozen=True)
class Template:
    """One real case's log: (type, version, actor, payload, seconds after the start)."""

    sop: str
    events: list[tuple[str, int, str | None, str, float]]


def templates() -> list[Template]:
    """The log of every SOP's golden route, walked through the service layer."""
    routes = load_routes()
    out = []
    with sqlite_backend("verify_templates") as lite:
        rt = Runtime.open(lite.url, SteppingClock())
        setup.init(rt, DEFINITIONS)
        for sop in sorted(routes):
            case_id = walk_route(rt, sop, routes[sop])
            with rt.engine.connect() as conn:
                rows = conn.exec_driver_sql(
                    "SELECT type, version, actor, payload, occurred_at FROM events "
                    "WHERE case_id = ? ORDER BY seq", (case_id,)).all()
            start = datetime.fromisoformat(rows[0][4])
            out.append(Template(sop, [
                (t, v, a, p, (datetime.fromisoformat(o) - start).total_seconds())
                for t, v, a, p, o in rows]))
        rt.engine.dispose()
    return out


@dataclass
class Log:
    events: list[tuple[Any, ...]]   # EVENT_COLUMNS, instants as aware UTC datetimes
    cases: int


EVENT_COLUMNS = ("case_id", "seq", "type", "version", "occurred_at", "recorded_at", "actor",
                 "payload", "prev_hash", "hash")


def generate(found: list[Template], size: int = EVENTS) -> Log:
    """Copies of the templates, round-robin, until ``size`` events; each case chained."""
    origin = datetime(2020, 1, 6, 0, 30, tzinfo=UTC)
    events: list[tuple[Any, ...]] = []
    cases = 0
    i = 0
    while len(events) < size:
        t = found[i % len(found)]
        case_id = f"SNN-{2020 + i // 100_000}-{i % 100_000 + 1:05d}"
        start = origin + timedelta(seconds=i * 97)
        todo = t.events[:size - len(events)]
        times = [start + timedelta(seconds=s) for *_, s in todo]
        isos = [x.isoformat(timespec="microseconds") for x in times]
        hashes = chain.chain_hashes(case_id, chain.GENESIS, (
            (seq, typ, ver, iso, iso, actor, payload)
            for seq, ((typ, ver, actor, payload, _), iso) in enumerate(zip(todo, isos,
                                                                          strict=True), 1)))
        prev = chain.GENESIS
        for seq, ((typ, ver, actor, payload, _), at, h) in enumerate(
                zip(todo, times, hashes, strict=True), 1):
            events.append((case_id, seq, typ, ver, at, at, actor, payload, prev, h))
            prev = h
        cases += 1
        i += 1
    return Log(events, cases)


def load(backend: Backend, log: Log) -> tuple[float, float]:
    """Set the court up (the definitions the events name), bulk-load the log, then write
    its projections from it as ``sop rebuild`` does; the seconds of the load and of the
    rebuild (set-up not counted)."""
    rt = Runtime.open(backend.url, SteppingClock())
    setup.init(rt, DEFINITIONS)
    rt.engine.dispose()
    loaded = bulk_load(backend, [("events", EVENT_COLUMNS, log.events)],
                       "VACUUM ANALYZE events")
    rt = Runtime.open(backend.url, SteppingClock())
    t0 = time.perf_counter()
    rebuild(rt)
    rebuilt = time.perf_counter() - t0
    rt.engine.dispose()
    return loaded, rebuilt


def load_generated(backend: Backend, found: list[Template], size: int) -> None:
    """A log of ``size`` events generated and loaded into ``backend`` (said, with its time);
    the generated rows are not kept while measuring."""
    with gc_paused():
        log = generate(found, size)
    t0 = time.perf_counter()
    load(backend, log)
    print(f"{backend.name}: {len(log.events):,} events in {log.cases:,} cases "
          f"loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    del log
    gc.collect()


@dataclass
class Figure:
    backend: str
    what: str            # the chain alone, or all of sop verify
    load_s: float
    runs_s: list[float]
    report: chain.VerifyReport

    @property
    def rate(self) -> float:
        return self.report.events / statistics.median(self.runs_s)


def measure(backend: Backend, log: Log, load_s: float, workers: int) -> Figure:
    """``workers`` 1: store.chain.verify in this process; more: the parallel path the
    service takes for a long log (ranges of cases on separate processes, start-up
    included)."""
    runs, report = [], None
    for _ in range(RUNS):
        engine = db.make_engine(backend.url)
        t0 = time.perf_counter()
        if workers == 1:
            with engine.connect() as conn:
                report = chain.verify(conn)
        else:
            report = verify_parallel(backend.url, workers)
        runs.append(time.perf_counter() - t0)
        engine.dispose()
        if not report.ok or report.events != len(log.events):
            raise SystemExit(f"{backend.name}: verify did not pass the generated log: "
                             f"{report}")
    assert report is not None
    label = backend.name if workers == 1 else f"{backend.name}, {workers} processes"
    return Figure(label, "chain", load_s, runs, report)


def bare_loop(backend: Backend, log: Log) -> float:
    """Events per second of the bare loop under ``chain.verify``: the same rows fetched the
    same way (the same SQL, the driver's cursor, batches of 10,000) and each one's document
    hashed with SHA-256, nothing compared (the median of the runs)."""
    from sop_runtime.store.chain import Span, _rows_sql  # the very SQL verify sends

    runs = []
    for _ in range(RUNS):
        engine = db.make_engine(backend.url)
        t0 = time.perf_counter()
        with engine.connect() as conn:
            sql, params = _rows_sql(conn.dialect.name, Span())
            raw: Any = conn.connection.dbapi_connection
            if conn.dialect.name == "sqlite":
                cursor = raw.cursor()
            else:
                cursor = raw.cursor(name="bare", binary=True)
                cursor.itersize = 10_000
            cursor.execute(sql, params)
            sha256, n = hashlib.sha256, 0
            while rows := cursor.fetchmany(10_000):
                for cid, seq, type_, version, occ, rec, actor, payload, prev, _ in rows:
                    who = "null" if actor is None else f'"{actor}"'
                    sha256(f'{{"actor":{who},"case_id":"{cid}","occurred_at":"{occ}+00:00",'
                           f'"payload":{payload},"prev_hash":"{prev}","recorded_at":"{rec}'
                           f'+00:00","seq":{seq},"type":"{type_}","version":{version}}}'
                           .encode()).hexdigest()
                    n += 1
            cursor.close()
        runs.append(time.perf_counter() - t0)
        engine.dispose()
        if n != len(log.events):
            raise SystemExit(f"{backend.name}: the bare loop read {n} rows")
    return len(log.events) / statistics.median(runs)


def measure_all(backend: Backend, log: Log, load_s: float, workers: int) -> Figure:
    """All of ``sop verify`` (service.integrity.verify): the chain, each case's projections
    against the fold of its log, the stored versions, the journals and the seals."""
    runs, found = [], None
    for _ in range(RUNS):
        rt = Runtime.open(backend.url)
        t0 = time.perf_counter()
        found = integrity.verify(rt, workers=workers)
        runs.append(time.perf_counter() - t0)
        rt.engine.dispose()
        if not found.ok or found.chain.events != len(log.events):
            raise SystemExit(f"{backend.name}: sop verify did not pass the generated log: "
                             f"{integrity.as_json(found)}")
    assert found is not None
    label = backend.name if workers == 1 else f"{backend.name}, {workers} processes"
    return Figure(label, "sop verify", load_s, runs, found.chain)


def main() -> None:
    print(machine())
    t0 = time.perf_counter()
    found = templates()
    with gc_paused():
        log = generate(found)
    gc.freeze()  # the harness's rows stay out of the collector's scans
    print(f"{'quick' if QUICK else 'full'} run: {len(log.events):,} events in "
          f"{log.cases:,} cases (the {len(found)} golden routes' logs, chained anew), "
          f"made in {time.perf_counter() - t0:.1f} s")
    results, whole, rebuilt, bare = [], [], {}, {}
    with backends("verify") as found_backends:
        for backend in found_backends:
            load_s, rebuilt[backend.name] = load(backend, log)
            bare[backend.name] = bare_loop(backend, log)
            for workers in sorted({1, os.cpu_count() or 1}):
                results.append(measure(backend, log, load_s, workers))
                whole.append(measure_all(backend, log, load_s, workers))
    print(table(["backend", "checks", "events", "cases", "load s",
                 f"verify s (median of {RUNS})", "events/s", "ok"],
                [[f.backend, f.what, f"{f.report.events:,}", f"{f.report.cases:,}",
                  f"{f.load_s:.1f}", f"{statistics.median(f.runs_s):.2f}", f"{f.rate:,.0f}",
                  str(f.report.ok)] for f in [x for pair in zip(results, whole, strict=True)
                                              for x in pair]]))
    for name, seconds in rebuilt.items():
        print(f"{name}: projections written from the log (sop rebuild) in {seconds:.1f} s")
    best = {}
    for f in results:
        name = f.backend.split(",")[0]
        if name not in best or f.rate > best[name].rate:
            best[name] = f
    alone = {f.backend: f.rate for f in results if "," not in f.backend}
    for name, rate in bare.items():
        print(f"{name}: the bare fetch-and-SHA-256 loop {rate:,.0f} events/s; the chain check "
              f"on one process {alone[name] / rate:.2f} of it")
    print(f"verify vs bare loop: {min(alone[n] / r for n, r in bare.items()):.2f} (one process, "
          "the worst backend; goal >= 0.8)")
    worst = min(best.values(), key=lambda f: f.rate)
    print(f"worst: {worst.backend} (goal >= {GOAL:,} events/s)")
    print(f"verify: {worst.rate:,.0f} events/s (the chain alone)")
    slowest = min(whole, key=lambda f: f.rate)
    print(f"sop verify: {slowest.rate:,.0f} events/s (chain, projections, versions, journals "
          f"and seals; {slowest.backend})")


if __name__ == "__main__":
    main()
