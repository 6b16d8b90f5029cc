"""The app's routes as (method, path) pairs, for the authorization matrices; and which of
them are the public site's (declared in :mod:`sop_runtime.web.public`: open to anyone by
design, walked by tests/web/test_public_access.py instead of the sign-in matrices)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web import public
from sop_runtime.web.app import create_app


def _routes() -> Iterable[Any]:
    app = create_app(Runtime(make_engine("sqlite://")))
    try:  # FastAPI 0.150+ keeps included routers whole; this walks through them
        from fastapi.routing import iter_route_contexts

        return list(iter_route_contexts(app.routes))
    except ImportError:  # older FastAPI: app.routes is flat
        return list(app.routes)


def _pairs(route: Any) -> set[tuple[str, str]]:
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return set()
    return {(method, path) for method in getattr(route, "methods", None) or ()
            if method != "HEAD"}


@cache
def _all() -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]]]:
    every: set[tuple[str, str]] = set()
    open_: set[tuple[str, str]] = set()
    for route in _routes():
        pairs = _pairs(route)
        every |= pairs
        endpoint = getattr(route, "endpoint", None)
        if getattr(endpoint, "__module__", "").startswith(public.PACKAGE + "."):
            open_ |= pairs
    return frozenset(every), frozenset(open_)


def app_routes() -> set[tuple[str, str]]:
    """(method, path) of every route of the app (HEAD left out)."""
    return set(_all()[0])


def public_routes() -> set[tuple[str, str]]:
    """(method, path) of the public site's routes: pages and JSON anyone may read."""
    return set(_all()[1])


def staff_routes() -> set[tuple[str, str]]:
    """Every route but the public site's: those behind a sign-in or an API token."""
    every, open_ = _all()
    return set(every - open_)
