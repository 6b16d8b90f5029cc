"""What every printed report needs from the court's database besides its figures: the
letterhead (the kop surat with the court's logo, the address, who signs) and the names of
people and roles (jabatan), so a report never shows a username or a role id where a person
reads it."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection

from sop_runtime.audit.document import Letterhead, Names, Signer
from sop_runtime.compiler.render.kop import Kop, kop_of
from sop_runtime.definition.court import Pengadilan
from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.ready import LOGO_KEY, ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import directory, settings

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
        head = _kop(conn, court_file.pengadilan)
    role = next((r for r in court_file.peran if r.id == SIGNING_ROLE), None)
    jabatan = role.nama if role else tr("Ketua Pengadilan", "Chief Judge")
    holders = [u for u in users if u.active and SIGNING_ROLE in u.roles]
    person = holders[0] if len(holders) == 1 else None
    signer = Signer(of_court(jabatan, court_file.pengadilan.nama),
                    person.nama if person else None, person.nip if person else None)
    return Letterhead(court=court_file.pengadilan.nama, address=court_file.pengadilan.alamat,
                      tz=calendar.tz, generated=generated or rt.now(), signer=signer, kop=head)


def kop(rt: Runtime) -> Kop:
    """The court's kop surat (its lines, address, contacts and logo), for the SOP sheet."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        court_file, _ = catalog.court(rt, conn)
        return _kop(conn, court_file.pengadilan)


def logo(rt: Runtime) -> tuple[str, bytes] | None:
    """The court's logo file as loaded by ``sop init``: its media type and bytes (None when
    the court file names no logo)."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        uri = settings.get(conn, LOGO_KEY)
    if not uri or not uri.startswith("data:") or ";base64," not in uri:
        return None
    kind, _, data = uri[len("data:"):].partition(";base64,")
    return kind, base64.b64decode(data)


def _kop(conn: Connection, court: Pengadilan) -> Kop:
    plain = kop_of(court)
    return replace(plain, logo=settings.get(conn, LOGO_KEY) or None)


def of_court(jabatan: str, court: str) -> str:
    """``Ketua Pengadilan Negeri`` at ``Pengadilan Negeri Sanana`` signs as ``Ketua
    Pengadilan Negeri Sanana``: the office's tail that begins the court's name is replaced by
    the name."""
    words = jabatan.split()
    for k in range(1, len(words)):
        if court.startswith(" ".join(words[k:]) + " "):
            return " ".join([*words[:k], court])
    return jabatan
