"""Real orchestration (marker ``prefect``): one Prefect server for the session,
``sop orchestrate serve`` serving every deployment against a test court and
``sop orchestrate worker`` running the automated steps, as a court's machines would run
them. Shown here:

- automated steps run on a long-lived worker as background task runs submitted by the
  dispatcher, and each lands on its case once; a worker killed in the middle of a step
  loses nothing: the dispatcher submits the step again and the other worker records it, once
  (the retries and the incident after them are shown without a server, in
  test_flow_logic.py);
- two runs of the deadline sweep started at once flag an overdue step once (the deployment
  runs one at a time: the second waits for the first; sweeps that do overlap are shown in
  test_flow_logic.py);
- the automation turns the sweep's event into a run of the notification flow, which reaches
  the supervisor's webhook with the right case and step, once;
- both seal deployments are registered on the court's time zone, and a run of one seals the
  court as the system account (what a run does is shown without a server in
  test_seal_flow.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import HTTPServer
from pathlib import Path
from typing import Any, TypeVar

import pytest

from sop_runtime.flows.server import LocalServer, quiet_env
from sop_runtime.service import cases
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from tests.conftest import ROOT
from tests.flows.kit import (
    HANGING_SOP,
    HANGS_IN,
    WebhookCapture,
    failing_filing,
    new_court,
    skum_waiting_at_step_7,
    verified_filing,
)

pytestmark = [pytest.mark.prefect, pytest.mark.xdist_group("prefect")]

T = TypeVar("T")


def eventually(what: str, check: Callable[[], T | None], timeout: float = 180) -> T:
    """Poll ``check`` until it gives something (the runs are asynchronous by nature)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


def finished_run(orchestra: Orchestra, run_id: Any, what: str) -> Any:
    """The flow run ``run_id`` once it reached a final state."""

    def final() -> Any:
        with orchestra.client() as client:
            run = client.read_flow_run(run_id)
        return run if run.state.is_final() else None

    return eventually(what, final)


@dataclass
class Orchestra:
    rt: Runtime
    api: str
    log: Path
    documents: Path
    env: dict[str, str]
    hook: list[dict[str, Any]] = field(default_factory=list)
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start_worker(self) -> subprocess.Popen[bytes]:
        """``sop orchestrate worker``, as an admin starts one on a host."""
        with self.log.open("ab") as out:
            worker = subprocess.Popen(
                [sys.executable, "-m", "sop_runtime", "orchestrate", "worker",
                 "--concurrency", "2"], cwd=ROOT, env=self.env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)
        self.workers.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen[bytes]) -> None:
        """The host is lost: SIGKILL, nothing runs its way out."""
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()

    def client(self) -> Any:
        from prefect.client.orchestration import get_client

        return get_client(sync_client=True)


@pytest.fixture(scope="session")
def orchestra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Orchestra]:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    base = tmp_path_factory.mktemp("orchestra")
    # a run waiting for its deployment's concurrency slot is looked at again after a second
    # (Prefect's default: 30)
    server = LocalServer.start(base / "prefect", env={
        "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS": "1"})
    hook = HTTPServer(("127.0.0.1", 0), WebhookCapture)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    url = f"sqlite:///{base / 'sop.db'}"
    rt = new_court(Runtime(make_engine(url)), base / "definitions")
    log = base / "serve.log"
    env = quiet_env(base / "prefect", {
        "PREFECT_API_URL": server.url, "SOP_DATABASE_URL": url, "PYTHONPATH": str(ROOT),
        "SOP_NOTIFY": f"json://127.0.0.1:{hook.server_port}/",
        "SOP_ACTION_RETRIES": "2", "SOP_ACTION_RETRY_DELAY": "0",
        # a lost worker's step is submitted again after 6 s (the default waits for every try)
        "SOP_RUN_STALE_AFTER": "6", HANGS_IN: str(base / "macet"),
        # the served deployments look for runs to start every second (Prefect's default: 10)
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "SOP_DOCUMENTS": str(base / "dokumen")})
    with log.open("ab") as out:
        serving = subprocess.Popen(
            [sys.executable, "-m", "sop_runtime", "orchestrate", "serve", "--dispatch-every",
             "1", "--workers", "0",  # the tests start (and kill) the workers themselves
             # the tests run the sweep and the seals themselves
             "--sweep-cron", "0 0 1 1 *", "--seal-cron", "0 0 1 1 *",
             "--close-cron", "0 0 1 1 *"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    orchestra = Orchestra(rt, server.url, log, base / "dokumen", env, WebhookCapture.received)
    try:
        orchestra.start_worker()
        orchestra.start_worker()  # two hosts: one is lost in a test, the other goes on
        with temporary_settings(updates={PREFECT_API_URL: server.url}):
            with orchestra.client() as client:
                def served() -> bool:
                    try:
                        # the last one registered
                        client.read_deployment_by_name("sop-segel-log/segel-tutup-hari")
                        return serving.poll() is None
                    except Exception:  # not registered yet
                        return False
                eventually("the deployments are served", served, timeout=120)
            yield orchestra
    finally:
        for worker in orchestra.workers:
            if worker.poll() is None:
                orchestra.kill(worker)
        serving.terminate()
        try:
            serving.wait(timeout=30)
        except subprocess.TimeoutExpired:
            serving.kill()
        hook.shutdown()
        server.stop()


def task_runs(orchestra: Orchestra, like: str) -> list[Any]:
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    with orchestra.client() as client:
        found: list[Any] = client.read_task_runs(
            task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_=like)))
        return sorted(found, key=lambda r: r.created)


def stored(orchestra: Orchestra, case: str) -> list[Any]:
    with orchestra.rt.engine.connect() as conn:
        return cases.load_case(conn, case)[0]


def test_automated_steps_run_on_workers_once_and_a_lost_workers_step_is_recovered(
        orchestra: Orchestra) -> None:
    hanging = failing_filing(orchestra.rt, HANGING_SOP)  # its first try hangs
    filings = [verified_filing(orchestra.rt, orchestra.documents) for _ in range(3)]
    mark = Path(orchestra.env[HANGS_IN]) / hanging  # holds the pid of the worker running it
    eventually("a worker is in the middle of the hanging step", mark.exists)
    holder = next(w for w in orchestra.workers if w.pid == int(mark.read_text("utf-8")))
    orchestra.kill(holder)

    def numbered(case: str, node: str) -> list[Any]:
        return [s for s in stored(orchestra, case)
                if s.type == "step_completed" and s.payload["node"] == node]

    steps = [*filings, (hanging, "2")]
    for case, node in steps:
        eventually(f"step {node} of {case} recorded", lambda c=case, n=node: numbered(c, n))
    time.sleep(2)  # two more dispatcher looks: still one record each
    done = [numbered(case, node) for case, node in steps]
    assert all(len(d) == 1 and d[0].actor == "sistem" for d in done)
    numbers = [d[0].payload["outputs"]["nomor_perkara"] for d in done]
    assert len(set(numbers)) == len(numbers)
    assert all(n.endswith("/Pdt.G/2026/PN Snn") for n in numbers)
    # the lost run is marked crashed; the one submitted again did the step
    runs = task_runs(orchestra, f"{hanging} langkah 2#1")
    assert [r.name for r in runs] == [f"{hanging} langkah 2#1",
                                      f"{hanging} langkah 2#1 (ulang 2)"]
    assert runs[0].state.is_crashed()
    eventually("the run submitted again completed", lambda: task_runs(
        orchestra, f"{hanging} langkah 2#1 (ulang 2)")[0].state.is_completed())


def test_two_sweeps_started_at_once_flag_once_and_the_supervisor_hears_once(
        orchestra: Orchestra) -> None:
    from prefect.deployments import run_deployment

    case = skum_waiting_at_step_7(orchestra.rt)
    started = [run_deployment("sop-sapu-tenggat/sapu-tenggat", timeout=0, as_subflow=False)
               for _ in range(2)]

    def finished() -> list[Any]:
        with orchestra.client() as client:
            runs = [client.read_flow_run(r.id) for r in started]
        return runs if all(r.state.is_final() for r in runs) else []

    runs = eventually("both sweeps finished", finished)
    assert all(r.state.is_completed() for r in runs)
    flags = [s for s in stored(orchestra, case) if s.type == "deviation_flagged"
             and s.payload["kind"] == "overdue" and s.payload["node"] == "7"]
    assert len(flags) == 1
    mine = eventually("the supervisor's notification", lambda: [
        m for m in orchestra.hook if case in m["message"] and "langkah 7" in m["message"]])
    message = mine[0]["message"]
    assert "melewati batas waktu langkah" in message and "terlambat" in message
    assert "pemegang: belum diambil (Kasir" in message

    def notifications_settled() -> bool:
        with orchestra.client() as client:
            from prefect.client.schemas.filters import (
                DeploymentFilter,
                DeploymentFilterName,
                FlowRunFilter,
                FlowRunFilterState,
                FlowRunFilterStateType,
            )
            from prefect.client.schemas.objects import StateType

            pending = client.read_flow_runs(
                deployment_filter=DeploymentFilter(name=DeploymentFilterName(
                    any_=["notifikasi"])),
                flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                    type=FlowRunFilterStateType(any_=[
                        StateType.SCHEDULED, StateType.PENDING, StateType.RUNNING]))))
        return not pending

    eventually("every notification run finished", notifications_settled)
    assert len([m for m in orchestra.hook
                if case in m["message"] and "langkah 7" in m["message"]]) == 1


def test_the_period_report_runs_as_a_flow_with_its_progress(orchestra: Orchestra,
                                                            tmp_path: Path) -> None:
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
    from prefect.deployments import run_deployment

    output = tmp_path / "laporan.html"
    started = run_deployment("sop-laporan-periode/laporan-periode", as_subflow=False,
                             timeout=0, parameters={
                                 "start": "2026-11-01T00:00:00+09:00",
                                 "end": "2030-01-01T00:00:00+09:00", "output": str(output)})

    run = finished_run(orchestra, started.id, "the report's run finished")
    assert run.state.is_completed()
    page = output.read_text(encoding="utf-8")
    assert "Laporan Pertanggungjawaban Pelaksanaan SOP" in page
    with orchestra.client() as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run.id])))
    progress = [a for a in artifacts if a.type == "progress"]
    assert len(progress) == 1 and float(progress[0].data) == 100.0


def test_a_served_seal_deployment_seals_as_the_system(orchestra: Orchestra) -> None:
    from prefect.deployments import run_deployment

    from sop_runtime.service import seals

    with orchestra.client() as client:
        for name in ("segel-tiap-jam", "segel-tutup-hari"):
            found = client.read_deployment_by_name(f"sop-segel-log/{name}")
            assert [(s.schedule.cron, s.schedule.timezone) for s in found.schedules] == [
                ("0 0 1 1 *", "Asia/Jayapura")]
    case = cases.start_case(orchestra.rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    started = run_deployment("sop-segel-log/segel-tiap-jam", timeout=0, as_subflow=False)

    run = finished_run(orchestra, started.id, "the seal's run finished")
    assert run.state.is_completed()
    newest = seals.seals_list(orchestra.rt)[-1]
    assert (newest.sealed_by, newest.note) == ("sistem", "segel terjadwal (tiap jam)")
    assert seals.proof(orchestra.rt, case)["seal_id"] == newest.id  # what was appended
    assert seals.check(orchestra.rt, full=False).ok
