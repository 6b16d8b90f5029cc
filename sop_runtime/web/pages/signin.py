"""Sign-in and sign-out, the language switch, and the front door.

The session cookie is random (its SHA-256 is stored), HttpOnly, SameSite=Lax and Secure
(browsers accept Secure cookies from localhost). The sign-in form itself carries a token
matched against a short-lived cookie (no session exists yet), and like every form is
refused from another site. Failed sign-ins are limited per client address and username, per
username and per address, in the store (:mod:`sop_runtime.service.signin`)."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sop_runtime.i18n import tr
from sop_runtime.service import access, auth, signin
from sop_runtime.service.access import Permission
from sop_runtime.web.deps import LANG_COOKIE, SESSION_COOKIE, Caller, Rt, optional_session
from sop_runtime.web.forms import checked, safe_next, same_site
from sop_runtime.web.render import page

router = APIRouter()

FORM_COOKIE = "sop_masuk"


def _cookie(request: Request, response: Response, name: str, value: str, *,
            max_age: int | None = None, http_only: bool = True) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=http_only,
                        samesite="lax", secure=bool(request.app.state.secure_cookies))


def landing(caller: Caller) -> str:
    """Where a person's work is: the Panitera (and anyone who supervises) on supervision, the
    Hakim Pengawas Bidang (who examines, and does no override) on audit, a clerk on the
    worklist, anyone else on the SOP library."""
    if caller.may(Permission.SUPERVISE):
        return "/pengawasan"
    if caller.may(Permission.AUDIT):
        return "/audit"
    if caller.may(Permission.WORK):
        return "/tugas"
    return "/sop"


@router.get("/")
def home(caller: Annotated[Caller | None, Depends(optional_session)]) -> RedirectResponse:
    if caller is None:
        return RedirectResponse("/masuk", status_code=303)
    return RedirectResponse(landing(caller), status_code=303)


def _form(request: Request, *, status: int = 200, error: str | None = None,
          username: str | None = None, next_path: str = "/") -> HTMLResponse:
    token = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)
    response = page(request, "signin.html", caller=None, title=tr("Masuk", "Sign in"),
                    status=status, error=error, username=username, form_token=token,
                    next_path=next_path)
    _cookie(request, response, FORM_COOKIE, token, max_age=3600)
    return response


@router.get("/masuk")
def sign_in_form(request: Request, lanjut: str = "/") -> HTMLResponse:
    return _form(request, next_path=safe_next(lanjut))


@router.post("/masuk")
def sign_in(request: Request, rt: Rt, username: Annotated[str, Form(max_length=64)],
            password: Annotated[str, Form(max_length=256)],
            csrf: Annotated[str, Form(max_length=128)] = "",
            lanjut: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    next_path = safe_next(lanjut)
    expected = request.cookies.get(FORM_COOKIE, "")
    if not same_site(request):
        return _form(request, status=403, username=username, next_path=next_path,
                     error=tr("Asal permintaan bukan situs ini", "Cross-site request"))
    if not expected or not hmac.compare_digest(csrf.encode(), expected.encode()):
        return _form(request, status=403, username=username, next_path=next_path, error=tr(
            "Formulir kedaluwarsa; silakan coba lagi", "The form expired; please try again"))
    address = request.client.host if request.client else "-"
    try:
        started = signin.sign_in(rt, address, username, password)
    except signin.TooManyTries as refused:
        answer = _form(request, status=429, username=username, next_path=next_path,
                       error=str(refused))
        answer.headers["Retry-After"] = str(refused.retry_after)
        return answer
    if started is None:
        return _form(request, status=401, username=username, next_path=next_path, error=tr(
            "Nama pengguna atau kata sandi salah", "Wrong username or password"))
    cookie, opened = started
    if next_path == "/":  # no page asked for: where this person's work is
        next_path = landing(Caller(opened.username, access.permissions(rt, opened.username)))
    response = RedirectResponse(next_path, status_code=303)
    _cookie(request, response, SESSION_COOKIE, cookie, max_age=auth.SESSION_HOURS * 3600)
    response.delete_cookie(FORM_COOKIE, path="/")
    return response


@router.post("/keluar")
def sign_out(request: Request, rt: Rt, caller: Annotated[Caller, checked()]) -> Response:
    auth.sign_out(rt, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/masuk", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/bahasa/{lang}")
def language(request: Request, lang: str, lanjut: str = "/") -> Response:
    """Switch the pages' language (a preference cookie only)."""
    response = RedirectResponse(safe_next(lanjut), status_code=303)
    _cookie(request, response, LANG_COOKIE, "en" if lang == "en" else "id",
            max_age=365 * 86400)
    return response
