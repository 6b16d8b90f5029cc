"""Bench figures of an earlier revision and of this checkout, side by side, in one run.

    .venv/bin/python bench/compare.py REV [BENCH ...]   (default: transitions compile verify
                                                         conformance coldstart)

REV (a commit, tag or branch) is checked out into a temporary git worktree and each bench
script runs twice, alternating (REV, this checkout, REV, this checkout), from the same
virtual environment: REV's copy of the script with REV's ``sop_runtime`` first on the path,
then this checkout's. Quick mode (``SOP_BENCH_QUICK=1``) unless ``SOP_BENCH_QUICK=0`` is set.
Prints each bench's last line (its headline figure) for both revisions, from the faster of
the two runs of each.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
DEFAULT = ("transitions", "compile", "verify", "conformance", "coldstart")


def _run(tree: Path, bench: str) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(tree),
           "SOP_BENCH_QUICK": os.environ.get("SOP_BENCH_QUICK", "1")}
    began = time.perf_counter()
    done = subprocess.run([sys.executable, str(tree / "bench" / f"{bench}.py")], cwd=tree,
                          env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - began
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0:
        return took, f"failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}"
    return took, lines[-1] if lines else "(no output)"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    rev, benches = argv[0], tuple(argv[1:]) or DEFAULT
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        old = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(HERE), "worktree", "add", "--detach", "-q", str(old),
                        rev], check=True)
        try:
            for bench in benches:
                if not (old / "bench" / f"{bench}.py").exists():
                    print(f"== {bench}: not in {rev}")
                    continue
                runs: dict[str, list[tuple[float, str]]] = {"old": [], "new": []}
                for _ in range(2):
                    runs["old"].append(_run(old, bench))
                    runs["new"].append(_run(HERE, bench))
                print(f"== {bench}")
                for name, label in (("old", rev), ("new", "this checkout")):
                    print(f"  {label:>14}: {min(runs[name])[1]}")
        finally:
            subprocess.run(["git", "-C", str(HERE), "worktree", "remove", "--force", str(old)],
                           check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
