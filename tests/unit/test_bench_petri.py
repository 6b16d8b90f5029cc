"""The Petri nets and XES logs ``bench/conformance.py`` hands pm4py (bench/_petri.py,
bench/_xesrows.py), checked without pm4py: the PNML's structure, and every library SOP's
golden route played on its net by a small token game (silent transitions fired as needed)
from the initial marking to exactly the final one."""

from __future__ import annotations

import io
import sys
import xml.etree.ElementTree as ET
from collections import Counter, deque
from datetime import datetime
from functools import cache
from pathlib import Path

import pytest

from sop_runtime.compiler.library import Library, load_library
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.conformance.synthetic_log import (
    Generator,
    RouteStep,
    activity_name,
    load_routes,
)
from sop_runtime.definition.models import StepKind

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from _petri import FINAL, PetriNet, petri_net, pnml  # noqa: E402
from _xesrows import write_xes  # noqa: E402

ROUTES = load_routes(ROOT / "tests" / "golden" / "routes.yaml")
Marking = Counter[str]


@cache
def library() -> Library:
    return load_library([ROOT / "definitions"])


def _key(m: Marking) -> frozenset[tuple[str, int]]:
    return frozenset((p, n) for p, n in m.items() if n)


class Game:
    """The token game of a net: fire a labelled transition, with silent ones before it."""

    def __init__(self, net: PetriNet) -> None:
        self.pre: dict[str, Counter[str]] = {t.id: Counter() for t in net.transitions}
        self.post: dict[str, Counter[str]] = {t.id: Counter() for t in net.transitions}
        for a in net.arcs:
            if a.target in self.pre:
                self.pre[a.target][a.source] += 1
            else:
                self.post[a.source][a.target] += 1
        self.label = {t.id: t.label for t in net.transitions}
        self.silent = [t.id for t in net.transitions if t.label is None]

    def enabled(self, m: Marking, t: str) -> bool:
        return all(m[p] >= n for p, n in self.pre[t].items())

    def fire(self, m: Marking, t: str) -> Marking:
        out = Counter(m)
        out.subtract(self.pre[t])
        out.update(self.post[t])
        return out

    def closure(self, m: Marking) -> list[Marking]:
        """Every marking silent transitions reach from ``m`` (``m`` first)."""
        seen, found, todo = {_key(m)}, [m], deque([m])
        while todo:
            here = todo.popleft()
            for t in self.silent:
                if self.enabled(here, t):
                    nxt = self.fire(here, t)
                    if _key(nxt) not in seen:
                        seen.add(_key(nxt))
                        found.append(nxt)
                        todo.append(nxt)
        return found

    def play(self, m: Marking, label: str) -> list[Marking]:
        """The markings after ``label`` fires, from any marking silent moves reach."""
        out = {}
        for reached in self.closure(m):
            for t, lab in self.label.items():
                if lab == label and self.enabled(reached, t):
                    nxt = self.fire(reached, t)
                    out[_key(nxt)] = nxt
        return list(out.values())


def replays(net: PetriNet, labels: list[str]) -> bool:
    """Whether ``labels`` take the net from its initial marking to exactly its final one."""
    game = Game(net)
    markings = [Counter(net.initial)]
    for label in labels:
        markings = [n for m in markings for n in game.play(m, label)]
        if not markings:
            return False
    final = _key(Counter(net.final))
    return any(_key(r) == final for m in markings for r in game.closure(m))


def route_labels(wf: Workflow, route: list[RouteStep]) -> list[str]:
    return [activity_name(wf, s.node) for s in route]


@pytest.mark.parametrize("sop", sorted(ROUTES))
def test_golden_route_replays_on_the_net(sop: str) -> None:
    wf = library().workflow(sop)
    net = petri_net(wf)
    labels = [t.label for t in net.transitions if t.label is not None]
    assert len(labels) == len(set(labels)), "one transition per activity"
    assert sorted(labels) == sorted(activity_name(wf, n.id) for n in wf.nodes
                                    if n.kind is not StepKind.PENGHUBUNG)
    assert replays(net, route_labels(wf, ROUTES[sop]))


def test_a_route_off_the_net_does_not_replay() -> None:
    wf = library().workflow("banding-perdata")
    net = petri_net(wf)
    labels = route_labels(wf, ROUTES["banding-perdata"])
    assert not replays(net, labels[:4] + labels[5:])   # a step left out
    assert not replays(net, labels[:-1])               # the case never ended
    assert not replays(net, [*labels[:4], labels[4], *labels[4:]])  # a step done twice
    # 13 waits for 10 and 12: without 12 the join never opens
    assert not replays(net, [lab for lab in labels if lab != activity_name(wf, "12")])


def test_a_joint_step_fires_once_per_officer() -> None:
    wf = library().workflow("permohonan-eksekusi")
    net = petri_net(wf)
    labels = route_labels(wf, ROUTES["permohonan-eksekusi"])
    joint = activity_name(wf, "17")
    assert labels.count(joint) == len(wf.node("17").roles) == 2
    once = labels.copy()
    once.remove(joint)
    assert replays(net, labels) and not replays(net, once)
    assert not replays(net, [*labels[:labels.index(joint)], joint, *labels[labels.index(joint):]])


def test_timer_branch_is_silent() -> None:
    wf = library().workflow("pengembalian-sisa-panjar")
    net = petri_net(wf)
    # 9 never done: its 6 months ran out and the flow went to end 11 (no row for the timer)
    path = [activity_name(wf, n) for n in ("1", "2", "3", "4", "5", "6", "8", "11")]
    assert replays(net, path)
    assert not replays(net, [*path[:-1], activity_name(wf, "10")])


def test_pnml_holds_the_net() -> None:
    wf = library().workflow("kasasi-perdata")
    net = petri_net(wf)
    root = ET.fromstring(pnml(net))
    page = root.find("net/page")
    assert page is not None
    places = {p.get("id"): p.findtext("initialMarking/text") for p in page.iter("place")}
    assert set(places) == set(net.places)
    assert {p for p, n in places.items() if n} == set(net.initial) == {"p1"}
    silent = {t.get("id") for t in page.iter("transition")
              if (ts := t.find("toolspecific")) is not None
              and ts.get("activity") == "$invisible$"}
    labels = {t.get("id"): t.findtext("name/text") for t in page.iter("transition")}
    assert silent == {t.id for t in net.transitions if t.label is None}
    assert labels["t10"] == activity_name(wf, "10")
    arcs = {(a.get("source"), a.get("target")) for a in page.iter("arc")}
    assert arcs == {(a.source, a.target) for a in net.arcs}
    # the join (10 waits for 8 and 9) takes a token from each; the decision has its branches
    assert {s for s, t in arcs if t == "t10"} == {"p10_dari_8", "p10_dari_9"}
    assert {t for s, t in arcs if s == "p10_keputusan"} == {"t10_cabang1", "t10_cabang2"}
    final = root.find("net/finalmarkings/marking/place")
    assert final is not None and final.get("idref") == FINAL


def test_xes_of_generated_rows() -> None:
    lib = library()
    assert lib.court is not None
    sop = "legalisasi-waarmerking"
    gen = Generator.for_court(lib.workflow(sop), ROUTES[sop], lib.court.model, seed=5)
    first = datetime.fromisoformat("2025-01-06T00:00:00+09:00")
    rows = [r for k, s in enumerate(gen.start_times(2, first)) for r in gen.clean(f"K&{k}", s)]
    out = io.StringIO()
    assert write_xes(out, rows) == (2, len(rows))
    ns = {"x": "http://www.xes-standard.org/"}
    root = ET.fromstring(out.getvalue())
    traces = root.findall("x:trace", ns)
    assert [t.find("x:string[@key='concept:name']", ns).get("value")  # type: ignore[union-attr]
            for t in traces] == ["K&0", "K&1"]
    events = traces[0].findall("x:event", ns)
    first_rows = [r for r in rows if r.case == "K&0"]
    assert len(events) == len(first_rows)
    attrs = {a.get("key"): a.get("value") for a in events[1]}
    assert attrs == {"concept:name": first_rows[1].activity,
                     "org:resource": first_rows[1].person,
                     "time:timestamp": first_rows[1].at.isoformat(timespec="milliseconds"),
                     "lifecycle:transition": "complete"}
    assert attrs["time:timestamp"].endswith("+09:00")
