"""The SOPs' names and workflows as the pages need them (cached by the catalog)."""

from __future__ import annotations

from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import workflows


def sop_names(rt: Runtime) -> dict[str, str]:
    """SOP id -> its current name."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        return {s.sop_id: s.nama for s in workflows.list_sops(conn)}
