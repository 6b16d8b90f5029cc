"""What every form post goes through: the signed-in session, its CSRF token (a hidden
``csrf`` field matched in constant time) and a request from this same site (its Origin, or
its Referer when the browser sends no Origin); what every page request goes through: no NUL
character anywhere in it; and the safe reading of a ``lanjut`` (next) path."""

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


async def no_nul(request: Request) -> None:
    """Refuse a page request with a NUL character in its path, its query or a form field,
    naming where: nobody types one, and PostgreSQL keeps none in text (a lookup or a write
    with one failed inside the database). The API's own patterns refuse them there."""
    where = "path" if "\x00" in request.scope.get("path", "") else next(
        (k for k, v in request.query_params.multi_items() if "\x00" in k + v), None)
    if where is None and request.method == "POST" and request.headers.get(
            "content-type", "").startswith(("application/x-www-form-urlencoded",
                                            "multipart/form-data")):
        form = await request.form()
        where = next((k for k, v in form.multi_items()
                      if "\x00" in k or (isinstance(v, str) and "\x00" in v)), None)
    if where is not None:
        raise ApiError(422, tr("{w}: karakter NUL (\\0) tidak diterima",
                               "{w}: a NUL character (\\0) is not accepted",
                               w=where.replace("\x00", "\\0")))


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
