"""The SOP library and the cases as the interfaces look them up: the SOPs in force (with
their current workflows), every stored version of one, whether an SOP or a case exists.
The web app and the CLI ask here, never the store."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Connection

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.errors import NotFoundError, SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import queries
from sop_runtime.store.supervision import VersionRow, sop_versions
from sop_runtime.store.workflows import SopEntry, list_sops
from sop_runtime.store.workflows import in_force as in_force_version

__all__ = ["SopEntry", "VersionRow", "case_exists", "current", "find_version", "in_force",
           "is_sop", "numbered", "sop_names", "sops", "stored_version", "versions"]


def sops(rt: Runtime) -> list[SopEntry]:
    """Every SOP in the library, with the version in force now."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        return _in_force_now(rt, conn)


def _in_force_now(rt: Runtime, conn: Connection) -> list[SopEntry]:
    """The SOPs with the version new requests use now (a revision approved for a later day
    is not yet it)."""
    _, calendar = catalog.court(rt, conn)
    now = rt.now()
    day = now.astimezone(calendar.tz).date()
    return [replace(e, current_version=in_force_version(conn, e.sop_id, now, day)
                    or e.current_version) for e in list_sops(conn)]


def sop_names(rt: Runtime) -> dict[str, str]:
    """SOP id -> its current name."""
    return {s.sop_id: s.nama for s in sops(rt)}


def is_sop(rt: Runtime, sop_id: str) -> bool:
    return any(s.sop_id == sop_id for s in sops(rt))


def in_force(rt: Runtime) -> list[tuple[Workflow, SopEntry]]:
    """Every SOP's current workflow with its entry."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        return [(catalog.current_workflow(rt, conn, s.sop_id), s)
                for s in _in_force_now(rt, conn)]


def current(rt: Runtime, sop_id: str) -> tuple[Workflow, SopEntry]:
    """One SOP's current workflow and entry (NotFoundError naming the SOPs known)."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        wf = catalog.current_workflow(rt, conn, sop_id)
        return wf, next(s for s in _in_force_now(rt, conn) if s.sop_id == sop_id)


def numbered(rt: Runtime) -> list[tuple[SopEntry, str | None]]:
    """Every SOP with its number (None for a stored version that no longer compiles: it is
    still listed)."""
    found: list[tuple[SopEntry, str | None]] = []
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        for sop in _in_force_now(rt, conn):
            try:
                nomor: str | None = catalog.workflow(rt, conn, sop.current_version) \
                    .document.identitas.nomor
            except SopRuntimeError:
                nomor = None
            found.append((sop, nomor))
    return found


def versions(rt: Runtime, sop_id: str) -> list[VersionRow]:
    """Every stored version of the SOP, newest first (NotFoundError if there is none)."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        found = sop_versions(conn, sop_id)
    if not found:
        raise NotFoundError(tr("SOP '{s}' tidak ada di pustaka", "No SOP '{s}' in the library",
                               s=sop_id))
    return found


def find_version(conn: Connection, sop_id: str, prefix: str) -> VersionRow:
    """The stored version of the SOP whose hash begins with ``prefix`` (NotFoundError when
    none or several do, naming the versions stored)."""
    rows = sop_versions(conn, sop_id)
    if not rows:
        raise NotFoundError(tr("SOP '{s}' tidak ada di pustaka", "No SOP '{s}' in the library",
                               s=sop_id))
    wanted = prefix.strip().lower()
    found = [r for r in rows if wanted and r.version.startswith(wanted)]
    if len(found) != 1:
        known = ", ".join(r.version[:12] for r in rows)
        raise NotFoundError(tr(
            "{why} versi '{v}' pada SOP '{s}'; yang tersimpan: {k}",
            "{why} version '{v}' of SOP '{s}'; stored: {k}", v=prefix, s=sop_id, k=known,
            why=tr("Lebih dari satu", "More than one") if found else tr("Tidak ada", "No")))
    return found[0]


def stored_version(rt: Runtime, sop_id: str, prefix: str) -> Workflow:
    """The stored version of the SOP whose hash begins with ``prefix`` (NotFoundError when
    none or several do, naming the versions stored)."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        return catalog.workflow(rt, conn, find_version(conn, sop_id, prefix).version)


def case_exists(rt: Runtime, case_id: str) -> bool:
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        return queries.case_row(conn, case_id) is not None
