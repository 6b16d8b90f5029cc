"""A revision's life: stored as a draft by ``sop init``, approved (pengesahan) by the person
the court file names for it, in force from its tanggal efektif.

The approver holds the court file's ``pengesah_sop`` role (the Ketua unless it says
otherwise) or is named Plh/Plt for it at the moment; the approval is an entry of the
``definisi`` journal with who and when, written with the table it changes. New cases start
on the newest approved version whose moment and tanggal efektif have come
(:func:`sop_runtime.service.catalog.workflow_in_force`); a case keeps its version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Connection

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.engine.actors import Directory
from sop_runtime.errors import NotFoundError, SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog, journals
from sop_runtime.service.people import NotAllowed
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import directory, workflows
from sop_runtime.store.db import begin_write
from sop_runtime.store.supervision import sop_versions
from sop_runtime.wording import day_text

__all__ = ["Status", "VersionView", "approve", "can_approve", "versions"]


class Status(StrEnum):
    IN_FORCE = "berlaku"          # new cases start on it now
    COMING = "akan_berlaku"       # approved; in force from its tanggal efektif
    DRAFT = "draf"                # loaded, awaiting approval
    SUPERSEDED = "tidak_berlaku"  # was in force (or approved), replaced by a newer one

    def words(self) -> str:
        return {Status.IN_FORCE: tr("berlaku", "in force"),
                Status.COMING: tr("disahkan, belum berlaku", "approved, not yet in force"),
                Status.DRAFT: tr("draf, menunggu pengesahan", "draft, awaiting approval"),
                Status.SUPERSEDED: tr("tidak berlaku lagi", "no longer in force")}[self]


@dataclass(frozen=True, slots=True)
class VersionView:
    version: str
    nama: str
    nomor: str | None
    nomor_revisi: int | None
    tanggal_revisi: date | None
    tanggal_efektif: date | None
    loaded_at: datetime
    status: Status
    approved_by: str | None   # the approver's name (not the username)
    approved_at: datetime | None
    acting: str | None
    in_force_from: date | None  # the day new cases start on it (approved versions)

    @property
    def short(self) -> str:
        return self.version[:12]


def versions(rt: Runtime, sop_id: str) -> list[VersionView]:
    """Every stored version of the SOP with its status now, newest loaded first."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        return _views(rt, conn, sop_id, rt.now())


def _views(rt: Runtime, conn: Connection, sop_id: str, now: datetime) -> list[VersionView]:
    rows = sop_versions(conn, sop_id)
    if not rows:
        raise NotFoundError(tr("SOP '{s}' tidak ada di pustaka", "No SOP '{s}' in the library",
                               s=sop_id))
    _, calendar = catalog.court(rt, conn)
    local = now.astimezone(calendar.tz)
    in_force = workflows.in_force(conn, sop_id, now, local.date())
    given = workflows.approvals(conn, sop_id)
    newest = given[-1].version if given else None
    names = {u.username: u.nama for u in directory.list_users(conn)}
    out: list[VersionView] = []
    for row in rows:
        mine = [a for a in given if a.version == row.version]
        last = mine[-1] if mine else None
        if row.version == in_force:
            status = Status.IN_FORCE
        elif last is None:
            status = Status.DRAFT
        elif row.version == newest:
            status = Status.COMING
        else:
            status = Status.SUPERSEDED
        ident = _identity(rt, conn, row.version)
        from_day = None
        if last is not None and last.approved_at is not None:
            from_day = max(last.approved_at.astimezone(calendar.tz).date(),
                           last.effective_on or date.min)
        out.append(VersionView(
            row.version, row.nama, ident[0], ident[1], ident[2], ident[3], row.loaded_at,
            status, names.get(last.approved_by, last.approved_by)
            if last and last.approved_by else None,
            last.approved_at if last else None, last.acting if last else None, from_day))
    return out


def _identity(rt: Runtime, conn: Connection, version: str
              ) -> tuple[str | None, int | None, date | None, date | None]:
    try:
        ident = catalog.workflow(rt, conn, version).document.identitas
    except SopRuntimeError:  # a stored source that no longer compiles: still listed
        return None, None, None, None
    return ident.nomor, ident.nomor_revisi, ident.tanggal_revisi, ident.tanggal_efektif


def can_approve(rt: Runtime, username: str) -> bool:
    """Whether ``username`` holds the approving role now (directly or as Plh/Plt): whether
    a page offers them the pengesahan of a draft."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        court_file, _ = catalog.court(rt, conn)
        role = court_file.approving_role()
        return role is not None and \
            catalog.directory(rt, conn).grant(username, role, rt.now()) is not None


def approve(rt: Runtime, sop_id: str, ref: str, *, by: str) -> VersionView:
    """The pengesahan of the SOP's stored version ``ref`` (a hash prefix) by ``by``: recorded
    in the ``definisi`` journal; new cases start on it from its tanggal efektif."""
    now = rt.now()
    with begin_write(rt.engine) as conn:
        ensure_ready(rt, conn)
        acting = _may_approve(rt, conn, by, now)  # before anything else is told
        version = _resolve(conn, sop_id, ref)
        wf = catalog.workflow(rt, conn, version)
        if acting is None:
            _named_on_the_sheet(conn, catalog.directory(rt, conn), by, wf)
        given = workflows.approvals(conn, sop_id)
        if given and given[-1].version == version:
            raise SopRuntimeError(tr(
                "SOP {s} versi {v} sudah disahkan", "SOP {s} version {v} is already approved",
                s=sop_id, v=version[:12]))
        _check_newer(rt, conn, wf, given[-1].version if given else None)
        ident = wf.document.identitas
        journals.record(conn, "definisi", [journals.sop_version_approved(
            sop_id, version, by, ident.tanggal_efektif, acting, ident.nomor_revisi)],
            at=now, actor=by)
        return next(v for v in _views(rt, conn, sop_id, now) if v.version == version)


def _resolve(conn: Connection, sop_id: str, ref: str) -> str:
    rows = sop_versions(conn, sop_id)
    if not rows:
        raise NotFoundError(tr("SOP '{s}' tidak ada di pustaka", "No SOP '{s}' in the library",
                               s=sop_id))
    wanted = ref.strip().lower()
    found = [r.version for r in rows if wanted and r.version.startswith(wanted)]
    if len(found) != 1:
        raise NotFoundError(tr(
            "{why} versi '{v}' pada SOP '{s}'; yang tersimpan: {k}",
            "{why} version '{v}' of SOP '{s}'; stored: {k}", v=ref, s=sop_id,
            k=", ".join(r.version[:12] for r in rows),
            why=tr("Lebih dari satu", "More than one") if found else tr("Tidak ada", "No")))
    return found[0]


def _may_approve(rt: Runtime, conn: Connection, by: str, now: datetime) -> str | None:
    """How ``by`` may approve (None: as the role's holder; "plh"/"plt": as its delegate), or
    :class:`NotAllowed` saying who may."""
    court_file, _ = catalog.court(rt, conn)
    role = court_file.approving_role()
    people = catalog.directory(rt, conn)
    if role is None:
        raise NotAllowed(tr(
            "Berkas pengadilan tidak menyebut siapa mengesahkan SOP (peran 'ketua' atau "
            "'pengesah_sop')", "The court file names no one to approve SOPs (a 'ketua' role "
            "or 'pengesah_sop')"))
    role_name = next(p.nama for p in court_file.peran if p.id == role)
    if not people.knows(by):
        raise NotFoundError(tr("Pengguna '{u}' tidak dikenal", "Unknown user '{u}'", u=by))
    grant = people.grant(by, role, now)
    if grant is None:
        raise NotAllowed(tr(
            "Pengesahan SOP adalah wewenang {r}; {n} tidak memegang peran itu",
            "Approving an SOP is for the {r}; {n} does not hold that role",
            r=role_name, n=people.name(by)))
    return str(grant.delegation.kind) if grant.delegation is not None else None


def _named_on_the_sheet(conn: Connection, people: Directory, by: str, wf: Workflow) -> None:
    """The holder approving is the one the sheet's ``disahkan_oleh`` names (by NIP, where
    both are known); a Plh/Plt signs for the holder and is not checked."""
    signer = wf.document.identitas.disahkan_oleh
    user = directory.user(conn, by)
    if signer.nip and user is not None and user.nip and user.nip != signer.nip:
        raise NotAllowed(tr(
            "Lembar SOP menyebut {s} (NIP {nip}) sebagai pengesah, bukan {n}; perbaiki "
            "'disahkan_oleh' pada revisi", "The SOP sheet names {s} (NIP {nip}) as its approver, "
            "not {n}; correct 'disahkan_oleh' in the revision",
            s=signer.nama or signer.jabatan, nip=signer.nip, n=people.name(by)))


def _check_newer(rt: Runtime, conn: Connection, wf: Workflow, approved: str | None) -> None:
    """A version older than the one approved last (by its revision number) cannot replace
    it: a return to earlier content is a new revision."""
    if approved is None:
        return
    before = catalog.workflow(rt, conn, approved).document.identitas
    number = wf.document.identitas.nomor_revisi or 0
    if number <= (before.nomor_revisi or 0):
        raise SopRuntimeError(tr(
            "Versi ini revisi ke-{n}, tidak lebih baru dari versi yang disahkan terakhir "
            "(revisi ke-{b}, {d}); kembali ke isi lama dibuat sebagai revisi baru",
            "This version is revision {n}, not newer than the one approved last (revision "
            "{b}, {d}); a return to earlier content is made as a new revision",
            n=number, b=before.nomor_revisi or 0,
            d=day_text(before.tanggal_revisi or before.tanggal_pembuatan)))
