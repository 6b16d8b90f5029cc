from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sop_runtime.engine import (
    ActionRefused,
    CaseCompleted,
    CaseStarted,
    CaseStatus,
    DeviationFlagged,
    DeviationKind,
    Event,
    InvalidTransition,
    StepActivated,
    StepClaimed,
    StepCompleted,
    StepStatus,
    apply,
    fold,
)
from sop_runtime.engine.events import from_record, to_record

WIT = ZoneInfo("Asia/Jayapura")
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=WIT)


def env(minutes: int, actor: str | None = "rina.ptsp") -> dict[str, Any]:
    at = T0 + timedelta(minutes=minutes)
    return {"occurred_at": at, "recorded_at": at, "actor": actor}


def happy_log() -> list[Event]:
    return [
        CaseStarted(**env(0), sop_id="pendaftaran-gugatan-ptsp", version="abc",
                    fields={"penggugat": "Budi"}),
        StepActivated(**env(0, None), node="1", attempt=1),
        StepClaimed(**env(1), node="1", attempt=1),
        StepCompleted(**env(15), node="1", attempt=1, outputs={"ceklist": "CK-1"}),
        StepActivated(**env(15, None), node="2", attempt=1),
        DeviationFlagged(**env(16), kind=DeviationKind.WRONG_ACTOR, rule="pelaksana",
                         node="2", attempt=1),
        ActionRefused(**env(16), command="complete", code="wrong_actor", node="2"),
        StepCompleted(**env(20, "andi.panmud"), node="2", attempt=1, decision="Lengkap"),
        CaseCompleted(**env(20, None), end_node="2"),
    ]


def test_state_is_a_fold_of_the_log() -> None:
    state = fold("c1", happy_log())
    assert state.status is CaseStatus.COMPLETED
    assert state.seq == 9
    assert [(s.node, s.status) for s in state.steps] == [("1", StepStatus.DONE),
                                                          ("2", StepStatus.DONE)]
    assert state.current("1").outputs == {"ceklist": "CK-1"}
    assert state.current("2").decision == "Lengkap"
    assert state.done_by("2") == {"andi.panmud"}
    assert state.deviations == 1 and state.refusals == 1
    assert state.open_steps == ()


def test_replay_gives_the_same_state() -> None:
    assert fold("c1", happy_log()) == fold("c1", happy_log())


def test_a_refusal_changes_nothing_but_its_count() -> None:
    log = happy_log()[:5]
    before = fold("c1", log)
    after = apply(before, ActionRefused(**env(30), command="complete", code="x", node="2"))
    assert after.steps == before.steps and after.status == before.status
    assert after.refusals == before.refusals + 1


@pytest.mark.parametrize(
    "bad",
    [
        lambda: [StepActivated(**env(0), node="1", attempt=1)],
        lambda: [*happy_log()[:4], StepCompleted(**env(30), node="1", attempt=1)],
        lambda: [*happy_log()[:2], StepActivated(**env(1), node="1", attempt=1)],
        lambda: [*happy_log()[:2], StepCompleted(**env(1), node="9", attempt=1)],
        lambda: [*happy_log(), CaseCompleted(**env(40), end_node="2")],
    ],
)
def test_impossible_logs_are_refused(bad) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidTransition):
        fold("c1", bad())


def test_payload_is_plain_data() -> None:
    e = happy_log()[3]
    assert e.TYPE == "step_completed" and e.VERSION == 1
    assert e.payload() == {"node": "1", "attempt": 1, "outputs": {"ceklist": "CK-1"},
                           "decision": None, "on_behalf_of": None, "as_delegate": None,
                           "fields": {}, "next": [], "reason": None}


def test_stored_form_round_trips() -> None:
    for e in happy_log():
        type_, version, payload = to_record(e)
        back = from_record(type_, version, payload, occurred_at=e.occurred_at,
                           recorded_at=e.recorded_at, actor=e.actor)
        assert back == e
