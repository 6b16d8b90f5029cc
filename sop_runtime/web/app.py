"""The FastAPI application: an app factory, thin routes over :mod:`sop_runtime.service`, and
one exception handler that maps the product's errors to HTTP (JSON under /api, a page
elsewhere).

Two kinds of callers: integrations with API tokens on the JSON API (:mod:`.api`), people
signed in with a session cookie on the server-rendered pages (:mod:`.pages`); and the public
site (:mod:`.public`), which anyone may read without signing in. The first two act under
the same rules as the CLI: a refused action is recorded on the case and answered 403.
"""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from sop_runtime import __version__
from sop_runtime.errors import DefinitionError, NotFoundError, SopRuntimeError, kind_of
from sop_runtime.i18n import current_lang, set_lang, tr
from sop_runtime.service.runtime import Runtime
from sop_runtime.web import api, pages, public
from sop_runtime.web.deps import LANG_COOKIE, ApiError, SignInNeeded
from sop_runtime.web.flowchart import STYLE_SOURCES
from sop_runtime.web.request_checks import form_size_problem, refuse_bad_input

STATIC = Path(__file__).parent / "static"


def create_app(runtime: Runtime | None = None, *, secure_cookies: bool = True) -> FastAPI:
    """The application over ``runtime`` (default: the store in SOP_DATABASE_URL).

    ``secure_cookies=False`` drops the cookies' Secure flag, for a trial over plain http on
    a machine other than this one (browsers accept Secure cookies from localhost)."""
    app = FastAPI(title="sop-runtime", version=__version__,
                  description="SOP pengadilan sebagai alur kerja / court SOPs as workflows")
    app.state.runtime = runtime or Runtime.open()
    app.state.secure_cookies = secure_cookies
    app.add_exception_handler(SopRuntimeError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _internal)
    app.middleware("http")(_form_size)
    app.middleware("http")(_language)
    app.middleware("http")(_security_headers)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.router.routes.extend(_routes().routes)
    return app


@cache
def _routes() -> APIRouter:
    """Every route of the app, each refusing bad input first, built once per process.

    A route holds no state of its app (it reaches the runtime through ``request.app``), so the
    apps of one process share them; analysing each route's parameters, three times over for
    nested routers, was most of what making an app cost."""
    routes = APIRouter(dependencies=[Depends(refuse_bad_input)])
    routes.include_router(api.router())
    routes.include_router(pages.router())
    routes.include_router(public.router())
    return routes


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
# the interactive API docs (/docs) load Swagger UI from a CDN; everything else is ours only
CSP = ("default-src 'self'; img-src 'self' data:; "
       f"style-src 'self' {' '.join(STYLE_SOURCES)}; frame-ancestors 'none'; "
       "base-uri 'none'; form-action 'self'")


async def _security_headers(request: Request, call_next: Any) -> Any:
    return _secured(request, await call_next(request))


def _secured(request: Request, response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    if not request.url.path.startswith(("/docs", "/redoc")):
        # a standalone document (an SOP sheet, a printable report) sets its own: its inline
        # styles allowed, nothing else (no script, no fetch, no form)
        response.headers.setdefault("Content-Security-Policy", CSP)
    if request.url.scheme == "https":
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if not request.url.path.startswith("/static"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


async def _form_size(request: Request, call_next: Any) -> Any:
    """A page's form too large, or of an unannounced size, is answered before it is read."""
    problem = form_size_problem(request)
    if problem is not None:
        return await _domain_error(request, problem)
    return await call_next(request)


async def _language(request: Request, call_next: Any) -> Any:
    _choose_language(request)
    return await call_next(request)


def _choose_language(request: Request) -> None:
    """Bahasa Indonesia unless the browser's language cookie (or an API caller's
    Accept-Language) asks for English."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen is None and request.url.path.startswith("/api"):
        chosen = request.headers.get("accept-language", "id")[:2]
    set_lang(chosen or "id")


def _status(exc: SopRuntimeError) -> int:
    if isinstance(exc, ApiError):
        return exc.status
    if isinstance(exc, DefinitionError):
        return 400
    kind = kind_of(exc)
    if kind == "not_found":  # an unknown name, or a command the rules reject as impossible
        return 404 if isinstance(exc, NotFoundError) else 422
    return {"refused": 403, "not_allowed": 403, "conflict": 409, "damaged": 500}.get(kind, 422)


async def _domain_error(request: Request, exc: SopRuntimeError) -> Response:
    if request.url.path.startswith("/api"):
        return JSONResponse(status_code=_status(exc), content={"detail": str(exc)})
    if isinstance(exc, SignInNeeded):
        from urllib.parse import quote

        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/masuk?lanjut={quote(target, safe='')}", status_code=303)
    case_id = getattr(exc, "case_id", None)
    return pages.error_page(request, _status(exc), str(exc),
                            case=case_id if isinstance(case_id, str) else None)


_HTTP_WORDS = {
    404: ("Halaman ini tidak ada. Periksa alamatnya, atau mulai dari halaman depan.",
          "There is no such page. Check the address, or start from the front page."),
    405: ("Halaman ini tidak menerima permintaan seperti itu.",
          "This page does not take that kind of request."),
}


async def _http_error(request: Request, exc: HTTPException) -> Response:
    """An address the app has no route for (or a method a route does not take): FastAPI's
    JSON answer for the API, a page in the reader's language elsewhere (a person who mistypes
    an address, or follows an old link, reads a sentence, not ``{"detail": ...}``)."""
    if request.url.path.startswith("/api") or exc.status_code not in _HTTP_WORDS:
        from fastapi.exception_handlers import http_exception_handler

        return await http_exception_handler(request, exc)
    response = pages.error_page(request, exc.status_code, tr(*_HTTP_WORDS[exc.status_code]))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _invalid(request: Request, exc: RequestValidationError) -> Response:
    """Input refused at the edge: FastAPI's JSON answer for the API, a page that says where
    and why for the pages."""
    if request.url.path.startswith("/api"):
        return await request_validation_exception_handler(request, exc)
    where = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or '-'}: {e.get('msg')}"
                      for e in exc.errors())
    return pages.error_page(request, 422, where)


_INTERNAL_PAGE = ('<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
                  '<meta name="viewport" content="width=device-width, initial-scale=1">'
                  '<title>{title} · sop-runtime</title>'
                  '<link rel="stylesheet" href="/static/app.css"></head><body>'
                  '<main id="isi"><h1>{title}</h1><p class="error" role="alert" '
                  'data-status="500">{message}</p><p><a href="/">{back}</a></p></main>'
                  "</body></html>")


async def _internal(request: Request, exc: Exception) -> Response:
    """An unexpected failure: a short answer without the traceback or any internal path,
    under the same security headers as every other answer (the server's error middleware
    answers outside the app's own middleware). The failure is raised on after this answer,
    so the server still logs it with its traceback."""
    _choose_language(request)  # this runs outside the language middleware's context
    message = tr("Terjadi kesalahan internal; kejadian ini tercatat di log server. Coba "
                 "lagi, atau laporkan waktunya kepada pengelola aplikasi.",
                 "An internal error occurred; it is recorded in the server's log. Try "
                 "again, or report the time to the application's administrator.")
    if request.url.path.startswith("/api"):
        response: Response = JSONResponse(status_code=500, content={"detail": message})
    else:
        response = HTMLResponse(status_code=500, content=_INTERNAL_PAGE.format(
            lang=current_lang(), title=escape(tr("Kesalahan internal", "Internal error")),
            message=escape(message), back=escape(tr("Ke halaman depan", "To the front page"))))
    return _secured(request, response)
