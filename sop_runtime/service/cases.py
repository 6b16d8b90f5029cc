"""Use cases on a case: one function per user action, one transaction each.

Every function loads the case's log, folds it, asks the engine to ``decide``, appends the
events with the case's projections in the same transaction, and commits. A refusal under
``block`` enforcement is committed (the attempt is on the record) and then raised as
:class:`Refused`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import ClassVar, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.engine import (
    ActionRefused,
    CancelCase,
    CaseMigrated,
    CaseState,
    ClaimStep,
    Command,
    CompleteStep,
    Context,
    Event,
    ExtendStep,
    ReassignStep,
    ReopenStep,
    SkipStep,
    StartCase,
    Sweep,
    apply,
    decide,
    fold,
    from_record,
    to_record,
)
from sop_runtime.engine.attempts import attempt_rows, changed
from sop_runtime.engine.commands import RecordParties, RecordRegisterNumber
from sop_runtime.engine.deviation_text import Who, deviation_label
from sop_runtime.engine.deviation_text import describe as describe_evidence
from sop_runtime.engine.events import PartiesRecorded
from sop_runtime.errors import Kind, NotFoundError, SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog, confidential, contacts, notices, tracking_code
from sop_runtime.service.groupcommit import BATCH_MOST
from sop_runtime.service.projection import (
    case_row,
    deviation_rows,
    open_step_rows,
    settled_lateness,
    withdrawn_seqs,
)
from sop_runtime.service.ready import DIRECTORY_KEY, ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import events as store_events
from sop_runtime.store import projections, queries, settings, step_attempts, tallies
from sop_runtime.store.chain import GENESIS
from sop_runtime.store.counters import next_case_number
from sop_runtime.store.db import begin_write
from sop_runtime.store.errors import ConcurrencyConflict, is_conflict
from sop_runtime.store.events import StoredEvent
from sop_runtime.worktime import CourtCalendar


class Refused(SopRuntimeError):
    """The procedure refused the action (``block``); the attempt was recorded."""

    kind: ClassVar[Kind] = "refused"

    def __init__(self, case_id: str, refusal: ActionRefused,
                 wf: Workflow | None = None, *, words: tuple[CourtCalendar, Who] | None = None
                 ) -> None:
        self.case_id = case_id
        self.refusal = refusal
        kinds = refusal.detail.get("pelanggaran", refusal.code).split(",")
        what = "; ".join(deviation_label(k) for k in kinds)
        if words is not None:
            super().__init__(_refusal_sentence(case_id, refusal, wf, what, *words))
            return

        def shown(key: str, value: str) -> str:  # role ids by their names in the SOP
            if key != "pelaksana" or wf is None:
                return value
            return " / ".join(r.nama if (r := wf.role(role)) else role
                              for role in value.split(","))

        facts = ", ".join(f"{k}={shown(k, v)}" for k, v in refusal.detail.items()
                          if k not in ("pelanggaran", "aturan"))
        super().__init__(tr(
            "Ditolak ({what}) pada perkara {case}{node}: {facts}. Percobaan ini dicatat.",
            "Refused ({what}) on case {case}{node}: {facts}. The attempt was recorded.",
            what=what, case=case_id, facts=facts or "-",
            node=f" langkah {refusal.node}" if refusal.node else ""))


def _refusal_sentence(case_id: str, refusal: ActionRefused, wf: Workflow | None, what: str,
                      calendar: CourtCalendar, who: Who) -> str:
    """``Ditolak (pelaksana tidak berwenang): langkah 5 (Membayar ...) hanya dapat dikerjakan
    oleh Kasir / Pemegang Kas; Anda masuk sebagai Fadli Hasan Duwila (Petugas PTSP). ...``;
    other refusals tell their evidence through the one renderer."""
    detail = dict(refusal.detail)

    def step(node: str) -> str:
        try:
            return f"{node} ({' '.join(wf.node(node).kegiatan.split())})" if wf else node
        except KeyError:
            return node

    where = tr(" pada perkara {c}", " on case {c}", c=case_id)
    user = detail.get("pengguna", "")
    if "pelaksana" in detail and user and refusal.node:
        roles = " / ".join((r.nama if wf and (r := wf.role(x)) else who.role(x))
                           for x in detail["pelaksana"].split(",") if x)
        jabatan = who.jabatan(user)
        me = f"{who.user(user)} ({jabatan})" if jabatan else who.user(user)
        return tr("Ditolak ({what}): langkah {s} hanya dapat dikerjakan oleh {r}; Anda masuk "
                  "sebagai {me}. Percobaan ini dicatat{w}.",
                  "Refused ({what}): step {s} may only be done by {r}; you are signed in as "
                  "{me}. The attempt was recorded{w}.",
                  what=what, s=step(refusal.node), r=roles, me=me, w=where)
    facts = describe_evidence({k: str(v) for k, v in detail.items()}, calendar, who,
                              lambda n: step(n))
    return tr("Ditolak ({what}){node}: {facts}. Percobaan ini dicatat{w}.",
              "Refused ({what}){node}: {facts}. The attempt was recorded{w}.",
              what=what, facts="; ".join(facts) or "-", w=where,
              node=tr(" langkah {s}", " step {s}", s=step(refusal.node))
              if refusal.node else "")


@dataclass(frozen=True)
class Outcome:
    case_id: str
    state: CaseState
    events: tuple[Event, ...]
    workflow: Workflow
    # the applicant's tracking code, in clear, when this action gave one (a start, a
    # reissue): shown once, never stored or logged (the store keeps its digest)
    tracking_code: str | None = None


def decode(stored: list[StoredEvent]) -> list[Event]:
    """The events of stored rows (upcast to the current schema)."""
    return [from_record(s.type, s.version, s.payload, occurred_at=s.occurred_at,
                        recorded_at=s.recorded_at, actor=s.actor) for s in stored]


def load_case(conn: Connection, case_id: str) -> tuple[list[StoredEvent], CaseState]:
    stored = store_events.load(conn, case_id)
    if not stored:
        raise NotFoundError(tr("Perkara '{case}' tidak ada", "No case '{case}'", case=case_id))
    return stored, fold(case_id, decode(stored))


def current_state(rt: Runtime, conn: Connection, case_id: str) -> tuple[tuple[int, str], CaseState]:
    """The case's head (seq, hash) and state: folded from its log, or this process's copy
    when the log has not moved since. Read on its own, the copy is checked against the
    stored head in this transaction; in :func:`write_case` it is not read again: the
    append after it is refused by the unique (case_id, seq) key if the log has moved, and
    write_case then decides again from the log."""
    known = rt.recalled(case_id)
    if known is not None:
        trust = catalog.trust.get()
        if trust is not None and trust.kept:
            trust.cases.add(case_id)
            return known
        stored_head = store_events.head(conn, case_id)
        if stored_head == known[0]:
            return known
    stored, state = load_case(conn, case_id)
    return (stored[-1].seq, stored[-1].hash), state


def record_events(conn: Connection, wf: Workflow, state: CaseState,
            head: tuple[int, str], new: list[Event],
            now: datetime, calendar: CourtCalendar,
            workflow_of: Callable[[str], Workflow], *, kept: bool = False,
            directory: str | None = None) -> tuple[CaseState, tuple[int, str]]:
    """Append ``new`` after ``head`` and update the projections. ``kept``: ``head`` is this
    process's copy, not read in this transaction: the unique (case_id, seq) key refuses a
    moved log, and the case row must still hold ``head``'s hash (a conflict otherwise);
    ``directory``: the directory version the decision took on trust, which the same UPDATE
    requires (a conflict otherwise)."""
    records = [(*to_record(e), e.occurred_at, e.recorded_at, e.actor) for e in new]
    # the whole transaction rolls back on a conflict: no savepoint needed
    appended = store_events.append(conn, state.case_id, head[0], head[1], records,
                                   savepoint=False)
    for e in new:
        state = apply(state, e)
    tally = tallies.Tally()
    projections.save_case(conn, case_row(state, appended[-1].hash, now),
                          open_step_rows(wf, state),
                          names_changed=any(isinstance(e, PartiesRecorded) for e in new),
                          after=head[1] if kept and head[0] else None,
                          setting=None if directory is None or not (kept and head[0])
                          else (DIRECTORY_KEY, directory), tally=tally)
    projections.add_deviations(conn, deviation_rows(state.case_id, head[0] + 1, new),
                               tally=tally)
    projections.withdraw_deviations(conn, state.case_id, withdrawn_seqs(new), tally=tally)
    tallies.bump(conn, tally)  # the action's changes to the kept counts (store.tallies)
    projections.settle_deviations(conn, state.case_id, settled_lateness(new))
    notices.enqueue(conn, wf, state, new, now)
    keys, gone = changed(state, new)
    step_attempts.remove_attempts(conn, state.case_id, gone)
    step_attempts.save_attempts(conn, attempt_rows(state, workflow_of, calendar, keys))
    return state, (appended[-1].seq, appended[-1].hash)


@dataclass
class Written:
    """What one write on a case decided: the case, its workflow, its state and head before
    the new events, and the events (after :func:`write_case`: the state and head after)."""

    case_id: str
    workflow: Workflow
    state: CaseState
    head: tuple[int, str]
    events: list[Event]


def write_case(rt: Runtime, case_id: str | None,
               act: Callable[[Connection, datetime], Written | None], *,
               trust: bool = False) -> Written | None:
    """One write transaction on a case. ``act`` loads what it needs and decides (None: there
    is nothing to do); the events it returns are appended and the projections updated in the
    same transaction, the case's state is remembered once committed, and a concurrent write
    to the case is a :class:`ConcurrencyConflict`.

    ``trust``: ``act`` may be run twice (it only reads and writes in its transaction), so
    the states this process kept are used without reading their heads again: the append
    is refused by the unique (case_id, seq) key if a log has moved on since, and then (or
    when ``act`` ends without appending, so nothing verified the kept state) the work is
    rolled back and done again from the log, with the same ``now``, as it was before. Such
    a write goes through the runtime's group committer (:mod:`.groupcommit`): written with
    the others waiting at the same moment, each in a savepoint, answered once durable."""
    if trust:
        job = rt.committer.run([CaseWrite(rt, case_id, act, rt.now())])[0]
        done: Written | None = job.result()
        return done
    trust_ = catalog.Trust(kept=False)
    token = catalog.trust.set(trust_)
    try:
        return _write_once(rt, case_id, act, rt.now(), trust_)
    finally:
        catalog.trust.reset(token)


class _Unverified(Exception):
    """The attempt used kept states of ``cases`` (and the directory version kept with
    them) that nothing showed to be current."""

    def __init__(self, cases: set[str]) -> None:
        super().__init__(", ".join(sorted(cases)))
        self.cases = frozenset(cases)


_T = TypeVar("_T")


@dataclass
class CaseWrite:
    """One write on a case as the group committer runs it: first on the states this process
    kept, then, if those were not current, again from the log (in a transaction of its own
    when alone, in a savepoint each when batched)."""

    rt: Runtime
    case_id: str | None
    act: Callable[[Connection, datetime], Written | None]
    now: datetime

    def alone(self) -> Written | None:
        return self._twice(lambda trust: _write_once(self.rt, self.case_id, self.act,
                                                     self.now, trust))

    def batched(self, conn: Connection) -> Callable[[], Written | None]:
        def once(trust: catalog.Trust) -> tuple[Written | None, bool]:
            with _mapped(self.case_id, trust), conn.begin_nested():
                return _attempt(self.rt, conn, self.act, self.now, trust)

        done, appended = self._twice(once)

        def durable() -> Written | None:  # the batch has committed
            if done is not None and appended:
                self.rt.remember(done.case_id, done.head, done.state)
            return done
        return durable

    def failed(self, error: BaseException) -> BaseException:
        if isinstance(error, DBAPIError) and is_conflict(error):
            return ConcurrencyConflict(self.case_id or "?")
        return error

    def _twice(self, once: Callable[[catalog.Trust], _T]) -> _T:
        for kept in (True, False):
            trust = catalog.Trust(kept=kept)
            token = catalog.trust.set(trust)
            try:
                return once(trust)
            except _Unverified as unverified:
                for moved in unverified.cases:  # decide again, from the log
                    self.rt.forget_case(moved)
            finally:
                catalog.trust.reset(token)
        raise AssertionError("a write from the log does not use kept states")


@contextmanager
def _mapped(case_id: str | None, trust: catalog.Trust) -> Iterator[None]:
    """A refused append or a lost race: done again from the log if it was decided on kept
    states, otherwise a :class:`ConcurrencyConflict`."""
    try:
        yield
    except ConcurrencyConflict:
        if trust.cases:
            raise _Unverified(trust.cases) from None
        raise
    except DBAPIError as exc:
        if is_conflict(exc):
            if trust.cases:
                raise _Unverified(trust.cases) from None
            raise ConcurrencyConflict(case_id or "?") from None
        raise


def _write_once(rt: Runtime, case_id: str | None,
                act: Callable[[Connection, datetime], Written | None], now: datetime,
                trust: catalog.Trust) -> Written | None:
    with _mapped(case_id, trust), begin_write(rt.engine) as conn:  # an exception rolls it back
        done, appended = _attempt(rt, conn, act, now, trust)
    if done is not None and appended:
        rt.remember(done.case_id, done.head, done.state)
    return done


def _attempt(rt: Runtime, conn: Connection,
             act: Callable[[Connection, datetime], Written | None], now: datetime,
             trust: catalog.Trust) -> tuple[Written | None, bool]:
    """Decide and record in ``conn``'s transaction: what was written, and whether events
    were appended."""
    try:
        done = act(conn, now)
    except Exception as exc:
        if trust.cases:  # decided on a kept state that may be stale
            raise _Unverified(trust.cases) from exc
        raise
    appended = done is not None and bool(done.events)
    verified = done is not None and appended and done.case_id in trust.cases
    if done is not None and appended:
        done.state, done.head = record_events(
            conn, done.workflow, done.state, done.head, done.events, now,
            catalog.court(rt, conn)[1], lambda v: catalog.workflow(rt, conn, v),
            kept=verified, directory=trust.directory)
    if trust.cases and not _still_current(rt, conn, trust,
                                          done.case_id if verified and done else None):
        raise _Unverified(trust.cases)
    return done, appended


def _still_current(rt: Runtime, conn: Connection, trust: catalog.Trust,
                   verified: str | None) -> bool:
    """Whether what ``trust`` took on trust, beyond what the append of ``verified`` (a case
    id) checked, is as stored: the heads read, and the directory version, as before."""
    for case in trust.cases:
        if case != verified and store_events.head(conn, case) != _kept_head(rt, case):
            return False
    if trust.directory is not None and verified is None:
        return (settings.get(conn, DIRECTORY_KEY) or "") == trust.directory
    return True


def _kept_head(rt: Runtime, case_id: str) -> tuple[int, str] | None:
    known = rt.recalled(case_id)
    return None if known is None else known[0]


Target = Callable[[Connection, CaseState], Workflow]
"""The version a command moves the case to, found (and checked) in the transaction."""

Also = Callable[[Connection, str, datetime], None]
"""What else a command writes on the case (its id) in its transaction, at the moment it is
recorded, once decided (not when refused): what the service keeps beside the log."""


def _execute(rt: Runtime, case_id: str | None, command: Command,
             sop_id: str | None = None, target: Target | None = None,
             also: Also | None = None) -> Outcome:
    write = CaseWrite(rt, case_id, _decider(rt, case_id, command, sop_id, target, also),
                      rt.now())
    return _outcome(rt, command, rt.committer.run([write])[0].result)


def _decider(rt: Runtime, case_id: str | None, command: Command, sop_id: str | None,
             target: Target | None, also: Also | None
             ) -> Callable[[Connection, datetime], Written]:
    """What :class:`CaseWrite` runs for ``command``: load, decide, and what else it writes."""
    def act(conn: Connection, now: datetime) -> Written:
        court_file, calendar = catalog.court(rt, conn)
        if case_id is None:
            assert sop_id is not None
            # the version in force when the request was made (a back-dated start too)
            wf = catalog.current_workflow(rt, conn, sop_id, command.at or now)
            new_id = _new_case_id(conn, court_file.pengadilan.kode, now, calendar.tz)
            head: tuple[int, str] = (0, GENESIS)
            state = CaseState(new_id)
        else:
            new_id = case_id
            head, state = current_state(rt, conn, case_id)
            # a confidential case is not there for someone who may not read it
            confidential.check(rt, conn, state, confidential.Reader(command.actor, "tindakan"))
            wf = catalog.workflow(rt, conn, state.version)
        ctx = Context(now=now, calendar=calendar, directory=catalog.directory(rt, conn),
                      entry_limit=court_file.batas_pencatatan)
        new_wf = None if target is None else target(conn, state)
        events = decide(wf, state, command, ctx=ctx, target=new_wf)
        if new_wf is not None and any(isinstance(e, CaseMigrated) for e in events):
            wf = new_wf  # the open steps are listed under the version the case moved to
        written = Written(new_id, wf, state, head, events)
        if also is not None and events and not any(isinstance(e, ActionRefused)
                                                   for e in events):
            also(conn, new_id, now)
        return written

    return act


def _outcome(rt: Runtime, command: Command, result: Callable[[], Written | None]) -> Outcome:
    """The answer to ``command`` once its write is durable: the outcome, or the refusal
    (recorded) as :class:`Refused`."""
    try:
        done = result()
    except confidential.Withheld as withheld:
        confidential.record(rt, [withheld.withheld],
                            confidential.Reader(command.actor, "tindakan"), refused=True)
        raise
    assert done is not None
    refusal = next((e for e in done.events if isinstance(e, ActionRefused)), None)
    if refusal is not None:
        from sop_runtime.service.letterhead import names

        with rt.engine.connect() as conn:
            words = (catalog.court(rt, conn)[1], names(conn))
        raise Refused(done.case_id, refusal, done.workflow, words=words)
    return Outcome(done.case_id, done.state, tuple(done.events), done.workflow)


def _new_case_id(conn: Connection, court_code: str, now: datetime, tz: object) -> str:
    code = re.sub(r"[^A-Z0-9]", "", court_code.upper().removeprefix("PN ")) or "PN"
    year = now.astimezone(tz).year  # type: ignore[arg-type]
    prefix = f"{code}-{year}"
    return f"{prefix}-{next_case_number(conn, prefix):05d}"


# -- the user actions ---------------------------------------------------------------------

def start_case(rt: Runtime, sop_id: str, actor: str, *, fields: Mapping[str, str] | None = None,
               parties: Sequence[Mapping[str, str]] = (), at: datetime | None = None,
               reason: str | None = None,
               contact: contacts.ContactGiven | None = None) -> Outcome:
    """Start a request; its outcome carries the applicant's tracking code, in clear, once
    (the store keeps only its digest, written in the same transaction). ``contact``: how
    the applicant agreed to be told about it (kept apart from the log; the log records
    the consent and the kind of channel)."""
    code = tracking_code.new_code()
    keep_code = tracking_code.keeper(code)
    channel = consent = None
    also: Also = keep_code
    if contact is not None:  # kept apart from the log, with the applicant's consent
        channel, address = contacts.checked(contact)
        consent = contacts.sentence(rt)
        keep_contact = contacts.keeper(channel, address)

        def also(conn: Connection, case_id: str, at: datetime) -> None:
            keep_code(conn, case_id, at)
            keep_contact(conn, case_id, at)

    out = _execute(rt, None, StartCase(actor=actor, at=at, reason=reason,
                                       fields=dict(fields or {}),
                                       parties=tuple(dict(p) for p in parties),
                                       notify_channel=channel, consent=consent),
                   sop_id=sop_id, also=also)
    return replace(out, tracking_code=code)


def execute_command(rt: Runtime, case_id: str, command: Command, *,
                    also: Also | None = None) -> Outcome:
    """Decide and record ``command`` on ``case_id``, with ``also`` written in the same
    transaction once it is recorded (for the service's own use cases)."""
    return _execute(rt, case_id, command, also=also)


def record_parties(rt: Runtime, case_id: str, actor: str, parties: Sequence[Mapping[str, str]],
                   *, reason: str | None = None) -> Outcome:
    """Record who the case is for (the whole list), or correct it with a reason."""
    return _execute(rt, case_id, RecordParties(actor=actor, reason=reason or None,
                                               parties=tuple(dict(p) for p in parties)))


def record_register_number(rt: Runtime, case_id: str, actor: str, number: str, *,
                           reason: str | None = None) -> Outcome:
    """Record the case's nomor perkara by hand, or correct it with a reason."""
    return _execute(rt, case_id, RecordRegisterNumber(actor=actor, reason=reason or None,
                                                      number=number))


def claim(rt: Runtime, case_id: str, node: str, actor: str, *, at: datetime | None = None
          ) -> Outcome:
    return _execute(rt, case_id, ClaimStep(actor=actor, at=at, node=node))


def complete(rt: Runtime, case_id: str, node: str, actor: str, *,
             values: Mapping[str, str] | None = None, decision: str | None = None,
             at: datetime | None = None, reason: str | None = None,
             documents: Mapping[str, Mapping[str, str | int]] | None = None) -> Outcome:
    """Complete a step; ``documents`` are files kept in the document store already
    (:func:`sop_runtime.service.documents.complete_with_files` checks and keeps them)."""
    return _execute(rt, case_id, CompleteStep(actor=actor, at=at, reason=reason, node=node,
                                              values=dict(values or {}), decision=decision,
                                              documents=dict(documents or {})))


def extend(rt: Runtime, case_id: str, node: str, actor: str, *, reason: str | None,
           at: datetime | None = None) -> Outcome:
    return _execute(rt, case_id, ExtendStep(actor=actor, at=at, reason=reason, node=node))


def reassign(rt: Runtime, case_id: str, node: str, actor: str, assignee: str, *,
             reason: str | None, at: datetime | None = None) -> Outcome:
    return _execute(rt, case_id, ReassignStep(actor=actor, at=at, reason=reason, node=node,
                                              assignee=assignee))


def skip(rt: Runtime, case_id: str, node: str, actor: str, *, reason: str | None,
         decision: str | None = None, at: datetime | None = None) -> Outcome:
    return _execute(rt, case_id, SkipStep(actor=actor, at=at, reason=reason, node=node,
                                          decision=decision))


def reopen(rt: Runtime, case_id: str, node: str, actor: str, *, reason: str | None,
           at: datetime | None = None) -> Outcome:
    return _execute(rt, case_id, ReopenStep(actor=actor, at=at, reason=reason, node=node))


def cancel(rt: Runtime, case_id: str, actor: str, *, reason: str | None,
           at: datetime | None = None) -> Outcome:
    return _execute(rt, case_id, CancelCase(actor=actor, at=at, reason=reason))


@dataclass(frozen=True)
class SweepReport:
    cases: int
    events: int
    flagged: int
    # what this sweep recorded, case by case (the state after it, the new events)
    recorded: tuple[Outcome, ...] = ()


def sweep(rt: Runtime) -> SweepReport:
    """Record what time alone caused by now, case by case (each case in a savepoint of its
    own, a batch of cases per transaction): overdue steps, breached service standards,
    timer branches. A case someone acted on meanwhile is left to the next sweep. Running
    it twice records nothing new."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        candidates = queries.sweep_candidates(conn, rt.now())
    recorded = []
    command = Sweep()
    for first in range(0, len(candidates), BATCH_MOST):
        now = rt.now()
        jobs = rt.committer.run([CaseWrite(rt, case_id, _decider(rt, case_id, command, None,
                                                                 None, None), now)
                                 for case_id in candidates[first:first + BATCH_MOST]])
        for job in jobs:
            try:
                out = _outcome(rt, command, job.result)
            except ConcurrencyConflict:
                continue  # someone acted on the case meanwhile; the next sweep looks again
            if out.events:
                recorded.append(out)
    with begin_write(rt.engine) as conn:  # the kept counts' changes, one row per count
        tallies.compact(conn)
    return SweepReport(
        cases=len(recorded), events=sum(len(o.events) for o in recorded),
        flagged=sum(1 for o in recorded for e in o.events if e.TYPE == "deviation_flagged"),
        recorded=tuple(recorded))
