"""What every form post goes through: the signed-in session, its CSRF token (a hidden
``csrf`` field matched in constant time) and, when the browser sends one, an Origin of this
same site; and the safe reading of a ``lanjut`` (next) path."""

# no "from __future__ import annotations": FastAPI reads the closures' annotations, which
# name local variables (the permission asked for)


import hmac
from typing import Annotated

from fastapi import Depends, Form, Request

from sop_runtime.i18n import tr
from sop_runtime.service.access import Permission
from sop_runtime.web.deps import ApiError, Caller, signed_in


def safe_next(path: str) -> str:
    """A local path to go on to after a form (never another site)."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def checked(permission: Permission | None = None) -> object:
    """A dependency for form posts: the session's caller holding ``permission``, with the
    session's CSRF token in the form."""

    def check(request: Request, caller: Annotated[Caller, signed_in(permission)],
              csrf: Annotated[str, Form(max_length=128)] = "") -> Caller:
        origin = request.headers.get("origin")
        if origin is not None and origin.rstrip("/") != str(request.base_url).rstrip("/"):
            raise ApiError(403, tr("Asal permintaan bukan situs ini", "Cross-site request"))
        if not caller.csrf or not hmac.compare_digest(csrf.encode(), caller.csrf.encode()):
            raise ApiError(403, tr("Token formulir tidak cocok; muat ulang halaman dan coba "
                                   "lagi", "Form token mismatch; reload the page and try "
                                   "again"))
        return caller

    return Depends(check)
