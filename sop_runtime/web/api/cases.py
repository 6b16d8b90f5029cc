"""The API on cases: the worklist, starting a case, a case and its log, and the acts on its
steps (claim, complete, extend) and a supervisor's overrides (reassign, skip, reopen,
cancel). Every act is the token user's, under the SOP's rules: what they refuse is recorded
on the case and answered 403."""

from __future__ import annotations

from datetime import date, tzinfo
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.engine.events import utc_iso
from sop_runtime.engine.state import StepState
from sop_runtime.i18n import tr
from sop_runtime.service import cases, migration, stepform, views
from sop_runtime.service.contacts import ContactGiven
from sop_runtime.service.ready import court_zone
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.search import MAX_PAGE, MAX_PER_PAGE, PER_PAGE, CaseSearch, find_cases
from sop_runtime.service.tracking_code import shown
from sop_runtime.web.api.common import (
    CaseId,
    Cursor,
    NodeId,
    Responses,
    SopFilter,
    aware,
    iso,
    link_next,
    plain,
)
from sop_runtime.web.api.schemas import (
    CaseOut,
    CasePage,
    ClaimBody,
    CompleteBody,
    FoundCaseOut,
    LogEntry,
    MigrateBody,
    MigratedOut,
    OpenStep,
    Outcome,
    PartiesBody,
    ReasonBody,
    ReassignBody,
    RecordedOut,
    RegisterNumberBody,
    SkipBody,
    StartBody,
    StepItemOut,
    StepOut,
    StoredEventOut,
    Task,
)
from sop_runtime.web.deps import ApiError, ApiReader, ApiUser, Rt

TAG = "perkara / cases"

SearchText = Annotated[str | None, Query(max_length=120, description="Teks dicari / text")]

REFUSED: Responses = {
    403: {"description": "Tidak berwenang, atau ditolak aturan SOP (percobaan dicatat) / not "
                         "permitted, or refused by the SOP's rules (the attempt is recorded)"},
    409: {"description": "Perkara berubah sementara itu: muat ulang / the case changed "
                         "meanwhile: reload"},
    422: {"description": "Perintah tidak mungkin atau tidak sah / an impossible or invalid "
                         "command"}}
UNKNOWN: Responses = {404: {"description": "Perkara atau SOP tidak ada / no such case or SOP"}}


def outcome(rt: Runtime, out: cases.Outcome) -> Outcome:
    tz = court_zone(rt)
    return Outcome(case_id=out.case_id, status=str(out.state.status),
                   events=[e.TYPE for e in out.events],
                   open_steps=[_open_step(out.workflow, s, tz) for s in out.state.open_steps],
                   kode_lacak=shown(out.tracking_code) if out.tracking_code else None)


def _open_step(wf: Workflow, s: StepState, tz: tzinfo) -> OpenStep:
    joint = wf.node(s.node).joint
    return OpenStep(node=s.node, attempt=s.attempt, due_at=iso(s.due_at, tz),
                    acted=dict(s.signed) if joint else None,
                    awaiting=[r for r in wf.node(s.node).roles if r not in s.signed]
                    if joint else None)


def router() -> APIRouter:
    api = APIRouter(tags=[TAG])

    @api.get("/tasks", summary="Daftar tugas / worklist")
    def tasks(request: Request, response: Response, rt: Rt, caller: ApiUser,
              limit: Annotated[int, Query(
                  ge=1, le=views.TASKS_MAX_PER_PAGE,
                  description="Paling banyak per halaman / at most this many per page")
              ] = views.TASKS_PER_PAGE,
              cursor: Cursor = None) -> list[Task]:
        """Langkah terbuka yang boleh dikerjakan pemilik token, yang paling dekat batasnya
        dahulu, satu halaman; halaman berikutnya di header ``Link`` (rel="next") / the open
        steps the token's user may do, soonest due first, one page; the next page in the
        ``Link`` header (rel="next")."""
        tz = court_zone(rt)
        found = views.task_page(rt, caller.username, per_page=limit, cursor=cursor)
        link_next(request, response, found.next)
        return [Task(case_id=t.case_id, sop_id=t.sop_id, node=t.node, attempt=t.attempt,
                     kegiatan=t.kegiatan, roles=list(t.roles), assignee=t.assignee,
                     claimed_by=t.claimed_by, activated_at=iso(t.activated_at, tz),
                     due_at=iso(t.due_at, tz), overdue=t.overdue,
                     register_number=t.register_number, applicant=t.applicant)
                for t in found.rows]

    @api.post("/cases", status_code=201, summary="Mulai perkara / start a case",
              responses={**REFUSED, **UNKNOWN})
    def start(body: StartBody, rt: Rt, caller: ApiUser) -> Outcome:
        """Mulai perkara baru menurut versi SOP yang berlaku / start a case on the SOP's
        current version (``fields``: the case's fields; ``at``: when it really began)."""
        contact = None if body.contact is None else ContactGiven(
            body.contact.channel, body.contact.address, body.contact.consent)
        return outcome(rt, cases.start_case(rt, body.sop, caller.username, fields=body.fields,
                                            parties=[p.given() for p in body.parties],
                                            at=aware(rt, body.at), reason=body.reason,
                                            contact=contact))

    @api.get("/cases", summary="Cari perkara / find cases", responses={422: {
        "description": "Pencarian tidak dapat diajukan / a search that cannot be asked"}})
    def find(rt: Rt, caller: ApiReader, q: SearchText = None, nomor: SearchText = None,
             nama: SearchText = None, sop: SopFilter = None, status: SearchText = None,
             dari: date | None = None, sampai: date | None = None,
             page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
             per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = PER_PAGE) -> CasePage:
        """Perkara menurut nomor perkara, nomor layanan, nama pihak (``q``, atau bagian
        lainnya), SOP, status dan tanggal mulai; terbaru dahulu, satu halaman / cases by
        register number, service number or a party's name, SOP, status and start date;
        newest first, one page."""
        tz = court_zone(rt)
        found = find_cases(rt, caller.reader, CaseSearch(
            q=q, nomor=nomor, nama=nama, sop=sop, status=status, dari=dari, sampai=sampai,
            page=page, per_page=per_page))
        return CasePage(page=found.page, per_page=found.per_page, more=found.more, cases=[
            FoundCaseOut(case_id=c.case_id, register_number=c.register_number,
                         applicant=c.applicant, sop_id=c.sop_id, sop_nama=c.sop_name,
                         status=c.status, started_at=iso(c.started_at, tz),
                         ended_at=iso(c.ended_at, tz)) for c in found.cases])

    @api.post("/cases/{case_id}/parties", summary="Catat para pihak / record the parties",
              responses={**REFUSED, **UNKNOWN})
    def parties(case_id: CaseId, body: PartiesBody, rt: Rt, caller: ApiUser) -> Outcome:
        """Catat para pihak, atau perbaiki dengan alasan / record the parties, or correct
        them with a reason."""
        return outcome(rt, cases.record_parties(rt, case_id, caller.username,
                                                [p.given() for p in body.parties],
                                                reason=body.reason))

    @api.post("/cases/{case_id}/register-number",
              summary="Catat nomor perkara / record the register number",
              responses={**REFUSED, **UNKNOWN})
    def register_number(case_id: CaseId, body: RegisterNumberBody, rt: Rt,
                        caller: ApiUser) -> Outcome:
        """Catat nomor perkara (SIPP), atau perbaiki dengan alasan / record the register
        number (SIPP), or correct it with a reason."""
        return outcome(rt, cases.record_register_number(rt, case_id, caller.username,
                                                        body.number, reason=body.reason))

    @api.get("/cases/{case_id}", summary="Perkara / a case", responses=UNKNOWN)
    def case(case_id: CaseId, rt: Rt, caller: ApiReader) -> CaseOut:
        """Posisi perkara dan riwayatnya / where the case stands and its timeline."""
        view = views.case(rt, case_id, reader=caller.reader)
        tz = court_zone(rt)
        state = view.state
        return CaseOut(
            case_id=case_id, sop_id=state.sop_id, sop_nama=view.workflow.nama,
            version=state.version, status=str(state.status),
            started_at=iso(state.started_at, tz), started_by=state.started_by,
            ended_at=iso(state.ended_at, tz), service_due=iso(state.service_due, tz),
            fields={str(k): str(v) for k, v in state.fields.items()},
            register_number=state.register_number, parties=[dict(p) for p in state.parties],
            open_steps=[s.node for s in state.open_steps],
            events=[StoredEventOut(seq=s.seq, type=s.type, actor=s.actor,
                                   occurred_at=iso(s.occurred_at, tz),
                                   recorded_at=iso(s.recorded_at, tz), payload=plain(s.payload))
                    for s in view.stored])

    @api.get("/cases/{case_id}/steps/{node}", summary="Langkah perkara / a case's step",
             responses=UNKNOWN)
    def step(case_id: CaseId, node: NodeId, rt: Rt, caller: ApiReader) -> StepOut:
        """Kelengkapan dan output langkah, masing-masing dengan nilai yang sudah dicatat
        langkah sebelumnya (siapa, kapan) / the step's inputs and outputs, each with the value
        an earlier step recorded (who, when)."""
        view = views.case(rt, case_id, reader=caller.reader)
        try:
            found = view.workflow.node(node)
        except KeyError:
            raise ApiError(404, tr("Langkah '{n}' tidak ada dalam SOP ini",
                                   "Step '{n}' is not in this SOP", n=node)) from None
        tz = court_zone(rt)
        current = next((s for s in view.state.open_steps if s.node == node), None)
        earlier = stepform.earlier_values(rt, view, node)

        def recorded(item: str) -> RecordedOut | None:
            r = earlier.get(item)
            return None if r is None else RecordedOut(
                value=r.value, text=r.text, node=r.node, where=r.where, by=r.by,
                jabatan=r.jabatan, at=iso(r.at, tz) or "")

        items = [StepItemOut(id=i.id, nama=i.nama, jenis=str(i.jenis), section=section,
                             wajib=i.wajib, recorded=recorded(i.id))
                 for section, group in (("kelengkapan", found.inputs), ("output", found.outputs))
                 for i in group]
        return StepOut(case_id=case_id, node=node, kegiatan=found.kegiatan,
                       open=current is not None,
                       attempt=current.attempt if current else None, items=items)

    @api.get("/cases/{case_id}/log", summary="Log perkara / a case's log", responses=UNKNOWN)
    def log(case_id: CaseId, rt: Rt, caller: ApiReader) -> list[LogEntry]:
        """Peristiwa tersimpan dengan rantai hash-nya (UTC) / the stored events with their
        hash chain (UTC), as ``sop log --json``."""
        return [LogEntry(seq=s.seq, type=s.type, version=s.version,
                         occurred_at=utc_iso(s.occurred_at), recorded_at=utc_iso(s.recorded_at),
                         actor=s.actor, payload=plain(s.payload), prev_hash=s.prev_hash,
                         hash=s.hash)
                for s in views.case(rt, case_id, reader=caller.reader).stored]

    @api.post("/cases/{case_id}/steps/{node}/claim", summary="Ambil langkah / claim a step",
              responses={**REFUSED, **UNKNOWN})
    def claim(case_id: CaseId, node: NodeId, rt: Rt, caller: ApiUser,
              body: ClaimBody | None = None) -> Outcome:
        """Pegang langkah untuk dikerjakan / hold a step to do it."""
        at = aware(rt, body.at) if body else None
        return outcome(rt, cases.claim(rt, case_id, node, caller.username, at=at))

    @api.post("/cases/{case_id}/steps/{node}/complete",
              summary="Selesaikan langkah / complete a step", responses={**REFUSED, **UNKNOWN})
    def complete(case_id: CaseId, node: NodeId, body: CompleteBody, rt: Rt,
                 caller: ApiUser) -> Outcome:
        """Catat langkah selesai dengan kelengkapan, output, isian dan keputusannya / record
        a step done with its inputs, outputs, fields and decision."""
        return outcome(rt, cases.complete(rt, case_id, node, caller.username,
                                          values=body.values, decision=body.decision,
                                          at=aware(rt, body.at), reason=body.reason))

    @api.post("/cases/{case_id}/steps/{node}/extend",
              summary="Perpanjang batas langkah / extend a step's deadline",
              responses={**REFUSED, **UNKNOWN})
    def extend(case_id: CaseId, node: NodeId, body: ReasonBody, rt: Rt,
               caller: ApiUser) -> Outcome:
        """Pakai perpanjangan waktu yang diizinkan SOP (sekali, dengan alasan) / use the
        extension the SOP allows (once, with a reason)."""
        return outcome(rt, cases.extend(rt, case_id, node, caller.username, reason=body.reason,
                                        at=aware(rt, body.at)))

    @api.post("/cases/{case_id}/steps/{node}/reassign",
              summary="Alihkan langkah / reassign a step", responses={**REFUSED, **UNKNOWN})
    def reassign(case_id: CaseId, node: NodeId, body: ReassignBody, rt: Rt,
                 caller: ApiUser) -> Outcome:
        """Tindakan pengawas (dicatat sebagai penyimpangan); selain pengawas ditolak dan
        dicatat / a supervisor's override (recorded as a deviation); anyone else is refused
        and the attempt recorded."""
        return outcome(rt, cases.reassign(rt, case_id, node, caller.username, body.to,
                                          reason=body.reason, at=aware(rt, body.at)))

    @api.post("/cases/{case_id}/steps/{node}/skip", summary="Lewati langkah / skip a step",
              responses={**REFUSED, **UNKNOWN})
    def skip(case_id: CaseId, node: NodeId, body: SkipBody, rt: Rt,
             caller: ApiUser) -> Outcome:
        """Tindakan pengawas: lewati langkah (untuk langkah keputusan, sebutkan cabangnya) /
        a supervisor's override: skip a step (name the branch of a decision step)."""
        return outcome(rt, cases.skip(rt, case_id, node, caller.username, reason=body.reason,
                                      decision=body.decision, at=aware(rt, body.at)))

    @api.post("/cases/{case_id}/steps/{node}/reopen",
              summary="Buka ulang langkah / reopen a step", responses={**REFUSED, **UNKNOWN})
    def reopen(case_id: CaseId, node: NodeId, body: ReasonBody, rt: Rt,
               caller: ApiUser) -> Outcome:
        """Tindakan pengawas: percobaan baru untuk langkah yang sudah selesai / a
        supervisor's override: a new attempt at a step already done."""
        return outcome(rt, cases.reopen(rt, case_id, node, caller.username,
                                        reason=body.reason, at=aware(rt, body.at)))

    @api.post("/cases/{case_id}/cancel", summary="Batalkan perkara / cancel a case",
              responses={**REFUSED, **UNKNOWN})
    def cancel(case_id: CaseId, body: ReasonBody, rt: Rt, caller: ApiUser) -> Outcome:
        """Tindakan pengawas: batalkan perkara dengan alasan / a supervisor's override:
        cancel the case, with a reason."""
        return outcome(rt, cases.cancel(rt, case_id, caller.username, reason=body.reason,
                                        at=aware(rt, body.at)))

    @api.post("/cases/{case_id}/migrate",
              summary="Pindahkan ke versi SOP lain / move to another SOP version",
              responses={**REFUSED, **UNKNOWN})
    def migrate(case_id: CaseId, body: MigrateBody, rt: Rt, caller: ApiUser) -> MigratedOut:
        """Tindakan pengawas: pindahkan perkara berjalan ke versi lain SOP-nya; langkah
        terbuka mengikuti nomornya atau peta, batasnya dihitung ulang dari saat aktif /
        a supervisor's act: move the running case to another version of its SOP; open steps
        follow their number or the mapping, their limits recounted from their activation."""
        out = migration.migrate(rt, case_id, body.to_version, by=caller.username,
                                reason=body.reason, mapping=body.mapping,
                                at=aware(rt, body.at))
        return MigratedOut(**outcome(rt, out).model_dump(), version=out.state.version)

    return api
