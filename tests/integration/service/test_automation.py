"""Automated steps through the service layer, on SQLite and PostgreSQL: the action's outputs
land on the case once per step attempt however often a try runs, a failing action rolls its
register number back, and a failure after retries is an incident on the case."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml

from sop_runtime.actions import ActionContext, ActionError
from sop_runtime.engine import StepStatus
from sop_runtime.service import automation, cases, setup
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from tests.conftest import DEFINITIONS, ROOT
from tests.flows.kit import SteppingClock, verified_filing

ECOURT = "pendaftaran-ecourt"
GOLDEN_ROUTES = yaml.safe_load((ROOT / "tests" / "golden" / "routes.yaml").read_text(
    encoding="utf-8"))["rute"]


@pytest.fixture
def court(store_url: str, tmp_path: Path) -> Runtime:
    rt = Runtime(make_engine(store_url), SteppingClock())
    setup.init(rt, DEFINITIONS)
    return rt


def test_the_waiting_step_is_found_and_numbered_once(court: Runtime, tmp_path: Path) -> None:
    (first, node), (second, _) = verified_filing(court, tmp_path), verified_filing(court, tmp_path)
    waiting = automation.pending(court)
    assert [(w.case_id, w.node, w.attempt, w.action) for w in waiting] == [
        (first, node, 1, "sop_runtime.actions:nomor_perkara"),
        (second, node, 1, "sop_runtime.actions:nomor_perkara")]
    done = automation.execute(court, waiting[0], documents=tmp_path)
    assert done.recorded and done.outputs == {"nomor_perkara": "1/Pdt.G/2026/PN Snn"}
    # a retry, a duplicate delivery, a replay: nothing more is recorded, nothing renumbered
    again = automation.execute(court, waiting[0], documents=tmp_path)
    assert not again.recorded and again.outputs == {"nomor_perkara": "1/Pdt.G/2026/PN Snn"}
    assert automation.execute(court, waiting[1], documents=tmp_path).outputs == {
        "nomor_perkara": "2/Pdt.G/2026/PN Snn"}
    view = cases.load_case
    with court.engine.connect() as conn:
        stored, state = view(conn, first)
    numbered = state.current(node)
    assert numbered is not None and numbered.status is StepStatus.DONE
    assert numbered.completed_by == automation.SYSTEM
    assert sum(1 for s in stored if s.type == "step_completed"
               and s.payload["node"] == node) == 1
    assert len(state.open_steps) == 1 and state.open_steps[0].node != node
    assert state.deviations == 0  # the system holds SIPP's role for this, and nothing else
    assert automation.pending(court) == []


def failing(ctx: ActionContext) -> Mapping[str, str]:
    ctx.register("nomor_perkara/Pdt.G/2026/PN Snn")  # takes a number, then fails
    raise ActionError("SIPP tidak menjawab")


def test_a_failing_action_gives_its_number_back_and_becomes_an_incident(
        court: Runtime, tmp_path: Path) -> None:
    case, _ = verified_filing(court, tmp_path)
    work = automation.pending(court)[0]
    broken = automation.Work(work.case_id, work.sop_id, work.node, work.attempt,
                             f"{__name__}:failing", work.activated_at)
    for _ in range(3):  # the orchestrator's tries
        with pytest.raises(ActionError, match="SIPP tidak menjawab"):
            automation.execute(court, broken, documents=tmp_path)
    assert automation.report_failure(court, work, "SIPP tidak menjawab", tries=3, run="run-1")
    assert not automation.report_failure(court, work, "SIPP tidak menjawab", tries=3,
                                         run="run-1")  # the same run, told twice
    with court.engine.connect() as conn:
        stored, state = cases.load_case(conn, case)
    incidents = [s for s in stored if s.type == "automation_failed"]
    assert len(incidents) == 1 and state.incidents == 1
    assert incidents[0].payload["error"] == "SIPP tidak menjawab"
    assert incidents[0].payload["tries"] == 3 and incidents[0].payload["run"] == "run-1"
    assert state.current(work.node).is_open  # type: ignore[union-attr]  (still waiting)
    # the numbers the failed tries took were given back: the next success is number 1
    assert automation.execute(court, work, documents=tmp_path).outputs == {
        "nomor_perkara": "1/Pdt.G/2026/PN Snn"}
    assert not automation.report_failure(court, work, "late news", tries=1, run="run-2")


def test_a_step_not_automated_is_not_work(court: Runtime) -> None:
    case = cases.start_case(court, ECOURT, "nurul.ecourt").case_id
    with pytest.raises(ActionError):
        automation.work_for(court, case, "1", 1)
