"""Run one ``sop`` command after a barrier: import everything the command needs, say
``ready`` on stdout, wait for one byte on stdin, then run the real CLI entry point.

The concurrency tests start several of these and release them all at once, so their
commands hit the database together (no sleeps)."""

from __future__ import annotations

import sys

import sop_runtime.cli.render
import sop_runtime.service.cases
import sop_runtime.service.views  # noqa: F401  (warm: the command then starts at once)
from sop_runtime.cli.app import run

if __name__ == "__main__":
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    if sys.stdin.read(1) != "g":
        raise SystemExit(99)
    raise SystemExit(run(sys.argv[1:]))
