"""Moving running cases to another version of their SOP: one case (:func:`migrate`, one
transaction), the plan of a bulk move that writes nothing (:func:`migrate_plan`), and the
bulk move itself, case by case (:func:`migrate_all`, one transaction each).

The engine decides every move (:class:`~sop_runtime.engine.commands.MigrateCase`); a plan is
the same decision on each case as it stands, not recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.engine import ActionRefused, CaseMigrated, CaseState, Context, decide
from sop_runtime.engine.commands import MigrateCase
from sop_runtime.engine.events import DeviationFlagged
from sop_runtime.errors import NotFoundError, SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog, confidential
from sop_runtime.service.cases import Outcome, Refused, _execute, load_case
from sop_runtime.service.library import find_version
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import queries
from sop_runtime.store.supervision import VersionRow, sop_versions

__all__ = ["BulkReport", "CasePlan", "MovedStep", "Plan", "migrate", "migrate_all",
           "migrate_plan", "preview", "resolve_version", "running_versions"]


def resolve_version(conn: Connection, sop_id: str, ref: str) -> VersionRow:
    """The stored version of ``sop_id`` whose hash begins with ``ref`` (as ``sop diff``
    takes it); NotFoundError naming the stored versions when none or several do."""
    return find_version(conn, sop_id, ref)


def _target_allowed(conn: Connection, sop_id: str, version: VersionRow) -> None:
    """Whether running cases of ``sop_id`` may be moved to ``version``: for now any stored
    version of the same SOP (the engine refuses the case's own version). The one place a
    rule on the target (an approved version only, say) belongs; raises to refuse."""
    if version.sop_id != sop_id:
        raise NotFoundError(tr("Versi {v} bukan versi SOP {s}", "Version {v} is not a version "
                               "of SOP {s}", v=version.version[:12], s=sop_id))


def migrate(rt: Runtime, case_id: str, to_version: str, *, by: str, reason: str | None,
            mapping: Mapping[str, str] | None = None, at: datetime | None = None) -> Outcome:
    """Move ``case_id`` to ``to_version`` (a stored version of its SOP, or the beginning of
    its hash), one transaction: refused (recorded) for anyone but a supervisor; rejected,
    nothing recorded, when a step cannot be mapped, without a reason, or to its own
    version."""
    def target(conn: Connection, state: CaseState) -> Workflow:
        row = resolve_version(conn, state.sop_id, to_version)
        _target_allowed(conn, state.sop_id, row)
        return catalog.workflow(rt, conn, row.version)

    with rt.engine.connect() as conn:  # the version's full hash, for the command
        ensure_ready(rt, conn)
        _, state = load_case(conn, case_id)
        try:
            version = resolve_version(conn, state.sop_id, to_version).version
        except NotFoundError:  # said in the transaction, once the case may be read
            version = to_version
    command = MigrateCase(actor=by, at=at, reason=reason, to_version=version,
                          mapping=dict(mapping or {}))
    return _execute(rt, case_id, command, target=target)


# -- a bulk move -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MovedStep:
    """One open step of a case as a move takes it: old step, new step, its new limit."""

    node: str
    kegiatan: str
    to_node: str
    to_kegiatan: str
    due_at: datetime | None
    was_due: datetime | None


@dataclass(frozen=True, slots=True)
class CasePlan:
    """What a move would do to one case: its steps moved, or why it is refused."""

    case_id: str
    applicant: str | None
    register_number: str | None
    steps: tuple[MovedStep, ...] = ()
    flagged: int = 0           # deviations the move would record (a limit passed already)
    refused: str | None = None

    @property
    def moved(self) -> bool:
        return self.refused is None


@dataclass(frozen=True, slots=True)
class Plan:
    sop_id: str
    nama: str
    source: VersionRow
    target: VersionRow
    cases: tuple[CasePlan, ...]
    hidden: int = 0            # running cases the supervisor may not read (not listed)

    @property
    def moved(self) -> int:
        return sum(1 for c in self.cases if c.moved)

    @property
    def refused(self) -> int:
        return len(self.cases) - self.moved


def migrate_plan(rt: Runtime, sop_id: str, from_version: str, to_version: str,
                 mapping: Mapping[str, str] | None = None, *, by: str,
                 reason: str | None) -> Plan:
    """For each running case of ``sop_id`` on ``from_version``, what moving it to
    ``to_version`` by ``by`` would do (decided as :func:`migrate` would, now), without
    writing anything."""
    now = rt.now()
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        source = resolve_version(conn, sop_id, from_version)
        target = resolve_version(conn, sop_id, to_version)
        _target_allowed(conn, sop_id, target)
        old = catalog.workflow(rt, conn, source.version)
        new = catalog.workflow(rt, conn, target.version)
        court_file, calendar = catalog.court(rt, conn)
        ctx = Context(now=now, calendar=calendar, directory=catalog.directory(rt, conn),
                      entry_limit=court_file.batas_pencatatan)
        command = MigrateCase(actor=by, reason=reason, to_version=target.version,
                              mapping=dict(mapping or {}))
        planned: list[CasePlan] = []
        hidden = 0
        rows = [r for r in queries.cases(conn, sop=sop_id, status="aktif")
                if r.version == source.version]
        for row in rows:
            _, state = load_case(conn, row.case_id)
            if confidential.may_read(rt, conn, state, by, now) is False:
                hidden += 1
                continue
            planned.append(_case_plan(old, new, state, command, ctx, row.applicant,
                                      row.register_number))
    return Plan(sop_id, new.nama, source, target, tuple(planned), hidden)


def _case_plan(old: Workflow, new: Workflow, state: CaseState, command: MigrateCase,
               ctx: Context, applicant: str | None, number: str | None) -> CasePlan:
    try:
        return _decided(old, new, state, command, ctx, applicant, number)
    except SopRuntimeError as exc:
        return CasePlan(state.case_id, applicant, number, refused=str(exc))


def _decided(old: Workflow, new: Workflow, state: CaseState, command: MigrateCase,
             ctx: Context, applicant: str | None, number: str | None) -> CasePlan:
    """The plan of one case; raises what the engine rejects."""
    events = decide(old, state, command, ctx=ctx, target=new)
    refusal = next((e for e in events if isinstance(e, ActionRefused)), None)
    if refusal is not None:
        return CasePlan(state.case_id, applicant, number,
                        refused=str(Refused(state.case_id, refusal, old)))
    move = next(e for e in events if isinstance(e, CaseMigrated))
    steps = []
    for m in move.steps:
        was = state.current(m["langkah"])
        steps.append(MovedStep(
            node=m["langkah"], kegiatan=" ".join(old.node(m["langkah"]).kegiatan.split()),
            to_node=m["ke"], to_kegiatan=" ".join(new.node(m["ke"]).kegiatan.split()),
            due_at=datetime.fromisoformat(m["batas"]) if m["batas"] else None,
            was_due=was.due_at if was is not None else None))
    return CasePlan(state.case_id, applicant, number, tuple(steps),
                    flagged=sum(1 for e in events if isinstance(e, DeviationFlagged)))


def preview(rt: Runtime, case_id: str, to_version: str, *, by: str, reason: str | None,
            mapping: Mapping[str, str] | None = None) -> tuple[CasePlan, VersionRow]:
    """What moving ``case_id`` to ``to_version`` would do now, written nowhere (before a
    supervisor confirms it); raises what the engine rejects (a step that cannot be mapped,
    the case's own version...), as :func:`migrate` would."""
    now = rt.now()
    reader = confidential.Reader(by, "tindakan")
    try:
        with rt.engine.connect() as conn:
            ensure_ready(rt, conn)
            _, state = load_case(conn, case_id)
            confidential.check(rt, conn, state, reader)
            target = resolve_version(conn, state.sop_id, to_version)
            _target_allowed(conn, state.sop_id, target)
            court_file, calendar = catalog.court(rt, conn)
            ctx = Context(now=now, calendar=calendar, directory=catalog.directory(rt, conn),
                          entry_limit=court_file.batas_pencatatan)
            command = MigrateCase(actor=by, reason=reason, to_version=target.version,
                                  mapping=dict(mapping or {}))
            row = queries.case_row(conn, case_id)
            plan = _decided(catalog.workflow(rt, conn, state.version),
                            catalog.workflow(rt, conn, target.version), state, command, ctx,
                            row.applicant if row else None,
                            row.register_number if row else None)
    except confidential.Withheld as withheld:
        confidential.record(rt, [withheld.withheld], reader, refused=True)
        raise
    return plan, target


def running_versions(rt: Runtime, sop_id: str) -> list[tuple[VersionRow, int]]:
    """Every stored version of ``sop_id``, newest first, with how many running cases are on
    it (NotFoundError for an unknown SOP)."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        rows = sop_versions(conn, sop_id)
        if not rows:
            raise NotFoundError(tr("SOP '{s}' tidak ada di pustaka",
                                   "No SOP '{s}' in the library", s=sop_id))
        running: dict[str, int] = {}
        for case in queries.cases(conn, sop=sop_id, status="aktif"):
            running[case.version] = running.get(case.version, 0) + 1
    return [(r, running.get(r.version, 0)) for r in rows]


@dataclass
class BulkReport:
    """What a bulk move did: the cases moved, and those refused with why."""

    moved: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def migrate_all(rt: Runtime, plan: Plan, *, by: str, reason: str | None,
                mapping: Mapping[str, str] | None = None) -> BulkReport:
    """Move each case of ``plan`` (its own transaction each), decided again as it stands
    now: a case refused in the plan is tried too (a refusal of anyone but a supervisor is
    recorded on it, as for one case)."""
    report = BulkReport()
    for case in plan.cases:
        try:
            migrate(rt, case.case_id, plan.target.version, by=by, reason=reason,
                    mapping=mapping)
        except SopRuntimeError as exc:
            report.refused.append((case.case_id, str(exc)))
        else:
            report.moved.append(case.case_id)
    return report
