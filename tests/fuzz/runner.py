"""Runs fuzz items in a worker process under a watchdog.

The worker (``python -m tests.fuzz.runner JOB``) makes and runs items one after another and
reports on a pipe of its own (the commands' output is captured in-process, and a child a
command starts cannot write into the report). The driver (:func:`fuzz`) reads the reports,
samples the worker's resident memory, and when an item runs past the hang limit or the
memory bound (or the worker dies) it records that item, kills the worker and starts a new
one at the next item. A failure is any of: an exit code 70 or one outside the documented
ones, a traceback in the output, an exception out of the CLI's entry point, an HTTP 5xx,
an item over the hang limit, the worker over the memory bound or dead, or the machine
changed (a device replaced, a file of the repository's definitions or examples written):
that stops the run."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import select
import shutil
import stat
import subprocess
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

EXIT_CODES = {0, 1, 2, 3, 4}  # the exit codes of docs/user-guide.md (70 is a bug)
HANG_SECONDS = 10.0
MEMORY_MB = 1500  # the worker's resident memory may not pass this
_ADDRESS_SPACE = 6 * 1024**3  # a hard stop far past it, should a bomb outrun the sampling


@dataclass
class Failure:
    target: str
    index: int
    kind: str  # exit 70, exit N, traceback, exception, HTTP 5xx, hang, memory, worker died
    item: str
    detail: str = ""

    def __str__(self) -> str:
        return f"[{self.kind}] {self.item}\n    {self.detail}".rstrip()


@dataclass
class Report:
    items: Counter[str] = field(default_factory=Counter)
    steps: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # exit codes and HTTP statuses
    failures: list[Failure] = field(default_factory=list)
    slowest: float = 0.0
    slowest_item: str = ""
    peak_mb: float = 0.0
    seconds: float = 0.0


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def fuzz(seed: int, target: str, stop: int, root: Path, court_db: Path, *, start: int = 0,
         hang: float = HANG_SECONDS, memory_mb: float = MEMORY_MB) -> Report:
    """Run items ``start`` to ``stop - 1`` of ``target`` under ``seed`` in the folder ``root``
    on the court ``court_db``; the report of what happened."""
    report = Report()
    started = time.perf_counter()
    index = start
    while index < stop:
        index = _one_worker(seed, target, index, stop, root, court_db, hang, memory_mb, report)
    report.seconds = time.perf_counter() - started
    return report


def _one_worker(seed: int, target: str, start: int, stop: int, root: Path, court_db: Path,
                hang: float, memory_mb: float, report: Report) -> int:
    """Run a worker from item ``start``; the item to go on from when it stops."""
    read_fd, write_fd = os.pipe()
    job = {"seed": seed, "target": target, "start": start, "stop": stop, "root": str(root),
           "court": str(court_db), "fd": write_fd}
    env = {**os.environ, "SOP_LANG": "id", "COLUMNS": "200"}
    env.pop("SOP_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "tests.fuzz.runner", json.dumps(job)],
                            cwd=ROOT, env=env, pass_fds=(write_fd,), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(write_fd)
    current, began, buffer = start, time.monotonic(), b""
    try:
        while True:
            ready, _, _ = select.select([read_fd], [], [], 0.1)
            if ready:
                chunk = os.read(read_fd, 65536)
                if not chunk:
                    break
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    message = json.loads(line)
                    if message["event"] == "begin":
                        current, began = message["index"], time.monotonic()
                    else:
                        _take(message, report)
                        current = message["index"] + 1
            report.peak_mb = max(report.peak_mb, _rss_mb(proc.pid))
            over = time.monotonic() - began > hang
            if over or report.peak_mb > memory_mb:
                proc.kill()
                proc.wait()
                kind = "hang" if over else "memory"
                detail = (f"no answer after {hang:.0f} s" if over
                          else f"{report.peak_mb:.0f} MB resident (bound {memory_mb:.0f} MB)")
                report.failures.append(Failure(target, current, kind,
                                               _describe(seed, target, current, root, court_db),
                                               detail))
                report.items[target] += 1
                return current + 1
        proc.wait()
    finally:
        os.close(read_fd)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if any(f.kind == "machine changed" for f in report.failures):
        return stop  # the worker stopped there; nothing more should run on this machine
    if proc.returncode != 0 or current < stop:
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        report.failures.append(Failure(target, current, "worker died",
                                       _describe(seed, target, current, root, court_db),
                                       f"exit {proc.returncode}: {err[-1500:]}"))
        report.items[target] += 1
        return current + 1
    return stop


def _describe(seed: int, target: str, index: int, root: Path, court_db: Path) -> str:
    from tests.fuzz.items import Workspace, make_item

    try:
        return make_item(Workspace(root, court_db), seed, target, index).describe()
    except Exception as exc:  # the description is for the failure message only
        return f"{target}#{index} ({exc!r})"


def _take(message: dict[str, Any], report: Report) -> None:
    report.items[message["target"]] += 1
    report.steps += len(message["outcomes"])
    report.outcomes.update(message["outcomes"])
    if message["seconds"] > report.slowest:
        report.slowest, report.slowest_item = message["seconds"], message["item"]
    for failure in message["failures"]:
        report.failures.append(Failure(message["target"], message["index"], failure["kind"],
                                       message["item"], failure["detail"]))


# --- the worker ---------------------------------------------------------------------------


class _Uploads:
    """The web app on the court's database, and an auditor's token for it."""

    def __init__(self, url: str) -> None:
        from fastapi.testclient import TestClient

        from sop_runtime.service import auth
        from sop_runtime.service.runtime import Runtime
        from sop_runtime.store.db import make_engine
        from sop_runtime.web.app import create_app

        rt = Runtime(make_engine(url))
        token = auth.issue_token(rt, "bambang.panitera", "fuzz")
        self.client = TestClient(create_app(rt), raise_server_exceptions=False)
        self.headers = {"Authorization": f"Bearer {token}"}

    def post(self, upload: dict[str, Any]) -> tuple[int, str]:
        files = {k: v for k, v in upload.items() if isinstance(v, tuple)}
        data = {k: v for k, v in upload.items() if isinstance(v, str)}
        response = self.client.post("/api/conformance", files=files, data=data,
                                    headers=self.headers)
        return response.status_code, response.text[:500]


def _run_step(step: Any, folder: Path, uploads: _Uploads | None) -> tuple[str, str | None]:
    """Run one step: (its outcome, why it failed or None)."""
    from tests.e2e.cli import sop

    if step.upload is not None:
        assert uploads is not None
        status, body = uploads.post(step.upload)
        return f"HTTP {status}", (f"HTTP {status}: {body}" if status >= 500 else None)
    try:
        result = sop(*step.argv, cwd=folder, env=step.env)
    except BaseException:
        return "exception", traceback.format_exc()[-2000:]
    output = result.stdout + result.stderr
    if "Traceback (most recent call last)" in output:
        return f"exit {result.returncode}", "traceback: " + output[-2000:]
    if result.returncode not in EXIT_CODES:
        return f"exit {result.returncode}", f"exit {result.returncode}: {output[-1500:]}"
    return f"exit {result.returncode}", None


# what no input may change on the machine: the devices the product's callers rely on, and
# the repository's own definitions and examples
_DEVICES = {"/dev/null": stat.S_ISCHR, "/dev/zero": stat.S_ISCHR, "/dev/stdin": stat.S_ISLNK,
            "/dev/stdout": stat.S_ISLNK}


def machine_state() -> dict[str, str]:
    """The devices' kinds and the repository's definitions and examples, digested."""
    state = {}
    for path, kind in _DEVICES.items():
        try:
            state[path] = "ok" if kind(os.lstat(path).st_mode) else "changed"
        except OSError as exc:
            state[path] = f"gone ({exc.strerror})"
    for folder in ("definitions", "examples"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file():
                state[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def _changed(before: dict[str, str]) -> str | None:
    after = machine_state()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    return ", ".join(f"{k} ({after.get(k, 'gone')})" for k in changed) or None


def _worker(job: dict[str, Any]) -> None:
    from tests.fuzz.items import Workspace, make_item

    resource.setrlimit(resource.RLIMIT_AS, (_ADDRESS_SPACE, _ADDRESS_SPACE))
    out = os.fdopen(job["fd"], "w", buffering=1)
    ws = Workspace(Path(job["root"]), Path(job["court"]))
    uploads = _Uploads(ws.court_url()) if job["target"] == "uploads" else None

    def send(**message: Any) -> None:
        out.write(json.dumps(message) + "\n")

    machine = machine_state()

    for index in range(job["start"], job["stop"]):
        send(event="begin", index=index)
        began = time.perf_counter()
        item = make_item(ws, job["seed"], job["target"], index)
        outcomes, failures = [], []
        folder = ws.root / "items" / f"{item.target}-{index}"
        for step in item.steps:
            outcome, failed = _run_step(step, folder, uploads)
            outcomes.append(outcome)
            if failed:
                kind = ("HTTP 5xx" if outcome.startswith("HTTP") else
                        "traceback" if failed.startswith("traceback") else outcome)
                failures.append({"kind": kind, "detail": f"{step.describe()}: {failed}"})
        changed = _changed(machine)
        if changed:  # stop at once: what ran next would run on a broken machine
            failures.append({"kind": "machine changed", "detail": f"{item.describe()}: {changed}"})
            send(event="done", index=index, target=item.target, item=item.describe(),
                 outcomes=outcomes, failures=failures, seconds=time.perf_counter() - began)
            raise SystemExit(3)
        send(event="done", index=index, target=item.target, item=item.describe(),
             outcomes=outcomes, failures=failures, seconds=time.perf_counter() - began)
        if not failures:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    _worker(json.loads(sys.argv[1]))
