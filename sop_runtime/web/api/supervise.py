"""The API for supervisors and auditors on the court's work: overdue steps, deviations, the
deadline sweep, the users and Plh/Plt delegations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from sop_runtime.engine import DeviationKind
from sop_runtime.engine.deviation_text import deviation_label
from sop_runtime.i18n import tr
from sop_runtime.service import cases, people, views
from sop_runtime.service.ready import court_zone
from sop_runtime.web.api.common import (
    ROLE_ID,
    CaseFilter,
    Cursor,
    SopFilter,
    iso,
    link_next,
    moment,
    plain,
)
from sop_runtime.web.api.schemas import (
    DelegationBody,
    DelegationOut,
    DeviationOut,
    Late,
    SweepOut,
    UserOut,
)
from sop_runtime.web.deps import ApiAuditor, ApiError, ApiReader, ApiSupervisor, Rt

TAG = "pengawasan / supervision"


def router() -> APIRouter:
    api = APIRouter(tags=[TAG])

    @api.get("/overdue", summary="Langkah terlambat / overdue steps")
    def overdue(
        request: Request, response: Response, rt: Rt, caller: ApiSupervisor,
        role: Annotated[str | None, Query(pattern=ROLE_ID,
                                          description="Hanya peran ini / only this role")] = None,
        sop: SopFilter = None,
        now: Annotated[str | None, Query(
            max_length=40, description="Dihitung pada waktu ini (bawaan: sekarang) / as of "
                                       "this time (default: now)")] = None,
        limit: Annotated[int, Query(
            ge=1, le=views.OVERDUE_MAX_PER_PAGE,
            description="Paling banyak per halaman / at most this many per page")
        ] = views.OVERDUE_PER_PAGE,
        cursor: Cursor = None,
    ) -> list[Late]:
        """Langkah yang melewati batasnya, yang paling lama terlambat dahulu, satu halaman;
        keterlambatan dalam waktu kerja; halaman berikutnya di header ``Link`` (rel="next") /
        steps past their deadline, the longest overdue first, one page; lateness in working
        time; the next page in the ``Link`` header (rel="next")."""
        tz = court_zone(rt)
        at = None if now is None else moment(now, tz, name="now")
        found = views.overdue_page(rt, reader=caller.reader, now=at, role=role, sop=sop,
                                   per_page=limit, cursor=cursor)
        link_next(request, response, found.next)
        return [Late(case_id=t.case_id, sop_id=t.sop_id, node=t.node, attempt=t.attempt,
                     kegiatan=t.kegiatan, roles=list(t.roles), assignee=t.assignee,
                     claimed_by=t.claimed_by, activated_at=iso(t.activated_at, tz),
                     due_at=iso(t.due_at, tz), overdue=True, late_seconds=late.late_seconds,
                     late=late.late_text)
                for late in found.rows for t in (late.task,)]

    @api.get("/deviations", summary="Penyimpangan prosedur / procedure deviations")
    def deviations(
        request: Request, response: Response, rt: Rt, caller: ApiAuditor,
        case: CaseFilter = None,
        kind: Annotated[str | None, Query(
            max_length=40, description="Jenis / kind: " + ", ".join(DeviationKind))] = None,
        limit: Annotated[int, Query(
            ge=1, le=views.DEVIATIONS_MAX_PER_PAGE,
            description="Paling banyak per halaman / at most this many per page")
        ] = views.DEVIATIONS_PER_PAGE,
        cursor: Cursor = None,
    ) -> list[DeviationOut]:
        """Penyimpangan yang dicatat atau ditolak, terbaru dahulu, satu halaman; halaman
        berikutnya di header ``Link`` (rel="next") / deviations recorded or refused, newest
        first, one page; the next page in the ``Link`` header (rel="next")."""
        if kind is not None and kind not in {str(k) for k in DeviationKind}:
            raise ApiError(422, tr("Jenis penyimpangan '{k}' tidak dikenal; yang ada: {known}",
                                   "Unknown deviation kind '{k}'; known: {known}", k=kind,
                                   known=", ".join(DeviationKind)))
        tz = court_zone(rt)
        found = views.deviation_page(rt, reader=caller.reader, case=case, kind=kind,
                                     per_page=limit, cursor=cursor)
        link_next(request, response, found.next)
        return [DeviationOut(case_id=d.case_id, seq=d.seq, kind=d.kind,
                             label=deviation_label(d.kind), outcome=d.outcome, node=d.node,
                             attempt=d.attempt, actor=d.actor,
                             occurred_at=iso(d.occurred_at, tz),
                             recorded_at=iso(d.recorded_at, tz), rule=d.rule, reason=d.reason,
                             evidence=plain(dict(d.evidence)))
                for d in found.rows]

    @api.post("/sweep", summary="Sisir batas waktu / sweep the deadlines")
    def sweep(rt: Rt, caller: ApiSupervisor) -> SweepOut:
        """Catat sekarang langkah terlambat, waktu pelayanan terlampaui dan cabang waktu (dua
        kali tidak mencatat apa pun yang baru) / record overdue steps, service breaches and
        timer branches now (running it twice records nothing new)."""
        report = cases.sweep(rt)
        return SweepOut(cases=report.cases, events=report.events, flagged=report.flagged)

    @api.get("/users", summary="Pengguna / users")
    def users(rt: Rt, caller: ApiReader) -> list[UserOut]:
        """Pengguna pengadilan dan perannya / the court's users and their roles."""
        return [UserOut(username=u.username, nama=u.nama, nip=u.nip, roles=sorted(u.roles),
                        active=u.active) for u in views.users(rt)]

    @api.post("/delegations", status_code=201,
              summary="Tunjuk Plh/Plt / name a Plh/Plt",
              responses={403: {"description": "Hanya pengawas / supervisors only"},
                         404: {"description": "Pengguna atau peran tidak dikenal / unknown "
                                              "user or role"}})
    def delegate(body: DelegationBody, rt: Rt, caller: ApiSupervisor) -> DelegationOut:
        """Pinjamkan peran kepada pengguna untuk suatu periode (surat perintah atau alasan
        wajib) / lend a role to a user for a period (a warrant or a reason is required)."""
        tz = court_zone(rt)
        begin = moment(body.start, tz, name="from")
        end = moment(body.until, tz, name="until", end_of_day=True)
        # the service answers these as not allowed (the CLI's exit code); here they are a
        # malformed request
        if end <= begin:
            raise ApiError(422, tr("Akhir penugasan ({end}) harus setelah awalnya ({start})",
                                   "The delegation's end ({end}) must be after its start "
                                   "({start})", end=iso(end, tz), start=iso(begin, tz)))
        if not (body.reference or body.reason):
            raise ApiError(422, tr("Sebutkan surat perintah (reference) atau alasan (reason)",
                                   "Give the warrant (reference) or a reason (reason)"))
        ident = people.delegate(rt, caller.username, body.to, body.role, start=begin, end=end,
                                kind=body.kind, holder=body.holder, reference=body.reference,
                                reason=body.reason)
        return DelegationOut(id=ident, delegate=body.to, role=body.role, kind=body.kind,
                             start=iso(begin, tz), end=iso(end, tz), holder=body.holder,
                             reference=body.reference, reason=body.reason,
                             created_by=caller.username)

    return api
