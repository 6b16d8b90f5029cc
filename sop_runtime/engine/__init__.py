"""The pure core: commands, events, state as a fold of events, and ``decide``.

Nothing in this package does I/O, reads the clock or makes random ids.

The names are loaded on first use: importing one light module of the package (``actors``)
does not pull in ``decide`` and the compiler.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sop_runtime.engine.actors import Delegation, DelegationKind, Directory, Grant
    from sop_runtime.engine.checks import Context
    from sop_runtime.engine.commands import (
        CancelCase,
        ClaimStep,
        Command,
        CompleteStep,
        ExtendStep,
        MigrateCase,
        ReassignStep,
        ReopenStep,
        SkipStep,
        StartCase,
        Sweep,
    )
    from sop_runtime.engine.decision import decide
    from sop_runtime.engine.events import (
        EVENT_TYPES,
        ActionRefused,
        CaseCancelled,
        CaseCompleted,
        CaseMigrated,
        CaseStarted,
        DeviationFlagged,
        DeviationKind,
        DeviationWithdrawn,
        Event,
        LatenessSettled,
        StepActivated,
        StepClaimed,
        StepCompleted,
        StepExtended,
        StepReassigned,
        StepSigned,
        StepSkipped,
        StepWithdrawn,
        TimerFired,
        TimerWithdrawn,
        from_record,
        to_record,
    )
    from sop_runtime.engine.rejections import CommandRejected, StaleAction
    from sop_runtime.engine.state import (
        CaseState,
        CaseStatus,
        InvalidTransition,
        StepState,
        StepStatus,
        apply,
        fold,
    )

_WHERE = {
    "ActionRefused": "sop_runtime.engine.events",
    "CancelCase": "sop_runtime.engine.commands",
    "CaseCancelled": "sop_runtime.engine.events",
    "CaseCompleted": "sop_runtime.engine.events",
    "CaseMigrated": "sop_runtime.engine.events",
    "CaseStarted": "sop_runtime.engine.events",
    "CaseState": "sop_runtime.engine.state",
    "CaseStatus": "sop_runtime.engine.state",
    "ClaimStep": "sop_runtime.engine.commands",
    "Command": "sop_runtime.engine.commands",
    "CommandRejected": "sop_runtime.engine.rejections",
    "CompleteStep": "sop_runtime.engine.commands",
    "Context": "sop_runtime.engine.checks",
    "Delegation": "sop_runtime.engine.actors",
    "DelegationKind": "sop_runtime.engine.actors",
    "DeviationFlagged": "sop_runtime.engine.events",
    "DeviationKind": "sop_runtime.engine.events",
    "DeviationWithdrawn": "sop_runtime.engine.events",
    "Directory": "sop_runtime.engine.actors",
    "EVENT_TYPES": "sop_runtime.engine.events",
    "Event": "sop_runtime.engine.events",
    "ExtendStep": "sop_runtime.engine.commands",
    "Grant": "sop_runtime.engine.actors",
    "LatenessSettled": "sop_runtime.engine.events",
    "MigrateCase": "sop_runtime.engine.commands",
    "InvalidTransition": "sop_runtime.engine.state",
    "ReassignStep": "sop_runtime.engine.commands",
    "ReopenStep": "sop_runtime.engine.commands",
    "SkipStep": "sop_runtime.engine.commands",
    "StaleAction": "sop_runtime.engine.rejections",
    "StartCase": "sop_runtime.engine.commands",
    "StepActivated": "sop_runtime.engine.events",
    "StepClaimed": "sop_runtime.engine.events",
    "StepCompleted": "sop_runtime.engine.events",
    "StepExtended": "sop_runtime.engine.events",
    "StepReassigned": "sop_runtime.engine.events",
    "StepSigned": "sop_runtime.engine.events",
    "StepSkipped": "sop_runtime.engine.events",
    "StepState": "sop_runtime.engine.state",
    "StepWithdrawn": "sop_runtime.engine.events",
    "StepStatus": "sop_runtime.engine.state",
    "Sweep": "sop_runtime.engine.commands",
    "TimerFired": "sop_runtime.engine.events",
    "TimerWithdrawn": "sop_runtime.engine.events",
    "apply": "sop_runtime.engine.state",
    "decide": "sop_runtime.engine.decision",
    "fold": "sop_runtime.engine.state",
    "from_record": "sop_runtime.engine.events",
    "to_record": "sop_runtime.engine.events",
}

__all__ = [
    "EVENT_TYPES", "ActionRefused", "CancelCase", "CaseCancelled", "CaseCompleted",
    "CaseMigrated", "CaseStarted", "CaseState", "CaseStatus", "ClaimStep", "Command",
    "CommandRejected",
    "CompleteStep", "Context", "Delegation", "DelegationKind", "DeviationFlagged",
    "DeviationKind", "DeviationWithdrawn", "Directory", "Event", "ExtendStep", "Grant",
    "InvalidTransition", "LatenessSettled", "MigrateCase", "ReassignStep", "ReopenStep", "SkipStep",
    "StaleAction", "StartCase",
    "StepActivated", "StepClaimed", "StepCompleted", "StepExtended", "StepReassigned",
    "StepSigned", "StepSkipped", "StepState", "StepStatus", "StepWithdrawn", "Sweep",
    "TimerFired", "TimerWithdrawn", "apply", "decide", "fold", "from_record", "to_record",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
