"""Errors raised by sop-runtime.

Hierarchy::

    SopRuntimeError                 root: every error the product raises on purpose
    ├── DefinitionError             a definition (or the court file) cannot be used;
    │                               carries every Problem found, with file:line:col
    ├── NotFoundError               a named SOP, file or object does not exist
    └── Damaged                     a stored record no longer matches what it was sealed
                                    or hashed as (tampering or damage): run ``sop verify``

Interfaces catch ``SopRuntimeError`` and print its message; anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sop_runtime.problems import Problem


class SopRuntimeError(Exception):
    """Root of the errors sop-runtime raises on purpose."""


class DefinitionError(SopRuntimeError):
    """One or more problems make a definition unusable."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = tuple(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


class NotFoundError(SopRuntimeError):
    """A named SOP, file or object does not exist."""


class Damaged(SopRuntimeError):
    """A stored record no longer matches its hash (edited or damaged outside the product):
    nothing may be decided from it."""


def loaded_instance(exc: BaseException, module: str, name: str) -> bool:
    """Whether ``exc`` is a ``module.name`` (without importing ``module`` if nothing did)."""
    import sys

    loaded = sys.modules.get(module)
    cls = getattr(loaded, name, None) if loaded is not None else None
    return isinstance(cls, type) and isinstance(exc, cls)


def kind_of(exc: SopRuntimeError) -> str:
    """What an error the product raised means for whoever asked, whatever the interface:
    ``refused`` (the procedure refused it; the attempt is recorded), ``conflict`` (the case
    moved meanwhile: reload), ``not_found`` (an unknown name, or a command the rules reject
    as impossible), ``not_allowed`` (not this user's to do; nothing recorded), ``damaged``
    (a stored record was edited or damaged outside the product), ``problem``."""
    if isinstance(exc, Damaged):
        return "damaged"
    if loaded_instance(exc, "sop_runtime.service.cases", "Refused"):
        return "refused"
    if (loaded_instance(exc, "sop_runtime.store.errors", "ConcurrencyConflict")
            or loaded_instance(exc, "sop_runtime.engine.rejections", "StaleAction")):
        return "conflict"
    if loaded_instance(exc, "sop_runtime.service.people", "NotAllowed"):
        return "not_allowed"
    if (isinstance(exc, NotFoundError)
            or loaded_instance(exc, "sop_runtime.engine.rejections", "CommandRejected")
            or loaded_instance(exc, "sop_runtime.service.ready", "NotInitialised")):
        return "not_found"
    return "problem"
