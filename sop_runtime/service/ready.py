"""Whether ``sop init`` has set this database up, and what the light commands need from the
court without loading it (its time zone). Kept free of heavy imports: the worklist's cold
start goes through here."""

from __future__ import annotations

from typing import ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from sop_runtime.errors import Kind, SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import settings
from sop_runtime.store.migrate import HEAD, stored_revision

COURT_KEY = "court_file"
ZONE_KEY = "court_zone"
LOGO_KEY = "court_logo"  # the court's logo file as a data: URI ("" when it names none)
DIRECTORY_KEY = "directory_version"  # changes whenever users, roles or delegations change


class NotInitialised(SopRuntimeError):
    """The database has no schema yet, or an older one: ``sop init`` first."""

    kind: ClassVar[Kind] = "not_found"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or tr("Basis data belum disiapkan: jalankan 'sop init' dahulu",
                                       "The database is not set up: run 'sop init' first"))


def setting(conn: Connection, key: str) -> str:
    """A setting ``sop init`` wrote; NotInitialised when the database has none."""
    try:
        value = settings.get(conn, key)
    except DBAPIError:  # no schema at all
        raise NotInitialised() from None
    if value is None:
        raise NotInitialised()
    return value


def ensure_ready(rt: Runtime, conn: Connection) -> None:
    """Raise NotInitialised unless ``sop init`` has set this database up, at the schema this
    version of sop-runtime uses (after an upgrade of the package, ``sop init`` brings the
    database's schema along)."""
    if not rt._ready:
        setting(conn, COURT_KEY)
        have = stored_revision(conn)
        if have != HEAD:
            newer = have is not None and have.isdigit() and int(have) > int(HEAD)
            raise NotInitialised(tr(
                "Basis data ini dibuat versi sop-runtime yang lebih baru (skema {have}; versi "
                "ini mengenal sampai {need}): pakai versi itu",
                "This database was made by a newer sop-runtime (schema {have}; this version "
                "knows up to {need}): use that version", have=have, need=HEAD) if newer else tr(
                "Basis data ini pada skema {have}, versi sop-runtime ini memakai skema {need}: "
                "jalankan 'sop init' untuk memperbaruinya",
                "This database is at schema {have} and this version of sop-runtime uses "
                "schema {need}: run 'sop init' to bring it up to date", have=have or "-",
                need=HEAD))
        rt._ready = True


def court_zone(rt: Runtime) -> ZoneInfo:
    """The court's time zone."""
    if rt._court is not None:
        return rt._court[1].tz
    with rt.engine.connect() as conn:
        return ZoneInfo(setting(conn, ZONE_KEY))
