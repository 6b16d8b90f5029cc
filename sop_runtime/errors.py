"""Errors raised by sop-runtime.

Hierarchy::

    SopRuntimeError                 root: every error the product raises on purpose
    ├── DefinitionError             a definition (or the court file) cannot be used;
    │                               carries every Problem found, with file:line:col
    └── NotFoundError               a named SOP, file or object does not exist

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
