"""The FastAPI application: an app factory, thin routes over :mod:`sop_runtime.service`, and
one exception handler that maps the product's errors to HTTP (JSON under /api, a page
elsewhere).

Two kinds of callers: integrations with API tokens on the JSON API (:mod:`.api`), people
signed in with a session cookie on the server-rendered pages (:mod:`.pages`). Both act under
the same rules as the CLI: a refused action is recorded on the case and answered 403.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from sop_runtime import __version__
from sop_runtime.errors import DefinitionError, NotFoundError, SopRuntimeError, kind_of
from sop_runtime.i18n import set_lang
from sop_runtime.service.runtime import Runtime
from sop_runtime.web import api, pages
from sop_runtime.web.deps import LANG_COOKIE, ApiError, SignInNeeded
from sop_runtime.web.flowchart import STYLE_SOURCES
from sop_runtime.web.inputs import form_size_problem, refuse_bad_input
from sop_runtime.web.ratelimit import SignInLimiter

STATIC = Path(__file__).parent / "static"


def create_app(runtime: Runtime | None = None, *, secure_cookies: bool = True) -> FastAPI:
    """The application over ``runtime`` (default: the store in SOP_DATABASE_URL).

    ``secure_cookies=False`` drops the cookies' Secure flag, for a trial over plain http on
    a machine other than this one (browsers accept Secure cookies from localhost)."""
    app = FastAPI(title="sop-runtime", version=__version__,
                  description="SOP pengadilan sebagai alur kerja / court SOPs as workflows",
                  dependencies=[Depends(refuse_bad_input)])
    app.state.runtime = runtime or Runtime.open()
    app.state.secure_cookies = secure_cookies
    app.state.sign_in_limiter = SignInLimiter()
    app.add_exception_handler(SopRuntimeError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.middleware("http")(_form_size)
    app.middleware("http")(_language)
    app.middleware("http")(_security_headers)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router())
    app.include_router(pages.router())
    return app


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
    response = await call_next(request)
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
    """Bahasa Indonesia unless the browser's language cookie (or an API caller's
    Accept-Language) asks for English."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen is None and request.url.path.startswith("/api"):
        chosen = request.headers.get("accept-language", "id")[:2]
    set_lang(chosen or "id")
    return await call_next(request)


def _status(exc: SopRuntimeError) -> int:
    if isinstance(exc, ApiError):
        return exc.status
    if isinstance(exc, DefinitionError):
        return 400
    kind = kind_of(exc)
    if kind == "not_found":  # an unknown name, or a command the rules reject as impossible
        return 404 if isinstance(exc, NotFoundError) else 422
    return {"refused": 403, "not_allowed": 403, "conflict": 409}.get(kind, 422)


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


async def _invalid(request: Request, exc: RequestValidationError) -> Response:
    """Input refused at the edge: FastAPI's JSON answer for the API, a page that says where
    and why for the pages."""
    if request.url.path.startswith("/api"):
        return await request_validation_exception_handler(request, exc)
    where = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or '-'}: {e.get('msg')}"
                      for e in exc.errors())
    return pages.error_page(request, 422, where)
