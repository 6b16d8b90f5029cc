"""The server-rendered pages, Bahasa Indonesia first (English by the language switch):
sign-in, the clerk's worklist and step forms, a case, supervision, the SOP library and
audit. Every page checks the signed-in person's permissions (the app refuses a control
character anywhere in a request: :mod:`sop_runtime.web.request_checks`); every form carries the
session's CSRF token."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sop_runtime.i18n import tr
from sop_runtime.web.deps import optional_session
from sop_runtime.web.render import page

__all__ = ["error_page", "router"]


def router() -> APIRouter:
    from sop_runtime.web.pages import (
        audit,
        cases,
        clerk,
        find,
        library,
        migration,
        monev,
        receipt,
        signin,
        supervise,
    )

    pages = APIRouter(include_in_schema=False)
    for module in (signin, clerk, find, cases, receipt, supervise, migration, library, audit,
                   monev):
        pages.include_router(module.router)
    return pages


_TITLES = {401: ("Perlu masuk", "Sign-in needed"), 403: ("Ditolak", "Refused"),
           404: ("Tidak ditemukan", "Not found"), 409: ("Bentrok", "Conflict"),
           429: ("Terlalu banyak percobaan", "Too many tries")}


def error_page(request: Request, status: int, message: str, *,
               case: str | None = None) -> HTMLResponse:
    id_, en = _TITLES.get(status, ("Permintaan tidak dapat diproses", "Request not processed"))
    if _is_public(request):  # in the public site's frame, back to its services
        from sop_runtime.web.public.frame import public_page

        return public_page(request, "public_error.html", title=tr(id_, en), status=status,
                           message=message)
    try:
        caller = optional_session(request, request.app.state.runtime)
    except Exception:
        caller = None
    back = request.headers.get("referer")
    return page(request, "error.html", caller=caller, title=tr(id_, en), status=status,
                message=message, case=case, back=back if back and back.startswith(
                    str(request.base_url)) else None)


def _is_public(request: Request) -> bool:
    """Whether the request was routed to a page of the public site."""
    from sop_runtime.web.public import PACKAGE

    endpoint = request.scope.get("endpoint")
    return str(getattr(endpoint, "__module__", "")).startswith(PACKAGE + ".")
