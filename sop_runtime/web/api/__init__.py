"""The JSON API under /api, for integrations (e-Court, SIPP exports, a court's own tools) and
for every act the CLI offers a court user; authenticated by API tokens (``Authorization:
Bearer sop_...``, issued with ``sop token create``). Every write acts as the token's user
under the same rules as the CLI: a refused action is recorded on the case and answered 403.

Routes by concern: :mod:`.cases` (worklist, a case, its steps), :mod:`.supervise` (overdue,
deviations, sweep, users, delegations), :mod:`.audit` (verify, export, seals, reports),
:mod:`.library` (the SOPs), :mod:`.conformance` (an imported log), :mod:`.documents` (a
step completed with files, a case's document downloaded). Each route asks for the
permission it needs (:mod:`sop_runtime.service.access`) through a typed dependency."""

from __future__ import annotations

from fastapi import APIRouter

from sop_runtime import __version__
from sop_runtime.web.api import audit, cases, conformance, documents, library, supervise
from sop_runtime.web.api.schemas import Health

__all__ = ["router"]


def router() -> APIRouter:
    """The JSON API under /api."""
    api = APIRouter(prefix="/api")

    @api.get("/health", tags=["sistem / system"], summary="Kesehatan layanan / liveness")
    def health() -> Health:
        """Tanpa token: layanan hidup, dan versinya / no token: the service is up, and its
        version."""
        return Health(status="ok", version=__version__)

    for part in (cases, documents, supervise, audit, library, conformance):
        api.include_router(part.router())
    return api
