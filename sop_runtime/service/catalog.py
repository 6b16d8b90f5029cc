"""What a command needs besides the case: its workflow (compiled from the stored source of
the version the case is pinned to), the court's calendar and the directory of users."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from sop_runtime.compiler.library import compile_source
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.definition.court import CourtFile
from sop_runtime.definition.loader import validate_as
from sop_runtime.definition.yamlsource import load_yaml
from sop_runtime.engine.actors import Directory
from sop_runtime.errors import DefinitionError, NotFoundError, SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import settings, workflows
from sop_runtime.worktime import CourtCalendar

COURT_KEY = "court_file"


class NotInitialised(SopRuntimeError):
    def __init__(self) -> None:
        super().__init__(tr("Basis data belum disiapkan: jalankan 'sop init' dahulu",
                            "The database is not set up: run 'sop init' first"))


def _court_source(conn: Connection) -> str:
    try:
        source = settings.get(conn, COURT_KEY)
    except DBAPIError:  # no schema at all
        raise NotInitialised() from None
    if source is None:
        raise NotInitialised()
    return source


def ensure_ready(rt: Runtime, conn: Connection) -> None:
    """Raise NotInitialised unless ``sop init`` has set this database up."""
    if rt._court is None and not rt._ready:
        _court_source(conn)
        rt._ready = True


def court(rt: Runtime, conn: Connection) -> tuple[CourtFile, CourtCalendar]:
    if rt._court is None:
        source = _court_source(conn)
        model = validate_as(load_yaml(source, "court.yaml"), CourtFile).model
        rt._court = (model, CourtCalendar.from_court(model))
    return rt._court


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
    result = compile_source(stored, file, known_sops=known)
    if result.workflow is None:
        raise DefinitionError(result.problems)
    rt._workflows[version] = result.workflow
    return result.workflow


def current_workflow(rt: Runtime, conn: Connection, sop_id: str) -> Workflow:
    version = workflows.current_version(conn, sop_id)
    if version is None:
        known = ", ".join(sorted(r.sop_id for r in workflows.list_sops(conn))) or "-"
        raise NotFoundError(tr("SOP '{sop}' tidak dikenal; yang ada: {known}",
                               "Unknown SOP '{sop}'; known: {known}", sop=sop_id, known=known))
    return workflow(rt, conn, version)


def roles_at(directory_: Directory, username: str, at: datetime) -> set[str]:
    """Every role ``username`` may act in at ``at``: own roles and delegated ones."""
    own = set(directory_.roles.get(username, frozenset()))
    return own | {d.role for d in directory_.delegations
                  if d.delegate == username and d.covers(at)}
