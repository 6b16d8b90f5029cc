"""Commands the engine rejects outright: nothing is recorded, the user is told why.

Hierarchy (below :class:`sop_runtime.errors.SopRuntimeError`)::

    CommandRejected        bad input or an impossible action (unknown step, a time in the
    │                      future, a decision that is not one of the step's labels...)
    └── StaleAction        the case moved on since the user looked (the step is already
                           done): reload and look again

A breach of the procedure (wrong actor, missing output...) is not a rejection: it is a
deviation, refused and recorded (``block``) or accepted and flagged (``record``).
"""

from __future__ import annotations

from typing import ClassVar

from sop_runtime.errors import Kind, SopRuntimeError
from sop_runtime.i18n import tr


class CommandRejected(SopRuntimeError):
    """A command the rules reject as impossible (answered as an unknown name would be)."""

    kind: ClassVar[Kind] = "not_found"

    def __init__(self, code: str, id_text: str, en_text: str, **params: object) -> None:
        self.code = code
        self.id_text = id_text
        self.en_text = en_text
        self.params = params
        super().__init__(code)

    def __str__(self) -> str:
        return tr(self.id_text, self.en_text, **self.params)


class StaleAction(CommandRejected):
    """The case changed since the user looked at it."""

    kind: ClassVar[Kind] = "conflict"
