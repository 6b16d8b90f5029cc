"""SopDocument -> Workflow, with every static check reported at once.

Checks (codes in ``sop_runtime.problems``): duplicate step numbers (E110), exactly one start
(E101), at least one end (E102), declared pelaksana (E106) and court roles (E113), step and
SOP references (E107, E108), case-field references (E114), decisions with two or more
distinctly labelled branches (E105), step-shape rules (E111), paired off-page connectors
(E109), reachability from the start (E103) and of an end (E104), joins that wait for a step
not leading into them (E115), joint steps with two roles at least (E116), branch conditions
on an earlier timed step or a known item (E117) and at most one branch without a condition
(E118); warnings for process
steps without mutu baku (W201), for a procedure whose longest path cannot meet its own
service standard (W202) and for a kelengkapan no earlier step can supply that looks like a
mistake (W204, ``sop_runtime.compiler.inputs``), for parallel branches that meet at a step
not waiting for them (W205) or reach an end before they are joined (W206).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sop_runtime.compiler.canonical import version_hash
from sop_runtime.compiler.graph import longest_path, reachable
from sop_runtime.compiler.inputs import unsupplied_inputs
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
    index_of: dict[int, int] = {}
    for i, s in enumerate(steps):
        if s.no in index_of:
            rep.add("E110", ("langkah", i, "no"), no=s.no)
        else:
            index_of[s.no] = i
    roles = {p.id: p for p in doc.pelaksana}
    fields = {f.id for f in doc.isian}
    known = set(known_sops) if known_sops is not None else None
    court = set(court_roles) if court_roles is not None else None

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

    if doc.standar_pelayanan and doc.standar_pelayanan.waktu_pelayanan_sejak:
        path: Path = ("standar_pelayanan", "waktu_pelayanan_sejak")
        _check_anchor(doc.standar_pelayanan.waktu_pelayanan_sejak, 0, path, rep, index_of, fields)
        if doc.standar_pelayanan.waktu_pelayanan is None:
            rep.add("E012", path, detail=tr("'waktu_pelayanan_sejak' butuh 'waktu_pelayanan'",
                                            "'waktu_pelayanan_sejak' needs 'waktu_pelayanan'"))

    starts = [i for i, s in enumerate(steps) if s.jenis is StepKind.MULAI]
    if len(starts) != 1:
        rep.add("E101", ("langkah", starts[1]) if len(starts) > 1 else ("langkah",),
                count=len(starts))
    if not any(s.jenis is StepKind.SELESAI for s in steps):
        rep.add("E102", ("langkah",))

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
    for u in unsupplied_inputs(nodes, fields):
        rep.add("W204", ("langkah", index_of[u.no], "mutu_baku", "kelengkapan", u.index),
                item=u.item, no=u.no, detail=u.detail)
    start = next(n.id for n in nodes if n.kind is StepKind.MULAI)
    wf = Workflow(
        sop_id=doc.id,
        version=version_hash(doc, nodes),
        document=doc,
        roles=tuple(doc.pelaksana),
        nodes=nodes,
        start=start,
        ends=tuple(n.id for n in nodes if n.is_end),
        service_limit=doc.standar_pelayanan.waktu_pelayanan if doc.standar_pelayanan else None,
        service_anchor=(doc.standar_pelayanan.waktu_pelayanan_sejak
                        if doc.standar_pelayanan else None),
        enforcement=doc.penegakan,
        readers=_readers(doc), channel=doc.saluran or "loket",
        separation=tuple(doc.pemisahan_tugas),
        fields=tuple(doc.isian),
    )
    return CompileResult(wf, rep.problems)


def _build_node(
    doc: SopDocument, i: int, s: Langkah, rep: _Reporter, index_of: dict[int, int],
    roles: Mapping[str, Pelaksana], fields: set[str], known: set[str] | None,
) -> Node:
    here: Path = ("langkah", i)

    def ref(no: int, *path: str | int) -> str:
        if no not in index_of:
            rep.add("E107", (*here, *path), ref=no)
        return str(no)

    def bad(detail: str, *path: str | int) -> None:
        rep.add("E111", (*here, *path), no=s.no, detail=detail)

    kind = s.jenis
    # pelaksana
    step_roles = tuple(s.pelaksana or ())
    if not step_roles and kind is not StepKind.PENGHUBUNG:
        bad(tr("kolom 'pelaksana' wajib diisi", "the 'pelaksana' field is required"))
    for j, r in enumerate(step_roles):
        if r not in roles:
            rep.add("E106", (*here, "pelaksana", j), role=r)
    declared = [roles[r] for r in step_roles if r in roles]
    role = declared[0] if declared else None
    is_system = any(r.sistem for r in declared)
    is_public = any(r.publik for r in declared)
    if len(step_roles) > 1 and (is_system or is_public):
        bad(tr("pelaksana sistem atau publik tidak dapat digabung dengan pelaksana lain",
               "a sistem or publik pelaksana cannot be combined with other roles"), "pelaksana")
    if s.bersama and len(set(step_roles)) < 2:
        rep.add("E116", (*here, "bersama"), no=s.no, count=len(set(step_roles)))
    for j, r in enumerate(s.dicatat_oleh or ()):
        if r not in roles:
            rep.add("E106", (*here, "dicatat_oleh", j), role=r)
    if s.dicatat_oleh and not is_public:
        bad(tr("'dicatat_oleh' hanya untuk langkah yang dilakukan pihak publik (pemohon)",
               "'dicatat_oleh' is only for steps done by the public (the applicant)"),
            "dicatat_oleh")

    # kind-specific shape
    if kind is StepKind.OTOMATIS:
        if not s.aksi:
            bad(tr("langkah otomatis wajib punya 'aksi' (modul:fungsi)",
                   "an automated step needs an 'aksi' (module:function)"))
        if role is not None and not is_system:
            bad(tr("pelaksana langkah otomatis harus pelaksana 'sistem'",
                   "the pelaksana of an automated step must be a 'sistem' role"), "pelaksana")
    elif s.aksi:
        bad(tr("'aksi' hanya untuk langkah otomatis", "'aksi' is only for automated steps"), "aksi")
    elif is_system:
        bad(tr("pelaksana sistem hanya untuk langkah otomatis",
               "a sistem pelaksana may only do automated steps"), "pelaksana")
    if kind is StepKind.SUB_SOP:
        if not s.sop:
            bad(tr("langkah sub_sop wajib menyebut 'sop'", "a sub_sop step must name its 'sop'"))
        elif known is not None and s.sop not in known:
            rep.add("E108", (*here, "sop"), ref=s.sop)
        elif s.sop == doc.id:
            bad(tr("SOP tidak boleh memanggil dirinya sendiri", "an SOP cannot call itself"), "sop")
    elif s.sop:
        bad(tr("'sop' hanya untuk langkah sub_sop", "'sop' is only for sub_sop steps"), "sop")
    if (kind is StepKind.PENGHUBUNG) != (s.penghubung is not None):
        bad(tr("langkah penghubung wajib (dan hanya ia) punya 'penghubung: {label, arah}'",
               "a penghubung step needs (and only it may have) 'penghubung: {label, arah}'"))

    # flow
    transitions: list[Transition] = []
    if kind is StepKind.KEPUTUSAN:
        if s.lanjut is not None:
            bad(tr("keputusan memakai 'cabang', bukan 'lanjut'",
                   "a decision uses 'cabang', not 'lanjut'"), "lanjut")
        branches = s.cabang or []
        labels = [b.label.casefold() for b in branches]
        if len(branches) < 2:
            rep.add("E105", (*here, "cabang") if s.cabang is not None else here, no=s.no,
                    detail=tr("harus punya paling sedikit 2 cabang",
                              "must have at least 2 branches"))
        dupes = sorted({b.label for b in branches if labels.count(b.label.casefold()) > 1})
        if dupes:
            rep.add("E105", (*here, "cabang"), no=s.no,
                    detail=tr("punya label cabang kembar: {l}", "has duplicate branch labels: {l}",
                              l=", ".join(dupes)))
        for j, b in enumerate(branches):
            transitions.append(Transition(ref(b.ke, "cabang", j, "ke"), EdgeKind.BRANCH, b.label,
                                          _condition(b.jika)))
        otherwise = [b.label for b in branches if b.jika is None]
        if len(otherwise) > 1 and len(otherwise) < len(branches):
            rep.add("E118", (*here, "cabang"), no=s.no, labels=", ".join(otherwise))
    elif s.cabang is not None:
        bad(tr("'cabang' hanya untuk langkah keputusan", "'cabang' is only for decision steps"),
            "cabang")
    elif kind is StepKind.SELESAI:
        if s.lanjut is not None:
            bad(tr("langkah selesai tidak punya langkah berikutnya",
                   "an end step has no next step"), "lanjut")
    elif kind is StepKind.PENGHUBUNG and s.penghubung and s.penghubung.arah == "keluar":
        if s.lanjut is not None:
            bad(tr("penghubung keluar berlanjut ke pasangannya, bukan 'lanjut'",
                   "an outgoing connector continues at its pair, not at 'lanjut'"), "lanjut")
        pair = next((x for x in doc.langkah if x.penghubung and x.penghubung.arah == "masuk"
                     and x.penghubung.label == s.penghubung.label), None)
        if pair is not None:
            transitions.append(Transition(str(pair.no), EdgeKind.CONNECTOR, s.penghubung.label))
    else:
        if isinstance(s.lanjut, list):
            transitions.extend(Transition(ref(no, "lanjut", j)) for j, no in enumerate(s.lanjut))
        elif s.lanjut is not None:
            transitions.append(Transition(ref(s.lanjut, "lanjut")))
        elif i + 1 < len(doc.langkah):
            transitions.append(Transition(str(doc.langkah[i + 1].no)))
        else:
            bad(tr("baris terakhir tabel harus langkah selesai atau menyebut 'lanjut'",
                   "the last row must be an end step or name its 'lanjut'"))

    # time
    mb = s.mutu_baku
    limit: TimeLimit | None = None
    anchor = None
    if mb is not None and mb.waktu is not None:
        limit = mb.waktu.batas
        anchor = mb.waktu.sejak
        if anchor is not None:
            _check_anchor(anchor, s.no, (*here, "mutu_baku", "waktu", "sejak"), rep, index_of,
                          fields)
            if limit is None:
                bad(tr("'sejak' butuh batas waktu", "'sejak' needs a time limit"),
                    "mutu_baku", "waktu")
    extension = s.perpanjangan
    if extension is not None and limit is None and extension.memperpanjang != "waktu_pelayanan":
        bad(tr("'perpanjangan' butuh batas waktu pada mutu baku",
               "'perpanjangan' needs a time limit in mutu baku"), "perpanjangan")
    if extension is not None and extension.memperpanjang != "langkah" and (
            doc.standar_pelayanan is None or doc.standar_pelayanan.waktu_pelayanan is None):
        bad(tr("'perpanjangan' memperpanjang waktu pelayanan, tetapi SOP tidak punya standar "
               "pelayanan", "'perpanjangan' extends the service time, but the SOP has no "
               "service standard"), "perpanjangan", "memperpanjang")
    for j, r in enumerate(extension.oleh or () if extension else ()):
        if r not in roles:
            rep.add("E106", (*here, "perpanjangan", "oleh", j), role=r)
    timer = None
    if s.jika_lewat_waktu is not None:
        t = s.jika_lewat_waktu
        if t.sejak is not None:
            _check_anchor(t.sejak, s.no, (*here, "jika_lewat_waktu", "sejak"), rep, index_of,
                          fields)
        if kind in (StepKind.SELESAI, StepKind.PENGHUBUNG):
            bad(tr("'jika_lewat_waktu' tidak berlaku untuk langkah ini",
                   "'jika_lewat_waktu' does not apply to this step"), "jika_lewat_waktu")
        timer = Timer(t.setelah, ref(t.ke, "jika_lewat_waktu", "ke"), t.sejak, t.keterangan)
        transitions.append(Transition(timer.target, EdgeKind.TIMER, t.setelah.text))

    return Node(
        id=str(s.no), no=s.no, kind=kind, symbol=SYMBOL_OF[kind], kegiatan=s.kegiatan,
        role=step_roles[0] if step_roles else None, roles=step_roles, joint=s.bersama,
        inputs=tuple(mb.kelengkapan) if mb else (),
        outputs=tuple(mb.output) if mb else (), limit=limit,
        limit_set=mb is not None and mb.waktu is not None, anchor=anchor,
        limit_end=mb.waktu.berakhir if mb is not None and mb.waktu is not None else None,
        extension=extension.batas if extension else None,
        extension_by=tuple(extension.oleh or ()) if extension else (),
        extension_scope=extension.memperpanjang if extension else "langkah", timer=timer,
        transitions=tuple(transitions),
        waits=tuple(ref(no, "menunggu", j) for j, no in enumerate(s.menunggu or ())),
        enforcement=s.penegakan or doc.penegakan, action=s.aksi, sub_sop=s.sop,
        connector=s.penghubung, recorded_by=tuple(s.dicatat_oleh or ()), keterangan=s.keterangan,
    )


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
            rep.add("E111", (*path, "langkah"), no=no, detail=tr(
                "batas waktu tidak dapat dihitung sejak langkah itu sendiri",
                "a limit cannot count from the step itself"))
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
