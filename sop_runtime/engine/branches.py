"""Decisions the case's data decides (``cabang[].jika``): which branch holds when the
decision is done, judged on the case as it was at that moment (the act's time, not the
time it is entered).

A condition holds, fails, or cannot be judged yet (step N never done, or done after the
decision's moment; an item the case does not hold). The finding is the one branch whose
condition holds while every other condition can be judged and fails; when every condition
fails, it is the branch without ``jika`` (the "otherwise" branch). Anything else (two
branches hold, something cannot be judged) is no finding: the clerk decides, as for any
decision.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sop_runtime.compiler.workflow import Condition, EdgeKind, Node
from sop_runtime.definition.timelimit import TimeLimit
from sop_runtime.engine.events import utc_iso
from sop_runtime.engine.state import CaseState, StepState, StepStatus

OTHERWISE = "selain_itu"

Lateness = Callable[[datetime, datetime, TimeLimit | None], dict[str, str]]


@dataclass(frozen=True, slots=True)
class Finding:
    """The branch the data decides, and why (``syarat`` and its evidence)."""

    label: str
    why: Mapping[str, str]

    def record(self) -> dict[str, str]:
        """What the completion records: the branch and why."""
        return {"cabang": self.label, **self.why}


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _latest_done(state: CaseState, node: str, at: datetime) -> StepState | None:
    for s in reversed(state.steps):
        if (s.node == node and s.status is StepStatus.DONE and s.completed_at is not None
                and s.completed_at <= at):
            return s
    return None


def judge(cond: Condition, state: CaseState, values: Mapping[str, str], at: datetime,
          limit_of: Callable[[str], TimeLimit | None],
          lateness: Lateness) -> tuple[bool, dict[str, str]] | None:
    """Whether ``cond`` holds at ``at`` and why; None when it cannot be judged."""
    if cond.kind == "isian":
        assert cond.item is not None and cond.value is not None
        value = values.get(cond.item)
        if value is None:
            return None
        return _norm(value) == _norm(cond.value), {"syarat": "isian", "isian": cond.item,
                                                    "nilai": value}
    assert cond.step is not None
    done = _latest_done(state, cond.step, at)
    if done is None or done.due_at is None or done.completed_at is None:
        return None
    late = done.completed_at > done.due_at
    why = {"syarat": "terlambat" if late else "tepat_waktu", "langkah_syarat": cond.step,
           "selesai": utc_iso(done.completed_at)}
    if late:
        why |= lateness(done.due_at, done.completed_at, limit_of(cond.step))
    else:
        why["batas"] = utc_iso(done.due_at)
    return late == (cond.kind == "terlambat"), why


def find_branch(node: Node, state: CaseState, values: Mapping[str, str], at: datetime,
                limit_of: Callable[[str], TimeLimit | None],
                lateness: Lateness) -> Finding | None:
    """The branch of decision ``node`` the case's data decides at ``at``, or None."""
    holding: list[Finding] = []
    failed: dict[str, str] = {}  # why the first condition that fails fails
    otherwise: str | None = None
    for t in node.transitions:
        if t.kind is not EdgeKind.BRANCH or t.label is None:
            continue
        if t.condition is None:
            otherwise = t.label
            continue
        judged = judge(t.condition, state, values, at, limit_of, lateness)
        if judged is None:
            return None  # something the decision depends on is not known yet
        holds, why = judged
        if holds:
            holding.append(Finding(t.label, why))
        elif not failed:
            failed = why
    if len(holding) == 1:
        return holding[0]
    if not holding and otherwise is not None:
        # "otherwise", because of what the data says (step 4 was done 2 days late)
        because = {**failed, "syarat_gagal": failed["syarat"]} if failed else {}
        return Finding(otherwise, {**because, "syarat": OTHERWISE})
    return None
