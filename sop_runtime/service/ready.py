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

COURT_KEY = "court_file"
ZONE_KEY = "court_zone"
LOGO_KEY = "court_logo"  # the court's logo file as a data: URI ("" when it names none)
DIRECTORY_KEY = "directory_version"  # changes whenever users, roles or delegations change


class NotInitialised(SopRuntimeError):
    """The database has no schema yet: ``sop init`` first."""

    kind: ClassVar[Kind] = "not_found"

    def __init__(self) -> None:
        super().__init__(tr("Basis data belum disiapkan: jalankan 'sop init' dahulu",
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
    """Raise NotInitialised unless ``sop init`` has set this database up."""
    if not rt._ready:
        setting(conn, COURT_KEY)
        rt._ready = True


def court_zone(rt: Runtime) -> ZoneInfo:
    """The court's time zone."""
    if rt._court is not None:
        return rt._court[1].tz
    with rt.engine.connect() as conn:
        return ZoneInfo(setting(conn, ZONE_KEY))
