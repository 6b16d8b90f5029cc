"""decide: work done in parallel. A step with ``lanjut: [3, 4]`` opens both at once; a step
with ``menunggu: [3, 4]`` (a join) opens only once the flow has arrived from both, at the
last arrival in event time, and its limit counts from then. Rework of one branch, a rework
loop through the split, a timer branch into the join, and a case that ends while a branch
is still open."""

from __future__ import annotations

from typing import Any

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.engine import (
    CaseStatus,
    CompleteStep,
    DeviationFlagged,
    ReopenStep,
    SkipStep,
    StartCase,
    StepActivated,
    StepCompleted,
    StepStatus,
    Sweep,
    fold,
)
from tests.unit.enginekit import Case, inline_sop, summary, wit

T0 = wit(2026, 12, 1, 9)  # a Tuesday

# who does what in the SOP below
BY = {"1": "rina.ptsp", "2": "ahmad.panmudpdt", "3": "bambang.panitera", "4": "rina.ptsp",
      "5": "ahmad.panmudpdt", "6": "hendra.kpn", "7": "ahmad.panmudpdt"}


def banding(**changes: dict[str, Any]) -> Workflow:
    """An appeal, much simplified: step 2 notifies the other party (3) and, without waiting,
    receives the memori banding (4); step 5 sends the file once both are done; the Ketua
    checks it (6) and may have it redone from the split."""
    rows: list[dict[str, Any]] = [
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima pernyataan banding",
         "pelaksana": "petugas_ptsp"},
        {"no": 2, "kegiatan": "Mencatat banding", "pelaksana": "panmud_perdata",
         "lanjut": [3, 4]},
        {"no": 3, "kegiatan": "Memberitahukan banding kepada terbanding",
         "pelaksana": "panitera", "mutu_baku": {"waktu": "7 hari"}, "lanjut": 5},
        {"no": 4, "kegiatan": "Menerima memori banding", "pelaksana": "petugas_ptsp",
         "lanjut": 5},
        {"no": 5, "kegiatan": "Mengirim berkas banding", "pelaksana": "panmud_perdata",
         "menunggu": [3, 4], "mutu_baku": {"waktu": "2 hari kerja"}},
        {"no": 6, "jenis": "keputusan", "kegiatan": "Memeriksa berkas", "pelaksana": "ketua",
         "cabang": [{"label": "Lengkap", "ke": 7}, {"label": "Ulang", "ke": 2}]},
        {"no": 7, "jenis": "selesai", "kegiatan": "Mengarsipkan", "pelaksana": "panmud_perdata"},
    ]
    for no, change in changes.items():
        rows[int(no.removeprefix("s")) - 1].update(change)
    return inline_sop(rows)


def started(wf: Workflow | None = None) -> Case:
    c = Case(wf or banding(), now=T0)
    c.do(StartCase(actor=BY["1"]))
    return c


def done(c: Case, node: str, decision: str | None = None, **later: float) -> list[Any]:
    if later:
        c.later(**later)
    return c.do(CompleteStep(actor=BY[node], node=node, decision=decision))


def open_nodes(c: Case) -> list[str]:
    return sorted(s.node for s in c.state.open_steps)


def test_a_split_opens_every_target_at_once() -> None:
    c = started()
    done(c, "1", minutes=5)
    events = done(c, "2", minutes=5)
    assert summary(events) == [("step_completed", "2", 1), ("step_activated", "3", 1),
                               ("step_activated", "4", 1)]
    assert isinstance(events[0], StepCompleted) and events[0].next == ("3", "4")
    assert {e.occurred_at for e in events} == {T0.replace(minute=10)}
    assert open_nodes(c) == ["3", "4"]


def test_the_join_waits_for_every_branch_and_opens_at_the_last_arrival() -> None:
    c = started()
    done(c, "1", minutes=5)
    done(c, "2", minutes=5)
    first = done(c, "4", hours=1)
    # the first arrival records the completion and nothing else
    assert summary(first) == [("step_completed", "4", 1)]
    assert first[0].next == ("5",)
    assert open_nodes(c) == ["3"] and c.state.current("5") is None
    last = done(c, "3", days=1)
    assert summary(last) == [("step_completed", "3", 1), ("step_activated", "5", 1)]
    joined = last[1]
    assert isinstance(joined, StepActivated) and joined.occurred_at == c.now
    # its limit counts from when it opened (Wednesday), not from the first arrival
    assert joined.due_at == wit(2026, 12, 4, 16, 30)
    assert open_nodes(c) == ["5"]
    done(c, "5", minutes=5)
    done(c, "6", "Lengkap", minutes=5)
    assert done(c, "7", minutes=5)[-1].TYPE == "case_completed"
    assert c.state.status is CaseStatus.COMPLETED and not c.state.open_steps


def test_a_back_dated_last_arrival_opens_the_join_when_it_happened() -> None:
    c = started()
    done(c, "1", minutes=5)
    done(c, "2", minutes=5)                       # 09:10
    done(c, "4", minutes=50)                      # 10:00
    # step 3 was done on paper at 11:00 and entered the next morning
    c.at(wit(2026, 12, 2, 9))
    events = c.do(CompleteStep(actor=BY["3"], node="3", at=wit(2026, 12, 1, 11),
                               reason="dicatat dari buku agenda"))
    opened = [e for e in events if isinstance(e, StepActivated)]
    assert [(e.node, e.occurred_at) for e in opened] == [("5", wit(2026, 12, 1, 11))]
    # 2 hari kerja from Tuesday 11:00, not from when it was entered
    assert opened[0].due_at == wit(2026, 12, 3, 16, 30)
    assert opened[0].recorded_at == wit(2026, 12, 2, 9)


def test_the_join_opens_at_the_later_arrival_when_the_last_entered_happened_first() -> None:
    c = started()
    done(c, "1", minutes=5)
    done(c, "2", minutes=5)                       # 09:10
    c.at(wit(2026, 12, 1, 14))
    done(c, "4")                                  # 14:00
    c.later(minutes=30)                           # step 3 entered at 14:30, done at 11:00
    events = c.do(CompleteStep(actor=BY["3"], node="3", at=wit(2026, 12, 1, 11),
                               reason="dicatat dari buku agenda"))
    opened = [e for e in events if isinstance(e, StepActivated)]
    assert [(e.node, e.occurred_at) for e in opened] == [("5", wit(2026, 12, 1, 14))]


def test_a_skipped_branch_counts_as_arrived() -> None:
    c = started()
    done(c, "1", minutes=5)
    done(c, "2", minutes=5)
    done(c, "3", minutes=5)
    c.later(minutes=5)
    events = c.do(SkipStep(actor="hendra.kpn", node="4", reason="memori tidak diajukan"))
    assert [e.node for e in events if isinstance(e, StepActivated)] == ["5"]


def test_a_timer_branch_into_the_join_is_an_arrival() -> None:
    wf = banding(s4={"jika_lewat_waktu": {"setelah": "14 hari", "ke": 5}})
    c = started(wf)
    done(c, "1", minutes=5)
    done(c, "2", minutes=5)
    done(c, "3", hours=2)
    assert open_nodes(c) == ["4"]
    c.at(wit(2026, 12, 20, 9))
    events = c.do(Sweep())
    fired = [e for e in events if e.TYPE == "timer_fired"]
    opened = [e for e in events if isinstance(e, StepActivated)]
    assert len(fired) == 1 and [e.node for e in opened] == ["5"]
    assert opened[0].occurred_at == fired[0].occurred_at  # when the timer ran out
    assert opened[0].occurred_at < c.now


def test_a_rework_loop_through_the_split_waits_for_both_branches_again() -> None:
    c = started()
    done(c, "1", minutes=5)
    done(c, "2", minutes=5)
    done(c, "3", minutes=5)
    done(c, "4", minutes=5)
    done(c, "5", minutes=5)
    done(c, "6", "Ulang", minutes=5)
    assert open_nodes(c) == ["2"]
    done(c, "2", minutes=5)
    assert open_nodes(c) == ["3", "4"]
    # the old arrival of step 3 does not count: its branch is being redone
    assert summary(done(c, "4", minutes=5)) == [("step_completed", "4", 2)]
    assert open_nodes(c) == ["3"]
    assert summary(done(c, "3", minutes=5))[-1] == ("step_activated", "5", 2)


def two_step_branch() -> Workflow:
    """Branch 4 -> 8 is two steps long; the check (6) may send back to its first step or
    to the split."""
    return inline_sop([
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima", "pelaksana": "petugas_ptsp"},
        {"no": 2, "kegiatan": "Membagi", "pelaksana": "panmud_perdata", "lanjut": [3, 4]},
        {"no": 3, "kegiatan": "Memberitahukan", "pelaksana": "panitera", "lanjut": 5},
        {"no": 4, "kegiatan": "Menerima memori", "pelaksana": "petugas_ptsp", "lanjut": 8},
        {"no": 5, "kegiatan": "Mengirim", "pelaksana": "panmud_perdata", "menunggu": [3, 8]},
        {"no": 6, "jenis": "keputusan", "kegiatan": "Memeriksa", "pelaksana": "ketua",
         "cabang": [{"label": "Lengkap", "ke": 7}, {"label": "Memori ulang", "ke": 4},
                    {"label": "Ulang", "ke": 2}]},
        {"no": 7, "jenis": "selesai", "kegiatan": "Mengarsipkan", "pelaksana": "panmud_perdata"},
        {"no": 8, "kegiatan": "Memeriksa memori", "pelaksana": "petugas_ptsp", "lanjut": 5},
    ])


def test_a_loop_into_one_branch_waits_for_that_branch_not_for_the_old_arrival() -> None:
    c = started(two_step_branch())
    for node in ("1", "2", "3", "4"):
        done(c, node, minutes=5)
    c.later(minutes=5)
    c.do(CompleteStep(actor="rina.ptsp", node="8"))
    done(c, "5", minutes=5)
    done(c, "6", "Memori ulang", minutes=5)
    assert open_nodes(c) == ["4"]
    done(c, "4", minutes=5)
    assert open_nodes(c) == ["8"]
    c.later(minutes=5)
    events = c.do(CompleteStep(actor="rina.ptsp", node="8"))
    # branch 3 was not redone: its arrival stands, and the join opens on the redone branch
    assert summary(events)[-1] == ("step_activated", "5", 2)


def test_an_old_arrival_does_not_count_while_its_branch_is_being_redone() -> None:
    c = started(two_step_branch())
    for node in ("1", "2", "3", "4"):
        done(c, node, minutes=5)
    c.later(minutes=5)
    c.do(CompleteStep(actor="rina.ptsp", node="8"))
    done(c, "5", minutes=5)
    done(c, "6", "Ulang", minutes=5)
    done(c, "2", minutes=5)
    assert open_nodes(c) == ["3", "4"]
    # step 8 closed in the last round, but step 4 is at work on its branch again
    assert summary(done(c, "3", minutes=5)) == [("step_completed", "3", 2)]
    done(c, "4", minutes=5)
    assert open_nodes(c) == ["8"]
    c.later(minutes=5)
    assert summary(c.do(CompleteStep(actor="rina.ptsp", node="8")))[-1] == (
        "step_activated", "5", 2)


def test_a_reopened_branch_rejoins_the_other_as_it_stands() -> None:
    c = started()
    for node in ("1", "2", "3", "4"):
        done(c, node, minutes=5)
    assert open_nodes(c) == ["5"]
    done(c, "5", minutes=5)
    c.later(minutes=5)
    c.do(ReopenStep(actor="bambang.panitera", node="4", reason="memori perlu dilengkapi"))
    assert open_nodes(c) == ["4", "6"]
    events = done(c, "4", minutes=5)
    assert summary(events)[-1] == ("step_activated", "5", 2)


def test_a_reopened_branch_while_the_join_waits_opens_nothing_more() -> None:
    c = started()
    for node in ("1", "2", "4"):
        done(c, node, minutes=5)
    c.later(minutes=5)
    c.do(ReopenStep(actor="bambang.panitera", node="4", reason="memori perlu dilengkapi"))
    assert open_nodes(c) == ["3", "4"]
    assert summary(done(c, "4", minutes=5)) == [("step_completed", "4", 2)]
    assert summary(done(c, "3", minutes=5))[-1] == ("step_activated", "5", 1)


def test_a_case_that_ends_while_a_branch_is_open_flags_it_skipped() -> None:
    # branch 3 is a decision that may end the case (the appeal withdrawn)
    wf = banding(s3={"jenis": "keputusan", "lanjut": None, "mutu_baku": None,
                     "cabang": [{"label": "Disampaikan", "ke": 5}, {"label": "Dicabut", "ke": 7}]})
    c = started(wf)
    done(c, "1", minutes=5)
    done(c, "2", minutes=5)
    done(c, "3", "Dicabut", minutes=5)
    assert open_nodes(c) == ["4", "7"]
    events = done(c, "7", minutes=5)
    assert c.state.status is CaseStatus.COMPLETED
    assert ("step_skipped", "4", 1) in summary(events)
    skipped = [e for e in events if isinstance(e, DeviationFlagged)]
    assert [(str(e.kind), e.node) for e in skipped] == [("skipped", "4")]
    assert c.state.current("4").status is StepStatus.SKIPPED  # type: ignore[union-attr]
    assert c.state.current("5") is None  # the join never opened


def test_an_arrival_along_an_edge_the_join_does_not_wait_for_opens_it_at_once() -> None:
    wf = banding(s6={"cabang": [{"label": "Lengkap", "ke": 7}, {"label": "Kirim ulang",
                                                                   "ke": 5}]})
    c = started(wf)
    for node in ("1", "2", "3", "4", "5"):
        done(c, node, minutes=5)
    events = done(c, "6", "Kirim ulang", minutes=5)
    assert summary(events)[-1] == ("step_activated", "5", 2)


def test_the_state_is_a_fold_of_the_log() -> None:
    c = started()
    for node in ("1", "2", "4", "3", "5"):
        done(c, node, minutes=5)
    assert fold("c1", c.log) == c.state
    assert c.state.current("4").next == ("5",)  # type: ignore[union-attr]


def test_a_timer_withdrawn_by_a_back_dated_completion_withdraws_the_join_it_opened() -> None:
    wf = banding(s4={"jika_lewat_waktu": {"setelah": "14 hari", "ke": 5}})
    c = started(wf)
    done(c, "1", minutes=5)
    done(c, "2", minutes=5)                       # 09:10
    done(c, "3", hours=2)
    c.at(wit(2026, 12, 20, 9))
    c.do(Sweep())                                 # the timer of step 4 fired: 5 opened
    assert open_nodes(c) == ["5"]
    # the memori banding had come in on 10 December, entered only now
    events = c.do(CompleteStep(actor=BY["4"], node="4", at=wit(2026, 12, 10, 10),
                               reason="dicatat dari buku agenda"))
    assert [e.TYPE for e in events][:2] == ["timer_withdrawn", "step_withdrawn"]
    opened = [e for e in events if isinstance(e, StepActivated)]
    assert [(e.node, e.attempt, e.occurred_at) for e in opened] == [
        ("5", 2, wit(2026, 12, 10, 10))]
    assert open_nodes(c) == ["5"]
    assert c.state.current("4").status is StepStatus.DONE  # type: ignore[union-attr]
    assert fold("c1", c.log) == c.state
