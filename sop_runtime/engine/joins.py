"""Joins (``menunggu``): when the flow arriving at a step that waits for several others
opens it. Part of :func:`sop_runtime.engine.decision.decide`; pure like it.

A join opens when the flow has arrived from every step it waits for in its current round
(since it last opened), at the last arrival in event time. An arrival is read from the
state: the awaited step's latest attempt closed with the flow going to the join
(``StepState.next``), in the order the events were applied (``opened_seq``/``closed_seq``),
or from the closing events of the decision under way.
"""

from __future__ import annotations

from datetime import datetime

from sop_runtime.compiler.workflow import Node
from sop_runtime.engine.checks import Checks
from sop_runtime.engine.events import StepActivated, StepCompleted, StepSkipped, TimerFired
from sop_runtime.engine.state import StepState, StepStatus


class Joins(Checks):
    def _join_opens(self, join: Node, at: datetime) -> datetime | None:
        """When the flow arriving at ``join`` at ``at`` opens it: at the last arrival (in
        event time) once it has arrived from every step the join waits for, else None.
        The flow arriving along an edge the join does not wait for (a rework loop straight
        into it) opens it at once."""
        if any(source not in join.waits for source in self._arriving(join.id)):
            return at
        last = at
        for awaited in join.waits:
            when = self._arrival(join.id, awaited)
            if when is None:
                return None
            last = max(last, when)
        return last

    def _arriving(self, target: str) -> set[str]:
        """The steps this decision closes with the flow going to ``target``."""
        return {e.node for e in self.events
                if isinstance(e, StepCompleted | StepSkipped | TimerFired) and target in e.next}

    def _arrival(self, join: str, awaited: str) -> datetime | None:
        """When the flow arrived at ``join`` from ``awaited`` in the join's current round,
        or None. The round is what happened since the join last opened: ``awaited``'s
        latest attempt closed with the flow going to the join. An arrival from before the
        join last opened still counts when nothing open can lead to ``awaited`` again
        (without passing the join): a branch reworked alone (a reopened step) is joined
        with the others as they stand, while a branch that is being redone is waited for."""
        for e in reversed(self.events):  # closed or reopened by this very decision
            if isinstance(e, StepCompleted | StepSkipped | TimerFired) and e.node == awaited:
                return e.occurred_at if join in e.next else None
            if isinstance(e, StepActivated) and e.node == awaited:
                return None
        step = self._flow_attempt(awaited)
        if step is None or step.is_open or join not in step.next or step.closed_at is None:
            return None
        # the join's last opening: an activation withdrawn with the timer that made it
        # never happened as far as the flow goes
        last_open = next((s for s in reversed(self.state.steps)
                          if s.node == join and s.status is not StepStatus.WITHDRAWN), None)
        if last_open is None or (step.closed_seq or 0) > last_open.opened_seq:
            return step.closed_at
        return None if self._underway(awaited, join) else step.closed_at

    def _flow_attempt(self, node: str) -> StepState | None:
        """``node``'s latest attempt as far as the flow goes: a step done again in an
        imported log (rework: done, and the flow not moved on from it) leaves the flow where
        the attempt before it took it."""
        end = self.wf.node(node).is_end
        for step in reversed(self.state.steps):
            if step.node != node:
                continue
            if step.status is StepStatus.DONE and not step.next and not end:
                continue
            return step
        return None

    def _underway(self, node: str, join: str) -> bool:
        """Whether a step open now is at work on the branch of ``node``: it leads to
        ``node`` without passing ``join`` nor a split (a split is where the branches begin;
        it is at work on them when it is open itself)."""
        open_now = {s.node for s in self.state.open_steps if self.open_now.get(s.node, True)}
        open_now |= {n for n, is_open in self.open_now.items() if is_open}
        open_now.discard(join)
        if not open_now:
            return False
        preds: dict[str, list[str]] = {}
        for n in self.wf.nodes:
            for t in n.transitions:
                preds.setdefault(t.target, []).append(n.id)
        seen = {node, join}
        stack = [node]
        while stack:
            for p in preds.get(stack.pop(), ()):
                if p in open_now:
                    return True
                if p not in seen:
                    seen.add(p)
                    if not self.wf.node(p).is_split:
                        stack.append(p)
        return False
