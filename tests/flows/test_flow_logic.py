"""The flows' logic, called directly against the store (no Prefect server): an automated
step's try records once, its failure becomes an incident, the sweep's alerts name the case,
the step, the holder and how late, two overlapping sweeps flag a deadline once, and the
notification reaches a file and a webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import HTTPServer
from pathlib import Path

import pytest

from sop_runtime.actions import ActionError
from sop_runtime.flows import common, notify, steps, sweep
from sop_runtime.service import cases
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
