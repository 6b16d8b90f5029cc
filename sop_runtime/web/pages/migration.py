"""A supervisor moves running cases to another version of their SOP: every running case of
one version (``/pengawasan/pindah-versi``: choose the SOP and the versions, *Coba dulu*
lists what would happen to each case and records nothing, *Pindahkan* moves them), or one
case from its supervisor page (asked to confirm first). Each move goes through the engine's
rules and is recorded on the case with its reason."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from sop_runtime.i18n import tr
from sop_runtime.service import library, migration
from sop_runtime.service.ready import court_zone
from sop_runtime.web import flash
from sop_runtime.web.deps import ApiError, Rt
from sop_runtime.web.pages.cases import CaseId
from sop_runtime.web.pages.supervise import (
    CONFIRMED,
    Acting,
    Supervisor,
    Text,
    _path,
    _reason,
    text_field,
)
from sop_runtime.web.render import page
from sop_runtime.wording import day_text, moment_text

router = APIRouter()

HOME = "/pengawasan/pindah-versi"
_PAIR = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]{0,31})=([A-Za-z0-9][A-Za-z0-9._-]{0,31})$")
Version = Annotated[str, Form(max_length=64)]


def _mapping(text: str) -> dict[str, str]:
    """``4=3, 10=9`` (commas or spaces between pairs) as a mapping; 422 naming a bad pair."""
    found: dict[str, str] = {}
    for pair in re.split(r"[\s,;]+", text_field(text, what=("Peta langkah", "The step map"),
                                                 required=False, longest=500)):
        if not pair:
            continue
        match = _PAIR.match(pair)
        if match is None:
            raise ApiError(422, tr(
                "Peta langkah '{p}' harus berbentuk LAMA=BARU (nomor langkah), misalnya 4=3",
                "Step map '{p}' must read OLD=NEW (step numbers), e.g. 4=3", p=pair))
        found[match.group(1)] = match.group(2)
    return found


def _version(value: str, what: tuple[str, str]) -> str:
    ref = text_field(value, what=what, longest=64)
    if not re.fullmatch(r"[0-9a-fA-F]{4,64}", ref):
        raise ApiError(422, tr("{w} harus awal hash versi (paling sedikit 4 huruf 0-9a-f)",
                               "{w} must be the beginning of a version hash (at least 4 "
                               "characters 0-9a-f)", w=tr(*what)))
    return ref


def _choice(rows: list[tuple[library.VersionRow, int]], wanted: str, default: int) -> str:
    versions = [r.version for r, _ in rows]
    found = [v for v in versions if wanted and v.startswith(wanted.lower())]
    if found:
        return found[0]
    return versions[min(default, len(versions) - 1)]


@router.get("/pengawasan/pindah-versi", response_class=HTMLResponse)
def bulk_form(request: Request, rt: Rt, caller: Supervisor, sop: str = "", dari: str = "",
              ke: str = "") -> HTMLResponse:
    return _bulk_page(request, rt, caller, sop, dari, ke)


def _bulk_page(request: Request, rt: Rt, caller: Supervisor, sop: str, dari: str, ke: str,
               *, mapping: str = "", reason: str = "",
               plan: migration.Plan | None = None) -> HTMLResponse:
    sops = library.sops(rt)
    chosen = sop if any(s.sop_id == sop for s in sops) else ""
    rows = migration.running_versions(rt, chosen) if chosen else []
    # by default: the oldest version still running cases, to the version in force
    running = [i for i, (_, n) in enumerate(rows) if n and not rows[i][0].current]
    source = _choice(rows, dari, running[-1] if running else 1) if rows else ""
    target = _choice(rows, ke, next((i for i, (r, _) in enumerate(rows) if r.current), 0)) \
        if rows else ""
    return page(request, "migrate.html", caller=caller,
                title=tr("Pindahkan perkara ke versi baru", "Move cases to a new version"),
                sops=sops, chosen=chosen, rows=rows, source=source, target=target,
                mapping=mapping, reason=reason, plan=plan,
                local_date=lambda m: m.astimezone(court_zone(rt)).date())


@router.post("/pengawasan/pindah-versi", response_model=None)
def bulk(request: Request, rt: Rt, caller: Acting, sop: Text = "", dari: Version = "",
         ke: Version = "", peta: Text = "", alasan: Text = "",
         konfirmasi: Text = "") -> HTMLResponse | RedirectResponse:
    sop_id = text_field(sop, what=("SOP", "The SOP"), longest=64)
    source = _version(dari, ("Versi asal", "The version the cases run on"))
    target = _version(ke, ("Versi tujuan", "The target version"))
    mapping = _mapping(peta)
    reason = _reason(alasan)
    plan = migration.migrate_plan(rt, sop_id, source, target, mapping, by=caller.username,
                                  reason=reason)
    if konfirmasi != CONFIRMED:  # Coba dulu: the plan, nothing recorded
        return _bulk_page(request, rt, caller, sop_id, source, target, mapping=peta,
                          reason=reason, plan=plan)
    report = migration.migrate_all(rt, plan, by=caller.username, reason=reason,
                                   mapping=mapping)
    told = tr("{m} perkara dipindahkan ke versi {v}, {r} ditolak.",
              "{m} cases moved to version {v}, {r} refused.", m=len(report.moved),
              v=plan.target.version[:12], r=len(report.refused))
    if report.refused:
        told += " " + tr("Ditolak: {x}.", "Refused: {x}.", x="; ".join(
            f"{case} ({why})" for case, why in report.refused))
    url = f"{HOME}?sop={sop_id}&dari={plan.source.version[:12]}&ke={plan.target.version[:12]}"
    return flash.redirect(request, caller, url, told)


@router.post("/perkara/{case_id}/pindah-versi", response_model=None)
def move_one(request: Request, rt: Rt, case_id: CaseId, caller: Acting, ke: Version = "",
             peta: Text = "", alasan: Text = "", kembali: Text = "",
             konfirmasi: Text = "") -> HTMLResponse | RedirectResponse:
    target = _version(ke, ("Versi tujuan", "The target version"))
    mapping = _mapping(peta)
    reason = _reason(alasan)
    back = _path(kembali or f"/pengawasan/perkara/{case_id}")
    if konfirmasi != CONFIRMED:
        plan, row = migration.preview(rt, case_id, target, by=caller.username, reason=reason,
                                      mapping=mapping)
        tz = court_zone(rt)
        steps = "; ".join(tr(
            "langkah {a} ({k}) menjadi langkah {b} ({kb}), {d}",
            "step {a} ({k}) becomes step {b} ({kb}), {d}", a=s.node, k=s.kegiatan,
            b=s.to_node, kb=s.to_kegiatan,
            d=tr("batas {t}", "due {t}", t=moment_text(s.due_at, tz)) if s.due_at
            else tr("tanpa batas waktu", "no time limit"))
            for s in plan.steps) or tr("tidak ada langkah terbuka", "no open step")
        what = tr("Perkara {c} akan dipindahkan ke versi {v} (dimuat {d}): {s}. Alasan: {r}",
                  "Case {c} will move to version {v} (loaded {d}): {s}. Reason: {r}",
                  c=case_id, v=row.version[:12], d=day_text(row.loaded_at.astimezone(tz)
                                                            .date()), s=steps, r=reason)
        return page(request, "confirm.html", caller=caller,
                    title=tr("Pindahkan perkara ke versi ini?", "Move the case to this "
                             "version?"), what=what, refused=not plan.moved,
                    action=f"/perkara/{case_id}/pindah-versi",
                    fields={"ke": row.version, "peta": peta, "alasan": reason, "kembali": back},
                    yes=tr("Ya, pindahkan", "Yes, move it"), back=back, no=tr("Batal", "Cancel"),
                    case_id=case_id, sop_name=row.nama, here=back,
                    hint=tr("Pemindahan dicatat pada perkara beserta alasannya, dan tidak dapat "
                            "dihapus.", "The move is recorded on the case with its reason, and "
                            "cannot be erased."))
    out = migration.migrate(rt, case_id, target, by=caller.username, reason=reason,
                            mapping=mapping)
    return flash.redirect(request, caller, back, tr(
        "Perkara {c} dipindahkan ke versi {v}.", "Case {c} moved to version {v}.", c=case_id,
        v=out.state.version[:12]))
