"""Compiled workflow versions and which one is current for each SOP.

A version is identified by the SHA-256 of its canonical content and never changes; a case
is pinned to the version it started on. ``source`` keeps the YAML text of the definition
so that any version can be compiled again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, exc, insert, select, update

from sop_runtime.errors import NotFoundError
from sop_runtime.i18n import tr
from sop_runtime.store.schema import sops, workflows


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


def current_version(conn: Connection, sop_id: str) -> str | None:
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
