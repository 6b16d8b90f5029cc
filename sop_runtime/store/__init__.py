"""The case record: SQLAlchemy Core schema (Alembic migrations), the hash-chained event
log with optimistic concurrency, projections and their queries, definitions and the
directory of who may act.

No function here commits: the caller passes a ``Connection`` inside a transaction it owns
(``engine.begin()``, or :func:`begin_write` for a transaction that will write).
"""

from sop_runtime.store.chain import GENESIS, Break, VerifyReport, event_hash, verify
from sop_runtime.store.counters import next_case_number
from sop_runtime.store.db import begin_write, database_url, make_engine, masked
from sop_runtime.store.directory import (
    DelegationRow,
    RoleRow,
    UserRow,
    add_delegation,
    delegations,
    list_users,
    load_directory,
    roles,
    save_roles,
    save_users,
    user,
)
from sop_runtime.store.errors import (
    ConcurrencyConflict,
    DatabaseUnavailable,
    StoreError,
    is_conflict,
)
from sop_runtime.store.events import Record, StoredEvent, append, head, load
from sop_runtime.store.migrate import current_revision, migrate
from sop_runtime.store.projections import (
    CaseRow,
    DeviationRow,
    OpenStepRow,
    add_deviations,
    clear_projections,
    save_case,
)
from sop_runtime.store.queries import (
    OpenStep,
    case_row,
    cases,
    deviations,
    overdue,
    sweep_candidates,
    worklist,
)
from sop_runtime.store.workflows import (
    SopEntry,
    current_version,
    list_sops,
    save_workflow,
    set_current,
    workflow_source,
)

__all__ = [
    "GENESIS", "Break", "CaseRow", "ConcurrencyConflict", "DatabaseUnavailable",
    "DelegationRow", "DeviationRow", "OpenStep", "OpenStepRow", "Record", "RoleRow",
    "SopEntry", "StoreError", "StoredEvent", "UserRow", "VerifyReport", "add_delegation",
    "add_deviations", "append", "begin_write", "case_row", "cases", "clear_projections",
    "current_revision", "current_version", "database_url", "delegations", "deviations",
    "event_hash", "head", "is_conflict", "list_sops", "list_users", "load", "load_directory",
    "make_engine", "masked", "migrate", "next_case_number", "overdue", "roles", "save_case",
    "save_roles", "save_users", "save_workflow", "set_current", "sweep_candidates", "user",
    "verify",
    "workflow_source", "worklist",
]
