"""What a supervisor's override would do, before it is done: the engine decides the command
on the case as it stands, and nothing is written. A confirmation page shows it ("Langkah 5
akan dilewati; langkah 6 dibuka"); only the confirmed action records anything (through
:mod:`sop_runtime.service.cases`, under the rules as they stand then).

A preview the rules would refuse says so (:attr:`Preview.refused`); the refusal is recorded
only if the supervisor goes on."""

from __future__ import annotations

from dataclasses import dataclass

from sop_runtime.engine import (
    ActionRefused,
    CancelCase,
    Command,
    Context,
    ReopenStep,
    SkipStep,
    decide,
)
from sop_runtime.service import catalog, confidential
from sop_runtime.service.cases import Outcome, current_state
from sop_runtime.service.runtime import Runtime

__all__ = ["Preview", "cancel", "reopen", "skip"]


@dataclass(frozen=True)
class Preview:
    """``outcome``: the case as it stands (``state``) and the events the command would add;
    ``refused``: whether the rules would refuse it."""

    outcome: Outcome
    refused: bool


def _preview(rt: Runtime, case_id: str, command: Command) -> Preview:
    reader = confidential.Reader(command.actor, "tindakan")
    try:
        with rt.engine.connect() as conn:
            court_file, calendar = catalog.court(rt, conn)
            _, state = current_state(rt, conn, case_id)
            # a confidential case is not there for someone who may not read it (as when
            # acting on it: the refused read is journaled)
            confidential.check(rt, conn, state, reader)
            wf = catalog.workflow(rt, conn, state.version)
            ctx = Context(now=rt.now(), calendar=calendar,
                          directory=catalog.directory(rt, conn),
                          entry_limit=court_file.batas_pencatatan)
            events = tuple(decide(wf, state, command, ctx=ctx))
    except confidential.Withheld as withheld:
        confidential.record(rt, [withheld.withheld], reader, refused=True)
        raise
    refused = any(isinstance(e, ActionRefused) for e in events)
    return Preview(Outcome(case_id, state, events, wf), refused)


def skip(rt: Runtime, case_id: str, node: str, actor: str, *, reason: str,
         decision: str | None = None) -> Preview:
    return _preview(rt, case_id, SkipStep(actor=actor, at=None, reason=reason, node=node,
                                          decision=decision))


def reopen(rt: Runtime, case_id: str, node: str, actor: str, *, reason: str) -> Preview:
    return _preview(rt, case_id, ReopenStep(actor=actor, at=None, reason=reason, node=node))


def cancel(rt: Runtime, case_id: str, actor: str, *, reason: str) -> Preview:
    return _preview(rt, case_id, CancelCase(actor=actor, at=None, reason=reason))
