"""Automated steps per second on long-lived automation workers: 1, then 2, then 3 worker
processes on this machine, and exactly-once recording when a worker is killed in the middle
of a step.

What runs is what a court runs: a ``prefect server`` on PostgreSQL, the court's store on
PostgreSQL too, ``sop orchestrate worker`` processes (each runs up to 8 steps at a time in
threads, with Prefect and the project imported once), and the dispatcher's own code
(:class:`sop_runtime.flows.steps.Dispatcher`) looking every 0.2 s for steps waiting and
submitting one background task run per step attempt. For each round, N filings of a short
test SOP are walked through the service layer to SIPP's numbering step (the library's
``nomor_perkara`` action, as in the e-Court SOP; a short SOP so that making thousands of
cases does not take longer than the bench) before the clock starts; the clock stops when
the store holds all N numbers.

The last round has two workers and one filing whose first try hangs: the worker holding it
is killed with SIGKILL (a machine lost in the middle of a step), together with whatever
else it had taken, and a worker is started in its place as a restart would. The dispatcher
notices the runs that went silent (``SOP_RUN_STALE_AFTER``, 10 s here) and submits them
again. It then counts: every step recorded once, no number given twice, the lost ones
done.

Two series: workers running 8 steps at a time (what ``sop orchestrate worker`` does by
default), and workers running one at a time (a worker is then a slot, bound by each step's
round trips, and an added worker adds what it can while cores are free). The table gives each
round's CPU per step in the Prefect server, the workers and this process (the dispatcher);
the server is one process, so it is the first to fill a core.
Ends with ``steps/s at 3 workers: Z``. ``SOP_BENCH_QUICK=1``: fewer steps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _common import QUICK, ROOT, machine, postgres_backend, table

STEPS = 60 if QUICK else 300
STALE_AFTER = 10  # seconds a taken run may stay silent before the dispatcher submits it again
CONCURRENCY = 8
HANG_DIR = "macet"


def main() -> None:
    print(f"bench/scaleout.py — {machine()}")
    with postgres_backend("scaleout_prefect") as prefect_db, \
            postgres_backend("scaleout_store") as store_db:
        if prefect_db is None or store_db is None:
            print("PostgreSQL is needed for this bench (the Prefect server and the store)")
            sys.exit(1)
        run(prefect_db.url.replace("postgresql+psycopg", "postgresql+asyncpg"), store_db.url)


def run(prefect_url: str, store_url: str) -> None:
    os.environ["SOP_RUN_STALE_AFTER"] = str(STALE_AFTER)
    from sop_runtime.flows.server import LocalServer, quiet_env

    home = Path(tempfile.mkdtemp(prefix="sop-bench-prefect-"))
    started = time.perf_counter()
    server = LocalServer.start(home, env={"PREFECT_API_DATABASE_CONNECTION_URL": prefect_url})
    print(f"Prefect server on PostgreSQL ready in {time.perf_counter() - started:.0f} s")
    settings = {"PREFECT_API_URL": server.url, "SOP_DATABASE_URL": store_url,
                "SOP_DOCUMENTS": str(home / "dokumen"), "SOP_TEST_HANG_DIR": str(home / HANG_DIR),
                "SOP_RUN_STALE_AFTER": str(STALE_AFTER)}
    env = quiet_env(home, {**settings, "PYTHONPATH": str(ROOT)})
    os.environ.update({**settings, "PREFECT_HOME": str(home)})
    bench = Bench(env, home, server.process.pid)
    try:
        rows = bench.measure()
    finally:
        for w in bench.workers:
            stop(w)
        server.stop()
    print(table(["workers x steps at a time", "steps", "seconds", "steps/s", "load",
                 "CPU ms/step: server", "workers", "dispatcher", "runs submitted",
                 "each step once"], rows))
    rates = [float(r[3]) for r in rows[:6]]
    for first, what in ((0, f"{CONCURRENCY} steps at a time each"), (3, "one step at a time each")):
        one, two, three = rates[first:first + 3]
        print(f"per added worker ({what}): x{two / one:.2f} (2 vs 1), x{three / two:.2f} "
              f"(3 vs 2)")
    print(f"on {os.cpu_count()} cores shared with the Prefect server (one process), PostgreSQL, "
          "the dispatcher and whatever else runs (the load average)")
    print(f"steps/s at 3 workers: {rates[2]:.1f}")


class Bench:
    def __init__(self, env: dict[str, str], home: Path, server_pid: int) -> None:
        from sop_runtime.service.runtime import Runtime
        from tests.flows.kit import new_court

        self.env, self.home, self.server_pid = env, home, server_pid
        self.workers: list[subprocess.Popen[bytes]] = []
        self.rt = new_court(Runtime.open(), home / "definitions")
        self.numbers: list[str] = []

    def measure(self) -> list[list[str]]:
        from prefect.client.orchestration import get_client

        from sop_runtime.flows import steps

        rows = []
        with get_client(sync_client=True) as client:
            dispatcher = steps.Dispatcher(client)
            for concurrency in (CONCURRENCY, 1):
                self.stop_workers(0)
                for count in (1, 2, 3):
                    while len(self.workers) < count:
                        self.workers.append(self.start_worker(concurrency))
                    rows.append(self.round_of(dispatcher, f"{count} x {concurrency}",
                                              STEPS if concurrency > 1 else STEPS // 3,
                                              kill=False))
            self.stop_workers(0)
            self.workers += [self.start_worker(CONCURRENCY) for _ in range(2)]
            rows.append(self.round_of(dispatcher, f"2 x {CONCURRENCY}, one killed", STEPS,
                                      kill=True))
        assert len(set(self.numbers)) == len(self.numbers), "a number was given twice"
        return rows

    def stop_workers(self, keep: int) -> None:
        for w in self.workers[keep:]:
            stop(w)
        del self.workers[keep:]

    def start_worker(self, concurrency: int) -> subprocess.Popen[bytes]:
        log = self.home / f"worker-{len(list(self.home.glob('worker-*.log')))}.log"
        with log.open("ab") as out:
            worker = subprocess.Popen(
                [sys.executable, "-m", "sop_runtime", "orchestrate", "worker",
                 "--concurrency", str(concurrency)], env=self.env, cwd=ROOT, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while b"Subscribing to runs" not in log.read_bytes():  # ready to take work
            assert worker.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        return worker

    def round_of(self, dispatcher: Any, label: str, steps: int, *, kill: bool) -> list[str]:
        from sop_runtime.service import automation
        from tests.flows.kit import HANGING_SOP, NUMBERING_SOP, failing_filing

        filings = {failing_filing(self.rt, NUMBERING_SOP) for _ in range(steps)}
        hanging = failing_filing(self.rt, HANGING_SOP) if kill else None
        cases = filings | ({hanging} if hanging else set())
        load = os.getloadavg()[0]
        cpu0 = self.cpu()
        t0 = time.perf_counter()
        asked = 0
        while True:
            waiting = [w for w in automation.pending(self.rt) if w.case_id in cases]
            if not waiting:
                break
            asked += dispatcher.submit_waiting(waiting)
            if hanging and (mark := self.home / HANG_DIR / hanging).exists():
                self.kill_holder(int(mark.read_text(encoding="utf-8")))
                hanging = None
            time.sleep(0.2)
        seconds = time.perf_counter() - t0
        server, workers, mine = (b - a for a, b in zip(cpu0, self.cpu(), strict=True))
        once = self.recorded_once(cases)
        assert once, label
        if kill:
            assert hanging is None, "the hanging step was never taken"
        n = len(cases)
        # a killed worker's CPU goes with it: no per-step figures for that round
        per_step = ["-"] * 3 if kill else [f"{x / n * 1000:.0f}" for x in (server, workers,
                                                                           mine)]
        return [label, str(n), f"{seconds:.1f}", f"{n / seconds:.2f}", f"{load:.1f}",
                *per_step, str(asked), "yes" if once else "NO"]

    def kill_holder(self, pid: int) -> None:
        """SIGKILL the worker running the hanging step, and start another in its place."""
        i = next(i for i, w in enumerate(self.workers) if w.pid == pid)
        os.killpg(pid, signal.SIGKILL)
        self.workers[i].wait()
        self.workers[i] = self.start_worker(CONCURRENCY)

    def cpu(self) -> tuple[float, float, float]:
        """CPU seconds so far: the Prefect server, the workers (those alive), this process."""
        return (cpu_of(self.server_pid), sum(cpu_of(w.pid) for w in self.workers),
                time.process_time())

    def recorded_once(self, cases: set[str]) -> bool:
        from sop_runtime.service.cases import load_case

        counts: Counter[str] = Counter()
        with self.rt.engine.connect() as conn:
            for case in cases:
                stored, _ = load_case(conn, case)
                for s in stored:
                    if s.type == "step_completed" and s.payload["node"] == "2":
                        counts[case] += 1
                        self.numbers.append(s.payload["outputs"]["nomor_perkara"])
        return all(counts[c] == 1 for c in cases)


def cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


if __name__ == "__main__":
    main()
