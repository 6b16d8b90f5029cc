"""Step transitions per second through the service layer, against the bare-SQL ceiling.

Service: ``cases.start_case`` / ``cases.complete`` as a clerk's command runs them (load and
fold the log, the directory, ``decide`` with every rule, hashing, the projections, one
transaction per action, committed with the store's durability: SQLite WAL with
``synchronous=FULL``, PostgreSQL with ``fsync`` and ``synchronous_commit`` on). Cases walk
the golden routes (tests/golden/routes.yaml), started round-robin over the SOPs, in waves of
cases that advance side by side one step at a time. The clock moves a quarter second per
reading from a working Tuesday morning, so times are consistent and stay in office hours.

Ceiling: the same writes without the engine. Every INSERT/UPDATE/DELETE the service sends
for an action (events with their payload and hash strings, the ``cases`` row, the
``open_steps`` delete + insert, the case counter on a start) is captured with its driver
parameters as sent, and replayed through the bare DB-API connection into a second database
of the same schema and settings, one transaction per action (``BEGIN IMMEDIATE`` on SQLite).
No reads, no savepoints, no Python between the statements: the most any code could get out
of the database for the same record.

The two runs alternate in chunks of actions so that both see the same disk (the commit's
fsync dominates on this machine and its cost drifts). The first wave warms both up and is
not counted.

Concurrent mode: after each wave, a wave as large on a third store, driven by THREADS
threads at once (each walking its own cases, as a web server's threadpool would), so the
group committer shares commits among them; its ratio is against the same ceiling (one
transaction per action).

SpiffWorkflow beside it (SQLite): ``_spiff_side.py`` installs SpiffWorkflow 3 in a scratch
environment and runs ``_spiff_steps.py`` there as two child processes (the workflow kept in
memory between steps, and read back each step), the golden routes as BPMN user tasks, the
whole workflow serialized and written per step, alternated with the service's chunks.

Prints tables and ends with ``ratio: X`` (the worst backend's concurrent service/ceiling;
the one-at-a-time ratio is printed above it) and ``vs spiffworkflow: Y`` (our actions/s one
at a time over Spiff's steps/s with the workflow kept in memory, SQLite). SOP_BENCH_QUICK=1
runs fewer cases.

Goal: ratio >= 0.5; vs spiffworkflow >= 3.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import _spiff_side as spiff_side
from _common import (
    DEFINITIONS,
    QUICK,
    Backend,
    SteppingClock,
    backends,
    complete_step,
    in_schema,
    load_routes,
    machine,
    table,
)
from _spiff_side import Spiff
from sqlalchemy import Engine, event

from sop_runtime.service import cases, setup
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import db
from sop_runtime.store.migrate import migrate
from sop_runtime.store.queries import deviations

WAVE = 16 if QUICK else 24     # cases walked side by side
WAVES = 2 if QUICK else 20      # counted waves, after one that warms up
CHUNK = 40                      # actions per service/ceiling alternation
THREADS = 8                     # the concurrent mode's threads (a web server's threadpool)
GOAL = 0.5

Route = list[dict[str, Any]]
Statement = tuple[str, Any, bool]  # (sql, parameters, executemany)


@dataclass
class Action:
    """One user action: start a case of ``sop`` (``step`` None) or complete ``step``."""

    slot: int
    sop: str
    step: dict[str, Any] | None


def waves(routes: dict[str, Route], sizes: list[int]) -> list[list[tuple[int, str]]]:
    """The cases of each wave, (slot, SOP): ``sizes[i]`` started round-robin over the SOPs."""
    sops = sorted(routes)
    out, slot = [], 0
    for size in sizes:
        out.append([(slot + i, sops[(slot + i) % len(sops)]) for i in range(size)])
        slot += size
    return out


def plan(routes: dict[str, Route], sizes: list[int]) -> Iterator[list[Action]]:
    """Waves of actions: ``sizes[i]`` cases started round-robin over the SOPs, then
    advanced side by side, one step each in turn, until every route is done."""
    for members in waves(routes, sizes):
        actions = [Action(s, sop, None) for s, sop in members]
        for k in range(max(len(r) for r in routes.values())):
            actions += [Action(s, sop, routes[sop][k]) for s, sop in members
                        if k < len(routes[sop])]
        yield actions


@dataclass
class Capture:
    """The write statements the service sends, as the driver gets them."""

    statements: list[Statement] = field(default_factory=list)

    def __call__(self, _conn: Any, _cursor: Any, sql: str, params: Any, _ctx: Any,
                 many: bool) -> None:
        if sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            # a multi-row INSERT (SQLAlchemy's insertmanyvalues, as the events go) is
            # flagged "many" but sent as one statement with one set of parameters
            self.statements.append((sql, params, many and isinstance(params, list)))

    def take(self) -> list[Statement]:
        out, self.statements = self.statements, []
        return out


class Service:
    def __init__(self, url: str, *, capture: bool = True) -> None:
        self.rt = Runtime(db.make_engine(url), SteppingClock(step=timedelta(milliseconds=250)))
        setup.init(self.rt, DEFINITIONS)
        self.capture = Capture()
        if capture:
            event.listen(self.rt.engine, "before_cursor_execute", self.capture)
        self.case_ids: dict[int, str] = {}
        self.events = 0
        self._counted = threading.Lock()

    def run(self, action: Action) -> None:
        if action.step is None:
            route_first = ROUTES[action.sop][0]
            out = cases.start_case(self.rt, action.sop, route_first["oleh"])
            self.case_ids[action.slot] = out.case_id
            made = len(out.events)
        else:
            made = complete_step(self.rt, self.case_ids[action.slot], action.step)
        with self._counted:
            self.events += made


@dataclass
class Together:
    """A wave driven by several threads at once (as a web server's threadpool would): each
    thread walks its own cases, so the actions that wait at once share a commit."""

    actions: int
    seconds: float
    cpu_s: float
    batches: int


def together(service: Service, wave: list[Action]) -> Together:
    # a revision before group commit (bench/compare.py, or run against an older tree): one
    # commit per action
    committer = getattr(service.rt, "committer", None)
    batches0 = committer.stats.batches if committer is not None else 0
    lanes = [[a for a in wave if a.slot % THREADS == i] for i in range(THREADS)]
    failed: list[BaseException] = []
    ready = threading.Barrier(THREADS + 1)

    def drive(lane: list[Action]) -> None:
        ready.wait()
        try:
            for action in lane:
                service.run(action)
        except BaseException as exc:  # reported once the wave is over
            failed.append(exc)

    threads = [threading.Thread(target=drive, args=(lane,)) for lane in lanes]
    for t in threads:
        t.start()
    t0, c0 = time.perf_counter(), time.process_time()
    ready.wait()
    for t in threads:
        t.join()
    t1, c1 = time.perf_counter(), time.process_time()
    if failed:
        raise failed[0]
    batches = committer.stats.batches - batches0 if committer is not None else len(wave)
    return Together(len(wave), t1 - t0, c1 - c0, batches)


class Ceiling:
    """Replays captured transactions on the bare DB-API connection."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = db.make_engine(url)
        migrate(self.engine)
        self.raw: Any = self.engine.raw_connection()  # same connect-time PRAGMAs
        self.sqlite = self.engine.dialect.name == "sqlite"
        self.cursor = self.raw.cursor()

    def run(self, statements: list[Statement]) -> None:
        cur = self.cursor
        if self.sqlite:
            cur.execute("BEGIN IMMEDIATE")
        for sql, params, many in statements:
            if many:
                cur.executemany(sql, params)
            else:
                cur.execute(sql, params)
        if self.sqlite:
            cur.execute("COMMIT")
        else:
            self.raw.commit()

    def close(self) -> None:
        self.cursor.close()
        self.raw.close()
        self.engine.dispose()


@dataclass
class Chunk:
    """One alternation: ``actions`` run by the service, then replayed by the ceiling."""

    actions: int
    service_s: float
    ceiling_s: float
    service_cpu_s: float   # this process's CPU time (the driver and Python, no disk wait)
    ceiling_cpu_s: float


@dataclass
class Result:
    backend: str
    chunks: list[Chunk] = field(default_factory=list)
    events: int = 0
    statements: int = 0
    waves: list[Together] = field(default_factory=list)  # the concurrent mode's
    spiff: Spiff | None = None  # the workflow kept in memory between steps
    spiff_read: Spiff | None = None  # read back from the database each step
    spiff_checked: dict[str, Any] = field(default_factory=dict)

    def concurrent(self) -> Together:
        return Together(sum(w.actions for w in self.waves), sum(w.seconds for w in self.waves),
                        sum(w.cpu_s for w in self.waves), sum(w.batches for w in self.waves))

    @property
    def concurrent_ratio(self) -> float:
        t, c = self.total(), self.concurrent()
        return (c.actions / c.seconds) / (t.actions / t.ceiling_s)

    def total(self, chunks: list[Chunk] | None = None) -> Chunk:
        picked = self.chunks if chunks is None else chunks
        return Chunk(sum(c.actions for c in picked), sum(c.service_s for c in picked),
                     sum(c.ceiling_s for c in picked), sum(c.service_cpu_s for c in picked),
                     sum(c.ceiling_cpu_s for c in picked))

    @property
    def actions(self) -> int:
        return self.total().actions

    @property
    def ratio(self) -> float:
        t = self.total()
        return t.ceiling_s / t.service_s  # (actions/service_s) / (actions/ceiling_s)


FAST_COMMIT_MS = 1.0  # a ceiling action under this: the disk's fsync was quick in that chunk


def bench(backend: Backend, ceiling_url: str, concurrent_url: str,
          spiffs: tuple[Spiff, Spiff] | None) -> Result:
    """Round by round: a wave of cases one action at a time, alternated in chunks with the
    ceiling's replay of the same writes (and SpiffWorkflow's as many steps, if given);
    then a wave as large driven by THREADS threads on a store of its own."""
    service = Service(backend.url)
    ceiling = Ceiling(ceiling_url)
    busy = Service(concurrent_url, capture=False)
    spiff, spiff_read = spiffs or (None, None)
    result = Result(backend.name, spiff=spiff, spiff_read=spiff_read)
    sizes = [len(ROUTES)] + [WAVE] * WAVES
    try:
        # the first wave (each SOP once) warms up caches, compiled statements and files
        rounds = zip(plan(ROUTES, sizes), plan(ROUTES, sizes), strict=True)
        for n, (wave, busy_wave) in enumerate(rounds):
            counted = n > 0
            for i in range(0, len(wave), CHUNK):
                chunk = wave[i:i + CHUNK]
                events0 = service.events
                captured = []
                t0, c0 = time.perf_counter(), time.process_time()
                for action in chunk:
                    service.run(action)
                    captured.append(service.capture.take())
                t1, c1 = time.perf_counter(), time.process_time()
                for statements in captured:
                    ceiling.run(statements)
                t2, c2 = time.perf_counter(), time.process_time()
                for side in (spiff, spiff_read):
                    if side is not None:
                        side.run(len(chunk), counted=counted)
                if counted:
                    result.chunks.append(Chunk(len(chunk), t1 - t0, t2 - t1, c1 - c0, c2 - c1))
                    result.events += service.events - events0
                    result.statements += sum(len(s) for s in captured)
            done = together(busy, busy_wave)
            if counted:
                result.waves.append(done)
        check(service.rt, ceiling.engine)
        check(busy.rt, None)
        if spiff is not None and spiff_read is not None:
            result.spiff_checked = spiff.end()
            spiff_read.end()
    finally:
        service.rt.engine.dispose()
        busy.rt.engine.dispose()
        ceiling.close()
    return result


def regimes(r: Result) -> str:
    """The ratio apart for chunks in which the disk's fsync was quick and slow."""
    fast = [c for c in r.chunks if c.ceiling_s / c.actions * 1000 < FAST_COMMIT_MS]
    slow = [c for c in r.chunks if c not in fast]
    parts = []
    for name, picked in (("quick fsync", fast), ("slow fsync", slow)):
        if picked:
            t = r.total(picked)
            parts.append(f"{name}: ratio {t.ceiling_s / t.service_s:.2f} over {t.actions} "
                         f"actions (ceiling {t.ceiling_s / t.actions * 1000:.2f} ms, service "
                         f"{t.service_s / t.actions * 1000:.2f} ms)")
    return f"{r.backend}: " + "; ".join(parts)


def check(rt: Runtime, bare: Engine | None) -> None:
    """The run did what it says: every case completed, no deviation, the chain verifies,
    and the ceiling's database holds the same log."""
    from sop_runtime.service import integrity

    with rt.engine.connect() as conn:
        open_cases = conn.exec_driver_sql(
            "SELECT count(*) FROM cases WHERE status <> 'selesai'").scalar()
        found = deviations(conn, limit=3)
        log = conn.exec_driver_sql("SELECT count(*), max(hash) FROM events").one()
    bare_log = log
    if bare is not None:
        with bare.connect() as conn:
            bare_log = conn.exec_driver_sql("SELECT count(*), max(hash) FROM events").one()
    report = integrity.verify(rt)
    problems = []
    if open_cases:
        problems.append(f"{open_cases} cases not completed")
    if found:
        problems.append(f"deviations recorded: {found}")
    if not report.ok:
        problems.append(f"verify failed: {report.chain.first_break}")
    if tuple(log) != tuple(bare_log):
        problems.append(f"the ceiling wrote another log: {tuple(bare_log)} vs {tuple(log)}")
    if problems:
        raise SystemExit("transitions bench is wrong: " + "; ".join(problems))


ROUTES = load_routes()


def beside(backend: Backend, name: str) -> str:
    """Another empty store beside ``backend``'s (the ceiling's, the concurrent mode's): a
    file in the same folder on SQLite, a schema in the same database on PostgreSQL
    (dropped with it)."""
    if backend.name == "sqlite":
        return backend.url.removesuffix(".db") + f"_{name}.db"
    return in_schema(backend, name)


def spiff_plan() -> dict[str, Any]:
    """What SpiffWorkflow's side walks: the routes' values step by step, the same waves."""
    routes = {sop: [{str(k): str(v) for k, v in step["nilai"].items()} for step in route]
              for sop, route in ROUTES.items()}
    return {"routes": routes, "waves": waves(ROUTES, [len(ROUTES)] + [WAVE] * WAVES)}


def main() -> None:
    results = []
    with backends("transitions") as found:
        for backend in found:
            spiffs, why = None, ""
            if backend.name == "sqlite":
                folder = Path(backend.url.removeprefix("sqlite:///")).parent
                spiffs, why = spiff_side.start(spiff_plan(), folder)
            results.append(bench(backend, beside(backend, "ceiling"),
                                 beside(backend, "concurrent"), spiffs))
            if backend.name == "sqlite" and spiffs is None:
                print(f"SpiffWorkflow is not measured: {why}")
    rows = []
    for r in results:
        t, c = r.total(), r.concurrent()
        rows.append([r.backend, str(t.actions), str(r.events), f"{r.statements / t.actions:.1f}",
                     f"{t.actions / t.service_s:,.0f}", f"{t.actions / t.ceiling_s:,.0f}",
                     f"{t.service_s / t.actions * 1000:.2f}",
                     f"{t.ceiling_s / t.actions * 1000:.2f}",
                     f"{t.service_cpu_s / t.actions * 1000:.2f}",
                     f"{t.ceiling_cpu_s / t.actions * 1000:.2f}", f"{r.ratio:.2f}"])
    together_rows = []
    for r in results:
        c = r.concurrent()
        together_rows.append([r.backend, str(c.actions), f"{c.actions / c.seconds:,.0f}",
                              f"{c.seconds / c.actions * 1000:.2f}",
                              f"{c.cpu_s / c.actions * 1000:.2f}",
                              f"{c.actions / c.batches:.1f}", f"{r.concurrent_ratio:.2f}"])
    print(f"{'quick' if QUICK else 'full'} run: {WAVES} waves of {WAVE} cases over "
          f"{len(ROUTES)} SOPs (golden routes)")
    print(machine())
    print("one action at a time, one transaction per action; ms = wall time per action; cpu "
          "ms = this process's CPU per action (the rest of the ceiling's time is the commit's "
          "flush to disk)")
    print(table(["backend", "actions", "events", "writes/action", "service/s", "ceiling/s",
                 "service ms", "ceiling ms", "svc cpu ms", "ceil cpu ms", "ratio"], rows))
    print(f"\n{THREADS} threads acting at once (group commit), as many waves on a store of "
          "their own; ratio against the same ceiling (one transaction per action)")
    print(table(["backend", "actions", "service/s", "ms", "cpu ms", "actions/commit",
                 "ratio"], together_rows))
    for r in results:
        print(regimes(r))
    spiff_done = next((r for r in results if r.spiff is not None and r.spiff.actions), None)
    if spiff_done is not None:
        s, t, c = spiff_done.spiff, spiff_done.total(), spiff_done.concurrent()
        r = spiff_done.spiff_read
        assert s is not None and r is not None
        print(f"\nSpiffWorkflow {spiff_done.spiff_checked.get('version', '?')} beside it "
              "(SQLite, the same routes as BPMN user tasks, the whole workflow serialized "
              "and written per step, one transaction each, alternated with the chunks above; "
              "the workflow kept in memory between steps, or read back each step as a "
              "server with several workers must)")
        print(table(["engine", "steps", "steps/s", "ms", "cpu ms"], [
            ["spiffworkflow", str(s.actions), f"{s.actions / s.seconds:,.0f}",
             f"{s.seconds / s.actions * 1000:.2f}", f"{s.cpu / s.actions * 1000:.2f}"],
            ["spiffworkflow, read back each step", str(r.actions),
             f"{r.actions / r.seconds:,.0f}", f"{r.seconds / r.actions * 1000:.2f}",
             f"{r.cpu / r.actions * 1000:.2f}"],
            ["sop-runtime, one at a time", str(t.actions), f"{t.actions / t.service_s:,.0f}",
             f"{t.service_s / t.actions * 1000:.2f}",
             f"{t.service_cpu_s / t.actions * 1000:.2f}"],
            [f"sop-runtime, {THREADS} threads", str(c.actions), f"{c.actions / c.seconds:,.0f}",
             f"{c.seconds / c.actions * 1000:.2f}", f"{c.cpu_s / c.actions * 1000:.2f}"]]))
        # the bare writes alone against Spiff: what any engine recording this much could
        # reach at most (vs spiffworkflow cannot pass it, whatever the engine's own cost)
        print(f"the ceiling (our writes alone, no engine) / spiffworkflow: "
              f"{(t.actions / t.ceiling_s) / (s.actions / s.seconds):.2f}")
    worst_seq = min(results, key=lambda r: r.ratio)
    worst = min(results, key=lambda r: r.concurrent_ratio)
    print(f"one at a time, worst: {worst_seq.backend}, ratio {worst_seq.ratio:.2f}; "
          f"{THREADS} threads, worst: {worst.backend} (goal >= {GOAL})")
    print(f"ratio: {worst.concurrent_ratio:.2f}")
    if spiff_done is None:
        print("vs spiffworkflow: -")
    else:
        s, t = spiff_done.spiff, spiff_done.total()
        assert s is not None
        print(f"vs spiffworkflow: {(t.actions / t.service_s) / (s.actions / s.seconds):.2f}")


if __name__ == "__main__":
    main()
