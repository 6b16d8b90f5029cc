"""The checks on one person's act on a step beyond who, when and which values (those are in
:mod:`sop_runtime.engine.checks`): a joint step's roles still awaited and the refusal of a
second act by the same person, required inputs and outputs over every value given, the branch
the case's data decides, and how late an act is in the unit of its limit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sop_runtime.compiler.workflow import Node
from sop_runtime.definition.models import StepKind
from sop_runtime.definition.timelimit import TimeLimit
from sop_runtime.engine.actors import Grant
from sop_runtime.engine.branches import Finding, find_branch
from sop_runtime.engine.checks import Checks
from sop_runtime.engine.commands import CompleteStep
from sop_runtime.engine.events import DeviationKind, StepSigned, utc_iso
from sop_runtime.engine.recorded import Contradiction, contradictions, recorded_values
from sop_runtime.engine.rejections import StaleAction
from sop_runtime.engine.state import StepState
from sop_runtime.engine.timing import lateness_evidence
from sop_runtime.engine.values import is_present, value_text
from sop_runtime.i18n import tr


class ActChecks(Checks):
    """The checks of :class:`~sop_runtime.engine.checks.Checks` and those on a step's act."""

    def _lateness(self, due: datetime, at: datetime, limit: TimeLimit | None) -> dict[str, str]:
        """The evidence of a limit passed: the due time, how late in the unit the limit is
        written in (``terlambat``, ``satuan``), and the working seconds as before."""
        return lateness_evidence(self.ctx.calendar, due, at, limit)

    def _not_held(self, node: Node, step: StepState) -> None:
        holder = step.claimed_by or step.assignee
        if holder is not None and holder != self.actor:
            raise StaleAction("taken", "Langkah {node} sudah dipegang {user}",
                              "Step {node} is already held by {user}", node=node.id,
                              user=self.ctx.directory.name(holder))

    def _awaited(self, node: Node, step: StepState | None) -> tuple[str, ...]:
        """The roles of a joint ``node`` whose act is still awaited on ``step`` (all of them
        for an attempt not open yet); refuses a second act by one who has acted: a joint
        act needs as many people as roles. Any other step: its acting roles."""
        if not node.joint:
            return self.wf.acting_roles(node)
        signed = step.signed if step is not None else {}
        for role, user in signed.items():
            if user == self.actor:
                raise self._reject(
                    "already_signed", "{user} sudah bertindak pada langkah bersama {node} "
                    "sebagai {role}; langkah ini harus dilakukan oleh orang yang berbeda untuk "
                    "setiap pelaksana (masih ditunggu: {awaited})",
                    "{user} has already acted on joint step {node} as {role}; each of its "
                    "pelaksana must be a different person (still awaited: {awaited})",
                    user=self.actor or "", node=node.id, role=self._role_names((role,)),
                    awaited=self._role_names(tuple(r for r in node.roles if r not in signed)))
        return tuple(r for r in node.roles if r not in signed)

    def _role(self, grant: Grant | None, awaited: tuple[str, ...]) -> str:
        """The role an act on a joint step is for: the one the actor holds, or (a wrong
        actor's act, recorded) the first awaited."""
        return grant.role if grant is not None else awaited[0]

    def _role_names(self, roles: tuple[str, ...]) -> str:
        return ", ".join(r.nama if (r := self.wf.role(role)) else role for role in roles)

    def _cosign_done(self, node: Node, step: StepState | None) -> bool:
        """Replaying a log: a second officer's act on a joint step the log's first act
        completed is that officer's act on it (not rework), when their role is awaited."""
        if step is None or self.actor in step.signed.values():
            return False
        awaited = tuple(r for r in node.roles if r not in step.signed)
        grant = self.ctx.directory.grant_any(self.actor or "", awaited, self.at)
        role = grant.role if grant is not None else None
        if grant is None:
            if not awaited or self.ctx.directory.grant_any(
                    self.actor or "", tuple(node.roles), self.at) is not None:
                return False  # an officer of the step acting again: rework
            # the awaited officer's act, done by someone who holds none of the step's roles
            role = awaited[0]
            self._violate(DeviationKind.WRONG_ACTOR, "pelaksana", pelaksana=",".join(awaited),
                          pengguna=self.actor or "")
            self._settle(node.enforcement, node.id, step.attempt)
        values = self._check_values(
            node, self.cmd.values if isinstance(self.cmd, CompleteStep) else {})
        self.events.append(StepSigned(
            **self._env(), node=node.id, attempt=step.attempt, role=role or "",
            outputs=values, as_delegate=grant is not None and grant.delegation is not None))
        return True

    def _mutu_baku(self, node: Node, given: Mapping[str, str]) -> None:
        """Required inputs and outputs, over every value given for the step."""
        needed = [i for i in node.inputs if i.wajib and not is_present(i, given.get(i.id))]
        known = self.state.values() if needed else {}
        missing_in = [i.nama for i in needed
                      if not is_present(i, given.get(i.id, known.get(i.id)))]
        if missing_in:
            self._violate(DeviationKind.MISSING_INPUT, "mutu_baku.kelengkapan",
                          kurang="; ".join(missing_in))
        missing_out = [o.nama for o in node.outputs if o.wajib and o.id not in given]
        if missing_out:
            self._violate(DeviationKind.MISSING_OUTPUT, "mutu_baku.output",
                          kurang="; ".join(missing_out))

    def _contradictions(self, node: Node, values: Mapping[str, str]) -> list[Contradiction]:
        """The values of this act that differ from what an earlier step (or the case's
        opening) recorded for the same item. A different value is allowed with a reason
        (the act's own); without one it is rejected, nothing recorded. Replaying a log
        nothing is refused: the difference is flagged without a reason."""
        found = contradictions(self.wf.items_at(node), values,
                               recorded_values(self.state, besides=node.id))
        if found and self.reason is None and not self.ctx.replay:
            first = found[0]
            where = (tr("di langkah {n}", "at step {n}", n=first.earlier.node)
                     if first.earlier.node else tr("saat perkara dibuka", "when the case opened"))
            raise self._reject(
                "contradiction_reason",
                "'{item}' sudah dicatat {where}: '{old}'. Nilai lain ('{new}') dapat dicatat "
                "hanya bila disertai alasan; perbedaan itu dicatat sebagai penyimpangan "
                "isian bertentangan",
                "'{item}' was already recorded {where}: '{old}'. Another value ('{new}') can "
                "be recorded only with a reason; the difference is recorded as a contradicting "
                "value deviation", item=first.item.nama, where=where,
                old=value_text(first.item, first.earlier.value),
                new=value_text(first.item, first.value))
        return found

    def _flag_contradictions(self, found: list[Contradiction], node: Node,
                             attempt: int) -> None:
        """Each difference as a deviation, its evidence the item, both values and the
        earlier record (step, attempt, place in the log, who and when)."""
        for c in found:
            before = c.earlier
            self._flag(DeviationKind.CONTRADICTION, "nilai_tercatat", node.id, attempt,
                       reason=self.reason, evidence={
                           "butir": c.item.id, "nama": c.item.nama,
                           "jenis": str(c.item.jenis), "nilai": c.value,
                           "nilai_sebelumnya": before.value,
                           "langkah_sebelumnya": before.node or "",
                           "percobaan_sebelumnya": str(before.attempt or ""),
                           "urutan_sebelumnya": str(before.seq),
                           "oleh": before.actor or "", "pada": utc_iso(before.at)})

    def _decision(self, node: Node, chosen: str | None, given: Mapping[str, str]
                  ) -> tuple[str | None, Finding | None]:
        """The branch taken and the data's finding: the clerk's choice, or the finding when
        none is given; a choice against the finding is a deviation (``cabang.jika``)."""
        finding = None
        if node.kind is StepKind.KEPUTUSAN and node.data_decided:
            finding = find_branch(
                node, self.state, {**self.state.values(), **given}, self.at,
                lambda n: self.wf.node(n).limit, self._lateness)
        if chosen is None and finding is not None:
            return finding.label, finding
        decision = self._decision_label(node, chosen)
        if finding is not None and decision != finding.label:
            self._violate(DeviationKind.WRONG_BRANCH, "cabang.jika", temuan=finding.label,
                          pilihan=decision or "", **finding.why)
        return decision, finding

