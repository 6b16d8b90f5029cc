"""Cold start of the CLI: ``sop tasks --as rina.ptsp`` as a clerk types it, a new process
each time (``.venv/bin/sop``), on an initialised SQLite database with a few open cases.

The database is set up through the service layer (``sop init``'s use case, then one case
of every SOP started by its first step's clerk, a few of them moved on a step or two), so
Rina has tasks to list. One untimed run first, then the median wall time of several runs.

Bytecode caches: an installed ``sop`` has them (pip compiles at install time, an editable
checkout writes them on first use). Where ``PYTHONDONTWRITEBYTECODE`` is set, as in some
sandboxes and CI images, every ``sop_runtime`` module would be compiled from source on
every run; so the headline runs keep their caches in a temporary ``PYTHONPYCACHEPREFIX``
(written by the untimed run; the checkout stays clean), and, when the variable is set,
the figure without caches is printed beside it. Over the goal, ``python -X importtime``
names the imports that cost the most. Goal < 0.5 s.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    DEFINITIONS,
    QUICK,
    ROOT,
    complete_step,
    load_routes,
    machine,
    sqlite_backend,
)

from sop_runtime.service import cases, setup
from sop_runtime.service.runtime import Runtime

RUNS = 7
GOAL_S = 0.5
SOP = Path(sys.executable).with_name("sop")
COMMAND = ["tasks", "--as", "rina.ptsp"]


def prepare(url: str) -> int:
    """Initialise the database and open a case of every SOP; the number of cases."""
    routes = load_routes()
    rt = Runtime.open(url)
    setup.init(rt, DEFINITIONS)
    n = 0
    for i, (sop, route) in enumerate(sorted(routes.items())):
        case_id = cases.start_case(rt, sop, route[0]["oleh"]).case_id
        n += 1
        for step in route[:i % 3]:  # some cases a step or two further on
            complete_step(rt, case_id, step)
    rt.engine.dispose()
    return n


def run(env: dict[str, str], *prefix: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, str(SOP), *COMMAND], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False)


def timed_run(env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = run(env)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"sop {' '.join(COMMAND)} failed ({done.returncode}):\n"
                         f"{done.stdout}{done.stderr}")
    return elapsed, done.stdout


_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")


def import_offenders(env: dict[str, str], top: int = 12) -> str:
    """What ``-X importtime`` says: the total, and the costliest top-level imports and the
    costliest modules by their own time."""
    done = run(env, sys.executable, "-X", "importtime")
    rows = [(int(m[1]), int(m[2]), len(m[3]), m[4])
            for m in map(_LINE.match, done.stderr.splitlines()) if m]
    total = sum(r[0] for r in rows)
    first_level = sorted((r for r in rows if r[2] <= 1), key=lambda r: -r[1])[:top]
    by_self = sorted(rows, key=lambda r: -r[0])[:top]
    out = [f"imports: {total / 1e6:.3f} s in {len(rows)} modules"]
    out.append("  top-level imports by cumulative time:")
    out += [f"    {cum / 1000:7.1f} ms  {name}" for _, cum, _, name in first_level]
    out.append("  modules by own time:")
    out += [f"    {own / 1000:7.1f} ms  {name}" for own, _, _, name in by_self]
    return "\n".join(out)


def main() -> None:
    print(machine())
    with sqlite_backend("coldstart") as lite, tempfile.TemporaryDirectory() as caches:
        n = prepare(lite.url)
        plain = {**os.environ, "SOP_DATABASE_URL": lite.url}
        env = {**plain, "PYTHONPYCACHEPREFIX": caches}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        _, listing = timed_run(env)  # bytecode caches written, files in the OS cache
        tasks = len(re.findall(r"SNN-\d{4}-\d+", listing))
        if tasks == 0:
            raise SystemExit(f"sop {' '.join(COMMAND)} listed no task:\n{listing}")
        runs = [timed_run(env)[0] for _ in range(RUNS)]
        median = statistics.median(runs)
        print(f"{'quick' if QUICK else 'full'} run: SQLite with {n} cases; "
              f"sop {' '.join(COMMAND)} lists {tasks} tasks")
        print("runs: " + ", ".join(f"{r:.3f}" for r in runs) + " s")
        if os.environ.get("PYTHONDONTWRITEBYTECODE"):
            bare = [timed_run(plain)[0] for _ in range(3 if QUICK else RUNS)]
            print(f"without bytecode caches (PYTHONDONTWRITEBYTECODE is set here): median "
                  f"{statistics.median(bare):.3f} s of {len(bare)}")
        if median >= GOAL_S:
            print(import_offenders(env))
    print(f"cold start (median of {RUNS}): {median:.3f} s (goal < {GOAL_S} s)")


if __name__ == "__main__":
    main()
