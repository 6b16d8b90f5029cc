"""Real orchestration (marker ``prefect``): one Prefect server for the session, and
``sop orchestrate serve`` serving every deployment against a test court, as a court's
machine would run them. Shown here:

- an automated step runs as a deployment run started by the dispatcher, and its output
  lands on the case (one run for the step attempt);
- a failing action is retried, then becomes an incident on the case (the run fails);
- two overlapping runs of the deadline sweep flag an overdue step once;
- the automation turns the sweep's event into a run of the notification flow, which reaches
  the supervisor's webhook with the right case and step, once.
"""

from __future__ import annotations

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


@dataclass
class Orchestra:
    rt: Runtime
    api: str
    log: Path
    documents: Path
    hook: list[dict[str, Any]] = field(default_factory=list)

    def client(self) -> Any:
        from prefect.client.orchestration import get_client

        return get_client(sync_client=True)


@pytest.fixture(scope="session")
def orchestra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Orchestra]:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    base = tmp_path_factory.mktemp("orchestra")
    server = LocalServer.start(base / "prefect")
    hook = HTTPServer(("127.0.0.1", 0), WebhookCapture)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    url = f"sqlite:///{base / 'sop.db'}"
    rt = new_court(Runtime(make_engine(url)), base / "definitions")
    log = base / "serve.log"
    env = quiet_env(base / "prefect", {
        "PREFECT_API_URL": server.url, "SOP_DATABASE_URL": url, "PYTHONPATH": str(ROOT),
        "SOP_NOTIFY": f"json://127.0.0.1:{hook.server_port}/",
        "SOP_ACTION_RETRIES": "2", "SOP_ACTION_RETRY_DELAY": "0",
        "SOP_DOCUMENTS": str(base / "dokumen")})
    with log.open("ab") as out:
        serving = subprocess.Popen(
            [sys.executable, "-m", "sop_runtime", "orchestrate", "serve", "--dispatch-every",
             "2", "--sweep-cron", "0 0 1 1 *"],  # the tests run the sweep themselves
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.url}):
            orchestra = Orchestra(rt, server.url, log, base / "dokumen", WebhookCapture.received)
            with orchestra.client() as client:
                def served() -> bool:
                    try:
                        client.read_deployment_by_name("sop-notifikasi/notifikasi")
                        return serving.poll() is None
                    except Exception:  # not registered yet
                        return False
                eventually("the deployments are served", served, timeout=120)
            yield orchestra
    finally:
        serving.terminate()
        try:
            serving.wait(timeout=30)
        except subprocess.TimeoutExpired:
            serving.kill()
        hook.shutdown()
        server.stop()


def flow_runs(orchestra: Orchestra, name: str) -> list[Any]:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    with orchestra.client() as client:
        found: list[Any] = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name])))
        return found


def stored(orchestra: Orchestra, case: str) -> list[Any]:
    with orchestra.rt.engine.connect() as conn:
        return cases.load_case(conn, case)[0]


def test_an_automated_step_runs_and_its_output_lands_on_the_case(orchestra: Orchestra) -> None:
    case, node = verified_filing(orchestra.rt, orchestra.documents)

    def numbered() -> list[Any]:
        return [s for s in stored(orchestra, case)
                if s.type == "step_completed" and s.payload["node"] == node]

    done = eventually(f"step {node} of {case} recorded", numbered)
    assert len(done) == 1 and done[0].actor == "sistem"
    assert done[0].payload["outputs"]["nomor_perkara"].endswith("/Pdt.G/2026/PN Snn")
    runs = eventually("its run finished", lambda: [
        r for r in flow_runs(orchestra, f"{case} langkah {node}#1") if r.state.is_final()])
    assert len(runs) == 1 and runs[0].state.is_completed()
    time.sleep(3)  # three more dispatcher ticks: still one run, still one record
    assert len(flow_runs(orchestra, f"{case} langkah {node}#1")) == 1
    assert len(numbered()) == 1


def test_a_failing_action_is_retried_then_becomes_an_incident(orchestra: Orchestra) -> None:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    case = failing_filing(orchestra.rt)
    incident = eventually(f"the incident on {case}", lambda: [
        s for s in stored(orchestra, case) if s.type == "automation_failed"])
    assert len(incident) == 1
    assert incident[0].payload["tries"] == 3
    assert "SIPP tidak menjawab" in incident[0].payload["error"]
    runs = eventually("its run ended", lambda: [
        r for r in flow_runs(orchestra, f"{case} langkah 2#1") if r.state.is_final()])
    assert len(runs) == 1 and runs[0].state.is_failed()
    assert incident[0].payload["run"] == str(runs[0].id)
    with orchestra.client() as client:
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[runs[0].id])))
    tries = [t for t in tasks if t.name.startswith("jalankan-aksi")]
    assert len(tries) == 1 and tries[0].run_count == 3 and tries[0].state.is_failed()
    with orchestra.rt.engine.connect() as conn:
        _, state = cases.load_case(conn, case)
    assert state.current("2").is_open  # type: ignore[union-attr]


def test_two_overlapping_sweeps_flag_once_and_the_supervisor_hears_once(
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

    def finished() -> Any:
        with orchestra.client() as client:
            run = client.read_flow_run(started.id)
        return run if run.state.is_final() else None

    run = eventually("the report's run finished", finished)
    assert run.state.is_completed()
    page = output.read_text(encoding="utf-8")
    assert "Laporan Pertanggungjawaban Pelaksanaan SOP" in page
    with orchestra.client() as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run.id])))
    progress = [a for a in artifacts if a.type == "progress"]
    assert len(progress) == 1 and float(progress[0].data) == 100.0
