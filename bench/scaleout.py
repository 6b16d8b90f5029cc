"""Automated steps per second on Prefect process workers: 1, then 2, then 3 workers on this
machine, and exactly-once recording when a worker is killed in the middle of a run.

What runs is what a national deployment runs: a ``prefect server`` on PostgreSQL, a process
work pool, ``prefect worker start`` processes, the ``sop-langkah-otomatis`` deployment
registered on the pool (``sop orchestrate deploy``'s way: from this source tree, by module
entrypoint), and the court's store on PostgreSQL too. For each round, N e-Court filings are
walked through the service layer to their automated numbering step (SIPP gives the nomor
perkara), the dispatcher's own function starts one run per step attempt, and the round ends
when the store holds all N numbers. Each flow run is a new Python process on a worker (that
is what a process worker does), so on 2 cores the figure is bound by process start-up.

Each worker runs one flow run at a time (``--limit 1``). The last round kills one of two
workers, and the flow run it is running, with SIGKILL (a machine lost in the middle of a
run); the dispatcher notices the run that went silent and starts it again. It then
counts: N numbered steps, each recorded once, N distinct numbers.

Ends with the best steps/s. ``SOP_BENCH_QUICK=1``: fewer steps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import suppress
from pathlib import Path

from _common import QUICK, ROOT, machine, postgres_backend, table

STEPS = 8 if QUICK else 24
STALE_AFTER = 20  # seconds a taken run may stay silent before the dispatcher re-runs it
POOL = "sop-bench"


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
    env = quiet_env(home, {"PREFECT_API_URL": server.url, "SOP_DATABASE_URL": store_url,
                           "PYTHONPATH": str(ROOT), "SOP_DOCUMENTS": str(home / "dokumen"),
                           "SOP_RUN_STALE_AFTER": str(STALE_AFTER)})
    os.environ.update({"PREFECT_API_URL": server.url, "SOP_DATABASE_URL": store_url,
                       "SOP_DOCUMENTS": str(home / "dokumen")})
    workers: list[subprocess.Popen[bytes]] = []
    try:
        rows = measure(env, home, workers)
    finally:
        for w in workers:
            stop(w)
        server.stop()
    print(table(["workers", "steps", "seconds", "steps/s", "runs started (incl. restarted)",
                 "each step recorded once"], rows))
    best = max(float(r[3]) for r in rows[:-1])
    print(f"scaleout: {best:.2f} steps/s")


def measure(env: dict[str, str], home: Path,
            workers: list[subprocess.Popen[bytes]]) -> list[list[str]]:
    from prefect.client.orchestration import get_client

    from sop_runtime.flows import steps
    from sop_runtime.flows.deployments import ENTRYPOINTS
    from sop_runtime.service.runtime import Runtime
    from tests.flows.kit import new_court

    rt = new_court(Runtime.open(), home / "definitions")
    subprocess.run([sys.executable, "-m", "prefect", "work-pool", "create", POOL, "--type",
                    "process", "--overwrite"], env=env, check=True, capture_output=True)
    from prefect import Flow, flow

    remote: Flow = flow.from_source(source=str(ROOT),  # type: ignore[assignment]
                                    entrypoint=ENTRYPOINTS["langkah-otomatis"])
    remote.deploy(name="langkah-otomatis", work_pool_name=POOL, build=False, push=False,
                  print_next_steps=False)
    rows = []
    with get_client(sync_client=True) as client:
        for count in (1, 2, 3):
            while len(workers) < count:
                workers.append(start_worker(env, home, len(workers)))
            rows.append(round_of(rt, client, steps, home, env, f"{count}", kill=None))
        for w in workers[2:]:
            stop(w)
        del workers[2:]
        rows.append(round_of(rt, client, steps, home, env, "2, one killed", kill=workers))
    return rows


def start_worker(env: dict[str, str], home: Path, n: int) -> subprocess.Popen[bytes]:
    log = (home / f"worker-{n}.log").open("ab")
    return subprocess.Popen([sys.executable, "-m", "prefect", "worker", "start", "--pool",
                             POOL, "--type", "process", "--name", f"pekerja-{n}",
                             "--limit", "1"],  # one run at a time: a worker is a slot
                            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def round_of(rt, client, steps, home: Path, env: dict[str, str],  # type: ignore[no-untyped-def]
             label: str, kill: list[subprocess.Popen[bytes]] | None) -> list[str]:
    from sop_runtime.service import automation
    from tests.flows.kit import verified_filing

    filings = [verified_filing(rt, home / "dokumen") for _ in range(STEPS)]
    node = filings[0][1]
    cases = {case for case, _ in filings}
    t0 = time.perf_counter()
    asked = 0
    killed = False
    while True:
        waiting = [w for w in automation.pending(rt) if w.case_id in cases]
        if not waiting:
            break
        for work in waiting:
            asked += steps.start_or_rescue(client, work)
        if kill and not killed:
            found = busy_worker(kill)
            if found is not None:  # a worker in the middle of a run: the machine goes away
                busy, runs = found
                victim = kill[busy]
                for pid in runs:
                    with suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                os.killpg(victim.pid, signal.SIGKILL)
                victim.wait()
                kill[busy] = start_worker(env, home, 9)  # two workers again, as a restart would
                killed = True
        time.sleep(0.2 if kill and not killed else 1)
    seconds = time.perf_counter() - t0
    once, numbers = recorded_once(rt, cases, node)
    assert once and len(numbers) == STEPS, (label, once, len(numbers))
    if kill:
        assert killed, "no worker was in the middle of a run to kill"
    return [label, str(STEPS), f"{seconds:.1f}", f"{STEPS / seconds:.2f}", str(asked),
            "yes" if once else "NO"]


def busy_worker(workers: list[subprocess.Popen[bytes]]) -> tuple[int, list[int]] | None:
    """(index of a worker, its flow runs' processes) for a worker running something: a
    process worker starts each flow run as a process below it."""
    below: dict[int, list[int]] = {w.pid: [] for w in workers}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            for parent in ancestors(int(entry.name)) & below.keys():
                below[parent].append(int(entry.name))
    for i, worker in enumerate(workers):
        if below[worker.pid]:
            return i, below[worker.pid]
    return None


def ancestors(pid: int) -> set[int]:
    found = set()
    while pid > 1:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            break
        pid = int(stat.rpartition(")")[2].split()[1])
        found.add(pid)
    return found


def recorded_once(rt, cases: set[str], node: str) -> tuple[bool, set[str]]:  # type: ignore[no-untyped-def]
    from sop_runtime.service.cases import load_case

    counts: Counter[str] = Counter()
    numbers: set[str] = set()
    with rt.engine.connect() as conn:
        for case in cases:
            stored, _ = load_case(conn, case)
            for s in stored:
                if s.type == "step_completed" and s.payload["node"] == node:
                    counts[case] += 1
                    numbers.add(s.payload["outputs"]["nomor_perkara"])
    return all(counts[c] == 1 for c in cases), numbers


if __name__ == "__main__":
    main()
