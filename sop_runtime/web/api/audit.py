"""The API for auditors: verification of the log and its seals, exports, seals and inclusion
proofs, and the accountability reports (per period and per case) as JSON."""

from __future__ import annotations

import io
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from sop_runtime.audit.figures import Timing as Figures
from sop_runtime.i18n import tr
from sop_runtime.service import seals
from sop_runtime.service.confidential import record, require_visible
from sop_runtime.service.library import current
from sop_runtime.service.ready import court_zone
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.seals import SealRow
from sop_runtime.web.api.common import CaseFilter, CaseId, Responses, SopFilter, iso, moment
from sop_runtime.web.api.schemas import (
    AgingOut,
    LoadOut,
    PeriodOut,
    ProofCheckBody,
    ProofHolds,
    SealBody,
    SealBreakOut,
    SealCheckOut,
    SealOut,
    StepTiming,
    Timing,
    VerifyOut,
    Waiting,
)
from sop_runtime.web.deps import ApiAuditor, ApiError, ApiSupervisor, Rt

TAG = "audit"
NO_SEAL: Responses = {404: {"description": "Perkara atau segel tidak ada / no such case or seal"}}


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    xes = "xes"


MEDIA = {ExportFormat.csv: "text/csv", ExportFormat.jsonl: "application/x-ndjson",
         ExportFormat.xes: "application/xml"}


def _seal(s: SealRow, rt: Runtime) -> SealOut:
    return SealOut(seal_id=s.id, sealed_at=iso(s.sealed_at, court_zone(rt)), kind=s.kind,
                   size=s.size,
                   journals=s.journals, root=s.root, sealed_by=s.sealed_by, note=s.note)


def _seal_check(rt: Runtime) -> SealCheckOut:
    sealed = seals.check(rt)
    b = sealed.first_break
    return SealCheckOut(ok=sealed.ok, checked=sealed.seals, first_break=None if b is None else
                        SealBreakOut(seal_id=b.seal_id, case_id=b.case_id, seq=b.seq,
                                     what=b.what, message=b.message))


def _timing(t: Figures) -> dict[str, Any]:
    return {"done": t.done, "with_deadline": t.with_deadline, "on_time": t.on_time,
            "on_time_rate": t.on_time_rate, "median_seconds": t.median, "p90_seconds": t.p90}


def router() -> APIRouter:
    api = APIRouter(tags=[TAG])

    @api.get("/verify", summary="Periksa log, proyeksi dan segel / verify the log, "
                                "projections and seals")
    def verify(rt: Rt, caller: ApiAuditor,
               full: Annotated[bool, Query(description=(
                   "Seluruh log, juga riwayat yang disegel / the whole log, the sealed "
                   "history too"))] = False) -> VerifyOut:
        """Yang berubah sejak segel terakhir (``full``: seluruh log): rantai hash, proyeksi
        (daftar tugas, penyimpangan) terhadap log, versi SOP tersimpan terhadap sumbernya,
        dan segel; ``mode`` menyebut yang diperiksa; ``ok`` salah bila ada yang diubah,
        dihapus, disisipkan atau ditukar / what changed since the last seal (``full``: the
        whole log): hash chains, projections (worklists, deviations) against the log, the
        stored SOP versions against their sources, and the seals; ``mode`` says what was
        checked; ``ok`` is false when anything was changed, removed, inserted or
        reordered."""
        from sop_runtime.service import integrity

        return VerifyOut.model_validate(integrity.as_json(integrity.verify(rt, full=full)))

    @api.get("/export/{fmt}", summary="Ekspor log / export the event log",
             response_class=Response,
             responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {},
                                          "application/xml": {}},
                              "description": "CSV, JSON lines atau IEEE XES / CSV, JSON "
                                             "lines or IEEE XES"}})
    def export(fmt: ExportFormat, rt: Rt, caller: ApiAuditor,
               case: CaseFilter = None) -> Response:
        """Seluruh log (atau satu perkara) untuk alat lain, mis. process mining (XES) / the
        whole log (or one case's) for other tools, e.g. process mining (XES)."""
        from sop_runtime.service.export import Format, export

        out = io.StringIO()
        export(rt, Format(fmt.value), out, case=case, reader=caller.reader)
        return Response(out.getvalue(), media_type=f"{MEDIA[fmt]}; charset=utf-8")

    @api.get("/seals", summary="Daftar segel / the seals")
    def seal_list(rt: Rt, caller: ApiAuditor) -> list[SealOut]:
        """Segel log (kepala pohon Merkle RFC 9162 atas seluruh log menurut urutan masuk),
        yang terlama dahulu / the log's seals (heads of the RFC 9162 Merkle tree over the
        whole log in append order), oldest first."""
        return [_seal(s, rt) for s in seals.seals_list(rt)]

    @api.post("/seals", status_code=201, summary="Segel log sekarang / seal the log now")
    def seal(rt: Rt, caller: ApiSupervisor, body: SealBody | None = None) -> SealOut:
        """Segel log sekarang (tindakan pengawas); akarnya dicetak pada laporan yang
        ditandatangani / seal the log now (a supervisor's act); its root goes on the signed
        report."""
        return _seal(seals.seal(rt, caller.username, note=body.note if body else None), rt)

    @api.get("/seals/check", summary="Periksa segel / check the seals")
    def seal_check(rt: Rt, caller: ApiAuditor) -> SealCheckOut:
        """Setiap segel terhadap log; temuan pertama menyebut segel sejak kapan sesuatu
        berubah / every seal against the log; the first break names the seal since which
        something changed."""
        return _seal_check(rt)

    @api.post("/seals/check-proof", summary="Periksa bukti inklusi / check an inclusion proof")
    def check_proof(body: ProofCheckBody, caller: ApiAuditor) -> ProofHolds:
        """Apakah bukti menunjukkan kepala perkara tercakup segelnya (dan akarnya sama dengan
        ``root``), tanpa basis data / whether a proof shows the case's head in its seal (whose
        root is ``root``, if given), without the database."""
        return ProofHolds(holds=seals.proof_holds(body.proof.model_dump(), body.root))

    @api.get("/cases/{case_id}/proof", summary="Bukti inklusi / inclusion proof",
             responses=NO_SEAL)
    def proof(case_id: CaseId, rt: Rt, caller: ApiAuditor,
              seal: Annotated[int | None, Query(ge=1, le=10**12, description=(
                  "Segel ini (bawaan: terbaru yang mencakup perkara) / this seal (default: "
                  "the newest covering the case)"))] = None,
              seq: Annotated[int | None, Query(ge=1, le=10**9, description=(
                  "Peristiwa ini (bawaan: yang terakhir disegel) / this event (default: "
                  "the newest sealed)"))] = None) -> dict[str, Any]:
        """Bukti bahwa kepala perkara (atau satu peristiwanya) tercakup segel, tanpa membuka
        perkara lain / proof that the case's head (or one of its events) is in a seal,
        without handing over the other cases."""
        if require_visible(rt, case_id, caller.reader):
            record(rt, [case_id], caller.reader, detail={"what": "bukti segel"})
        return seals.proof(rt, case_id, seal, seq=seq)

    @api.get("/reports/period", summary="Laporan periode / a period's figures",
             response_model_by_alias=True)
    def period(
        rt: Rt, caller: ApiAuditor,
        start: Annotated[str, Query(alias="from", min_length=1, max_length=40,
                                    description="Awal / start (YYYY-MM-DD)",
                                    examples=["2026-01-01"])],
        to: Annotated[str, Query(min_length=1, max_length=40,
                                 description="Akhir (tanggal saja: sampai akhir hari itu) / end "
                                             "(a date alone: to the end of that day)",
                                 examples=["2026-01-31"])],
        sop: SopFilter = None,
    ) -> PeriodOut:
        """Perkara yang dimulai dalam periode: per SOP, langkah dan peran, ketepatan waktu,
        median dan P90 waktu kerja, penyimpangan, umur langkah terbuka, beban per orang /
        the cases started in the period: by SOP, step and role, on-time rates, median and P90
        working time, deviations, the age of open steps, the load per person."""
        from sop_runtime.service.period import period_figures

        tz = court_zone(rt)
        first = moment(start, tz, name="from")
        last = moment(to, tz, name="to", end_of_day=True)
        if last <= first:
            raise ApiError(422, tr("Akhir periode ({b}) harus setelah awalnya ({a})",
                                   "The period's end ({b}) must be after its start ({a})",
                                   a=iso(first, tz), b=iso(last, tz)))
        if sop is not None:
            current(rt, sop)  # an unknown SOP: 404 with the SOPs known
        f = period_figures(rt, first, last, sop=sop, reader=caller.reader)
        return PeriodOut.model_validate({
            "from": iso(first, tz), "to": iso(last, tz), "sop": sop, "cases": dict(f.cases),
            "completed": dict(f.completed),
            "service": {k: Timing(**_timing(v)) for k, v in f.service.items()},
            "steps": [StepTiming(sop_id=s, node=n, **_timing(t))
                      for (s, n), t in sorted(f.steps.items())],
            "roles": {k: Timing(**_timing(v)) for k, v in sorted(f.roles.items())},
            "deviations": dict(f.deviations), "overdue_now": f.overdue_now,
            "aging": {b: AgingOut(in_time=a.in_time, overdue=a.overdue, no_limit=a.no_limit)
                      for b, a in f.aging.items()},
            "load": {u: LoadOut(done=n.done, open_held=n.open_held)
                     for u, n in sorted(f.load.items())},
            "waiting": [Waiting(roles=list(roles), open=n)
                        for roles, n in sorted(f.waiting.items())],
            "withheld": sorted(f.withheld)})

    @api.get("/reports/monev/{sop_id}", summary="Monev satu SOP / an SOP's monev figures",
             responses={404: {"description": "SOP atau versi tidak ada / no such SOP or "
                                             "version"}})
    def monev(
        sop_id: Annotated[str, Path(min_length=1, max_length=64)], rt: Rt,
        caller: ApiAuditor,
        start: Annotated[str | None, Query(
            alias="from", min_length=1, max_length=40, examples=["2026-01-01"],
            description="Awal (bawaan: 1 Januari tahun ini) / start (default: 1 January of "
                        "this year)")] = None,
        to: Annotated[str | None, Query(
            min_length=1, max_length=40, examples=["2026-12-31"],
            description="Akhir (tanggal saja: sampai akhir hari itu; bawaan: hari ini) / end "
                        "(a date alone: to the end of that day; default: today)")] = None,
        versi: Annotated[str | None, Query(max_length=64, description="Versi (awal hash) / "
                                                                     "version (hash prefix)")]
        = None,
    ) -> dict[str, Any]:
        """Monitoring dan evaluasi satu SOP (``sop monev --json``): per langkah waktu kerja
        (median, P80, P90, peringkat terdekat) terhadap mutu baku, ketepatan waktu,
        pengerjaan ulang, penyimpangan, menunggu dan dikerjakan, beban, hambatan utama,
        standar pelayanan, per versi / one SOP's monitoring and evaluation figures, per
        version."""
        from sop_runtime.service.monev import monev_figures

        tz = court_zone(rt)
        today = rt.now().astimezone(tz).date()
        first = moment(start or today.replace(month=1, day=1).isoformat(), tz, name="from")
        last = moment(to or today.isoformat(), tz, name="to", end_of_day=True)
        if last <= first:
            raise ApiError(422, tr("Akhir periode ({b}) harus setelah awalnya ({a})",
                                   "The period's end ({b}) must be after its start ({a})",
                                   a=iso(first, tz), b=iso(last, tz)))
        return monev_figures(rt, sop_id, first, last, version=versi,
                             reader=caller.reader).as_json()

    @api.get("/cases/{case_id}/report", summary="Laporan perkara / a case's report",
             responses={404: {"description": "Perkara tidak ada / no such case"}})
    def case_report(case_id: CaseId, rt: Rt, caller: ApiAuditor) -> dict[str, Any]:
        """Laporan pertanggungjawaban satu perkara: riwayat, pelaksana, penyimpangan, batas
        waktu, rantai hash dan segel (``sop report case --json``) / one case's accountability
        report: timeline, who, deviations, time limits, hash chain and seal."""
        from sop_runtime.audit.case_json import case_json
        from sop_runtime.service.casereport import case_report

        return case_json(case_report(rt, case_id, reader=caller.reader), court_zone(rt))

    return api
