"""SopDocument -> Workflow, with every static check reported at once.

Checks (codes in ``sop_runtime.problems``): duplicate step numbers (E110), exactly one start
(E101), at least one end (E102), declared pelaksana (E106) and court roles (E113), step and
SOP references (E107, E108), case-field references (E114), decisions with two or more
distinctly labelled branches (E105), step-shape rules (E111, E119-E138: a key or pelaksana
that does not fit the step's kind), paired off-page connectors (E109), reachability from the
start (E103) and of an end (E104), joins that wait for a step not leading into them (E115),
joint steps with two roles at least (E116), branch conditions on an earlier timed step or a
known item (E117) and at most one branch without a condition (E118); warnings for process
steps without mutu baku (W201), for a procedure whose longest path cannot meet its own
service standard (W202) and for a kelengkapan no earlier step can supply that looks like a
mistake (W204, ``sop_runtime.compiler.inputs``), for parallel branches that meet at a step
not waiting for them (W205) or reach an end before they are joined (W206), and for official
text that reads like an authoring note, which belongs in ``catatan_penyusun`` (W207).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sop_runtime.compiler.canonical import version_hash
from sop_runtime.compiler.graph import longest_path, reachable
from sop_runtime.compiler.inputs import unsupplied_inputs
from sop_runtime.compiler.notes import authoring_note
from sop_runtime.compiler.notice_fields import check_notices
from sop_runtime.compiler.workflow import (
    Condition,
    EdgeKind,
    Node,
    Timer,
    Transition,
    Workflow,
)
from sop_runtime.definition.models import (
    SYMBOL_OF,
    Anchor,
    Item,
    ItemKind,
    Jika,
    Langkah,
    Pelaksana,
    SopDocument,
    StepKind,
)
from sop_runtime.definition.timelimit import TimeLimit
from sop_runtime.definition.yamlsource import Path, YamlDoc, format_path
from sop_runtime.i18n import tr
from sop_runtime.problems import Problem, Severity

DEFAULT_MINUTES_PER_DAY = 450  # 7.5 working hours (Perpres 21/2023: 37.5 hours a week)


@dataclass
class CompileResult:
    workflow: Workflow | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.workflow is not None


class _Reporter:
    def __init__(self, source: YamlDoc | None, file: str) -> None:
        self.source = source
        self.file = file
        self.problems: list[Problem] = []

    def add(self, code: str, path: Path, **params: object) -> None:
        line, col = self.source.where(path) if self.source else (0, 0)
        self.problems.append(Problem(code, self.file, line, col, format_path(path), params))


def compile_document(
    doc: SopDocument,
    source: YamlDoc | None = None,
    *,
    known_sops: Iterable[str] | None = None,
    court_roles: Iterable[str] | None = None,
    minutes_per_day: int = DEFAULT_MINUTES_PER_DAY,
) -> CompileResult:
    rep = _Reporter(source, source.file if source else doc.id)
    steps = doc.langkah
    index_of = _index_steps(steps, rep)
    roles = {p.id: p for p in doc.pelaksana}
    fields = {f.id for f in doc.isian}
    known = set(known_sops) if known_sops is not None else None
    court = set(court_roles) if court_roles is not None else None
    _check_references(doc, rep, index_of, court, known)
    _check_service_anchor(doc, rep, index_of, fields)
    _check_start_and_end(steps, rep)
    _check_items(doc, rep)
    check_notices(doc, rep.add)

    nodes = tuple(
        _build_node(doc, i, s, rep, index_of, roles, fields, known) for i, s in enumerate(steps)
    )
    _check_connectors(steps, rep)
    _check_graph(doc, nodes, rep, index_of)
    _check_joins(nodes, rep, index_of)
    _check_conditions(doc, nodes, rep, index_of)
    errors = [p for p in rep.problems if p.severity is Severity.ERROR]
    if errors:
        return CompileResult(None, rep.problems)
    _warn_mutu_baku(nodes, rep, index_of)
    _warn_service_standard(doc, nodes, rep, minutes_per_day)
    _warn_parallel(nodes, rep, index_of)
    _warn_authoring_notes(doc, rep)
    for u in unsupplied_inputs(nodes, fields):
        rep.add("W204", ("langkah", index_of[u.no], "mutu_baku", "kelengkapan", u.index),
                item=u.item, no=u.no, detail=u.detail)
    return CompileResult(_workflow(doc, nodes), rep.problems)


def _check_items(doc: SopDocument, rep: _Reporter) -> None:
    """A tick (``jenis: centang``) only as a kelengkapan (E139); an item named at several
    places (case fields, steps' kelengkapan and output) of one kind everywhere (W209: a
    plain-text kelengkapan is a document, often written for an item an earlier step gives
    as a number): a later step is shown, and judged against, what an earlier one
    recorded."""
    seen: dict[str, tuple[ItemKind, str]] = {}

    def note(item: Item, path: Path, no: int | None, section: str) -> None:
        if item.jenis is ItemKind.CENTANG and section != "kelengkapan":
            rep.add("E139", (*path, "jenis"), no=no if no is not None else "-",
                    item=item.nama, where=section)
        there = tr("isian perkara", "the case fields") if no is None else tr(
            "langkah {no} ({s})", "step {no} ({s})", no=no, s=section)
        first = seen.setdefault(item.id, (item.jenis, there))
        if first[0] is not item.jenis:
            rep.add("W209", path, item=item.id, kind=str(item.jenis), first=str(first[0]),
                    there=first[1])

    for j, f in enumerate(doc.isian):
        note(f, ("isian", j), None, "isian")
    for i, step in enumerate(doc.langkah):
        mb = step.mutu_baku
        if mb is None:
            continue
        for section, items in (("kelengkapan", mb.kelengkapan), ("output", mb.output)):
            for j, item in enumerate(items or ()):
                note(item, ("langkah", i, "mutu_baku", section, j), step.no, section)


def _index_steps(steps: list[Langkah], rep: _Reporter) -> dict[int, int]:
    """Each step number's row; a number used twice is E110 (the first row keeps it)."""
    index_of: dict[int, int] = {}
    for i, s in enumerate(steps):
        if s.no in index_of:
            rep.add("E110", ("langkah", i, "no"), no=s.no)
        else:
            index_of[s.no] = i
    return index_of


def _check_references(doc: SopDocument, rep: _Reporter, index_of: dict[int, int],
                      court: set[str] | None, known: set[str] | None) -> None:
    """Roles in the court file (E113), related SOPs in the library (E108) and the steps a
    separation of duties names (E107)."""
    if court is not None:
        for i, p in enumerate(doc.pelaksana):
            if p.id not in court:
                rep.add("E113", ("pelaksana", i, "id"), role=p.id)
        for i, reader in enumerate(doc.kerahasiaan.pembaca if doc.kerahasiaan else []):
            if reader not in court:
                rep.add("E113", ("kerahasiaan", "pembaca", i), role=reader)
    if known is not None:
        for i, ref in enumerate(doc.identitas.keterkaitan):
            if ref not in known:
                rep.add("E108", ("identitas", "keterkaitan", i), ref=ref)
    for i, rule in enumerate(doc.pemisahan_tugas):
        for j, no in enumerate(rule.langkah):
            if no not in index_of:
                rep.add("E107", ("pemisahan_tugas", i, "langkah", j), ref=no)


def _check_service_anchor(doc: SopDocument, rep: _Reporter, index_of: dict[int, int],
                          fields: set[str]) -> None:
    """What the service standard counts from, and that there is a standard to count."""
    service = doc.standar_pelayanan
    if service is None or not service.waktu_pelayanan_sejak:
        return
    path: Path = ("standar_pelayanan", "waktu_pelayanan_sejak")
    _check_anchor(service.waktu_pelayanan_sejak, 0, path, rep, index_of, fields)
    if service.waktu_pelayanan is None:
        rep.add("E012", path, detail=tr("'waktu_pelayanan_sejak' butuh 'waktu_pelayanan'",
                                        "'waktu_pelayanan_sejak' needs 'waktu_pelayanan'"))


def _check_start_and_end(steps: list[Langkah], rep: _Reporter) -> None:
    """Exactly one start (E101) and an end at least (E102)."""
    starts = [i for i, s in enumerate(steps) if s.jenis is StepKind.MULAI]
    if len(starts) != 1:
        rep.add("E101", ("langkah", starts[1]) if len(starts) > 1 else ("langkah",),
                count=len(starts))
    if not any(s.jenis is StepKind.SELESAI for s in steps):
        rep.add("E102", ("langkah",))


def _workflow(doc: SopDocument, nodes: tuple[Node, ...]) -> Workflow:
    """The compiled workflow of a document without errors."""
    service = doc.standar_pelayanan
    return Workflow(
        sop_id=doc.id,
        version=version_hash(doc, nodes),
        document=doc,
        roles=tuple(doc.pelaksana),
        nodes=nodes,
        start=next(n.id for n in nodes if n.kind is StepKind.MULAI),
        ends=tuple(n.id for n in nodes if n.is_end),
        service_limit=service.waktu_pelayanan if service else None,
        service_anchor=service.waktu_pelayanan_sejak if service else None,
        enforcement=doc.penegakan,
        readers=_readers(doc), channel=doc.saluran or "loket",
        separation=tuple(doc.pemisahan_tugas),
        fields=tuple(doc.isian),
    )


@dataclass(frozen=True)
class _Row:
    """One row of the step table being compiled, and where its problems go."""

    doc: SopDocument
    i: int
    s: Langkah
    rep: _Reporter
    index_of: dict[int, int]
    roles: Mapping[str, Pelaksana]
    fields: set[str]
    known: set[str] | None

    @property
    def here(self) -> Path:
        return ("langkah", self.i)

    def ref(self, no: int, *path: str | int) -> str:
        """The id of step ``no``, reported (E107) when there is no such step."""
        if no not in self.index_of:
            self.rep.add("E107", (*self.here, *path), ref=no)
        return str(no)

    def bad(self, code: str, *path: str | int) -> None:
        """A step-shape problem of this row (E111, E119-E137), at ``path`` inside it."""
        self.rep.add(code, (*self.here, *path), no=self.s.no)


@dataclass(frozen=True)
class _Actors:
    """Who does a step, as its row names them."""

    roles: tuple[str, ...]  # as written
    declared: tuple[Pelaksana, ...]  # those the SOP declares
    system: bool  # one of them is a 'sistem' role
    public: bool  # one of them is a 'publik' role


def _build_node(
    doc: SopDocument, i: int, s: Langkah, rep: _Reporter, index_of: dict[int, int],
    roles: Mapping[str, Pelaksana], fields: set[str], known: set[str] | None,
) -> Node:
    row = _Row(doc, i, s, rep, index_of, roles, fields, known)
    actors = _actors(row)
    _check_kind_keys(row, actors)
    transitions = _flow(row)
    limit, anchor = _limit(row)
    _check_extension(row, limit)
    timer = _timer(row)
    if timer is not None:
        transitions.append(Transition(timer.target, EdgeKind.TIMER, timer.limit.text))
    mb, extension = s.mutu_baku, s.perpanjangan
    waktu = mb.waktu if mb is not None else None
    return Node(
        id=str(s.no), no=s.no, kind=s.jenis, symbol=SYMBOL_OF[s.jenis], kegiatan=s.kegiatan,
        role=actors.roles[0] if actors.roles else None, roles=actors.roles, joint=s.bersama,
        inputs=tuple(mb.kelengkapan) if mb else (),
        outputs=tuple(mb.output) if mb else (), limit=limit,
        limit_set=waktu is not None, anchor=anchor,
        limit_end=waktu.berakhir if waktu is not None else None,
        extension=extension.batas if extension else None,
        extension_by=tuple(extension.oleh or ()) if extension else (),
        extension_scope=extension.memperpanjang if extension else "langkah", timer=timer,
        transitions=tuple(transitions),
        waits=tuple(row.ref(no, "menunggu", j) for j, no in enumerate(s.menunggu or ())),
        enforcement=s.penegakan or doc.penegakan, action=s.aksi, sub_sop=s.sop,
        connector=s.penghubung, recorded_by=tuple(s.dicatat_oleh or ()), keterangan=s.keterangan,
        author_notes=tuple(s.catatan_penyusun), notice=s.beri_tahu_pemohon,
    )


def _actors(row: _Row) -> _Actors:
    """The step's pelaksana: required (but of a connector), declared (E106), a 'sistem' or
    'publik' role alone, two at least for a joint act (E116), and who records a party's act."""
    s, here = row.s, row.here
    step_roles = tuple(s.pelaksana or ())
    if not step_roles and s.jenis is not StepKind.PENGHUBUNG:
        row.bad("E119")
    for j, r in enumerate(step_roles):
        if r not in row.roles:
            row.rep.add("E106", (*here, "pelaksana", j), role=r)
    declared = tuple(row.roles[r] for r in step_roles if r in row.roles)
    actors = _Actors(step_roles, declared, system=any(r.sistem for r in declared),
                     public=any(r.publik for r in declared))
    if len(step_roles) > 1 and (actors.system or actors.public):
        row.bad("E120", "pelaksana")
    if s.bersama and len(set(step_roles)) < 2:
        row.rep.add("E116", (*here, "bersama"), no=s.no, count=len(set(step_roles)))
    for j, r in enumerate(s.dicatat_oleh or ()):
        if r not in row.roles:
            row.rep.add("E106", (*here, "dicatat_oleh", j), role=r)
    if s.dicatat_oleh and not actors.public:
        row.bad("E121", "dicatat_oleh")
    return actors


def _check_kind_keys(row: _Row, actors: _Actors) -> None:
    """The keys that belong to one kind of step: 'aksi' and a 'sistem' pelaksana to an
    automated step, 'sop' to a sub_sop step, 'penghubung' to a connector."""
    s, kind = row.s, row.s.jenis
    if kind is StepKind.OTOMATIS:
        if not s.aksi:
            row.bad("E111")
        if actors.declared and not actors.system:
            row.bad("E122", "pelaksana")
    elif s.aksi:
        row.bad("E123", "aksi")
    elif actors.system:
        row.bad("E124", "pelaksana")
    if kind is StepKind.SUB_SOP:
        if not s.sop:
            row.bad("E125")
        elif row.known is not None and s.sop not in row.known:
            row.rep.add("E108", (*row.here, "sop"), ref=s.sop)
        elif s.sop == row.doc.id:
            row.bad("E126", "sop")
    elif s.sop:
        row.bad("E127", "sop")
    if (kind is StepKind.PENGHUBUNG) != (s.penghubung is not None):
        row.bad("E128")


def _flow(row: _Row) -> list[Transition]:
    """Where the flow goes after the step: a decision's branches, an outgoing connector's
    pair, the steps its 'lanjut' names, or the next row; an end goes nowhere."""
    s, kind = row.s, row.s.jenis
    if kind is StepKind.KEPUTUSAN:
        if s.lanjut is not None:
            row.bad("E129", "lanjut")
        return _branches(row)
    if s.cabang is not None:
        row.bad("E130", "cabang")
        return []
    if kind is StepKind.SELESAI:
        if s.lanjut is not None:
            row.bad("E131", "lanjut")
        return []
    if kind is StepKind.PENGHUBUNG and s.penghubung and s.penghubung.arah == "keluar":
        if s.lanjut is not None:
            row.bad("E132", "lanjut")
        label = s.penghubung.label
        pair = next((x for x in row.doc.langkah if x.penghubung and x.penghubung.arah == "masuk"
                     and x.penghubung.label == label), None)
        return [] if pair is None else [Transition(str(pair.no), EdgeKind.CONNECTOR, label)]
    if isinstance(s.lanjut, list):
        return [Transition(row.ref(no, "lanjut", j)) for j, no in enumerate(s.lanjut)]
    if s.lanjut is not None:
        return [Transition(row.ref(s.lanjut, "lanjut"))]
    if row.i + 1 < len(row.doc.langkah):
        return [Transition(str(row.doc.langkah[row.i + 1].no))]
    row.bad("E133")
    return []


def _branches(row: _Row) -> list[Transition]:
    """A decision's branches: two at least, labels distinct (E105), at most one without a
    condition when any has one (E118)."""
    s, here = row.s, row.here
    branches = s.cabang or []
    labels = [b.label.casefold() for b in branches]
    if len(branches) < 2:
        row.rep.add("E105", (*here, "cabang") if s.cabang is not None else here, no=s.no,
                    detail=tr("harus punya paling sedikit 2 cabang",
                              "must have at least 2 branches"))
    dupes = sorted({b.label for b in branches if labels.count(b.label.casefold()) > 1})
    if dupes:
        row.rep.add("E105", (*here, "cabang"), no=s.no,
                    detail=tr("punya label cabang kembar: {l}",
                              "has duplicate branch labels: {l}", l=", ".join(dupes)))
    transitions = [Transition(row.ref(b.ke, "cabang", j, "ke"), EdgeKind.BRANCH, b.label,
                              _condition(b.jika)) for j, b in enumerate(branches)]
    otherwise = [b.label for b in branches if b.jika is None]
    if len(otherwise) > 1 and len(otherwise) < len(branches):
        row.rep.add("E118", (*here, "cabang"), no=s.no, labels=", ".join(otherwise))
    return transitions


def _limit(row: _Row) -> tuple[TimeLimit | None, Anchor | None]:
    """The step's time limit in its mutu baku and what it counts from ('sejak')."""
    mb = row.s.mutu_baku
    if mb is None or mb.waktu is None:
        return None, None
    limit, anchor = mb.waktu.batas, mb.waktu.sejak
    if anchor is not None:
        _check_anchor(anchor, row.s.no, (*row.here, "mutu_baku", "waktu", "sejak"), row.rep,
                      row.index_of, row.fields)
        if limit is None:
            row.bad("E134", "mutu_baku", "waktu")
    return limit, anchor


def _check_extension(row: _Row, limit: TimeLimit | None) -> None:
    """A 'perpanjangan' extends a limit the SOP sets: the step's, or the service standard's;
    the roles that may grant it are declared."""
    extension = row.s.perpanjangan
    if extension is None:
        return
    if limit is None and extension.memperpanjang != "waktu_pelayanan":
        row.bad("E135", "perpanjangan")
    service = row.doc.standar_pelayanan
    if extension.memperpanjang != "langkah" and (
            service is None or service.waktu_pelayanan is None):
        row.bad("E136", "perpanjangan", "memperpanjang")
    for j, r in enumerate(extension.oleh or ()):
        if r not in row.roles:
            row.rep.add("E106", (*row.here, "perpanjangan", "oleh", j), role=r)


def _timer(row: _Row) -> Timer | None:
    """The step's 'jika_lewat_waktu': where the flow goes when its time runs out."""
    t = row.s.jika_lewat_waktu
    if t is None:
        return None
    if t.sejak is not None:
        _check_anchor(t.sejak, row.s.no, (*row.here, "jika_lewat_waktu", "sejak"), row.rep,
                      row.index_of, row.fields)
    if row.s.jenis in (StepKind.SELESAI, StepKind.PENGHUBUNG):
        row.bad("E137", "jika_lewat_waktu")
    return Timer(t.setelah, row.ref(t.ke, "jika_lewat_waktu", "ke"), t.sejak, t.keterangan)


def _check_anchor(anchor: object, no: int, path: Path, rep: _Reporter,
                  index_of: dict[int, int], fields: set[str]) -> None:
    for key in ("paling_akhir", "paling_awal"):
        for i, part in enumerate(getattr(anchor, key, None) or ()):
            _check_anchor(part, no, (*path, key, i), rep, index_of, fields)
    langkah = getattr(anchor, "langkah", None)
    isian = getattr(anchor, "isian", None)
    if langkah is not None:
        if langkah not in index_of:
            rep.add("E107", (*path, "langkah"), ref=langkah)
        elif langkah == no:
            rep.add("E138", (*path, "langkah"), no=no)
    if isian is not None and isian not in fields:
        rep.add("E114", (*path, "isian"), ref=isian)


def _condition(jika: Jika | None) -> Condition | None:
    if jika is None:
        return None
    if jika.tepat_waktu is not None:
        return Condition("tepat_waktu", step=str(jika.tepat_waktu))
    if jika.terlambat is not None:
        return Condition("terlambat", step=str(jika.terlambat))
    return Condition("isian", item=jika.isian, value=jika.sama_dengan)


def _check_conditions(doc: SopDocument, nodes: tuple[Node, ...], rep: _Reporter,
                      index_of: dict[int, int]) -> None:
    """Each ``cabang[].jika`` names what the engine can judge when the decision is done: an
    earlier step (one the decision can follow) that has a time limit, or an item the case
    knows (a case field, or a kelengkapan or output of a step)."""
    by_id = {n.id: n for n in nodes}
    succ = {n.id: [t.target for t in n.transitions if t.target in by_id] for n in nodes}
    items = {f.id for f in doc.isian} | {i.id for n in nodes for i in (*n.inputs, *n.outputs)}
    for n in nodes:
        for j, t in enumerate(t for t in n.transitions if t.kind is EdgeKind.BRANCH):
            cond = t.condition
            if cond is None:
                continue
            here: Path = ("langkah", index_of.get(n.no, 0), "cabang", j, "jika")
            problem = _condition_problem(cond, n, by_id, succ, items)
            if problem == "E107":
                rep.add("E107", (*here, cond.kind), ref=cond.step)
            elif problem is not None:
                rep.add("E117", (*here, cond.kind), label=t.label, no=n.no, detail=problem)


def _condition_problem(cond: Condition, decision: Node, by_id: Mapping[str, Node],
                       succ: Mapping[str, list[str]], items: set[str]) -> str | None:
    if cond.kind == "isian":
        if cond.item not in items:
            return tr("'{i}' bukan isian perkara, kelengkapan atau output langkah mana pun",
                      "'{i}' is neither a case field nor an input or output of any step",
                      i=cond.item)
        return None
    step = by_id.get(cond.step or "")
    if step is None:
        return "E107"
    if step.id == decision.id or decision.id not in reachable(succ, succ.get(step.id, [])):
        return tr("langkah {s} tidak mendahului keputusan ini",
                  "step {s} does not come before this decision", s=step.no)
    if step.limit is None:
        return tr("langkah {s} tidak punya batas waktu", "step {s} has no time limit",
                  s=step.no)
    return None


def _check_connectors(steps: list[Langkah], rep: _Reporter) -> None:
    by_label: dict[str, list[tuple[int, str]]] = {}
    for i, s in enumerate(steps):
        if s.penghubung is not None:
            by_label.setdefault(s.penghubung.label, []).append((i, s.penghubung.arah))
    for label, uses in by_label.items():
        outs = [i for i, a in uses if a == "keluar"]
        ins = [i for i, a in uses if a == "masuk"]
        if len(outs) != 1 or len(ins) != 1:
            i = uses[-1][0]
            rep.add("E109", ("langkah", i, "penghubung", "label"), label=label, detail=tr(
                "harus berpasangan: tepat satu 'keluar' dan satu 'masuk' "
                "(ada {o} keluar, {m} masuk)",
                "must come in a pair: exactly one 'keluar' and one 'masuk' ({o} out, {m} in)",
                o=len(outs), m=len(ins)))


def _check_graph(doc: SopDocument, nodes: tuple[Node, ...], rep: _Reporter,
                 index_of: dict[int, int]) -> None:
    ids = {n.id for n in nodes}
    succ = {n.id: [t.target for t in n.transitions if t.target in ids] for n in nodes}
    starts = [n.id for n in nodes if n.kind is StepKind.MULAI]
    ends = [n.id for n in nodes if n.is_end]
    if len(starts) == 1:
        seen = reachable(succ, [starts[0]])
        for n in nodes:
            if n.id not in seen:
                rep.add("E103", ("langkah", index_of.get(n.no, 0)), no=n.no)
    if ends:
        pred: dict[str, list[str]] = {n.id: [] for n in nodes}
        for a, targets in succ.items():
            for b in targets:
                pred[b].append(a)
        back = reachable(pred, ends)
        for n in nodes:
            if n.id not in back:
                rep.add("E104", ("langkah", index_of.get(n.no, 0)), no=n.no)


def _check_joins(nodes: tuple[Node, ...], rep: _Reporter, index_of: dict[int, int]) -> None:
    """Each step a join waits for (``menunggu``) must lead into it."""
    by_id = {n.id: n for n in nodes}
    for n in nodes:
        for j, awaited in enumerate(n.waits):
            source = by_id.get(awaited)
            if source is None:
                continue  # E107 already
            if not any(t.target == n.id for t in source.transitions):
                rep.add("E115", ("langkah", index_of[n.no], "menunggu", j), no=n.no, ref=awaited)


def _warn_parallel(nodes: tuple[Node, ...], rep: _Reporter, index_of: dict[int, int]) -> None:
    """Branches of a split (``lanjut: [..]``) that meet at a step which does not wait for
    them (W205: it would open once per branch, the first time too early), and branches that
    reach an end step before they are joined (W206: the case would end while the other
    branch is still at work)."""
    by_id = {n.id: n for n in nodes}
    merged: set[str] = set()
    for split in nodes:
        if not split.is_split:
            continue
        starts = [t.target for t in split.transitions if t.kind is EdgeKind.NEXT]
        spans = [_branch(by_id, split.id, first) for first in starts]
        for first, (_reached, ends) in zip(starts, spans, strict=True):
            for end in sorted(ends, key=lambda e: by_id[e].no):
                rep.add("W206", ("langkah", index_of[split.no], "lanjut"), no=split.no,
                        branch=first, end=end)
        for a in range(len(spans)):
            for b in range(a + 1, len(spans)):
                for node_id in sorted(spans[a][0] & spans[b][0], key=lambda x: by_id[x].no):
                    node = by_id[node_id]
                    if node_id in merged or not _first_meeting(by_id, node, spans[a][0],
                                                               spans[b][0], starts):
                        continue
                    merged.add(node_id)
                    rep.add("W205", ("langkah", index_of[node.no]), no=node.no,
                            split=split.no, a=starts[a], b=starts[b])


def _branch(by_id: Mapping[str, Node], split: str, first: str) -> tuple[set[str], set[str]]:
    """The steps one branch of ``split`` reaches before it is joined (a step that waits for
    it ends the branch), and the end steps among them."""
    reached: set[str] = set()
    stack = [(split, first)]
    while stack:
        source, node_id = stack.pop()
        node = by_id.get(node_id)
        if node is None or node_id == split:
            continue
        if node.waits and source in node.waits:
            continue  # the join: the branch ends here
        if node_id in reached:
            continue
        reached.add(node_id)
        stack.extend((node_id, t.target) for t in node.transitions)
    return reached, {n for n in reached if by_id[n].is_end}


def _first_meeting(by_id: Mapping[str, Node], node: Node, a: set[str], b: set[str],
                   starts: list[str]) -> bool:
    """Whether two branches first meet at ``node``: it is a branch's first step, or some
    step leading into it belongs to one branch only."""
    if node.id in starts:
        return True
    both = a & b
    return any(n.id in (a | b) - both and any(t.target == node.id for t in n.transitions)
               for n in by_id.values())


def _warn_authoring_notes(doc: SopDocument, rep: _Reporter) -> None:
    """W207: official text (the identity block, the service standard, a separation of
    duties' reason, a step's keterangan, a timer's note) that reads like an authoring note,
    which belongs in ``catatan_penyusun``."""
    court = doc.identitas.satuan_kerja
    texts: list[tuple[Path, str, str, str | None]] = []
    ident, std = doc.identitas, doc.standar_pelayanan
    fields = {"dasar_hukum": ident.dasar_hukum, "kualifikasi_pelaksana":
              ident.kualifikasi_pelaksana, "peralatan": ident.peralatan,
              "pencatatan": ident.pencatatan, "peringatan": [ident.peringatan]}
    for key, values in fields.items():
        for j, text in enumerate(values):
            path: Path = ("identitas", key) if key == "peringatan" else ("identitas", key, j)
            texts.append((path, f"identitas.{key}", f"identitas.{key}", text))
    if std is not None:
        for key, values in {"persyaratan": std.persyaratan, "sarana_prasarana":
                            std.sarana_prasarana, "produk": std.produk,
                            "biaya": [std.biaya], "pengaduan": [std.pengaduan]}.items():
            for j, text in enumerate(values):
                path = (("standar_pelayanan", key) if key in ("biaya", "pengaduan")
                        else ("standar_pelayanan", key, j))
                texts.append((path, f"standar_pelayanan.{key}", f"standar_pelayanan.{key}",
                              text))
    for j, rule in enumerate(doc.pemisahan_tugas):
        texts.append((("pemisahan_tugas", j, "alasan"), "alasan pemisahan tugas",
                      "the reason of a separation of duties", rule.alasan))
    for i, s in enumerate(doc.langkah):
        texts.append((("langkah", i, "keterangan"), f"keterangan langkah {s.no}",
                      f"the keterangan of step {s.no}", s.keterangan))
        if s.beri_tahu_pemohon is not None:
            texts.append((("langkah", i, "beri_tahu_pemohon", "pesan"),
                          f"pesan beri_tahu_pemohon langkah {s.no}",
                          f"the beri_tahu_pemohon message of step {s.no}",
                          s.beri_tahu_pemohon.pesan))
        if s.jika_lewat_waktu is not None:
            texts.append((("langkah", i, "jika_lewat_waktu", "keterangan"),
                          f"keterangan jika_lewat_waktu langkah {s.no}",
                          f"the jika_lewat_waktu keterangan of step {s.no}",
                          s.jika_lewat_waktu.keterangan))
    for at, where, where_en, official in texts:
        why = authoring_note(official, court)
        if why is not None:
            rep.add("W207", at, where=where, where_en=where_en, why=why)


def _warn_mutu_baku(nodes: tuple[Node, ...], rep: _Reporter, index_of: dict[int, int]) -> None:
    for n in nodes:
        if n.kind not in (StepKind.PROSES, StepKind.OTOMATIS):
            continue
        missing = []
        if not n.limit_set:
            missing.append("waktu")
        if not n.outputs:
            missing.append("output")
        if missing:
            rep.add("W201", ("langkah", index_of[n.no]), no=n.no, kind=str(n.kind),
                    missing="(" + ", ".join(missing) + ")")


def _warn_service_standard(doc: SopDocument, nodes: tuple[Node, ...], rep: _Reporter,
                           minutes_per_day: int) -> None:
    std = doc.standar_pelayanan.waktu_pelayanan if doc.standar_pelayanan else None
    sp = doc.standar_pelayanan
    if std is None or sp is None or sp.waktu_pelayanan_sejak is not None:
        return  # no standard, or one that counts from a date outside the procedure
    weights: dict[str, int] = {}
    anchors: dict[str, str] = {}
    for n in nodes:
        if n.limit is None or (n.anchor is not None and n.anchor.langkah is None):
            # no limit, or counted from a date outside the procedure (or the later or
            # earlier of several moments: not a path's sum either)
            weights[n.id] = 0
        else:
            weights[n.id] = n.limit.nominal_minutes(minutes_per_day)
            if n.anchor is not None and n.anchor.langkah is not None:
                anchors[n.id] = str(n.anchor.langkah)
    succ = {n.id: [t.target for t in n.transitions if t.kind is not EdgeKind.TIMER]
            for n in nodes}
    start = next(n.id for n in nodes if n.kind is StepKind.MULAI)
    total, path = longest_path(succ, weights, start, {n.id for n in nodes if n.is_end},
                               anchors=anchors)
    if total > std.nominal_minutes(minutes_per_day):
        days, minutes = divmod(total, minutes_per_day)
        rep.add("W202", ("standar_pelayanan", "waktu_pelayanan"), steps=" → ".join(path),
                total=TimeLimit(working_minutes=minutes, working_days=days).describe(),
                standard=std.describe())


def _readers(doc: SopDocument) -> frozenset[str] | None:
    """Who may read a confidential SOP's cases: the roles that act in it (not the public's,
    not a system's) and its ``pembaca``; None when its cases are not confidential."""
    if doc.kerahasiaan is None:
        return None
    acting = {p.id for p in doc.pelaksana if not (p.publik or p.sistem)}
    return frozenset(acting | set(doc.kerahasiaan.pembaca))
