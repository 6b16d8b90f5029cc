"""A one-time message across a form's Post/Redirect/Get: the post that changed something
says what happened in a sentence, and the page the browser lands on shows it once (in the
frame's ``role="status"`` region), then forgets it.

The sentence rides in a short-lived cookie, signed with the session's own form token (a
secret only this session and the server know): a message planted from elsewhere, or one
left over from another session, is not shown. Nothing is stored server-side."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from sop_runtime.web.deps import Caller

COOKIE = "sop_pesan"
LONGEST = 1500  # characters of a message (a cookie holds about 4 KB)


def _sign(key: str, body: str) -> str:
    return hmac.new(key.encode(), body.encode(), hashlib.sha256).hexdigest()


def redirect(request: Request, caller: Caller, url: str, message: str) -> RedirectResponse:
    """A 303 to ``url`` carrying ``message`` for the next page ``caller`` sees."""
    response = RedirectResponse(url, status_code=303)
    if caller.csrf:
        text = message if len(message) <= LONGEST else message[:LONGEST - 1] + "…"
        body = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
        response.set_cookie(COOKIE, f"{body}.{_sign(caller.csrf, body)}", max_age=300,
                            path="/", httponly=True, samesite="lax",
                            secure=bool(request.app.state.secure_cookies))
    return response


def take(request: Request, caller: Caller | None) -> str | None:
    """The message waiting for ``caller``, if one was left by this session."""
    value = request.cookies.get(COOKIE)
    if not value or caller is None or not caller.csrf:
        return None
    body, _, signature = value.partition(".")
    if not hmac.compare_digest(signature.encode(), _sign(caller.csrf, body).encode()):
        return None
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


def keep(request: Request, caller: Caller, response: Response, name: str, value: str, *,
         path: str) -> None:
    """Hand ``value`` to the pages under ``path`` for the next five minutes, signed with the
    session's form token as the message is (e.g. the tracking code a start just gave, for
    printing its receipt without issuing another)."""
    if caller.csrf:
        body = base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")
        response.set_cookie(name, f"{body}.{_sign(caller.csrf, name + body)}", max_age=300,
                            path=path, httponly=True, samesite="strict",
                            secure=bool(request.app.state.secure_cookies))


def kept(request: Request, caller: Caller | None, name: str) -> str | None:
    """A value :func:`keep` handed to this session's pages, if it is still there."""
    value = request.cookies.get(name)
    if not value or caller is None or not caller.csrf:
        return None
    body, _, signature = value.partition(".")
    if not hmac.compare_digest(signature.encode(), _sign(caller.csrf, name + body).encode()):
        return None
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


def forget(request: Request, response: Response) -> None:
    """Shown once: the page that showed a message (or found a stale one) drops it."""
    if COOKIE in request.cookies:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax",
                               secure=bool(request.app.state.secure_cookies))
