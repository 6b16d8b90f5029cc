"""Who is asking, for every route: an API token (``Authorization: Bearer sop_...``) for the
JSON API, a signed-in session (cookie) for the pages; and what they may do
(:mod:`sop_runtime.service.access`). Typed dependencies keep the routes thin."""

# no "from __future__ import annotations": FastAPI reads the closures' annotations, which
# name local variables (the permission asked for)


from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sop_runtime.errors import SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service import access, auth
from sop_runtime.service.access import Permission
from sop_runtime.service.confidential import Reader
from sop_runtime.service.runtime import Runtime

SESSION_COOKIE = "sop_sesi"
LANG_COOKIE = "sop_bahasa"

_bearer = HTTPBearer(auto_error=False)


class ApiError(SopRuntimeError):
    """An answer decided by the web layer itself (not signed in, not permitted ...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class SignInNeeded(ApiError):
    """A page asked without a live session: the browser is sent to the sign-in page."""

    def __init__(self) -> None:
        super().__init__(401, tr("Silakan masuk terlebih dahulu", "Please sign in first"))


def _rt(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


Rt = Annotated[Runtime, Depends(_rt)]


@dataclass(frozen=True)
class Caller:
    username: str
    permissions: frozenset[Permission]
    csrf: str | None = None  # a session's form token (None for an API token)

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def reader(self) -> Reader:
        """Who reads, for the journal of confidential reads: a page's or the API's user."""
        return Reader(self.username, "halaman" if self.csrf is not None else "api")


def _token_caller(rt: Rt, credentials: Annotated[HTTPAuthorizationCredentials | None,
                                                 Depends(_bearer)]) -> Caller:
    if credentials is None:
        raise ApiError(401, tr("Perlu token API (Authorization: Bearer ...)",
                               "An API token is needed (Authorization: Bearer ...)"))
    username = auth.token_user(rt, credentials.credentials)
    if username is None:
        raise ApiError(401, tr("Token API tidak dikenal atau sudah dicabut",
                               "Unknown or revoked API token"))
    return Caller(username, access.permissions(rt, username))


def _session_caller(request: Request, rt: Rt) -> Caller:
    cookie = request.cookies.get(SESSION_COOKIE)
    found = auth.session(rt, cookie) if cookie else None
    if found is None:
        raise SignInNeeded()
    return Caller(found.username, access.permissions(rt, found.username), found.csrf)


def optional_session(request: Request, rt: Rt) -> Caller | None:
    try:
        return _session_caller(request, rt)
    except SignInNeeded:
        return None


def _gate(base: Callable[..., Caller], permission: Permission | None) -> object:
    def check(caller: Annotated[Caller, Depends(base)], rt: Rt) -> Caller:
        if permission is not None and not caller.may(permission):
            raise ApiError(403, access.refusal(rt, caller.username, permission))
        return caller
    return Depends(check)


def token(permission: Permission | None = None) -> object:
    """A dependency: the API token's caller, who must hold ``permission``."""
    return _gate(_token_caller, permission)


def signed_in(permission: Permission | None = None) -> object:
    """A dependency: the session's caller, who must hold ``permission``."""
    return _gate(_session_caller, permission)


# the API's callers
ApiUser = Annotated[Caller, token(Permission.WORK)]
ApiReader = Annotated[Caller, token(Permission.VIEW_CASE)]
ApiSupervisor = Annotated[Caller, token(Permission.SUPERVISE)]
ApiAuditor = Annotated[Caller, token(Permission.AUDIT)]
