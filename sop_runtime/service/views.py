"""Read-side use cases: worklists, overdue steps, deviations, a case's timeline and log.

They read projections (fast, for lists) or a case's log (the truth, for one case); they
never write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sop_runtime.errors import NotFoundError
from sop_runtime.i18n import tr
from sop_runtime.service.ready import court_zone, ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import directory, queries

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy import Connection

    from sop_runtime.compiler.workflow import Workflow
    from sop_runtime.engine import CaseState, Event, StepState
    from sop_runtime.service.confidential import Reader
    from sop_runtime.store.events import StoredEvent

__all__ = ["CaseView", "Late", "OverduePage", "Page", "Task", "TaskPage", "case", "court_zone",
           "deviations", "joint_progress", "overdue", "overdue_page", "task_page", "tasks",
           "users", "versions_in_force"]


@dataclass(frozen=True)
class Task:
    case_id: str
    sop_id: str
    node: str
    attempt: int
    kegiatan: str
    roles: tuple[str, ...]
    assignee: str | None
    claimed_by: str | None
    activated_at: datetime
    due_at: datetime | None
    overdue: bool
    applicant: str | None = None        # who the case is for
    register_number: str | None = None  # its nomor perkara


def _named(conn: Connection, found: list[Task]) -> list[Task]:
    """``found`` with each case's applicant and register number."""
    known = queries.identities(conn, {t.case_id for t in found})
    return [replace(t, applicant=known.get(t.case_id, (None, None))[0],
                    register_number=known.get(t.case_id, (None, None))[1]) for t in found]


@dataclass(frozen=True)
class Late:
    task: Task
    late_seconds: int           # working time past the deadline
    late_text: str


def _user_roles(rt: Runtime, username: str, at: datetime) -> set[str]:
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        person = directory.user(conn, username)
        if person is None or not person.active:
            raise NotFoundError(tr("Pengguna '{user}' tidak dikenal", "Unknown user '{user}'",
                                   user=username))
        lent = {d.role for d in directory.delegations(conn, at) if d.delegate == username}
    return set(person.roles) | lent


def _task(row: Any, now: datetime) -> Task:
    return Task(case_id=row.case_id, sop_id=row.sop_id, node=row.node, attempt=row.attempt,
                kegiatan=row.kegiatan, roles=tuple(sorted(row.roles)), assignee=row.assignee,
                claimed_by=row.claimed_by, activated_at=row.activated_at, due_at=row.due_at,
                overdue=row.due_at is not None and row.due_at < now)


def tasks(rt: Runtime, username: str, *, limit: int = 200,
          after: queries.TaskKey | None = None) -> list[Task]:
    """The open steps ``username`` may do, soonest due first (those after ``after``, the
    place of the last step of the page before, when given: :func:`task_page`)."""
    now = rt.now()
    roles = _user_roles(rt, username, now)
    with rt.engine.connect() as conn:
        return _named(conn, [_task(r, now) for r in queries.worklist(
            conn, roles, username, limit=limit, after=after)])


TASKS_PER_PAGE = 200
TASKS_MAX_PER_PAGE = 1000
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """A page of a list keyed by step (the worklist, the overdue steps)."""

    rows: tuple[T, ...]
    per_page: int
    next: str | None  # the code of the page after this one; None: this is the last


def _page(found: list[T], per_page: int, place: Callable[[T], str]) -> Page[T]:
    """The page of ``found`` (read with one row more than the page holds, to know whether
    there are more), with the code of the next one (``place`` of its last row)."""
    rows = found[:per_page]
    return Page(tuple(rows), per_page, place(rows[-1]) if len(found) > per_page else None)


TaskPage = Page[Task]


def task_page(rt: Runtime, username: str, *, per_page: int = TASKS_PER_PAGE,
              cursor: str | None = None) -> TaskPage:
    """One page of :func:`tasks`, after ``cursor`` (the ``next`` of the page before) when
    given: the place (deadline, activation, case, step, attempt) of the last step shown,
    so each of the person's roles is read from there along its index."""
    from sop_runtime.service.paging import read_step_cursor, step_cursor

    _per_page(per_page, TASKS_MAX_PER_PAGE)
    after = None if cursor is None else read_step_cursor(
        cursor, "t", (datetime, datetime, str, str, int), nullable=0)
    return _page(tasks(rt, username, limit=per_page + 1, after=after), per_page,
                 lambda t: step_cursor("t", t.due_at, t.activated_at, t.case_id, t.node,
                                       t.attempt))


def overdue(rt: Runtime, *, reader: Reader, now: datetime | None = None,
            role: str | None = None, sop: str | None = None,
            limit: int | None = None, after: queries.StepKey | None = None) -> list[Late]:
    """Overdue steps, most overdue first, as ``reader`` may see them: no step of a
    confidential case they may not read; those of confidential cases they may read are
    journaled as read. ``after``: only the steps after that place (:func:`overdue_page`)."""
    from sop_runtime.service import catalog
    from sop_runtime.service.confidential import hidden_sops, record_listed

    moment = now or rt.now()
    hide = hidden_sops(rt, reader, moment)
    from sop_runtime.service.due import late_by

    with rt.engine.connect() as conn:
        _, calendar = catalog.court(rt, conn)
        rows = queries.overdue(conn, moment, role=role, sop=sop, limit=limit, hide=hide,
                               after=after)
        found = _named(conn, [_task(row, moment) for row in rows])
        # how late, in the unit each step's limit is written in (as its deviation says it)
        words = late_by(rt, conn, [(t.case_id, t.node, t.due_at) for t in found
                                   if t.due_at is not None], moment)
    record_listed(rt, reader, {(r.case_id, r.sop_id) for r in rows}, "daftar keterlambatan")
    out = []
    for task, text in zip(found, words, strict=True):
        assert task.due_at is not None
        out.append(Late(task, calendar.working_seconds_between(task.due_at, moment), text))
    return out


OVERDUE_PER_PAGE = 100
OVERDUE_MAX_PER_PAGE = 1000


OverduePage = Page[Late]


def _per_page(per_page: int, most: int) -> None:
    from sop_runtime.service.search import BadSearch

    if not 1 <= per_page <= most:
        raise BadSearch(tr("Banyaknya per halaman {n} di luar 1-{m}",
                           "{n} per page is outside 1-{m}", n=per_page, m=most))


def overdue_page(rt: Runtime, *, reader: Reader, now: datetime | None = None,
                 role: str | None = None, sop: str | None = None,
                 per_page: int = OVERDUE_PER_PAGE, cursor: str | None = None) -> OverduePage:
    """One page of :func:`overdue`, after ``cursor`` (the ``next`` of the page before) when
    given: the place (deadline, case, step, attempt) of the last step shown, so the next
    page is a seek on the deadline index. Bounded: at most ``OVERDUE_MAX_PER_PAGE`` steps
    are read, however many are overdue."""
    from sop_runtime.service.paging import read_step_cursor, step_cursor

    _per_page(per_page, OVERDUE_MAX_PER_PAGE)
    after = None if cursor is None else read_step_cursor(
        cursor, "o", (datetime, str, str, int))
    found = overdue(rt, reader=reader, now=now, role=role, sop=sop, limit=per_page + 1,
                    after=after)
    return _page(found, per_page, lambda late: step_cursor(
        "o", late.task.due_at, late.task.case_id, late.task.node, late.task.attempt))


def deviations(rt: Runtime, *, reader: Reader, case: str | None = None,
               kind: str | None = None, limit: int | None = None) -> list[Any]:
    """Deviations, newest first, as ``reader`` may see them: none of a confidential case
    they may not read; those of confidential cases they may read are journaled as read."""
    from sop_runtime.service.confidential import hidden_sops, record_listed

    hide = hidden_sops(rt, reader)
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        rows = list(queries.deviations(conn, case=case, kind=kind, limit=limit, hide=hide))
        sops = queries.case_sops(conn, {d.case_id for d in rows})
    record_listed(rt, reader, {(d.case_id, sops.get(d.case_id)) for d in rows},
                  "daftar penyimpangan")
    return rows


DEVIATIONS_PER_PAGE = 50
DEVIATIONS_MAX_PER_PAGE = 1000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR = re.compile(r"(\d{1,18})\.(\d{1,18})")


@dataclass(frozen=True)
class DeviationPage:
    rows: tuple[Any, ...]
    per_page: int
    next: str | None  # the cursor of the page after this one; None: this is the last


def deviation_cursor(occurred_at: datetime, row_id: int) -> str:
    """The cursor that continues after a row: its instant (microseconds since 1970, UTC)
    and its id, ``16000000000000000.42``."""
    return f"{(occurred_at - _EPOCH) // timedelta(microseconds=1)}.{row_id}"


def read_deviation_cursor(text: str) -> tuple[datetime, int]:
    """The (occurred_at, id) a cursor continues after; BadSearch when it is not one."""
    from sop_runtime.service.search import BadSearch

    found = _CURSOR.fullmatch(text.strip())
    try:
        if found is not None:
            return (_EPOCH + timedelta(microseconds=int(found[1])), int(found[2]))
    except OverflowError:  # digits, but past the year 9999
        pass
    raise BadSearch(tr("Kode halaman '{c}' tidak dikenal: salin kode halaman berikutnya apa "
                       "adanya dari halaman sebelumnya", "Unknown page code '{c}': copy the "
                       "next page's code as the page before printed it", c=text[:40]))


def deviation_page(rt: Runtime, *, reader: Reader, case: str | None = None,
                   kind: str | None = None, per_page: int = DEVIATIONS_PER_PAGE,
                   cursor: str | None = None) -> DeviationPage:
    """One page of deviations, newest first, as ``reader`` may see them (as
    :func:`deviations`), after ``cursor`` (the ``next`` of the page before) when given.
    Bounded: at most ``DEVIATIONS_MAX_PER_PAGE`` rows are read, whatever the history."""
    from sop_runtime.service.confidential import hidden_sops, record_listed

    _per_page(per_page, DEVIATIONS_MAX_PER_PAGE)
    after = None if cursor is None else read_deviation_cursor(cursor)
    hide = hidden_sops(rt, reader)
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        found = queries.deviation_page(conn, limit=per_page + 1, after=after, case=case,
                                       kind=kind, hide=hide)
        rows = [row for _, row in found[:per_page]]
        sops = queries.case_sops(conn, {d.case_id for d in rows})
    record_listed(rt, reader, {(d.case_id, sops.get(d.case_id)) for d in rows},
                  "daftar penyimpangan")
    more = len(found) > per_page
    last_id, last = found[per_page - 1] if more else (0, None)
    return DeviationPage(tuple(rows), per_page,
                         deviation_cursor(last.occurred_at, last_id) if last else None)


def withheld_deviations(rt: Runtime, reader: Reader, *, kind: str | None = None) -> int:
    """How many deviations belong to confidential cases ``reader`` may not read (shown as a
    count)."""
    from sop_runtime.service.confidential import hidden_sops

    hide = hidden_sops(rt, reader)
    if not hide:
        return 0
    with rt.engine.connect() as conn:
        return queries.deviations_of(conn, hide, kind=kind)


@dataclass(frozen=True)
class CaseView:
    state: CaseState
    workflow: Workflow
    stored: tuple[StoredEvent, ...]
    events: tuple[Event, ...]
    # the version in force at each event (a case moved to another version reads its earlier
    # events by the version they happened under); empty: ``workflow`` throughout
    in_force: tuple[Workflow, ...] = ()

    def workflow_at(self, index: int) -> Workflow:
        """The workflow the ``index``-th event happened under."""
        return self.in_force[index] if self.in_force else self.workflow


def versions_in_force(rt: Runtime, conn: Connection, events: Sequence[Event],
                      final: Workflow) -> tuple[Workflow, ...]:
    """For each of a case's events, the workflow it happened under: the case's first
    version until a ``case_migrated``, then the one it moved to (from that event on). A
    version that no longer compiles is read as ``final``."""
    from sop_runtime.engine.events import CaseMigrated, CaseStarted
    from sop_runtime.errors import SopRuntimeError
    from sop_runtime.service import catalog

    if not any(isinstance(e, CaseMigrated) for e in events):
        return ()

    def compiled(version: str) -> Workflow:
        try:
            return catalog.workflow(rt, conn, version)
        except SopRuntimeError:
            return final

    current = final
    found = []
    for e in events:
        if isinstance(e, CaseStarted):
            current = compiled(e.version)
        elif isinstance(e, CaseMigrated):
            current = compiled(e.to_version)
        found.append(current)
    return tuple(found)


def joint_progress(wf: Workflow, step: StepState) -> str | None:
    """Who has acted on an open joint step (``bersama``) and who is still awaited:
    ``sudah: Ketua Pengadilan (hendra.kpn); menunggu: Panitera``; None for any other step.
    One text for the CLI, the web's case page and the case report."""
    try:
        node = wf.node(step.node)
    except KeyError:
        return None
    if not node.joint or not step.is_open:
        return None

    def name(role: str) -> str:
        found = wf.role(role)
        return found.nama if found else role

    acted = [f"{name(role)} ({user})" for role, user in step.signed.items()]
    awaited = [name(role) for role in node.roles if role not in step.signed]
    parts = []
    if acted:
        parts.append(tr("sudah: {x}", "acted: {x}", x=", ".join(acted)))
    parts.append(tr("menunggu: {x}", "awaiting: {x}", x=", ".join(awaited)))
    return "; ".join(parts)


def case(rt: Runtime, case_id: str, *, reader: Reader) -> CaseView:
    """One case from its log, for ``reader`` (a confidential case only for those who may
    read it; the read is journaled)."""
    from sop_runtime.service import catalog
    from sop_runtime.service.cases import decode, load_case
    from sop_runtime.service.confidential import open_case

    def read(conn: Connection) -> tuple[CaseState, CaseView]:
        ensure_ready(rt, conn)
        stored, state = load_case(conn, case_id)
        wf = catalog.workflow(rt, conn, state.version)
        events = decode(stored)
        return state, CaseView(state, wf, tuple(stored), tuple(events),
                               versions_in_force(rt, conn, events, wf))

    return open_case(rt, reader, read)


def users(rt: Runtime) -> list[Any]:
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        return list(directory.list_users(conn))


def identities(rt: Runtime, case_ids: set[str]) -> dict[str, tuple[str | None, str | None]]:
    """(applicant, register number) of each of ``case_ids`` (for lists that show cases the
    reader may see already)."""
    with rt.engine.connect() as conn:
        return queries.identities(conn, case_ids)
