"""The public site: pages anyone may read without signing in (the court's services and
their standar pelayanan, tracking a request, the survey's results), and their JSON twins.

Every module of this package that defines ``router`` (pages, left out of the OpenAPI
description like the staff pages) or ``api`` (JSON under ``/api``, described) is part of
it, found by :func:`modules`: a public page is public because it lives here, and the tests'
route matrices treat it so (``tests/web/routes.py``). Each page draws its frame with
:func:`sop_runtime.web.public.frame.public_page` over ``public_base.html``; none asks who is
signed in, and none shows a staff member's name, NIP, username or an internal note.

Routes with a fixed path come before those with a parameter (``/layanan/ikm`` before
``/layanan/{sop_id}``), whichever module declares them."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from fastapi import APIRouter
from fastapi.routing import APIRoute

__all__ = ["PACKAGE", "modules", "router"]

PACKAGE = __name__


def modules() -> list[ModuleType]:
    """The package's modules that declare routes (``router`` or ``api``), by name."""
    found = [importlib.import_module(f"{PACKAGE}.{info.name}")
             for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)]
    return [m for m in found if hasattr(m, "router") or hasattr(m, "api")]


def router() -> APIRouter:
    public = APIRouter()
    for module in modules():
        if hasattr(module, "router"):
            public.include_router(module.router, include_in_schema=False)
        if hasattr(module, "api"):
            public.include_router(module.api)
    # a fixed path first: a parameter's route would take it for a value
    public.routes.sort(key=lambda r: isinstance(r, APIRoute) and "{" in r.path)
    return public
