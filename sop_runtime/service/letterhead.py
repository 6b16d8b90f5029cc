"""What every printed report needs from the court's database besides its figures: the
letterhead (court, address, who signs) and the names of people and roles (jabatan), so a
report never shows a username or a role id where a person reads it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from sop_runtime.audit.document import Letterhead, Names, Signer
from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import directory

SIGNING_ROLE = "ketua"  # the court file's role whose holder signs the reports


def names(conn: Connection) -> Names:
    users = directory.list_users(conn)
    return Names(users={u.username: u.nama for u in users},
                 nip={u.username: u.nip for u in users if u.nip},
                 roles={r.id: r.nama for r in directory.roles(conn)},
                 held={u.username: u.roles for u in users})


def staff_names(rt: Runtime) -> Names:
    """The names of people and roles, for an interface that shows them (the CLI's tables)."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        return names(conn)


def letterhead(rt: Runtime, generated: datetime | None = None) -> Letterhead:
    """The court's letterhead for a report made at ``generated`` (default: now); the signer
    is the court file's Ketua (their name and NIP when exactly one active user holds the
    role)."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        court_file, calendar = catalog.court(rt, conn)
        users = directory.list_users(conn)
    role = next((r for r in court_file.peran if r.id == SIGNING_ROLE), None)
    jabatan = role.nama if role else tr("Ketua Pengadilan", "President of the Court")
    holders = [u for u in users if u.active and SIGNING_ROLE in u.roles]
    person = holders[0] if len(holders) == 1 else None
    signer = Signer(of_court(jabatan, court_file.pengadilan.nama),
                    person.nama if person else None, person.nip if person else None)
    return Letterhead(court=court_file.pengadilan.nama, address=court_file.pengadilan.alamat,
                      tz=calendar.tz, generated=generated or rt.now(), signer=signer)


def of_court(jabatan: str, court: str) -> str:
    """``Ketua Pengadilan Negeri`` at ``Pengadilan Negeri Sanana`` signs as ``Ketua
    Pengadilan Negeri Sanana``: the office's tail that begins the court's name is replaced by
    the name."""
    words = jabatan.split()
    for k in range(1, len(words)):
        if court.startswith(" ".join(words[k:]) + " "):
            return " ".join([*words[:k], court])
    return jabatan
