"""IEEE 1849 (XES) export of the event log, for process-mining tools.

One ``<trace>`` per case: ``concept:name`` is the case id, ``sop:id`` / ``sop:version`` /
``sop:status`` say which procedure (and which version of it) the case runs on; a case moved
to another version has a ``case_migrated`` event (``sop:from_version``, ``sop:to_version``),
and its steps before it are named by the version they happened under. One
``<event>`` per stored event except deviation flags, which become attributes of the event
they belong to:

- ``concept:name``: for a step's life (activated, claimed, reassigned, done, skipped, timed
  out) the step, ``"<no>. <kegiatan>"`` (step numbers keep two steps with the same wording
  apart); for anything else the stored event type (``case_started``, ``action_refused``...).
- ``lifecycle:transition`` (XES standard lifecycle model): ``schedule`` when a step becomes
  active (its deadline is set; nobody has started yet), ``start`` when someone claims it,
  ``reassign``, ``complete``, ``manualskip`` (a supervisor skipped it), ``autoskip`` (left
  open when the case ended), ``ate_abort`` (its timer ran out and the flow took the timer
  branch), ``pi_abort`` (the case was cancelled); atomic events are ``complete``.
- ``org:resource``: who did or recorded it (absent for the system); ``org:role``: the role
  they acted in (the delegated one for a Plh/Plt, else the step's role they hold, else, for
  a supervisor's override or a wrong actor, a role of their own).
- ``time:timestamp``: when it happened (``occurred_at``); ``sop:recorded`` when it was
  recorded, so late entries stay visible.
- deviations: ``sop:deviation`` (kinds, comma-separated), ``sop:deviation_rule``,
  ``sop:deviation_reason``; a flag with no event of its own command to carry it (the sweep's
  overdue flags) is written as an event ``deviation_flagged``.

The log is read as a stream and written as it goes: memory holds one command's events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any, TextIO
from xml.sax.saxutils import quoteattr

import orjson

from sop_runtime.audit.rows import LogRow
from sop_runtime.compiler.workflow import Workflow

STEP_LIFECYCLE = {
    "step_activated": "schedule",
    "step_claimed": "start",
    "step_signed": "unknown",  # one officer's part of a joint act; the step completes later
    "step_reassigned": "reassign",
    "step_completed": "complete",
    "timer_fired": "ate_abort",
    "timer_withdrawn": "resume",     # the timer fired too early: the step is open again
    "step_withdrawn": "withdraw",    # opened by that timer: never due
}
CARRIERS = ("step_completed", "step_signed", "step_claimed", "step_skipped", "step_reassigned",
            "step_extended", "timer_fired", "action_refused", "step_activated")
CASE_CARRIERS = ("case_started", "case_completed", "case_cancelled", "step_completed",
                 "step_skipped")

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
    <string key="lifecycle:transition" value="complete"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <classifier name="Activity and transition" keys="concept:name lifecycle:transition"/>
  <string key="concept:name" value="sop-runtime"/>
  <string key="lifecycle:model" value="standard"/>
"""


def _date(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="milliseconds")


@dataclass
class _Event:
    row: LogRow
    payload: dict[str, Any]
    deviations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.row.type

    @property
    def node(self) -> str | None:
        node = self.payload.get("node")
        return None if node is None else str(node)


def _groups(rows: Iterable[LogRow]) -> Iterator[list[_Event]]:
    """Consecutive events of one case recorded at the same instant: one command's events."""
    group: list[_Event] = []
    for row in rows:
        if group and (row.case_id != group[0].row.case_id
                      or row.recorded_at != group[0].row.recorded_at):
            yield group
            group = []
        group.append(_Event(row, orjson.loads(row.payload)))
    if group:
        yield group


def _attach(group: list[_Event]) -> list[_Event]:
    """The group's events to write, with each deviation flag on the event that carries it."""
    out = [e for e in group if e.type != "deviation_flagged"]
    for flag in (e for e in group if e.type == "deviation_flagged"):
        node = flag.node
        if node is not None:
            carrier = next((e for kind in CARRIERS for e in out
                            if e.type == kind and e.node == node), None)
        else:
            carrier = next((e for kind in CASE_CARRIERS for e in out if e.type == kind), None)
        if carrier is None:
            out.append(flag)  # written on its own, in log order
            out.sort(key=lambda e: e.row.seq)
            flag.deviations.append(flag.payload)
        else:
            carrier.deviations.append(flag.payload)
    return out


class XesWriter:
    def __init__(self, out: TextIO, tz: tzinfo, workflow: Callable[[str], Workflow | None],
                 roles: Mapping[str, frozenset[str]]) -> None:
        self.out = out
        self.tz = tz
        self.workflow = workflow
        self.roles = roles
        self.lines: list[str] = []

    def _attr(self, kind: str, key: str, value: Any, indent: int) -> None:
        if value is None or value == "":
            return
        if kind == "date":
            value = _date(value, self.tz)
        elif kind == "boolean":
            value = "true" if value else "false"
        self.lines.append(f"{' ' * indent}<{kind} key={quoteattr(key)} "
                          f"value={quoteattr(str(value))}/>\n")

    def _flush(self) -> None:
        self.out.write("".join(self.lines))
        self.lines.clear()

    def write(self, rows: Iterable[LogRow]) -> int:
        self.out.write(HEADER)
        n = 0
        case: str | None = None
        version: str | None = None  # the version the case ran on at this point
        for group in _groups(rows):
            first = group[0].row
            if first.case_id != case:
                if case is not None:
                    self.lines.append("  </trace>\n")
                case = first.case_id
                version = first.sop_version
                self._trace(group)
            started = next((e for e in group if e.type == "case_started"), None)
            if started is not None and started.payload.get("version"):
                version = str(started.payload["version"])
            wf = self.workflow(version) if version else None
            for event in _attach(group):
                self._event(event, wf)
                n += 1
            moved = next((e for e in group if e.type == "case_migrated"), None)
            if moved is not None:  # its later events are steps of the version it moved to
                version = str(moved.payload["to_version"])
            self._flush()
        if case is not None:
            self.lines.append("  </trace>\n")
        self.lines.append("</log>\n")
        self._flush()
        return n

    def _trace(self, group: list[_Event]) -> None:
        row = group[0].row
        self.lines.append("  <trace>\n")
        self._attr("string", "concept:name", row.case_id, 4)
        self._attr("string", "sop:id", row.sop_id, 4)
        self._attr("string", "sop:version", row.sop_version, 4)
        self._attr("string", "sop:status", row.status, 4)
        started = next((e for e in group if e.type == "case_started"), None)
        if started is not None:
            for key, value in sorted(started.payload.get("fields", {}).items()):
                self._attr("string", f"sop:field:{key}", value, 4)

    def _name(self, e: _Event, wf: Workflow | None) -> str:
        node = e.node
        if node is None or e.type not in (*STEP_LIFECYCLE, "step_skipped"):
            return e.type
        try:
            step = wf.node(node) if wf is not None else None
        except KeyError:
            step = None
        return f"{node}. {' '.join(step.kegiatan.split())}" if step else node

    def _lifecycle(self, e: _Event) -> str:
        if e.type == "step_skipped":
            manual = any(d.get("kind") == "override" for d in e.deviations)
            return "manualskip" if manual else "autoskip"
        if e.type == "case_cancelled":
            return "pi_abort"
        return STEP_LIFECYCLE.get(e.type, "complete")

    def _role(self, e: _Event, wf: Workflow | None) -> str | None:
        if e.type == "step_signed":  # the role the officer acted in on the joint step
            return str(e.payload.get("role")) if e.payload.get("role") else None
        if e.payload.get("as_delegate"):
            return str(e.payload["as_delegate"])
        node = e.node
        if wf is None or node is None:
            return None
        try:
            step = wf.node(node)
        except KeyError:
            return None
        actor = e.row.actor
        if actor is None:
            return step.role
        held = self.roles.get(actor, frozenset())
        # the step's role they hold; else (a supervisor's override, a wrong actor) their own
        return next((r for r in wf.acting_roles(step) if r in held), min(held, default=None))

    def _event(self, e: _Event, wf: Workflow | None) -> None:
        row, p = e.row, e.payload
        self.lines.append("    <event>\n")
        attr = self._attr
        attr("string", "concept:name", self._name(e, wf), 6)
        attr("string", "lifecycle:transition", self._lifecycle(e), 6)
        attr("date", "time:timestamp", row.occurred_at, 6)
        attr("string", "org:resource", row.actor, 6)
        attr("string", "org:role", self._role(e, wf), 6)
        attr("string", "sop:event", row.type, 6)
        attr("int", "sop:seq", row.seq, 6)
        attr("date", "sop:recorded", row.recorded_at, 6)
        attr("string", "sop:node", e.node, 6)
        attr("int", "sop:attempt", p.get("attempt"), 6)
        attr("string", "sop:decision", p.get("decision"), 6)
        # a decision the case's data decided (cabang[].jika): why, in one word
        attr("string", "sop:decided_by", (p.get("finding") or {}).get("syarat"), 6)
        attr("string", "sop:signed_role", p.get("role") if row.type == "step_signed" else None,
             6)
        attr("string", "sop:on_behalf_of", p.get("on_behalf_of"), 6)
        attr("string", "sop:assignee", p.get("assignee"), 6)
        attr("string", "sop:reason", p.get("reason"), 6)
        if row.type == "case_migrated":
            attr("string", "sop:from_version", p.get("from_version"), 6)
            attr("string", "sop:to_version", p.get("to_version"), 6)
        if row.type == "deviation_withdrawn":
            attr("int", "sop:withdraws", p.get("seq"), 6)  # the flag's sop:seq
            attr("string", "sop:kind", p.get("kind"), 6)
        for key in ("due_at", "timer_due", "service_due"):
            if p.get(key):
                attr("date", f"sop:{key}", datetime.fromisoformat(p[key]), 6)
        for key, value in sorted(p.get("outputs", {}).items()):
            attr("string", f"sop:output:{key}", value, 6)
        # a document's hash, name, type and size: never its bytes (they stay in the store)
        for key, doc in sorted(p.get("documents", {}).items()):
            attr("string", f"sop:document:{key}:sha256", doc.get("sha256"), 6)
            attr("string", f"sop:document:{key}:nama", doc.get("nama"), 6)
            attr("string", f"sop:document:{key}:jenis", doc.get("jenis"), 6)
            attr("int", f"sop:document:{key}:ukuran", doc.get("ukuran"), 6)
        if row.type == "action_refused":
            attr("boolean", "sop:refused", True, 6)
            attr("string", "sop:command", p.get("command"), 6)
            kinds = p.get("detail", {}).get("pelanggaran") or p.get("kind") or p.get("code")
            attr("string", "sop:deviation", kinds, 6)
            attr("string", "sop:deviation_rule", p.get("detail", {}).get("aturan"), 6)
        if e.deviations:
            attr("string", "sop:deviation", ",".join(str(d.get("kind")) for d in e.deviations),
                 6)
            attr("string", "sop:deviation_rule",
                 "; ".join(str(d.get("rule")) for d in e.deviations), 6)
            reasons = [str(d["reason"]) for d in e.deviations if d.get("reason")]
            attr("string", "sop:deviation_reason", "; ".join(reasons), 6)
        self.lines.append("    </event>\n")


def write_xes(rows: Iterable[LogRow], out: TextIO, *, tz: tzinfo,
              workflow: Callable[[str], Workflow | None],
              roles: Mapping[str, frozenset[str]]) -> int:
    """Write ``rows`` as an XES log to ``out``; returns the number of events written."""
    return XesWriter(out, tz, workflow, roles).write(rows)
