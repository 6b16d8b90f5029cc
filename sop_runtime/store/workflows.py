"""Compiled workflow versions, their pengesahan, and which one new cases start on.

A version is identified by the SHA-256 of its canonical content and never changes; a case
is pinned to the version it started on. ``source`` keeps the YAML text of the definition
so that any version can be compiled again. ``sop_approvals`` lists each approval in order;
the version in force at a moment is the newest approval whose moment and tanggal efektif
have come (an approval without an approver, a version in force as loaded, always has);
``sops.current_version`` is the newest approved one, in force or still to come.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, Connection, and_, exc, insert, or_, select, update

from sop_runtime.errors import NotFoundError
from sop_runtime.i18n import tr
from sop_runtime.store.schema import sop_approvals, sops, workflows


@dataclass(frozen=True, slots=True)
class SopEntry:
    sop_id: str
    nama: str
    current_version: str
    file: str
    loaded_at: datetime


def save_workflow(conn: Connection, version: str, sop_id: str, nama: str, source: str,
                  file: str, *, loaded_at: datetime | None = None) -> bool:
    """Store a workflow version; True if it was new (saving a known version again does
    nothing)."""
    exists = conn.execute(select(workflows.c.version)
                          .where(workflows.c.version == version)).first()
    if exists is not None:
        return False
    try:
        with conn.begin_nested():  # another process may save the same version meanwhile
            conn.execute(insert(workflows).values(
                version=version, sop_id=sop_id, nama=nama, source=source, file=file,
                loaded_at=loaded_at or datetime.now(UTC)))
    except exc.IntegrityError:
        return False
    return True


def set_current(conn: Connection, sop_id: str, version: str) -> None:
    """Make ``version`` (already saved, of ``sop_id``) the one new cases start on."""
    owner = conn.execute(select(workflows.c.sop_id)
                         .where(workflows.c.version == version)).scalar()
    if owner != sop_id:
        raise NotFoundError(tr("versi {version} dari SOP {sop} tidak tersimpan",
                               "version {version} of SOP {sop} is not stored",
                               version=version[:12], sop=sop_id))
    if not conn.execute(update(sops).where(sops.c.sop_id == sop_id)
                        .values(current_version=version)).rowcount:
        conn.execute(insert(sops).values(sop_id=sop_id, current_version=version))


@dataclass(frozen=True, slots=True)
class Approval:
    sop_id: str
    version: str
    approved_by: str | None   # None: in force as loaded (no pengesahan recorded)
    approved_at: datetime | None
    effective_on: date | None
    acting: str | None        # "plh"/"plt": a delegate of the approving role approved


def add_approval(conn: Connection, a: Approval) -> None:
    """Record an approval of a stored version and make it the SOP's newest approved one."""
    conn.execute(insert(sop_approvals).values(
        sop_id=a.sop_id, version=a.version, approved_by=a.approved_by,
        approved_at=a.approved_at, effective_on=a.effective_on, acting=a.acting))
    set_current(conn, a.sop_id, a.version)


def approvals(conn: Connection, sop_id: str | None = None) -> list[Approval]:
    """The approvals (of ``sop_id``) in the order they were given."""
    t = sop_approvals.c
    query = select(t.sop_id, t.version, t.approved_by, t.approved_at, t.effective_on,
                   t.acting).order_by(t.id)
    if sop_id is not None:
        query = query.where(t.sop_id == sop_id)
    return [Approval(*row) for row in conn.execute(query)]


def _come_by(moment: datetime, local_day: date) -> ColumnElement[bool]:
    """An approval given by ``moment`` whose tanggal efektif has come by ``local_day``."""
    t = sop_approvals.c
    return and_(or_(t.approved_at.is_(None), t.approved_at <= moment),
                or_(t.effective_on.is_(None), t.effective_on <= local_day))


def in_force(conn: Connection, sop_id: str, moment: datetime, local_day: date) -> str | None:
    """The version new cases of ``sop_id`` start on at ``moment`` (``local_day`` its date in
    the court's time): the newest approval given by then whose tanggal efektif has come."""
    t = sop_approvals.c
    return conn.execute(select(t.version).where(t.sop_id == sop_id, _come_by(moment, local_day))
                        .order_by(t.id.desc()).limit(1)).scalar()


def ever_in_force(conn: Connection, version: str, moment: datetime, local_day: date) -> bool:
    """Whether an approval of ``version`` had come into force by ``moment``."""
    t = sop_approvals.c
    return conn.execute(select(t.id).where(t.version == version, _come_by(moment, local_day))
                        .limit(1)).first() is not None


def current_version(conn: Connection, sop_id: str) -> str | None:
    """The newest approved version (in force, or to come on its tanggal efektif)."""
    return conn.execute(select(sops.c.current_version).where(sops.c.sop_id == sop_id)).scalar()


def workflow_source(conn: Connection, version: str) -> str | None:
    """The YAML text the version was compiled from (None if unknown)."""
    return conn.execute(select(workflows.c.source)
                        .where(workflows.c.version == version)).scalar()


def list_sops(conn: Connection) -> list[SopEntry]:
    """Each SOP with its current version, by SOP id."""
    w = workflows.c
    rows = conn.execute(select(sops.c.sop_id, w.nama, sops.c.current_version, w.file,
                               w.loaded_at)
                        .join(workflows, w.version == sops.c.current_version)
                        .order_by(sops.c.sop_id))
    return [SopEntry(r[0], r[1], r[2], r[3], r[4]) for r in rows]
