"""decide: a supervisor moves a running case to another version of its SOP (MigrateCase).
Open steps go to the step of the same id, or where the mapping says; a step with nowhere to
go refuses the move, naming it; the limits of moved steps are counted again under the new
step's rules from their original activation; the case then runs on the new graph."""

from __future__ import annotations

from typing import Any

import pytest

from sop_runtime.engine import (
    CancelCase,
    CaseMigrated,
    CommandRejected,
    CompleteStep,
    DeviationFlagged,
    DeviationKind,
    MigrateCase,
    StaleAction,
    StartCase,
    StepStatus,
    Sweep,
    apply,
    decide,
    fold,
    from_record,
    to_record,
)
from tests.unit.enginekit import Case, calendar, chain, refused, summary, wit

BOSS = "bambang.panitera"
T = wit(2026, 12, 1, 9)  # Tuesday


def _v1(**top: Any) -> Any:
    return chain({"kegiatan": "Menaksir panjar", "pelaksana": "kasir",
                  "mutu_baku": {"waktu": "2 hari kerja"}},
                 {"kegiatan": "Mencatat panjar", "pelaksana": "kasir"}, **top)


def _v2(**top: Any) -> Any:
    """Step 2 now has 5 calendar days; a new step 3 comes before the old one (now 4)."""
    return chain({"kegiatan": "Menaksir panjar", "pelaksana": "kasir",
                  "mutu_baku": {"waktu": "5 hari"}},
                 {"kegiatan": "Memeriksa taksiran", "pelaksana": "panitera"},
                 {"kegiatan": "Mencatat panjar", "pelaksana": "kasir"},
                 **top)


def _at_step_2(wf: Any | None = None) -> Case:
    c = Case(wf or _v1(), now=T)
    c.do(StartCase(actor="rina.ptsp"))
    c.later(minutes=5)
    c.do(CompleteStep(actor="rina.ptsp", node="1"))
    return c


def _migrate(c: Case, new: Any, *, actor: str = BOSS, reason: str | None = "SOP direvisi",
             mapping: dict[str, str] | None = None) -> list[Any]:
    cmd = MigrateCase(actor=actor, reason=reason, to_version=new.version,
                      mapping=mapping or {})
    events = decide(c.wf, c.state, cmd, ctx=c.ctx, target=new)
    for e in events:
        c.state = apply(c.state, e)
    c.log.extend(events)
    if any(isinstance(e, CaseMigrated) for e in events):
        c.wf = new
    return events


def test_open_steps_move_by_id_and_the_limit_is_recounted_from_activation() -> None:
    c = _at_step_2()
    activated = c.state.current("2")
    assert activated is not None and activated.due_at == calendar().due(
        activated.activated_at, _v1().node("2").limit)  # 2 hari kerja
    new = _v2()
    c.later(hours=2)
    events = _migrate(c, new)
    assert summary(events) == [("case_migrated",)]
    moved = events[0]
    assert isinstance(moved, CaseMigrated)
    assert (moved.from_version, moved.to_version) == (_v1().version, new.version)
    assert moved.mapping == {"2": "2"} and moved.reason == "SOP direvisi" and moved.actor == BOSS
    step = c.state.current("2")
    assert step is not None and step.is_open and step.attempt == 1
    # 5 calendar days from the original activation (Tuesday 09:05), not from the move
    assert step.activated_at == activated.activated_at
    assert step.due_at == calendar().due(activated.activated_at, new.node("2").limit)
    assert step.due_at.astimezone(T.tzinfo).date().isoformat() == "2026-12-07"  # Sat -> Mon
    assert c.state.version == new.version


def test_calendar_days_become_working_days_under_the_new_rule() -> None:
    c = _at_step_2(_v2())
    back = _v1()
    events = _migrate(c, back)
    move = events[-1]
    assert isinstance(move, CaseMigrated)
    step = c.state.current("2")
    assert step is not None
    # 2 hari kerja from Tuesday 09:05: Thursday, the court's end of day
    assert step.due_at == calendar().due(step.activated_at, back.node("2").limit)
    assert step.due_at.astimezone(T.tzinfo).date().isoformat() == "2026-12-03"


def test_after_the_move_the_case_follows_the_new_graph() -> None:
    c = _at_step_2()
    _migrate(c, _v2())
    c.later(minutes=5)
    events = c.do(CompleteStep(actor="siti.kasir", node="2"))
    # in version 1 step 2 led to "Mencatat panjar" (3); in version 2 to the new step 3
    activated = [e for e in events if e.TYPE == "step_activated"]
    assert [(e.node, c.wf.node(e.node).kegiatan) for e in activated] == [
        ("3", "Memeriksa taksiran")]


def test_an_explicit_mapping_moves_a_step_to_another_id() -> None:
    c = _at_step_2()
    c.later(minutes=5)
    c.do(CompleteStep(actor="siti.kasir", node="2"))  # step 3 Mencatat panjar open
    new = _v2()
    events = _migrate(c, new, mapping={"3": "4"})
    move = events[-1]
    assert isinstance(move, CaseMigrated) and move.mapping == {"3": "4"}
    step = c.state.current("4")
    assert step is not None and step.is_open and new.node("4").kegiatan == "Mencatat panjar"
    assert c.state.current("3") is None or not c.state.current("3").is_open  # type: ignore[union-attr]
    c.later(minutes=5)
    done = c.do(CompleteStep(actor="siti.kasir", node="4"))
    assert ("step_completed", "4", 1) in summary(done)


def test_a_step_that_cannot_be_mapped_refuses_the_move_naming_it() -> None:
    c = _at_step_2(_v2())
    for node, actor in (("2", "siti.kasir"), ("3", BOSS), ("4", "siti.kasir")):
        c.later(minutes=5)
        c.do(CompleteStep(actor=actor, node=node))
    assert [s.node for s in c.state.open_steps] == ["5"]  # the end step of version 2
    before = c.state
    with pytest.raises(CommandRejected) as exc:
        _migrate(c, _v1())
    assert exc.value.code == "unmappable_step"
    text = str(exc.value)
    assert "5 (Menyerahkan hasil)" in text and _v1().version[:12] in text
    assert c.state == before
    # the mapping names where it goes: the end of version 1 is step 4
    events = _migrate(c, _v1(), mapping={"5": "4"})
    assert summary(events) == [("case_migrated",)]
    assert [s.node for s in c.state.open_steps] == ["4"]


def test_a_mapping_naming_unknown_steps_is_rejected() -> None:
    c = _at_step_2()
    with pytest.raises(CommandRejected, match="langkah 9") as exc:
        _migrate(c, _v2(), mapping={"9": "2"})
    assert exc.value.code == "unknown_step"
    with pytest.raises(CommandRejected, match=r"langkah 12|step 12") as exc:
        _migrate(c, _v2(), mapping={"2": "12"})
    assert exc.value.code == "unknown_step"


@pytest.mark.parametrize(("actor", "reason", "code"), [
    (BOSS, None, "reason_required"), (BOSS, "  ", "reason_required")])
def test_a_supervisor_must_give_a_reason(actor: str, reason: str | None, code: str) -> None:
    c = _at_step_2()
    with pytest.raises(CommandRejected) as exc:
        _migrate(c, _v2(), actor=actor, reason=reason)
    assert exc.value.code == code


def test_anyone_but_a_supervisor_is_refused_and_recorded() -> None:
    c = _at_step_2()
    r = refused(_migrate(c, _v2(), actor="siti.kasir"))
    assert (r.command, r.code) == ("migrate", "wrong_actor")
    assert c.state.version == _v1().version and c.state.refusals == 1


def test_same_version_other_sop_and_closed_cases_are_rejected() -> None:
    c = _at_step_2()
    with pytest.raises(CommandRejected) as exc:
        _migrate(c, _v1())
    assert exc.value.code == "same_version"
    other = _v2(id="lain")
    with pytest.raises(CommandRejected) as exc:
        _migrate(c, other)
    assert exc.value.code == "other_sop"
    c.later(minutes=1)
    c.do(CancelCase(actor=BOSS, reason="dicabut"))
    with pytest.raises(StaleAction):
        _migrate(c, _v2())


def test_a_limit_passed_before_the_move_is_recorded_under_the_old_rule() -> None:
    c = _at_step_2()
    c.at(wit(2026, 12, 7, 10))  # Monday: 2 hari kerja passed on Thursday
    events = _migrate(c, _v2())
    assert summary(events)[:1] == [("deviation_flagged", "overdue", "2", 1)]
    flag = events[0]
    assert isinstance(flag, DeviationFlagged) and flag.kind is DeviationKind.OVERDUE
    step = c.state.current("2")
    assert step is not None and step.due_at is not None
    # the new limit (5 days: Monday 7th, end of day) has not passed yet: nothing more now
    assert summary(c.do(Sweep())) == []
    c.at(wit(2026, 12, 8, 9))
    assert summary(c.do(Sweep())) == [("deviation_flagged", "overdue", "2", 1)]


def test_the_new_limit_already_passed_is_found_by_the_sweep() -> None:
    c = _at_step_2(_v2())
    c.at(wit(2026, 12, 4, 10))  # Friday: 5 days not passed; 2 hari kerja (Thursday) passed
    events = _migrate(c, _v1())
    assert summary(events) == [("case_migrated",)]
    assert summary(c.do(Sweep())) == [("deviation_flagged", "overdue", "2", 1)]


def test_the_event_is_stored_and_read_back_and_the_fold_gives_the_same_state() -> None:
    c = _at_step_2()
    events = _migrate(c, _v2())
    moved = events[-1]
    kind, version, payload = to_record(moved)
    assert (kind, version) == ("case_migrated", 1)
    back = from_record(kind, version, payload, occurred_at=moved.occurred_at,
                       recorded_at=moved.recorded_at, actor=moved.actor)
    assert back == moved
    assert fold("c1", c.log) == c.state
    assert c.state.current("2").status is StepStatus.ACTIVE  # type: ignore[union-attr]
