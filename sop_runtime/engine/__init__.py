"""The pure core: commands, events, state as a fold of events, and ``decide``.

Nothing in this package does I/O, reads the clock or makes random ids.
"""

from sop_runtime.engine.actors import Delegation, DelegationKind, Directory, Grant
from sop_runtime.engine.commands import (
    CancelCase,
    ClaimStep,
    Command,
    CompleteStep,
    ExtendStep,
    ReassignStep,
    ReopenStep,
    SkipStep,
    StartCase,
    Sweep,
)
from sop_runtime.engine.decide import Context, decide
from sop_runtime.engine.events import (
    EVENT_TYPES,
    ActionRefused,
    CaseCancelled,
    CaseCompleted,
    CaseStarted,
    DeviationFlagged,
    DeviationKind,
    Event,
    StepActivated,
    StepClaimed,
    StepCompleted,
    StepExtended,
    StepReassigned,
    StepSkipped,
    TimerFired,
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

__all__ = [
    "EVENT_TYPES", "ActionRefused", "CancelCase", "CaseCancelled", "CaseCompleted",
    "CaseStarted", "CaseState", "CaseStatus", "ClaimStep", "Command", "CommandRejected",
    "CompleteStep", "Context", "Delegation", "DelegationKind", "DeviationFlagged",
    "DeviationKind", "Directory", "Event", "ExtendStep", "Grant", "InvalidTransition",
    "ReassignStep", "ReopenStep", "SkipStep", "StaleAction", "StartCase", "StepActivated",
    "StepClaimed", "StepCompleted", "StepExtended", "StepReassigned", "StepSkipped",
    "StepState", "StepStatus", "Sweep", "TimerFired", "apply", "decide", "fold", "from_record",
    "to_record",
]
