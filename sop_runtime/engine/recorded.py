"""Values already recorded on a case, with who recorded them, when and where: what a later
step that names the same item (kelengkapan, output or case field, by id) is shown and
pre-filled with, and what a different value given there contradicts.

A value is recorded by the case's opening (its fields) or by a step's completion (every value
given there); the latest recording of an item stands. Pure: a function of the case's state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sop_runtime.definition.models import Item
from sop_runtime.engine.state import CaseState, StepStatus
from sop_runtime.engine.values import same_value


@dataclass(frozen=True, slots=True)
class Recorded:
    """``value`` of ``item`` as recorded at step ``node`` (None: the case's opening),
    attempt ``attempt``, by ``actor`` (a username; None: the system), at ``at``; ``seq`` is
    the recording event's place in the case's log."""

    item: str
    value: str
    node: str | None
    attempt: int | None
    actor: str | None
    at: datetime
    seq: int


def recorded_values(state: CaseState, *, besides: str | None = None) -> dict[str, Recorded]:
    """Each item's standing recorded value; with ``besides``, as recorded by any step but
    that one (what a step's own earlier attempt gave is no earlier step's record)."""
    done = sorted((s for s in state.steps if s.status is StepStatus.DONE and s.outputs
                   and s.node != besides and s.closed_seq is not None and s.completed_at),
                  key=lambda s: s.closed_seq or 0)
    by_steps = {k for s in state.steps if s.status is StepStatus.DONE for k in s.outputs}
    found: dict[str, Recorded] = {}
    if state.started_at is not None:
        # a field no step has given since stands as the opening recorded it
        for key, value in state.fields.items():
            if key not in by_steps:
                found[key] = Recorded(key, value, None, None, state.started_by,
                                      state.started_at, 1)
    for s in done:
        assert s.completed_at is not None and s.closed_seq is not None
        for key, value in s.outputs.items():
            found[key] = Recorded(key, value, s.node, s.attempt, s.completed_by,
                                  s.completed_at, s.closed_seq + 1)
    return found


@dataclass(frozen=True, slots=True)
class Contradiction:
    """``value`` given for ``item`` differs from what ``earlier`` recorded."""

    item: Item
    earlier: Recorded
    value: str


def contradictions(items: Mapping[str, Item], given: Mapping[str, str],
                   earlier: Mapping[str, Recorded]) -> list[Contradiction]:
    """The values in ``given`` (by item id, with the step's ``items``) that differ from the
    value recorded ``earlier`` for the same item."""
    found = []
    for key, value in given.items():
        before = earlier.get(key)
        item = items.get(key)
        if before is not None and item is not None and not same_value(item, before.value,
                                                                       value):
            found.append(Contradiction(item, before, value))
    return found
