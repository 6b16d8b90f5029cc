"""What a command needs besides the case: its workflow (compiled from the stored source of
the version the case is pinned to), the court's calendar and the directory of users."""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from sop_runtime.compiler.compile import CompileResult
from sop_runtime.compiler.library import compile_source
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.definition.court import CourtFile
from sop_runtime.definition.loader import validate_as
from sop_runtime.definition.yamlsource import load_yaml
from sop_runtime.engine.actors import Directory
from sop_runtime.errors import Damaged, DefinitionError, NotFoundError
from sop_runtime.i18n import tr
from sop_runtime.service.ready import COURT_KEY, DIRECTORY_KEY, setting
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import settings, workflows
from sop_runtime.wording import day_text
from sop_runtime.worktime import CourtCalendar

__all__ = ["court", "current_workflow", "directory", "directory_changed", "workflow"]


def court(rt: Runtime, conn: Connection) -> tuple[CourtFile, CourtCalendar]:
    if rt._court is None:
        source = setting(conn, COURT_KEY)
        model = validate_as(load_yaml(source, "court.yaml"), CourtFile).model
        rt._court = (model, CourtCalendar.from_court(model))
    return rt._court


@dataclass
class Trust:
    """What the write transaction under way (:func:`sop_runtime.service.cases.write_case`)
    took from this process's memory without reading it: the kept states of ``cases`` and,
    with them, the directory version ``directory``. Its append verifies both (the unique
    (case_id, seq) key, the case row's head and the version in the same UPDATE), or they
    are read before it answers; otherwise the work is done again from the database."""

    kept: bool  # kept states may be used (the transaction can be done again)
    cases: set[str] = field(default_factory=set)
    directory: str | None = None  # the directory version taken on trust
    read: str | None = None  # the directory version read in this transaction


trust: ContextVar[Trust | None] = ContextVar("sop_trust", default=None)


def directory_version(rt: Runtime, conn: Connection) -> str:
    """The directory version, read once per write transaction; inside one that acts on a
    kept case state, the version this process last read (verified by the append)."""
    t = trust.get()
    if t is not None:
        if t.read is not None:
            return t.read
        if t.directory is not None:
            return t.directory
        if t.kept and t.cases and rt._directory is not None:
            t.directory = rt._directory[0]
            return t.directory
    version = settings.get(conn, DIRECTORY_KEY) or ""
    if t is not None:
        t.read = version
    return version


def directory(rt: Runtime, conn: Connection) -> Directory:
    """Who may act, cached until users, roles or delegations change (``sop init`` and
    ``sop delegate`` mark each change with a new directory version)."""
    from sop_runtime.service.journals import directory_of

    version = directory_version(rt, conn)
    if rt._directory is None or rt._directory[0] != version:
        rt._directory = (version, directory_of(conn))
    return rt._directory[1]


def directory_changed(conn: Connection) -> None:
    """Mark a change of users, roles or delegations (in the same transaction)."""
    version = uuid.uuid4().hex
    settings.put(conn, DIRECTORY_KEY, version)
    t = trust.get()
    if t is not None:
        t.read, t.directory = version, None


def workflow(rt: Runtime, conn: Connection, version: str) -> Workflow:
    cached = rt._workflows.get(version)
    if cached is not None:
        return cached
    stored = workflows.workflow_source(conn, version)
    if stored is None:
        raise NotFoundError(tr("Versi SOP {v} tidak ada di basis data",
                               "SOP version {v} is not in the database", v=version[:12]))
    file = f"{version[:12]}.yaml"
    known = {row.sop_id for row in workflows.list_sops(conn)}
    try:
        result = compile_source(stored, file, known_sops=known)
    except DefinitionError as exc:
        result = CompileResult(None, list(exc.problems))
    if result.workflow is None:
        first = result.problems[0].format() if result.problems else "-"
        raise Damaged(tr(
            "Sumber tersimpan SOP versi {v} tidak lagi dapat dibaca ({p}); jalankan 'sop verify'",
            "The stored source of SOP version {v} can no longer be read ({p}); run 'sop verify'",
            v=version[:12], p=first))
    if result.workflow.version != version:
        raise Damaged(tr(
            "Sumber tersimpan SOP versi {v} telah diubah: isinya kini berversi {now}. Perkara "
            "yang dipatok pada versi ini tidak dapat dijalankan; jalankan 'sop verify'",
            "The stored source of SOP version {v} was altered: its content is now version "
            "{now}. Cases pinned to this version cannot run; run 'sop verify'",
            v=version[:12], now=result.workflow.version[:12]))
    rt._workflows[version] = result.workflow
    return result.workflow


def current_workflow(rt: Runtime, conn: Connection, sop_id: str,
                     at: datetime | None = None) -> Workflow:
    """The version new cases of ``sop_id`` start on at ``at`` (default: now): the newest
    approved one whose tanggal efektif has come (store.workflows.in_force)."""
    if workflows.current_version(conn, sop_id) is None:
        known = ", ".join(sorted(r.sop_id for r in workflows.list_sops(conn))) or "-"
        raise NotFoundError(tr("SOP '{sop}' tidak dikenal; yang ada: {known}",
                               "Unknown SOP '{sop}'; known: {known}", sop=sop_id, known=known))
    moment = at or rt.now()
    _, calendar = court(rt, conn)
    local = moment.astimezone(calendar.tz)
    version = workflows.in_force(conn, sop_id, moment, local.date())
    if version is None:
        raise NotFoundError(tr("SOP '{sop}' belum berlaku pada {d}",
                               "SOP '{sop}' is not yet in force on {d}", sop=sop_id,
                               d=day_text(local.date())))
    return workflow(rt, conn, version)
