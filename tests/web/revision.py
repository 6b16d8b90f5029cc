"""A revision of an SOP stored beside its version in force (as ``sop init`` keeps an older
one), for the tests that move a case to another version."""

from __future__ import annotations

from sop_runtime.compiler.library import compile_source
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import workflows


def store_revision(rt: Runtime, sop: str) -> str:
    """A copy of ``sop``'s version in force with its peringatan reworded, stored and in force
    (as approved; cases move only to such a version); its version. The steps are the same:
    every case can move."""
    with rt.engine.begin() as conn:
        version = workflows.current_version(conn, sop)
        assert version is not None
        source = workflows.workflow_source(conn, version)
        assert source is not None and "  peringatan:" in source
        revised = source.replace("  peringatan: ", "  peringatan: Direvisi. ", 1)
        known = {s.sop_id for s in workflows.list_sops(conn)}
        result = compile_source(revised, f"{sop}.yaml", known_sops=known)
        assert result.workflow is not None, result.problems
        wf = result.workflow
        assert wf.version != version
        workflows.save_workflow(conn, wf.version, sop, wf.nama, revised, f"{sop}.yaml")
        workflows.add_approval(conn, workflows.Approval(sop, wf.version, None, None, None,
                                                        None))
    return wf.version
