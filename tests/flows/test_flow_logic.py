"""The flows' logic, called directly against the store (no Prefect server): an automated
step's try records once, its failure becomes an incident, the sweep's alerts name the case,
the step, the holder and how late, two overlapping sweeps flag a deadline once, and the
notification reaches a file and a webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import HTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from prefect.states import Completed, Crashed, Failed, Pending, Running, Scheduled

from sop_runtime.actions import ActionError
from sop_runtime.flows import common, notify, steps, sweep
from sop_runtime.service import automation, cases
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from tests.flows.kit import (
    WebhookCapture,
    failing_filing,
    new_court,
    skum_waiting_at_step_7,
    verified_filing,
)


@pytest.fixture
def court(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    """A court on this test's store; the flows' runtime() opens the same store."""
    monkeypatch.setenv("SOP_DATABASE_URL", store_url)
    monkeypatch.setenv("SOP_DOCUMENTS", str(tmp_path / "dokumen"))
    common.runtime.cache_clear()
    rt = new_court(Runtime(make_engine(store_url)), tmp_path / "definitions")
    yield rt
    common.runtime().engine.dispose()
    common.runtime.cache_clear()


def test_an_automated_steps_try_records_once(court: Runtime, tmp_path: Path) -> None:
    case, node = verified_filing(court, tmp_path)
    first = steps.run_action.fn(case, node, 1)
    assert first == {"recorded": True, "outputs": {"nomor_perkara": "1/Pdt.G/2026/PN Snn"}}
    again = steps.run_action.fn(case, node, 1)  # a retry after a lost reply, a duplicate run
    assert again == {"recorded": False, "outputs": {"nomor_perkara": "1/Pdt.G/2026/PN Snn"}}
    with court.engine.connect() as conn:
        stored, state = cases.load_case(conn, case)
    assert [s.payload["node"] for s in stored if s.type == "step_completed"].count(node) == 1
    assert state.current(node).status.value == "selesai"  # type: ignore[union-attr]
    assert len(state.open_steps) == 1


def test_a_failure_after_the_tries_is_one_incident_per_run(court: Runtime) -> None:
    case = failing_filing(court)
    with pytest.raises(ActionError, match="SIPP tidak menjawab"):
        steps.run_action.fn(case, "2", 1)
    try:
        steps.run_action.fn(case, "2", 1)
    except ActionError as exc:
        assert steps.record_failure(case, "2", 1, exc, run="run-a")
        assert not steps.record_failure(case, "2", 1, exc, run="run-a")
    with court.engine.connect() as conn:
        stored, state = cases.load_case(conn, case)
    incidents = [s.payload for s in stored if s.type == "automation_failed"]
    assert len(incidents) == 1 and state.incidents == 1
    assert incidents[0]["tries"] == common.RETRIES + 1
    assert incidents[0]["action"] == "tests.flows.kit:always_fails"
    assert "SIPP tidak menjawab" in incidents[0]["error"]
    assert state.current("2").is_open  # type: ignore[union-attr]


def test_the_sweeps_alert_names_case_step_holder_and_lateness(court: Runtime) -> None:
    case = skum_waiting_at_step_7(court)
    report = cases.sweep(court)
    found = [a for a in sweep.alerts(court, report) if a.case_id == case]
    overdue = [a for a in found if a.event == sweep.OVERDUE_EVENT]
    assert [(a.node, a.payload["kind"]) for a in overdue] == [("7", "overdue")]
    message = overdue[0].payload["message"]
    assert message.startswith(f"Perkara {case} (Penaksiran dan Pembayaran Panjar")
    assert "langkah 7 (Mencatat panjar biaya perkara" in message
    assert "melewati batas waktu langkah, terlambat" in message and "hari kerja" in message
    assert "pemegang: belum diambil (Kasir" in message
    assert overdue[0].payload["late_seconds"] > 0
    # the service standard is breached too: an alert of its own, as a deviation
    assert {a.payload["kind"] for a in found if a.event == sweep.DEVIATION_EVENT} <= {
        "service_overdue"}
    # nothing new on the next run
    assert sweep.alerts(court, cases.sweep(court)) == []


def test_two_overlapping_sweeps_flag_a_deadline_once(court: Runtime) -> None:
    case = skum_waiting_at_step_7(court)
    reports: list[cases.SweepReport] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        rt = Runtime(make_engine(str(court.engine.url.render_as_string(hide_password=False))))
        barrier.wait()
        reports.append(cases.sweep(rt))
        rt.engine.dispose()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(reports) == 2
    with court.engine.connect() as conn:
        stored, _ = cases.load_case(conn, case)
    flags = [s.payload for s in stored if s.type == "deviation_flagged"
             and s.payload["kind"] == "overdue" and s.payload["node"] == "7"]
    assert len(flags) == 1
    alerts = [a for r in reports for a in sweep.alerts(court, r)
              if a.case_id == case and a.node == "7"]
    assert len(alerts) == 1


def test_the_notification_reaches_a_file_and_a_webhook(tmp_path: Path) -> None:
    server = HTTPServer(("127.0.0.1", 0), WebhookCapture)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    WebhookCapture.received.clear()
    try:
        out = tmp_path / "notes" / "pengawas.jsonl"
        sent = notify.send("Perkara SNN-2026-00007: langkah 7 terlambat 2 jam kerja",
                           case_id="SNN-2026-00007", node="7", event=sweep.OVERDUE_EVENT,
                           to=[f"file://{out}", f"json://127.0.0.1:{server.server_port}/"])
    finally:
        server.shutdown()
    assert sent == 2
    line = json.loads(out.read_text(encoding="utf-8"))
    assert (line["case_id"], line["node"], line["event"]) == ("SNN-2026-00007", "7",
                                                              "sop.step.overdue")
    assert datetime.fromisoformat(line["at"]) <= datetime.now(UTC)
    assert len(WebhookCapture.received) == 1
    assert WebhookCapture.received[0]["message"] == line["message"]
    assert WebhookCapture.received[0]["title"] == notify.TITLE
    with pytest.raises(ValueError, match="tidak dikenal Apprise"):
        notify.send("x", case_id="", node="", event="", to=["nosuchscheme://x"])


def test_the_last_failing_try_records_the_incident_and_earlier_ones_do_not(
        court: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    case = failing_filing(court)
    monkeypatch.setattr(steps.task_run, "get_id", lambda: "run-b")
    for run_count in range(1, common.RETRIES + 2):  # the tries of one run, as Prefect counts
        monkeypatch.setattr(steps.task_run, "get_run_count", lambda n=run_count: n)
        with pytest.raises(ActionError):
            steps.run_action.fn(case, "2", 1)
        with court.engine.connect() as conn:
            stored, _ = cases.load_case(conn, case)
        incidents = [s.payload for s in stored if s.type == "automation_failed"]
        assert len(incidents) == (1 if run_count > common.RETRIES else 0)
    assert incidents[0]["run"] == "run-b" and incidents[0]["tries"] == common.RETRIES + 1


class FakeRuns:
    """The task runs a Prefect API holds, for the dispatcher's decisions (no server)."""

    def __init__(self) -> None:
        self.runs: list[SimpleNamespace] = []
        self.crashed: list[str] = []
        self.reads = 0

    def add(self, name: str, state: Any, age: float = 0) -> None:
        state.timestamp = datetime.now(UTC) - timedelta(seconds=age)
        self.runs.append(SimpleNamespace(id=f"id-{len(self.runs)}", name=name, state=state,
                                         created=datetime.now(UTC)
                                         + timedelta(microseconds=len(self.runs))))

    def read_task_runs(self, task_run_filter: Any, limit: int = 200,
                       offset: int = 0) -> list[SimpleNamespace]:
        self.reads += 1
        names = task_run_filter.name
        found = [r for r in self.runs if (names.any_ and r.name in names.any_)
                 or (names.like_ and names.like_.lower() in r.name.lower())]
        return found[offset:offset + limit]

    def set_task_run_state(self, run_id: str, state: Any, force: bool) -> None:
        self.crashed.append(run_id)
        next(r for r in self.runs if r.id == run_id).state = state


@pytest.fixture
def fake_api(monkeypatch: pytest.MonkeyPatch) -> FakeRuns:
    api = FakeRuns()

    def submit(items: Any) -> None:
        for work, round_ in items:
            api.add(steps.run_name(work, round_), Scheduled())

    monkeypatch.setattr(steps, "_submit", submit)
    return api


def _work(case: str) -> automation.Work:
    return automation.Work(case, "pendaftaran-ecourt", "8", 1, "sipp:nomor_perkara",
                           datetime.now(UTC))


def test_the_dispatcher_submits_each_attempt_once_and_rescues_a_lost_run(
        fake_api: FakeRuns) -> None:
    fresh, lost, crashed, done, failed = (_work(f"SNN-2026-0000{i}") for i in range(1, 6))
    fake_api.add(steps.run_name(lost), Running(), age=steps.STALE_AFTER + 1)
    fake_api.add(steps.run_name(crashed), Crashed())
    fake_api.add(steps.run_name(done), Completed())
    fake_api.add(steps.run_name(failed), Failed())  # an incident: left for a supervisor
    dispatcher = steps.Dispatcher(fake_api)
    waiting = [fresh, lost, crashed, done, failed]
    assert dispatcher.submit_waiting(waiting) == 3
    names = sorted(r.name for r in fake_api.runs)
    assert steps.run_name(fresh) in names
    assert steps.run_name(lost, 2) in names and steps.run_name(crashed, 2) in names
    assert len(fake_api.crashed) == 1  # the silent run is said to be lost; the crashed one is
    # the next looks: nothing new, and what it has seen costs no read of the API
    reads = fake_api.reads
    assert dispatcher.submit_waiting(waiting) == 0
    assert dispatcher.submit_waiting(waiting) == 0
    assert fake_api.reads == reads
    # a dispatcher started afresh reads them, and submits nothing again
    assert steps.Dispatcher(fake_api).submit_waiting(waiting) == 0
    # a rescued run lost in turn: the third round
    lost2 = next(r for r in fake_api.runs if r.name == steps.run_name(lost, 2))
    lost2.state = Pending()
    lost2.state.timestamp = datetime.now(UTC) - timedelta(seconds=steps.STALE_AFTER + 1)
    assert steps.Dispatcher(fake_api).submit_waiting([lost]) == 1
    assert steps.run_name(lost, 3) in {r.name for r in fake_api.runs}
