"""Golden paths through the pure core: every SOP in definitions/ walked along the route in
tests/golden/routes.yaml completes with no deviation, under its own penegakan and under
``tolak`` (where any deviation would be refused). An automated step of a route is completed
as the service does it: by the system account, which holds the court's ``sistem`` roles.
A joint step (``bersama``) appears once per signer, in a row: each entry but the last
records that officer's act (``StepSigned``), the last completes the step."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from sop_runtime.definition.models import Penegakan, StepKind
from sop_runtime.engine import (
    ActionRefused,
    CaseCompleted,
    CaseStatus,
    CompleteStep,
    DeviationFlagged,
    StartCase,
    StepCompleted,
    StepSigned,
    StepStatus,
    Sweep,
)
from sop_runtime.service.automation import SYSTEM
from tests.unit.enginekit import Case, court, directory, library, workflow

ROUTES_FILE = Path(__file__).resolve().parent.parent / "golden" / "routes.yaml"
GOLDEN: dict[str, Any] = yaml.safe_load(ROUTES_FILE.read_text(encoding="utf-8"))
START = datetime.fromisoformat(GOLDEN["mulai"])
STEP = timedelta(minutes=GOLDEN["menit_per_langkah"])


def completions(route: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries of ``route`` that complete their step: every entry but a joint step's
    earlier signers (an entry followed by another of the same step)."""
    return [step for step, after in zip(route, [*route[1:], None], strict=True)
            if after is None or after["langkah"] != step["langkah"]]


def test_every_sop_has_a_golden_route() -> None:
    assert sorted(GOLDEN["rute"]) == sorted(library().workflows)
    users = {u.username for u in court().pengguna}
    for sop, route in GOLDEN["rute"].items():
        assert route, sop
        wf = library().workflows[sop]
        for step in route:
            assert set(step) <= {"langkah", "oleh", "keputusan", "nilai"}, (sop, step)
            automated = wf.node(str(step["langkah"])).kind is StepKind.OTOMATIS
            assert step["oleh"] == SYSTEM if automated else step["oleh"] in users, (sop, step)
            assert all(isinstance(v, str) for v in step["nilai"].values()), (sop, step)


def walk(sop: str, enforcement: Penegakan | None) -> Case:
    route = GOLDEN["rute"][sop]
    system = {SYSTEM: [p.id for p in court().peran if p.sistem]}
    c = Case(workflow(sop, enforcement), now=START, dir=directory(extra=system),
             entry_limit=court().batas_pencatatan)
    events = c.do(StartCase(actor=route[0]["oleh"]))
    assert [e for e in events if isinstance(e, DeviationFlagged | ActionRefused)] == []
    last = completions(route)
    for step in route:
        node = str(step["langkah"])
        c.later(minutes=STEP.total_seconds() / 60)
        assert c.do(Sweep()) == [], f"{sop}: something is late before step {node}"
        events = c.do(CompleteStep(actor=step["oleh"], node=node,
                                   decision=step.get("keputusan"), values=step["nilai"]))
        bad = [e for e in events if isinstance(e, DeviationFlagged | ActionRefused)]
        assert bad == [], f"{sop} step {node}: {bad}"
        done = events[0]
        if not any(step is x for x in last):  # a joint step's signer before the last
            assert c.wf.node(node).joint, f"{sop}: step {node} twice in a row, not bersama"
            assert isinstance(done, StepSigned) and done.node == node and len(events) == 1
            continue
        if c.wf.node(node).joint:  # the last signer's act, then the step's completion
            assert isinstance(done, StepSigned) and done.actor == step["oleh"]
            done = events[1]
        assert isinstance(done, StepCompleted) and done.node == node
        lane = c.wf.role(c.wf.node(node).role or "")
        assert done.on_behalf_of == ("pemohon" if lane and lane.publik else None)
    return c


@pytest.mark.parametrize("enforcement", [None, Penegakan.TOLAK], ids=["own", "tolak"])
@pytest.mark.parametrize("sop", sorted(GOLDEN["rute"]))
def test_the_golden_route_completes_without_deviation(sop: str,
                                                      enforcement: Penegakan | None) -> None:
    route = completions(GOLDEN["rute"][sop])
    c = walk(sop, enforcement)
    s = c.state
    assert s.status is CaseStatus.COMPLETED
    assert isinstance(c.log[-1], CaseCompleted)
    assert s.end_node == str(route[-1]["langkah"]) and s.end_node in c.wf.ends
    assert s.deviations == 0 and s.refusals == 0
    assert [(x.node, x.status) for x in s.steps] == [
        (str(step["langkah"]), StepStatus.DONE) for step in route]
    assert [x.completed_by for x in s.steps] == [step["oleh"] for step in route]
    for step in route:
        if "keputusan" in step:
            assert s.current(str(step["langkah"])).decision == step["keputusan"]  # type: ignore[union-attr]
    if s.service_due is not None:
        assert s.ended_at is not None and s.ended_at <= s.service_due
    assert c.later(days=365).do(Sweep()) == []
