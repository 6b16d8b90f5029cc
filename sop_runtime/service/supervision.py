"""The supervisor's overview: what is overdue (by SOP, step, role and holder, each with its
worst lateness in working time), the most overdue steps with whom each may be handed to,
how old the open steps are, who holds how many, and the deviations by kind.

Built for a big court: the database counts (:mod:`sop_runtime.store.supervision`); working
time is computed only for the rows shown and for each group's oldest deadline, and the age
buckets' boundaries are found once on the court calendar (:func:`working_days_before`),
not per step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select

from sop_runtime.engine.actors import Directory
from sop_runtime.engine.deviation_text import deviation_label
from sop_runtime.errors import NotFoundError, SopRuntimeError
from sop_runtime.i18n import current_lang, tr
from sop_runtime.service import catalog, views
from sop_runtime.service.confidential import Reader, hidden_sops
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import directory as store_directory
from sop_runtime.store import late_counts
from sop_runtime.store import supervision as store
from sop_runtime.store.schema import events, workflows
from sop_runtime.store.workflows import list_sops
from sop_runtime.worktime import CourtCalendar

__all__ = ["AGE_DAYS", "Age", "Candidate", "Group", "Held", "LateStep", "Overview",
           "age_labels", "candidates", "overview", "working_days_before"]

AGE_DAYS = (1, 3, 6, 11)
"""The age buckets' lower bounds in whole working days: under 1, 1-2, 3-5, 6-10, over 10."""


def age_labels() -> tuple[str, ...]:
    return (tr("<1 hari kerja", "<1 working day"), tr("1-2 hari kerja", "1-2 working days"),
            tr("3-5 hari kerja", "3-5 working days"), tr("6-10 hari kerja", "6-10 working days"),
            tr(">10 hari kerja", ">10 working days"))


def working_days_before(calendar: CourtCalendar, now: datetime, days: int) -> datetime:
    """The latest instant from which ``days`` working days (of the court's average
    length) have passed by ``now``: a step activated then or earlier has been open at least
    that long. Found by bisection to the microsecond (the store's precision)."""
    target = days * calendar.minutes_per_working_day * 60

    def enough(moment: datetime) -> bool:
        return calendar.working_seconds_between(moment, now) >= target

    span = timedelta(days=max(7, 2 * days))
    while not enough(now - span):
        span *= 2
    older, newer = now - span, now  # enough(older), not enough(newer)
    while newer - older > timedelta(microseconds=1):
        middle = older + (newer - older) / 2  # whole microseconds (timedelta rounds)
        if enough(middle):
            older = middle
        else:
            newer = middle
    return older


@dataclass(frozen=True)
class Group:
    """Overdue steps sharing an SOP, a step, a role or a holder."""

    key: str               # the SOP id, "sop_id/node", the role id or the username ("")
    label: str
    steps: int
    oldest_due: datetime
    worst_seconds: int     # working time past the oldest deadline
    worst_text: str


@dataclass(frozen=True)
class Candidate:
    username: str
    name: str
    jabatan: str = ""  # the role (or Plh/Plt) by which they may take the step, by its name


@dataclass(frozen=True)
class LateStep:
    """One of the most overdue steps, with what a supervisor may do about it."""

    late: views.Late
    sop_name: str
    holder: str | None
    candidates: tuple[Candidate, ...]   # who may take it over (holds one of its roles now)
    decisions: tuple[str, ...]          # a decision's branches (skipping it needs one)
    extendable: bool                    # the SOP gives the step an extension


@dataclass
class Age:
    label: str
    in_time: int = 0
    overdue: int = 0
    no_limit: int = 0

    @property
    def total(self) -> int:
        return self.in_time + self.overdue + self.no_limit


@dataclass(frozen=True)
class Held:
    """One person's open steps (claimed by or assigned to them), and how many are late."""

    username: str
    name: str
    total: int
    overdue: int

    @property
    def rest(self) -> int:
        return self.total - self.overdue


@dataclass(frozen=True)
class Overview:
    now: datetime
    late_total: int
    by_sop: list[Group]
    by_step: list[Group]
    by_role: list[Group]
    by_holder: list[Group]
    most_late: list[LateStep]
    aging: list[Age]
    load: list[Held]
    unheld: int                                  # open steps nobody holds
    deviations: list[tuple[str, str, int]]       # kind, its label, how many
    names: dict[str, str] = field(default_factory=dict)  # username -> name
    withheld: int = 0  # overdue steps of confidential cases counted, not listed


def _candidates(people: Directory, names: dict[str, str], roles: tuple[str, ...],
                at: datetime, role_names: dict[str, str] | None = None
                ) -> tuple[Candidate, ...]:
    found = []
    for u in sorted(people.roles):
        grant = people.grant_any(u, roles, at)
        if grant is None:
            continue
        role = (role_names or {}).get(grant.role, grant.role)
        jabatan = tr("Plh/Plt {r}", "acting {r}", r=role) if grant.delegation else role
        found.append(Candidate(u, names.get(u, u), jabatan))
    return tuple(found)


def candidates(rt: Runtime, roles: tuple[str, ...]) -> tuple[Candidate, ...]:
    """The active users who may act in one of ``roles`` now (holders and Plh/Plt
    delegates): whom a step of those roles may be reassigned to."""
    now = rt.now()
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        people = catalog.directory(rt, conn)
        names = {u.username: u.nama for u in store_directory.list_users(conn)}
        role_names = {r.id: r.nama for r in store_directory.roles(conn)}
    return _candidates(people, names, roles, now, role_names)


def shared_nodes(rt: Runtime, conn: Connection) -> store.SharedNodes:
    """The nodes several roles may act on in some stored version (a step of theirs has a
    row per role), and the SOPs with a version that no longer compiles (any node of theirs
    may be such a node)."""
    pairs: set[tuple[str, str]] = set()
    roles: set[str] = set()
    unknown: set[str] = set()
    for version, sop_id in conn.execute(select(workflows.c.version, workflows.c.sop_id)):
        try:
            wf = catalog.workflow(rt, conn, version)
        except SopRuntimeError:
            unknown.add(sop_id)
            continue
        for node in wf.nodes:
            acting = wf.acting_roles(node)
            if len(acting) > 1:
                pairs.add((sop_id, node.id))
                roles.update(acting)
    return store.SharedNodes(frozenset(pairs), frozenset(roles), frozenset(unknown))


def _groups(items: Iterable[tuple[str, str, int, datetime]], worked: Callable[[datetime], int],
            describe: Callable[[int], str]) -> list[Group]:
    """(key, label, steps, oldest due) summed by key; most steps first, then the longest
    overdue."""
    steps: dict[str, int] = defaultdict(int)
    oldest: dict[str, datetime] = {}
    labels: dict[str, str] = {}
    for key, label, count, due in items:
        steps[key] += count
        oldest[key] = min(due, oldest.get(key, due))
        labels.setdefault(key, label)
    out = []
    for key in steps:
        seconds = worked(oldest[key])
        out.append(Group(key, labels[key], steps[key], oldest[key], seconds, describe(seconds)))
    return sorted(out, key=lambda g: (-g.steps, g.oldest_due, g.key))


def _kegiatan(rt: Runtime, conn: Connection, current: dict[str, str],
              steps: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Each (SOP, node)'s kegiatan in the SOP's current version (``current``: SOP id ->
    version; the node's id when the current version no longer has it)."""
    out = {}
    for sop_id, node in steps:
        try:
            out[(sop_id, node)] = catalog.workflow(rt, conn, current[sop_id]).node(node).kegiatan
        except (KeyError, NotFoundError):
            out[(sop_id, node)] = node
    return out


@dataclass(frozen=True)
class _Figures:
    """What the overview counts over every open step: kept while the log stands still."""

    late_total: int
    by_sop: list[Group]
    by_step: list[Group]
    by_role: list[Group]
    by_holder: list[Group]
    aging: list[Age]
    load: list[Held]
    unheld: int
    deviations: list[tuple[str, str, int]]
    names: dict[str, str]
    sop_names: dict[str, str]


def _log_mark(conn: Connection) -> int:
    """The newest event's id: it moves whenever anything is recorded."""
    return int(conn.execute(select(func.max(events.c.id))).scalar() or 0)


def _figures(rt: Runtime, now: datetime, hide: frozenset[str]) -> _Figures:
    """The counts at ``now``'s minute, computed again only when an event was recorded since
    or the minute changed (a page reloaded many times costs the counting once); the cases
    of the SOPs in ``hide`` only in the totals and the per-SOP counts."""
    minute = now.replace(second=0, microsecond=0)
    lang = current_lang()
    slot = f"supervision:{lang}:{','.join(sorted(hide))}"
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        key = (_log_mark(conn), minute)
        kept = rt._figures.get(slot)
        if kept is not None and kept[0] == key:
            return kept[1]  # type: ignore[return-value]
        figures = _count(rt, conn, minute, lang, hide)
    rt._figures[slot] = (key, figures)
    return figures


def _count(rt: Runtime, conn: Connection, now: datetime, lang: str,
           hide: frozenset[str]) -> _Figures:
    _, calendar = catalog.court(rt, conn)
    shared = shared_nodes(rt, conn)
    every = late_counts.late_groups(conn, now, store.one_row_per_step(shared))
    late = [g for g in every if g.sop_id not in hide]  # what may be shown step by step
    roles = late_counts.late_by_role(conn, now, hide)
    boundaries = [working_days_before(calendar, now, d) for d in AGE_DAYS]
    counts = late_counts.open_counts(conn, now, boundaries, shared)
    kinds = store.deviation_kinds(conn)
    sops = list_sops(conn)
    sop_names = {s.sop_id: s.nama for s in sops}
    kegiatan = _kegiatan(rt, conn, {s.sop_id: s.current_version for s in sops},
                         {(g.sop_id, g.node) for g in late})
    role_names = {r.id: r.nama for r in store_directory.roles(conn)}
    names = {u.username: u.nama for u in store_directory.list_users(conn)}

    cache: dict[datetime, int] = {}

    def worked(due: datetime) -> int:
        if due not in cache:
            cache[due] = calendar.working_seconds_between(due, now)
        return cache[due]

    def describe(seconds: int) -> str:
        return calendar.describe_working(seconds, lang)

    nobody = tr("belum diambil", "not claimed")
    by_sop = _groups(((g.sop_id, sop_names.get(g.sop_id, g.sop_id), g.steps, g.oldest_due)
                      for g in every), worked, describe)
    by_step = _groups(((f"{g.sop_id}/{g.node}",
                        f"{g.node}. {kegiatan[(g.sop_id, g.node)]} "
                        f"({sop_names.get(g.sop_id, g.sop_id)})",
                        g.steps, g.oldest_due) for g in late), worked, describe)
    by_holder = _groups(((g.holder or "", names.get(g.holder, g.holder) if g.holder
                          else nobody, g.steps, g.oldest_due) for g in late),
                        worked, describe)
    by_role = _groups(((r.role, role_names.get(r.role, r.role), r.steps, r.oldest_due)
                       for r in roles), worked, describe)

    aging = [Age(label) for label in age_labels()]
    for (bucket, status), n in counts.ages.items():
        setattr(aging[bucket], status, n)
    late_held: dict[str, int] = defaultdict(int)
    for g in every:
        if g.holder is not None:
            late_held[g.holder] += g.steps
    load = sorted((Held(u, names.get(u, u), n, late_held.get(u, 0))
                   for u, n in counts.held.items() if u is not None),
                  key=lambda h: (-h.total, h.username))
    return _Figures(
        late_total=sum(g.steps for g in every), by_sop=by_sop, by_step=by_step,
        by_role=by_role, by_holder=by_holder, aging=aging, load=load,
        unheld=counts.held.get(None, 0),
        deviations=[(k, deviation_label(k), n) for k, n in kinds], names=names,
        sop_names=sop_names)


def overview(rt: Runtime, *, reader: Reader, limit: int = 100) -> Overview:
    """The supervisor's page at the runtime's now: the counts (at the current minute, kept
    while nothing is recorded) and the ``limit`` most overdue steps (always read anew).
    Confidential cases ``reader`` may not read count in the totals and per SOP only."""
    now = rt.now()
    hide = hidden_sops(rt, reader, now)
    figures = _figures(rt, now, hide)
    names, sop_names = figures.names, figures.sop_names
    most = views.overdue(rt, reader=reader, now=now, limit=limit)
    with rt.engine.connect() as conn:
        people = catalog.directory(rt, conn)
        role_names = {r.id: r.nama for r in store_directory.roles(conn)}
        versions = store.case_versions(conn, {m.task.case_id for m in most})
        flows = {v: catalog.workflow(rt, conn, v) for v in set(versions.values())}

    who_may: dict[tuple[str, ...], tuple[Candidate, ...]] = {}

    def candidates(step_roles: tuple[str, ...]) -> tuple[Candidate, ...]:
        if step_roles not in who_may:
            who_may[step_roles] = _candidates(people, names, step_roles, now, role_names)
        return who_may[step_roles]

    rows = []
    for m in most:
        t = m.task
        wf = flows.get(versions.get(t.case_id, ""))
        node = None
        if wf is not None:
            try:
                node = wf.node(t.node)
            except KeyError:
                node = None
        rows.append(LateStep(
            m, sop_names.get(t.sop_id, t.sop_id), t.claimed_by or t.assignee,
            candidates(t.roles), node.branch_labels if node is not None else (),
            node is not None and node.extension is not None))
    return Overview(
        now=now, late_total=figures.late_total, by_sop=figures.by_sop,
        by_step=figures.by_step, by_role=figures.by_role, by_holder=figures.by_holder,
        most_late=rows, aging=figures.aging, load=figures.load, unheld=figures.unheld,
        deviations=figures.deviations, names=names,
        withheld=sum(g.steps for g in figures.by_sop if g.key in hide))
