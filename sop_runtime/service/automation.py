"""Automated steps: finding the ones waiting, running a step's action and recording its
outputs exactly once, and recording an incident when the action keeps failing.

The orchestrator (Prefect, :mod:`sop_runtime.flows`) decides *when* and *where* an action
runs and how often it is retried; these functions are what each try does, against the
store. A try runs the action inside the transaction that records the step: a failed or
conflicting try rolls back everything it took (a register number included), and a try for
a step attempt that is already done records nothing and says so. However often a run is
retried, delivered twice or replayed, the step attempt is recorded once.

Automated steps are recorded by the system account :data:`SYSTEM`, which holds every
``sistem`` role of the court for that purpose only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, select

from sop_runtime.actions import ActionContext, ActionError, resolve
from sop_runtime.compiler.workflow import Node, Workflow
from sop_runtime.definition.court import SYSTEM_ACCOUNT, CourtFile
from sop_runtime.definition.models import StepKind
from sop_runtime.engine.actors import Directory
from sop_runtime.engine.checks import Context
from sop_runtime.engine.commands import Command, CompleteStep, ReportAutomationFailure
from sop_runtime.engine.decision import decide
from sop_runtime.engine.events import AutomationFailed, Event
from sop_runtime.engine.state import CaseState
from sop_runtime.errors import NotFoundError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.cases import Written, current_state, load_case, write_case
from sop_runtime.service.documents import Upload, check_upload
from sop_runtime.service.ready import LOGO_KEY, ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import settings
from sop_runtime.store.counters import next_case_number
from sop_runtime.store.schema import cases as cases_table
from sop_runtime.store.schema import open_steps as open_table
from sop_runtime.worktime import CourtCalendar

SYSTEM = SYSTEM_ACCOUNT
REGISTER_PREFIX = "register:"


@dataclass(frozen=True)
class Work:
    """One automated step attempt waiting for its action."""

    case_id: str
    sop_id: str
    node: str
    attempt: int
    action: str
    activated_at: datetime

    @property
    def key(self) -> str:
        """What identifies the work: a run for the same key is the same run."""
        return f"{self.case_id}:{self.node}:{self.attempt}"


@dataclass(frozen=True)
class Done:
    """What a try did: ``recorded`` False when the step attempt was already done (by an
    earlier try, a duplicate run or anyone else), or is no longer the step's current one."""

    work: Work
    recorded: bool
    outputs: Mapping[str, str]
    events: tuple[Event, ...] = ()


def system_roles(rt: Runtime, conn: Connection) -> frozenset[str]:
    court_file, _ = catalog.court(rt, conn)
    return frozenset(p.id for p in court_file.peran if p.sistem)


def _with_system(directory: Directory, roles: frozenset[str]) -> Directory:
    return replace(directory, roles={**directory.roles, SYSTEM: roles})


def pending(rt: Runtime, *, limit: int | None = None) -> list[Work]:
    """The automated steps open now, oldest first."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        roles = system_roles(rt, conn)
        if not roles:
            return []
        o, c = open_table.c, cases_table.c
        query = (select(o.case_id, o.node, o.attempt, o.sop_id, o.activated_at, c.version)
                 .join(cases_table, c.case_id == o.case_id)
                 .where(o.role.in_(sorted(roles)))
                 .order_by(o.activated_at, o.case_id, o.node))
        if limit is not None:
            query = query.limit(limit)
        rows = conn.execute(query).all()
        out = []
        for case_id, node, attempt, sop_id, activated_at, version in rows:
            n = catalog.workflow(rt, conn, version).node(node)
            if n.kind is StepKind.OTOMATIS and n.action:
                out.append(Work(case_id, sop_id, node, attempt, n.action, activated_at))
        return out


def work_for(rt: Runtime, case_id: str, node: str, attempt: int) -> Work:
    """The work of ``case_id``'s step ``node`` attempt ``attempt`` (whatever its status)."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        _, state = load_case(conn, case_id)
        wf = catalog.workflow(rt, conn, state.version)
    n = _automated(wf, node)
    step = next((s for s in state.steps if s.node == node and s.attempt == attempt), None)
    if step is None:
        raise NotFoundError(tr("{case}: langkah {node} percobaan {n} tidak ada",
                               "{case}: step {node} has no attempt {n}", case=case_id,
                               node=node, n=attempt))
    return Work(case_id, state.sop_id, node, attempt, n.action or "", step.activated_at)


def _automated(wf: Workflow, node: str) -> Node:
    n = wf.node(node)
    if n.kind is not StepKind.OTOMATIS or not n.action:
        raise ActionError(tr("{sop}: langkah {node} bukan langkah otomatis",
                             "{sop}: step {node} is not an automated step", sop=wf.sop_id,
                             node=node))
    return n


@dataclass
class _Open:
    """One transaction on a step attempt that is still open, as the system account."""

    conn: Connection
    court: CourtFile
    calendar: CourtCalendar
    state: CaseState
    workflow: Workflow
    now: datetime
    directory: Directory

    def decide(self, command: Command) -> list[Event]:
        return decide(self.workflow, self.state, command,
                      ctx=Context(now=self.now, calendar=self.calendar,
                                  directory=self.directory))


def _on_open_attempt(rt: Runtime, work: Work, act: Callable[[_Open], list[Event] | None]
                     ) -> tuple[list[Event], Mapping[str, str]] | None:
    """Run ``act`` in one write transaction if ``work``'s step attempt is still open, and
    record the events it returns. None when the attempt is done or gone (with nothing
    recorded); otherwise the events recorded and the step's outputs after them."""
    def write(conn: Connection, now: datetime) -> Written | None:
        court_file, calendar = catalog.court(rt, conn)
        head, state = current_state(rt, conn, work.case_id)
        step = state.current(work.node)
        if step is None or not step.is_open or step.attempt != work.attempt:
            return None
        wf = catalog.workflow(rt, conn, state.version)
        directory = _with_system(catalog.directory(rt, conn), system_roles(rt, conn))
        new = act(_Open(conn, court_file, calendar, state, wf, now, directory)) or []
        return Written(work.case_id, wf, state, head, new)

    done = write_case(rt, work.case_id, write)
    if done is None:
        return None
    after = done.state.current(work.node)
    return done.events, dict(after.outputs) if after else {}


def execute(rt: Runtime, work: Work, *, documents: Path | None = None) -> Done:
    """Run ``work``'s action and record its outputs as the step's completion, in one
    transaction; an exception from the action rolls everything back and propagates."""
    action = resolve(work.action)

    def act(open_: _Open) -> list[Event]:
        conn = open_.conn
        made: dict[str, Upload] = {}
        outputs = dict(action(ActionContext(
            case_id=work.case_id, sop_id=open_.state.sop_id, node=work.node,
            attempt=work.attempt, values=open_.state.values(), court=open_.court,
            now=open_.now.astimezone(open_.calendar.tz),
            register=lambda name: next_case_number(conn, REGISTER_PREFIX + name),
            documents=documents or rt.documents.root,
            logo=settings.get(conn, LOGO_KEY) or None,
            attach=lambda item, name, data: made.__setitem__(item, Upload(item, name, data)))))
        # the documents the action made: checked as any upload, kept before the completion
        # is recorded (a try that then rolls back leaves them unreferenced, which is harmless)
        kept = {item: check_upload(upload, limit=max(len(upload.data), 1))
                for item, upload in made.items()}
        for upload in made.values():
            rt.documents.put(upload.data)
        return open_.decide(CompleteStep(actor=SYSTEM, node=work.node, values=outputs,
                                         documents=kept))

    done = _on_open_attempt(rt, work, act)
    if done is None:  # recorded before (another try, a duplicate run) or no longer current
        with rt.engine.connect() as conn:
            _, state = load_case(conn, work.case_id)
        step = next((s for s in state.steps
                     if s.node == work.node and s.attempt == work.attempt), None)
        return Done(work, recorded=False, outputs=dict(step.outputs) if step else {})
    new, outputs = done
    return Done(work, recorded=True, outputs=outputs, events=tuple(new))


def report_failure(rt: Runtime, work: Work, error: str, *, tries: int,
                   run: str | None = None) -> bool:
    """Record that ``work``'s action failed after ``tries`` tries (an incident on the case).
    False when nothing was recorded: the attempt is done or gone, or this run's failure is
    recorded already."""

    def act(open_: _Open) -> list[Event] | None:
        if run is not None and _failure_recorded(open_.conn, work, run):
            return None
        return open_.decide(ReportAutomationFailure(
            actor=SYSTEM, node=work.node, attempt=work.attempt, action=work.action,
            error=error[:2000], tries=tries, run=run))

    done = _on_open_attempt(rt, work, act)
    return done is not None and bool(done[0])


def _failure_recorded(conn: Connection, work: Work, run: str) -> bool:
    stored, _ = load_case(conn, work.case_id)
    return any(s.type == AutomationFailed.TYPE and s.payload.get("run") == run
               and s.payload.get("node") == work.node
               and s.payload.get("attempt") == work.attempt for s in stored)

