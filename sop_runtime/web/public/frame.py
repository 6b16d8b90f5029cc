"""The public pages' frame (``public_base.html``): the court's name and logo on top, the
language switch, and a footer with how to complain and the public site's links. Phone
first: no web fonts, no script, one small stylesheet (``/static/public.css``)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from sop_runtime.i18n import current_lang, tr
from sop_runtime.service import publicsite
from sop_runtime.web.render import templates
from sop_runtime.wording import day_text

__all__ = ["LINKS", "asked_base", "public_page"]

# the public site's own links, in the footer of every public page: (path, Indonesian, English)
LINKS = [("/layanan", "Layanan", "Services"),
         ("/lacak", "Lacak permohonan", "Track a request"),
         ("/layanan/ikm", "Hasil survei kepuasan", "Satisfaction survey results"),
         ("/transparansi", "Segel log pelayanan", "Seals of the service log")]


def asked_base(request: Request) -> str:
    """The address the page was asked on (scheme, host and any prefix the app is mounted
    under), for :func:`sop_runtime.service.publicsite.public_address`."""
    return str(request.base_url)


def public_page(request: Request, template: str, *, title: str, status: int = 200,
                **context: Any) -> HTMLResponse:
    """``template`` (which extends ``public_base.html``) with the public frame's context:
    ``court`` (a :class:`~sop_runtime.service.publicsite.PublicFace`), ``links``, ``lang``,
    ``t`` (the language pair), ``day`` (a date in words) and ``here`` (for the language
    switch)."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return templates.TemplateResponse(request, template, status_code=status, context={
        "title": title, "court": publicsite.face(request.app.state.runtime),
        "links": [(path, tr(id_, en)) for path, id_, en in LINKS], "lang": current_lang(),
        "t": tr, "day": day_text, "here": here, "current": request.url.path, **context})
