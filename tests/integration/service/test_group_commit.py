"""Group commit: actions that wait at once are written in one transaction, each in its own
savepoint, and answered only after the one COMMIT (tests.batching lines the threads up)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event

from sop_runtime.engine.rejections import StaleAction
from sop_runtime.errors import NotFoundError
from sop_runtime.service import cases, integrity
from sop_runtime.service.cases import Refused
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.events import head, load
from tests.batching import at_once
from tests.clock import Clock
from tests.e2e.court import GUGATAN_1, SKUM_1

GUGATAN = "pendaftaran-gugatan-ptsp"
THREADS = 6


def _completions(rt: Runtime, case_id: str, node: str) -> int:
    with rt.engine.connect() as conn:
        return sum(1 for e in load(conn, case_id)
                   if e.type == "step_completed" and e.payload.get("node") == node)


def test_actions_on_different_cases_share_one_commit(court: Runtime, clock: Clock) -> None:
    made = [cases.start_case(court, GUGATAN, "rina.ptsp").case_id for _ in range(THREADS)]
    clock.tick()
    answers = at_once(court, [lambda c=c: cases.complete(court, c, "1", "rina.ptsp",
                                                         values=GUGATAN_1) for c in made])
    assert all(isinstance(a, cases.Outcome) for a in answers), answers
    with court.engine.connect() as conn:
        for case_id, out in zip(made, answers, strict=True):
            assert out.case_id == case_id
            assert [s.node for s in out.state.open_steps] == ["2"]
            # kept once durable, as the log stands
            assert court.recalled(case_id) == (head(conn, case_id), out.state)
    assert integrity.verify(court).ok


def test_starts_at_once_get_numbers_of_their_own(court: Runtime) -> None:
    answers = at_once(court, [lambda: cases.start_case(court, GUGATAN, "rina.ptsp")
                              for _ in range(THREADS)])
    ids = {a.case_id for a in answers}
    assert len(ids) == THREADS and all(a.tracking_code for a in answers)
    assert integrity.verify(court).ok


def test_one_action_wins_on_one_case_and_the_rest_get_todays_answer(court: Runtime,
                                                                    clock: Clock) -> None:
    case_id = cases.start_case(court, GUGATAN, "rina.ptsp").case_id
    clock.tick()
    answers = at_once(court, [lambda: cases.complete(court, case_id, "1", "rina.ptsp",
                                                     values=GUGATAN_1)
                              for _ in range(THREADS)])
    won = [a for a in answers if isinstance(a, cases.Outcome)]
    lost = [a for a in answers if not isinstance(a, cases.Outcome)]
    assert len(won) == 1 and len(lost) == THREADS - 1
    assert _completions(court, case_id, "1") == 1
    assert court.recalled(case_id) is not None  # the winner's state, kept once durable
    assert court.recalled(case_id)[1] == won[0].state  # type: ignore[index]
    # what the same action gets alone, after the winner: the losers got just that
    with pytest.raises(StaleAction) as alone:
        cases.complete(court, case_id, "1", "rina.ptsp", values=GUGATAN_1)
    assert alone.value.code == "step_closed"
    for answer in lost:
        assert type(answer) is StaleAction and str(answer) == str(alone.value)
    assert integrity.verify(court).ok


def test_a_refusal_or_an_error_in_a_batch_leaves_its_neighbours(court: Runtime,
                                                                clock: Clock) -> None:
    gugatan = [cases.start_case(court, GUGATAN, "rina.ptsp").case_id for _ in range(3)]
    skum = cases.start_case(court, "taksiran-panjar-skum", "fadli.ptsp").case_id
    clock.tick()
    calls: list[Callable[[], Any]] = [
        lambda: cases.complete(court, gugatan[0], "1", "rina.ptsp", values=GUGATAN_1),
        lambda: cases.complete(court, skum, "1", "siti.kasir", values=SKUM_1),  # money
        lambda: cases.complete(court, gugatan[1], "1", "rina.ptsp", values=GUGATAN_1),
        lambda: cases.complete(court, "PN-2026-99999", "1", "rina.ptsp", values=GUGATAN_1),
        lambda: cases.complete(court, gugatan[2], "1", "rina.ptsp", values=GUGATAN_1),
    ]
    answers = at_once(court, calls)
    assert isinstance(answers[1], Refused)
    assert isinstance(answers[3], NotFoundError)
    for i in (0, 2, 4):
        assert isinstance(answers[i], cases.Outcome)
    for case_id in gugatan:
        assert _completions(court, case_id, "1") == 1
    with court.engine.connect() as conn:  # the refused attempt is on the record
        assert [e.type for e in load(conn, skum)][-1] == "action_refused"
    assert integrity.verify(court).ok


def test_a_failed_commit_acknowledges_nobody(court: Runtime, clock: Clock) -> None:
    made = [cases.start_case(court, GUGATAN, "rina.ptsp").case_id for _ in range(3)]
    clock.tick()
    with court.engine.connect() as conn:
        before = {c: head(conn, c) for c in made}
    kept = {c: court.recalled(c) for c in made}

    class DiskGone(Exception):
        pass

    def fail(_conn: Any) -> None:
        raise DiskGone("the disk is gone")

    event.listen(court.engine, "commit", fail)
    try:
        answers = at_once(court, [lambda c=c: cases.complete(court, c, "1", "rina.ptsp",
                                                             values=GUGATAN_1) for c in made])
    finally:
        event.remove(court.engine, "commit", fail)
    assert all(isinstance(a, DiskGone) for a in answers), answers
    with court.engine.connect() as conn:
        assert {c: head(conn, c) for c in made} == before  # nothing recorded
    assert {c: court.recalled(c) for c in made} == kept   # nothing kept from the batch
    for case_id in made:  # and each goes through when tried again
        out = cases.complete(court, case_id, "1", "rina.ptsp", values=GUGATAN_1)
        assert [s.node for s in out.state.open_steps] == ["2"]
    assert integrity.verify(court).ok


def test_a_lone_action_is_written_at_once(court: Runtime) -> None:
    batches = court.committer.stats.batches
    cases.start_case(court, GUGATAN, "rina.ptsp")
    assert court.committer.stats.batches == batches + 1
    assert court.committer.queued() == 0


def test_the_sweep_records_its_cases_in_batches(court: Runtime, clock: Clock) -> None:
    from sop_runtime.service.groupcommit import BATCH_MOST

    made = [cases.start_case(court, GUGATAN, "rina.ptsp").case_id
            for _ in range(BATCH_MOST + 3)]
    clock.tick(days=14)  # every first step long overdue
    stats = court.committer.stats
    batches, actions = stats.batches, stats.actions
    report = cases.sweep(court)
    assert report.cases == len(made) and report.flagged >= len(made)
    assert stats.batches - batches == 2 and stats.actions - actions == len(made)
    assert stats.largest == BATCH_MOST
    with court.engine.connect() as conn:
        for case_id in made:  # kept once durable, as the log stands
            assert court.recalled(case_id)[0] == head(conn, case_id)  # type: ignore[index]
    assert cases.sweep(court).cases == 0  # nothing new the second time
    assert integrity.verify(court).ok
