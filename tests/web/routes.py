"""The app's routes as (method, path) pairs, for the authorization matrices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app


def app_routes() -> set[tuple[str, str]]:
    """(method, path) of every route of the app (HEAD left out)."""
    app = create_app(Runtime(make_engine("sqlite://")))
    try:  # FastAPI 0.150+ keeps included routers whole; this walks through them
        from fastapi.routing import iter_route_contexts

        routes: Iterable[Any] = iter_route_contexts(app.routes)
    except ImportError:  # older FastAPI: app.routes is flat
        routes = app.routes
    return {(method, path) for route in routes
            if isinstance(path := getattr(route, "path", None), str)
            for method in getattr(route, "methods", None) or () if method != "HEAD"}
