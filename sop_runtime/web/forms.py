"""What every form post goes through: the signed-in session, its CSRF token (a hidden
``csrf`` field matched in constant time) and a request from this same site (its Origin, or
its Referer when the browser sends no Origin); and the safe reading of a ``lanjut`` (next)
path. (What every request's text goes through is :mod:`sop_runtime.web.request_checks`.)"""

# no "from __future__ import annotations": FastAPI reads the closures' annotations, which
# name local variables (the permission asked for)


import hmac
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Form, Request

from sop_runtime.i18n import tr
from sop_runtime.service.access import Permission
from sop_runtime.web.deps import ApiError, Caller, signed_in


def safe_next(path: str) -> str:
    """A local path to go on to after a form (never another site). A browser drops tabs
    and newlines from a URL and reads a backslash as a slash, so ``/<tab>/evil.example``
    would be ``//evil.example``: a path with a control character or a backslash is no
    local path either."""
    if (not path.startswith("/") or path.startswith("//") or "\\" in path
            or any(ord(c) < 0x20 or ord(c) == 0x7F for c in path)):
        return "/"
    return path


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_site(request: Request) -> bool:
    """Whether a form post comes from this site: the Origin the browser sends, or its
    Referer when it sends no Origin, names this site. A post with neither is let through
    (the form token still decides)."""
    here = _origin(str(request.base_url))
    origin = request.headers.get("origin")
    if origin is not None:
        return origin.strip().rstrip("/").lower() == here
    referer = request.headers.get("referer")
    return referer is None or _origin(referer.strip()) == here


def cross_site() -> ApiError:
    return ApiError(403, tr("Asal permintaan bukan situs ini", "Cross-site request"))


def checked(permission: Permission | None = None) -> object:
    """A dependency for form posts: the session's caller holding ``permission``, with the
    session's CSRF token in the form."""

    def check(request: Request, caller: Annotated[Caller, signed_in(permission)],
              csrf: Annotated[str, Form(max_length=128)] = "") -> Caller:
        if not same_site(request):
            raise cross_site()
        if not caller.csrf or not hmac.compare_digest(csrf.encode(), caller.csrf.encode()):
            raise ApiError(403, tr("Token formulir tidak cocok; muat ulang halaman dan coba "
                                   "lagi", "Form token mismatch; reload the page and try "
                                   "again"))
        return caller

    return Depends(check)
