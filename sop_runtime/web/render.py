"""Server-rendered pages: one Jinja2 environment (autoescaped), the helpers every template
uses (the language pair ``t(id, en)``, court-local times, the caller's permissions) and the
page frame's navigation."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from sop_runtime.definition.court import SYSTEM_ACCOUNT
from sop_runtime.i18n import current_lang, tr
from sop_runtime.service.access import Permission
from sop_runtime.service.ready import court_zone
from sop_runtime.service.runtime import Runtime
from sop_runtime.web import flash
from sop_runtime.web.deps import Caller
from sop_runtime.wording import day_text, moment_text

if TYPE_CHECKING:
    from sop_runtime.definition.court import CourtFile

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

# (permission, path, Indonesian, English)
NAV = [(Permission.WORK, "/tugas", "Tugas saya", "My tasks"),
       (Permission.WORK, "/perkara/baru", "Layanan baru", "New service"),
       (Permission.VIEW_CASE, "/perkara", "Cari perkara", "Find cases"),
       (Permission.SUPERVISE, "/pengawasan", "Pengawasan", "Supervision"),
       (Permission.AUDIT, "/audit", "Audit", "Audit"),
       (Permission.LIBRARY, "/sop", "Pustaka SOP", "SOP library")]


def local_input(rt: Runtime, moment: datetime) -> str:
    """A moment as a ``datetime-local`` field's value in the court's zone."""
    return moment.astimezone(court_zone(rt)).strftime("%Y-%m-%dT%H:%M")


def _court_file(rt: Runtime) -> CourtFile:
    from sop_runtime.service import catalog

    if rt._court is None:
        with rt.engine.connect() as conn:
            catalog.court(rt, conn)
    assert rt._court is not None
    return rt._court[0]


def court_name(rt: Runtime) -> str:
    return _court_file(rt).pengadilan.nama


def court_has_logo(rt: Runtime) -> bool:
    """Whether the court file names a logo (served at ``/logo-pengadilan``)."""
    return _court_file(rt).pengadilan.logo is not None


def person_name(rt: Runtime, username: str) -> str:
    """A staff member's name as the court file gives it (the username if it gives none);
    the system account as such."""
    if username == SYSTEM_ACCOUNT:
        return tr("Sistem", "System")
    return next((p.nama for p in _court_file(rt).pengguna if p.username == username),
                username)


def page(request: Request, template: str, *, caller: Caller | None, title: str,
         status: int = 200, **context: Any) -> HTMLResponse:
    rt: Runtime = request.app.state.runtime
    here = request.url.path
    nav = [(path, tr(id_, en), here == path or (here.startswith(path + "/") and path != "/perkara"))
           for perm, path, id_, en in NAV if caller is not None and caller.may(perm)]
    # what the form just posted did, shown once, on the page it led to: never on an error
    # page (a refusal or an unknown case of another request is not where it belongs)
    told = flash.take(request, caller) if status < 400 else None
    if told is not None:
        context["notice"] = " ".join(x for x in (told, context.get("notice")) if x)
    response = templates.TemplateResponse(request, template, status_code=status, context={
        "caller": caller, "title": title, "court_name": court_name(rt),
        "court_logo": court_has_logo(rt), "nav": nav,
        "caller_name": person_name(rt, caller.username) if caller is not None else None,
        "lang": current_lang(),
        "t": tr, "local": lambda m, **kw: moment_text(m, court_zone(rt), **kw),
        "day": day_text,
        "person": lambda username: person_name(rt, username),
        "P": Permission,
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **context})
    if status < 400:
        flash.forget(request, response)
    return response
