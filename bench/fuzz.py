"""The fuzzer's long mode (tests/fuzz): thousands of mutated definitions, court files, fee
tables, mappings, CSV and XES uploads and command lines, each through the product's public
interfaces on a copy of the demo court, in worker processes under a watchdog.

Prints per target the items and steps run, the outcomes (exit codes, HTTP statuses), the
slowest item, the workers' peak resident memory and every failure (a traceback, an exit 70
or an exit code the README does not list, an HTTP 5xx, an item over 10 s, a worker over its
memory bound or dead), each with its item so ``--seed S --target T --from I --items 1``
replays it. Exits 1 on any failure.

``--items N`` per target (default 2,000; ``--quick`` or SOP_BENCH_QUICK=1: half the sizes
``make test`` runs); ``--seed N``; ``--target T`` (repeatable); ``--jobs N`` targets at once
(default: the cores).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _common import DEFINITIONS, QUICK, ROOT, machine, table

from tests.fuzz.items import TARGETS
from tests.fuzz.runner import HANG_SECONDS, MEMORY_MB, Report, fuzz
from tests.fuzz.test_fuzz import ITEMS, SEED


def demo_court(folder: Path) -> Path:
    """The demo court after its working day (``sop demo``), as the tests have it."""
    db = folder / "demo.db"
    env = {**os.environ, "SOP_DATABASE_URL": f"sqlite:///{db}"}
    done = subprocess.run([sys.executable, "-m", "sop_runtime", "demo", "--definitions",
                           str(DEFINITIONS)], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"sop demo failed (exit {done.returncode}):\n{done.stderr}")
    return db


def run_target(target: str, seed: int, first: int, count: int, work: Path,
               demo: Path) -> Report:
    root = work / target
    root.mkdir()
    court = root / "court.db"
    shutil.copy(demo, court)
    return fuzz(seed, target, first + count, root, court, start=first)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=2000, help="items per target")
    parser.add_argument("--quick", action="store_true", help="half the sizes make test runs")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--target", action="append", choices=TARGETS)
    parser.add_argument("--from", dest="first", type=int, default=0, help="the first item")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    targets = args.target or list(TARGETS)
    quick = args.quick or QUICK
    sizes = {t: ITEMS[t] // 2 if quick else args.items for t in targets}  # quick: within 30 s
    print(f"{'quick' if quick else 'long'} run, seed {args.seed}, items {args.first} on; "
          f"{machine()}")
    with tempfile.TemporaryDirectory(prefix="sop_bench_fuzz_") as work:
        demo = demo_court(Path(work))
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {t: pool.submit(run_target, t, args.seed, args.first, sizes[t],
                                      Path(work), demo) for t in targets}
            reports = {t: f.result() for t, f in futures.items()}
    rows = []
    for target, r in reports.items():
        outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(r.outcomes.items()))
        rows.append([target, str(r.items[target]), str(r.steps), f"{r.slowest:.2f}",
                     f"{r.peak_mb:.0f}", str(len(r.failures)), f"{r.seconds:.0f}", outcomes])
    print(f"\nfailures: tracebacks, exit 70 or an undocumented exit code, HTTP 5xx, items over "
          f"{HANG_SECONDS:.0f} s, workers over {MEMORY_MB} MB resident")
    print(table(["target", "items", "steps", "slowest s", "peak MB", "failures", "seconds",
                 "outcomes"], rows))
    failures = [f for r in reports.values() for f in r.failures]
    for failure in failures[:40]:
        print(f"\nFAILED {failure}")
    print(f"\n{sum(r.items[t] for t, r in reports.items())} items, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
