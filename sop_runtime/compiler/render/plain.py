"""An SOP's procedure told in plain words, for the public (the ``prosedur`` of its standar
pelayanan): one numbered sentence per step of the flowchart, saying who does what (the
role's name, never a person's), by when, and where the flow goes from there: a decision as
"jika ... / jika ...", a timer as "jika tidak dalam ...", a call of another SOP as the
service it continues with, parallel work and the step that waits for it.

And the service time, honestly: the standard the SOP states; else the step limits summed
along the longest path (saying so, and how many steps have no limit); else that none is set.

Only the official text of the steps (``kegiatan``, the roles, the limits, the branches'
labels) is used: never a step's ``catatan_penyusun``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sop_runtime.compiler.graph import longest_path
from sop_runtime.compiler.workflow import EdgeKind, Node, Workflow
from sop_runtime.definition.models import StepKind
from sop_runtime.definition.timelimit import TimeLimit
from sop_runtime.i18n import tr

__all__ = ["PlainStep", "ServiceTime", "plain_steps", "service_time"]


@dataclass(frozen=True, slots=True)
class PlainStep:
    """One step as the public reads it."""

    no: int
    actor: str                    # who: the role's name ("Petugas PTSP", "Pemohon (Anda)")
    action: str                   # what: the step's kegiatan
    public: bool = False          # done by the applicant
    automated: bool = False       # done by an information system
    limit: str | None = None      # by when ("10 menit", "3 hari kerja")
    waits: str | None = None      # "setelah langkah 10 dan 12 selesai"
    branches: tuple[str, ...] = ()  # "jika lengkap: langkah 3"
    then: str | None = None       # "lanjut ke langkah 7", "selesai"
    continues_with: str | None = None  # the SOP id a sub-SOP step continues with


@dataclass(frozen=True, slots=True)
class ServiceTime:
    """How long the service takes: ``kind`` is ``standar`` (the SOP's own standard),
    ``jumlah`` (the step limits summed: an estimate) or ``tidak_ada``."""

    kind: str
    text: str
    note: str | None = None
    hours: bool = False  # it counts minutes or hours (of office hours)


def plain_steps(wf: Workflow, sop_names: Mapping[str, str] | None = None) -> list[PlainStep]:
    """Every step of ``wf`` in the order of its numbers, in plain words; ``sop_names``
    names the SOPs a step may continue with."""
    names = sop_names or {}
    numbers = {n.id: n.no for n in wf.nodes}
    steps = []
    for i, node in enumerate(sorted(wf.nodes, key=lambda n: n.no)):
        following = sorted(wf.nodes, key=lambda n: n.no)[i + 1].no \
            if i + 1 < len(wf.nodes) else None
        steps.append(_step(wf, node, numbers, following, names))
    return steps


def _step(wf: Workflow, node: Node, numbers: Mapping[str, int], following: int | None,
          names: Mapping[str, str]) -> PlainStep:
    public = wf.is_public(node)
    lane = wf.role(node.role or "")
    automated = node.kind is StepKind.OTOMATIS or (lane is not None and lane.sistem)
    action = node.kegiatan
    if node.sub_sop is not None:
        action = tr("{a} (lihat layanan «{s}»)", "{a} (see the service «{s}»)", a=action,
                    s=names.get(node.sub_sop, node.sub_sop))
    return PlainStep(
        no=node.no, actor=_actor(wf, node, public), action=action, public=public,
        automated=automated, limit=_limit(wf, node), waits=_waits(node, numbers),
        branches=_branches(node, numbers), then=_then(node, numbers, following),
        continues_with=node.sub_sop)


def _actor(wf: Workflow, node: Node, public: bool) -> str:
    roles = [wf.role(r) for r in node.roles or ((node.role,) if node.role else ())]
    named = [r.nama for r in roles if r is not None]
    if not named:
        return tr("Pengadilan", "The court")
    joined = _and(named) if node.joint else tr(" atau ", " or ").join(named)
    return tr("{r} (Anda)", "{r} (you)", r=joined) if public else joined


def _limit(wf: Workflow, node: Node) -> str | None:
    if node.limit is None:
        return None
    text = node.limit.describe()
    anchor = node.anchor
    if anchor is not None and anchor.langkah is not None:
        return tr("{t} sejak langkah {n} selesai", "{t} after step {n} is done", t=text,
                  n=anchor.langkah)
    if anchor is not None and anchor.isian is not None:
        named = {i.id: i.nama for n in wf.nodes for i in (*n.inputs, *n.outputs)}
        named.update({f.id: f.nama for f in wf.fields})
        what = named.get(anchor.isian)
        if what is not None:
            return tr("{t} sejak {w}", "{t} from {w}", t=text, w=_label(what))
    if anchor is not None:
        return tr("{t} sejak tanggal yang ditentukan", "{t} from the date set", t=text)
    return text


def _waits(node: Node, numbers: Mapping[str, int]) -> str | None:
    if not node.waits:
        return None
    return tr("setelah langkah {s} selesai", "once steps {s} are done",
              s=_and([str(numbers[w]) for w in node.waits]))


def _label(text: str) -> str:
    """A branch label inside a sentence: lower-case first letter unless it is an acronym."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _branches(node: Node, numbers: Mapping[str, int]) -> tuple[str, ...]:
    found = [tr("jika {l}: langkah {n}", "if {l}: step {n}", l=_label(t.label or ""),
                n=numbers[t.target])
             for t in node.transitions if t.kind is EdgeKind.BRANCH]
    if node.timer is not None:
        found.append(tr("jika tidak selesai dalam {t}: langkah {n}",
                        "if not done within {t}: step {n}", t=node.timer.limit.describe(),
                        n=numbers[node.timer.target]))
    return tuple(found)


def _then(node: Node, numbers: Mapping[str, int], following: int | None) -> str | None:
    if node.is_end:
        return tr("selesai", "done")
    nexts = [numbers[t.target] for t in node.transitions if t.kind in (
        EdgeKind.NEXT, EdgeKind.CONNECTOR)]
    if len(nexts) > 1:
        return tr("lalu langkah {s} berjalan bersamaan", "then steps {s} go on at once",
                  s=_and([str(n) for n in sorted(nexts)]))
    if len(nexts) == 1 and nexts[0] != following:
        return tr("lanjut ke langkah {n}", "go on to step {n}", n=nexts[0])
    return None


def _and(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return tr("{a} dan {b}", "{a} and {b}", a=", ".join(items[:-1]), b=items[-1])


def service_time(wf: Workflow, minutes_per_day: int) -> ServiceTime:
    """The service time the public is told (see the module docstring)."""
    standard = wf.service_limit
    if standard is not None:
        since = wf.service_anchor
        note = tr("dihitung sejak tanggal yang ditentukan dalam permohonan (mis. tanggal putusan)",
                  "counted from the date the request names (e.g. the verdict's)") \
            if since is not None else None
        return ServiceTime("standar", standard.describe(), note,
                           hours=standard.working_minutes > 0)
    weights = {n.id: n.limit.nominal_minutes(minutes_per_day) if n.limit else 0
               for n in wf.nodes}
    succ = {n.id: [t.target for t in n.transitions if t.kind is not EdgeKind.TIMER]
            for n in wf.nodes}
    total, path = longest_path(succ, weights, wf.start, set(wf.ends))
    if total == 0:
        return ServiceTime("tidak_ada", tr("Tidak ditetapkan dalam SOP ini",
                                           "Not set in this SOP"))
    unlimited = sum(1 for n in path if wf.node(n).limit is None
                    and wf.node(n).kind not in (StepKind.MULAI, StepKind.SELESAI))
    days, minutes = divmod(total, minutes_per_day)
    text = TimeLimit(working_minutes=minutes, working_days=days).describe()
    note = tr("SOP ini tidak menetapkan waktu pelayanan; angka ini jumlah batas waktu "
              "langkah-langkahnya pada alur terpanjang",
              "this SOP sets no service time; this is the sum of its steps' limits along the "
              "longest path")
    if unlimited:
        note += tr(" ({n} langkah di alur itu tanpa batas waktu, tidak terhitung)",
                   " ({n} steps on that path have no limit and are not counted)", n=unlimited)
    return ServiceTime("jumlah", tr("kira-kira {t}", "about {t}", t=text), note,
                       hours=minutes > 0)
