"""Record mode (``Context.replay``): the same rules as live work, for replaying a log kept
elsewhere. Nothing is refused, the case's opening is not an act of its own, and a step done
again without the flow asking is rework."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sop_runtime.engine import (
    ActionRefused,
    CompleteStep,
    DeviationFlagged,
    StartCase,
    StepActivated,
    StepCompleted,
    StepStatus,
)
from sop_runtime.engine.decision import Context
from sop_runtime.engine.rejections import StaleAction
from tests.unit.enginekit import Case, calendar, needed, summary, wit, workflow


@dataclass
class Replay(Case):
    @property
    def ctx(self) -> Context:
        return Context(now=self.now, calendar=calendar(), directory=self.dir, replay=True)


SKUM = "taksiran-panjar-skum"  # penegakan: tolak


def test_a_refusing_sop_flags_instead_when_replaying() -> None:
    live = Case(workflow(SKUM), now=wit(2026, 12, 1))
    live.do(StartCase(actor="rina.ptsp"))
    live.later(minutes=5)
    events = live.decide(CompleteStep(actor="siti.kasir", node="1",
                                      values=needed(live.wf, live.state, "1")))
    assert [type(e) for e in events] == [ActionRefused]
    replay = Replay(workflow(SKUM), now=wit(2026, 12, 1))
    replay.do(StartCase(actor="rina.ptsp"))
    replay.later(minutes=5)
    events = replay.do(CompleteStep(actor="siti.kasir", node="1",
                                    values=needed(replay.wf, replay.state, "1")))
    assert ("deviation_flagged", "wrong_actor", "1", 1) in summary(events)
    assert replay.state.current("1").status is StepStatus.DONE  # type: ignore[union-attr]


def test_the_opening_is_not_judged_on_its_own_when_replaying() -> None:
    """The first row of a log starts the case; its completion is what is checked."""
    live = Case(workflow(SKUM), now=wit(2026, 12, 1))
    assert any(isinstance(e, ActionRefused) for e in live.decide(StartCase(actor="siti.kasir")))
    replay = Replay(workflow(SKUM), now=wit(2026, 12, 1))
    events = replay.do(StartCase(actor="siti.kasir"))
    assert not any(isinstance(e, DeviationFlagged | ActionRefused) for e in events)


def test_a_step_done_again_is_rework_when_replaying_and_stale_when_live() -> None:
    for case in (Case(workflow(SKUM), now=wit(2026, 12, 1)),
                 Replay(workflow(SKUM), now=wit(2026, 12, 1))):
        case.do(StartCase(actor="rina.ptsp"))
        case.later(minutes=5)
        values = needed(case.wf, case.state, "1")
        case.do(CompleteStep(actor="rina.ptsp", node="1", values=values))
        case.later(minutes=5)
        again = CompleteStep(actor="rina.ptsp", node="1", values=values)
        if not isinstance(case, Replay):
            with pytest.raises(StaleAction):
                case.decide(again)
            continue
        open_before = {s.node for s in case.state.open_steps}
        events = case.do(again)
        assert summary(events) == [("step_activated", "1", 2),
                                   ("deviation_flagged", "rework", "1", 2),
                                   ("step_completed", "1", 2)]
        done = events[-1]
        assert isinstance(done, StepCompleted) and done.next == ()
        assert not any(isinstance(e, StepActivated) and e.node != "1" for e in events)
        # the flow does not move: what was open is still open, and nothing else
        assert {s.node for s in case.state.open_steps} == open_before
