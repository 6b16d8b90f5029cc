"""The pure core: events, state as a fold of events (and, next, commands and ``decide``).

Nothing in this package does I/O, reads the clock or makes random ids.
"""

from sop_runtime.engine.events import (
    EVENT_TYPES,
    ActionRefused,
    CaseCompleted,
    CaseStarted,
    DeviationFlagged,
    DeviationKind,
    Event,
    StepActivated,
    StepClaimed,
    StepCompleted,
)
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
    "EVENT_TYPES", "ActionRefused", "CaseCompleted", "CaseStarted", "CaseState", "CaseStatus",
    "DeviationFlagged", "DeviationKind", "Event", "InvalidTransition", "StepActivated",
    "StepClaimed", "StepCompleted", "StepState", "StepStatus", "apply", "fold",
]
