"""Automated SOP steps: what the system does at a step whose pelaksana is a ``sistem`` role.

A definition names the step's action as ``aksi: package.module:function``. The function
takes an :class:`ActionContext` (the case's values so far, the court, the time, a register
of numbers, a folder for documents) and returns the step's outputs by item id. It must not
touch the case record: the caller records the outputs through the service layer, once per
step attempt, however often the action itself ran.

The court extends the registry by writing a module of its own and naming it in ``aksi``;
the actions sop-runtime ships are in :mod:`sop_runtime.actions.builtin` and are re-exported
here, so a definition names them ``sop_runtime.actions:nomor_perkara``. The panjar actions
(``taksiran_panjar``, ``e_skum``) read the court's fee table (:mod:`sop_runtime.actions.panjar`)
and write the e-SKUM PDF (:mod:`sop_runtime.actions.skum`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sop_runtime.definition.court import CourtFile
from sop_runtime.errors import SopRuntimeError
from sop_runtime.i18n import tr


class ActionError(SopRuntimeError):
    """An automated step's action failed (its message is shown on the case)."""


class Register(Protocol):
    def __call__(self, name: str) -> int:
        """The next number of the register ``name`` (1 for the first); taken in the
        transaction that records the step, so a failed attempt gives it back."""


class Attach(Protocol):
    def __call__(self, item: str, name: str, data: bytes) -> None:
        """Record ``data`` (named ``name``) as the document of the step's output ``item``."""


@dataclass(frozen=True)
class ActionContext:
    case_id: str
    sop_id: str
    node: str
    attempt: int
    values: Mapping[str, str]      # the case's fields and every output so far, by item id
    court: CourtFile
    now: datetime                  # in the court's time zone
    register: Register
    documents: Path                # where the action writes documents it produces
    logo: str | None = None        # the court's logo (a data: URI) for a document's kop surat
    # keeps a file the action made as the recorded document of one of the step's ``dokumen``
    # outputs: (item id, the file's name, its bytes); None where nothing records it
    attach: Attach | None = None


Action = Callable[[ActionContext], Mapping[str, str]]


def resolve(spec: str) -> Action:
    """The function ``package.module:function`` names; an ActionError says what is wrong."""
    module_name, _, name = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ActionError(tr("aksi {a}: modul tidak dapat dimuat ({e})",
                             "action {a}: the module cannot be loaded ({e})", a=spec,
                             e=exc)) from None
    found = getattr(module, name, None)
    if not callable(found):
        raise ActionError(tr("aksi {a}: {m} tidak mempunyai fungsi {f}",
                             "action {a}: {m} has no function {f}", a=spec, m=module_name,
                             f=name))
    action: Action = found
    return action


from sop_runtime.actions.builtin import (  # noqa: E402  (the shipped actions)
    e_skum,
    nomor_perkara,
    taksiran_panjar,
)

__all__ = ["Action", "ActionContext", "ActionError", "Register", "e_skum", "nomor_perkara",
           "resolve", "taksiran_panjar"]
