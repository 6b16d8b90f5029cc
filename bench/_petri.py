"""A compiled SOP as a Petri net in PNML, for a process-mining tool's replay of the same log
(``bench/conformance.py`` beside pm4py). Not a bench itself (``make bench`` skips ``_*.py``).

The net follows the flow the engine runs, one labelled transition per step, labelled with the
activity the generated logs use (``"<no>. <kegiatan>"``, ``synthetic_log.activity_name``):

- each step has an input place (the step is open while it holds a token); the start step's
  holds the initial token, and every end step puts its token in one final place ``akhir``;
- a step whose flow goes to several steps at once (``lanjut: [9, 11]``) puts a token in each
  of their input places (AND split); a join (``menunggu: [10, 12]``) has one input place per
  step it waits for and fires when all hold a token (AND join); flow arriving at a join from
  a step it does not wait for (a rework loop) opens it at once, through a silent transition
  that fills all of them;
- a decision puts its token in a place of its own, from which one silent transition per
  branch leads on (XOR split); several steps leading to one step put their tokens in its one
  input place (XOR join);
- a timer branch (``jika_lewat_waktu``) is a silent transition from the step's input place to
  the timer's target: the step is withdrawn, nobody does it;
- an off-page connector (``penghubung``) is a silent transition: the engine passes the flow
  through it at once and the log has no row for it; automated steps and sub-SOP calls have
  their row (the system's, the clerk's) and are labelled like any step;
- a joint step (``bersama``, one row per officer of its roles) is one labelled transition
  fired once per officer: silent transitions around it count the firings in a chain of
  places (``c1`` .. ``cN``), so the net stays safe (one token a place) and free of arc
  weights, which pm4py's alignments refuse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from sop_runtime.compiler.workflow import EdgeKind, Node, Workflow
from sop_runtime.conformance.synthetic_log import activity_name
from sop_runtime.definition.models import StepKind

FINAL = "akhir"


@dataclass(frozen=True, slots=True)
class Transition:
    id: str
    label: str | None  # None: silent (invisible)


@dataclass(frozen=True, slots=True)
class Arc:
    source: str
    target: str


@dataclass
class PetriNet:
    name: str
    places: list[str] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    arcs: list[Arc] = field(default_factory=list)
    initial: dict[str, int] = field(default_factory=dict)
    final: dict[str, int] = field(default_factory=dict)

    def place(self, pid: str) -> str:
        if pid not in self.places:
            self.places.append(pid)
        return pid

    def transition(self, tid: str, label: str | None, inputs: Iterable[str],
                   outputs: Iterable[str]) -> None:
        self.transitions.append(Transition(tid, label))
        self.arcs.extend(Arc(self.place(p), tid) for p in inputs)
        self.arcs.extend(Arc(tid, self.place(p)) for p in outputs)


def _inputs(node: Node) -> list[str]:
    """The places ``node`` takes its token(s) from."""
    if node.waits:
        return [f"p{node.id}_dari_{w}" for w in node.waits]
    return [f"p{node.id}"]


def _arrival(source: str, target: Node) -> str:
    """The place a token from ``source`` going to ``target`` is put in."""
    if target.waits and source in target.waits:
        return f"p{target.id}_dari_{source}"
    return f"p{target.id}"


def petri_net(wf: Workflow) -> PetriNet:
    """The net of ``wf`` (see the module's docstring), with its initial and final marking."""
    net = PetriNet(wf.sop_id)
    start = wf.node(wf.start)
    for p in _inputs(start):
        net.initial[net.place(p)] = 1
    net.final[net.place(FINAL)] = 1
    arrivals: dict[str, set[str]] = {}
    for node in wf.nodes:
        for t in node.transitions:
            arrivals.setdefault(t.target, set()).add(node.id)
    for node in wf.nodes:
        label = None if node.kind is StepKind.PENGHUBUNG else activity_name(wf, node.id)
        inputs = _inputs(node)
        flow = [t for t in node.transitions if t.kind in (EdgeKind.NEXT, EdgeKind.CONNECTOR)]
        branches = [t for t in node.transitions if t.kind is EdgeKind.BRANCH]
        outputs = [_arrival(node.id, wf.node(t.target)) for t in flow]
        if branches:
            outputs.append(f"p{node.id}_keputusan")
        if not outputs:  # an end step (or a step the flow leaves nowhere)
            outputs = [FINAL]
        officers = len(node.roles) if node.joint else 1
        if officers > 1:  # one firing per officer, counted by places c1..cN (a safe net)
            ready, signed = f"p{node.id}_petugas", f"p{node.id}_ditandatangani"
            count = [f"p{node.id}_c{i}" for i in range(1, officers + 1)]
            net.transition(f"t{node.id}_bersama", None, inputs, [ready, count[0]])
            net.transition(f"t{node.id}", label, [ready], [signed])
            for i in range(1, officers):
                net.transition(f"t{node.id}_lagi{i}", None, [signed, count[i - 1]],
                               [ready, count[i]])
            net.transition(f"t{node.id}_lengkap", None, [signed, count[-1]], outputs)
        else:
            net.transition(f"t{node.id}", label, inputs, outputs)
        for i, t in enumerate(branches, 1):
            net.transition(f"t{node.id}_cabang{i}", None, [f"p{node.id}_keputusan"],
                           [_arrival(node.id, wf.node(t.target))])
        for i, t in enumerate((t for t in node.transitions if t.kind is EdgeKind.TIMER), 1):
            net.transition(f"t{node.id}_lewat_waktu{i}", None, inputs,
                           [_arrival(node.id, wf.node(t.target))])
        if node.waits and arrivals.get(node.id, set()) - set(node.waits):
            net.transition(f"t{node.id}_masuk", None, [f"p{node.id}"], inputs)
    return net


def _text(value: str | int) -> str:
    return f"<text>{escape(str(value))}</text>"


def pnml(net: PetriNet) -> str:
    """``net`` as PNML (the 2009 core model, with the final marking and ProM's mark of a
    silent transition, as pm4py and ProM read them)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<pnml>\n',
           f'<net id={quoteattr(net.name)} '
           'type="http://www.pnml.org/version-2009/grammar/pnmlcoremodel">\n',
           f"<name>{_text(net.name)}</name>\n<page id=\"halaman\">\n"]
    for p in net.places:
        marking = (f"<initialMarking>{_text(net.initial[p])}</initialMarking>"
                   if p in net.initial else "")
        out.append(f"<place id={quoteattr(p)}><name>{_text(p)}</name>{marking}</place>\n")
    for t in net.transitions:
        if t.label is None:
            out.append(f"<transition id={quoteattr(t.id)}><name>{_text(t.id)}</name>"
                       '<toolspecific tool="ProM" version="6.4" activity="$invisible$" '
                       f"localNodeID={quoteattr(t.id)}/></transition>\n")
        else:
            out.append(f"<transition id={quoteattr(t.id)}><name>{_text(t.label)}</name>"
                       "</transition>\n")
    for i, a in enumerate(net.arcs, 1):
        out.append(f"<arc id=\"a{i}\" source={quoteattr(a.source)} "
                   f"target={quoteattr(a.target)}/>\n")
    out.append("</page>\n<finalmarkings>\n<marking>\n")
    out.extend(f"<place idref={quoteattr(p)}>{_text(n)}</place>\n" for p, n in net.final.items())
    out.append("</marking>\n</finalmarkings>\n</net>\n</pnml>\n")
    return "".join(out)


def write_pnml(wf: Workflow, path: Path) -> PetriNet:
    """Write the net of ``wf`` to ``path``; the net."""
    net = petri_net(wf)
    path.write_text(pnml(net), encoding="utf-8")
    return net
