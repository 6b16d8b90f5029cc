"""SpiffWorkflow beside the service in bench/transitions.py: a scratch environment gets
``pip install SpiffWorkflow==3.*`` once (never a dependency of the project), and
``_spiff_steps.py`` runs in it as a child process the bench drives chunk by chunk, so the
two alternate on the same disk. Not a bench itself (``make bench`` skips ``_*.py``).

The environment is ``$SOP_BENCH_SPIFF_VENV``, else ``/tmp/sop-bench-spiff``; removing it
makes the next run install it again.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from _scratch import ensure_venv

SPIFF = "SpiffWorkflow==3.*"
SCRIPT = Path(__file__).resolve().parent / "_spiff_steps.py"


def venv_dir() -> Path:
    return Path(os.environ.get("SOP_BENCH_SPIFF_VENV") or "/tmp/sop-bench-spiff")


class Spiff:
    """The child process: ``run(n)`` does its next ``n`` starts and steps, each persisted
    in a transaction of its own; ``end()`` checks the run."""

    def __init__(self, python: Path, plan: dict[str, Any], folder: Path, *,
                 read: bool = False) -> None:
        plan_file = folder / "spiff_plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        name = "spiff_read.db" if read else "spiff.db"
        self.proc = subprocess.Popen(
            [str(python), str(SCRIPT), str(plan_file), str(folder / name),
             *(["read"] if read else [])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.seconds = self.cpu = 0.0
        self.actions = 0

    def _ask(self, question: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(question) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"SpiffWorkflow's side ended (exit {self.proc.wait()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def run(self, n: int, *, counted: bool = True) -> None:
        answer = self._ask({"actions": n})
        if answer["actions"] != n:
            raise RuntimeError(f"SpiffWorkflow's side did {answer['actions']} of {n} actions")
        if counted:
            self.actions += n
            self.seconds += answer["seconds"]
            self.cpu += answer["cpu"]

    def end(self) -> dict[str, Any]:
        try:
            return self._ask({"end": True})
        finally:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
            self.proc.wait(timeout=60)


def start(plan: dict[str, Any], folder: Path) -> tuple[tuple[Spiff, Spiff] | None, str]:
    """Two child processes over ``plan`` (their files in ``folder``): the workflow kept in
    memory between steps, and read back from the database each step; or None and why."""
    python, why = ensure_venv(venv_dir(), SPIFF)
    if python is None:
        return None, why
    return (Spiff(python, plan, folder), Spiff(python, plan, folder, read=True)), why
