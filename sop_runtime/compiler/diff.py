"""What changed between two compiled versions of one SOP (``sop diff``, the library's
comparison page): steps added, removed and renumbered, and per kept step the changes of
its row of the procedure table; at the SOP's level the identity block, the pelaksana lanes,
the service standard.

Matching steps. A step's id is its row number (the compiler gives step ``no`` the id
``"3"``), so a number alone cannot follow a step when a row is inserted above it. Steps are
matched, each at most once, in three passes over the steps still unmatched:

1. the same kegiatan (case and spacing aside), in table order when the text repeats;
2. a kegiatan alike enough (``difflib`` ratio at least :data:`ALIKE`), best pairs first:
   a step reworded;
3. the same row number, kind and pelaksana: the same row rewritten.

What is left is added (in the new version) or removed (from the old one). Targets of
``lanjut``, ``cabang`` and timers are compared through this matching, so a renumbering alone
changes no step's flow.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sop_runtime.compiler.workflow import EdgeKind, Node, Transition, Workflow
from sop_runtime.i18n import tr
from sop_runtime.wording import NONE, day_text

ALIKE = 0.6
"""How alike two kegiatan texts must be (``difflib`` ratio) for a reworded step."""

# field key -> its official term (Bahasa Indonesia, English)
TERMS: dict[str, tuple[str, str]] = {
    "kegiatan": ("Kegiatan", "Activity"),
    "pelaksana": ("Pelaksana", "Performer"),
    "jenis": ("Simbol", "Symbol"),
    "kelengkapan": ("Kelengkapan", "Required inputs"),
    "waktu": ("Waktu", "Time limit"),
    "output": ("Output", "Output"),
    "keterangan": ("Keterangan", "Remarks"),
    "cabang": ("Cabang", "Branches"),
    "lewat_waktu": ("Jika lewat waktu", "Timer branch"),
    "lanjut": ("Lanjut ke", "Next"),
    "menunggu": ("Menunggu", "Waits for"),
    "perpanjangan": ("Perpanjangan", "Extension"),
    "penegakan": ("Penegakan", "Enforcement"),
    "nomor": ("Nomor SOP", "SOP number"),
    "nama": ("Nama SOP", "SOP name"),
    "satuan_kerja": ("Satuan kerja", "Work unit"),
    "tanggal_pembuatan": ("Tanggal pembuatan", "Date made"),
    "tanggal_revisi": ("Tanggal revisi", "Revision date"),
    "tanggal_efektif": ("Tanggal efektif", "Effective date"),
    "disahkan_oleh": ("Disahkan oleh", "Approved by"),
    "dasar_hukum": ("Dasar hukum", "Legal basis"),
    "kualifikasi_pelaksana": ("Kualifikasi pelaksana", "Qualifications"),
    "keterkaitan": ("Keterkaitan", "Related SOPs"),
    "peralatan": ("Peralatan/perlengkapan", "Equipment"),
    "peringatan": ("Peringatan", "Warning"),
    "pencatatan": ("Pencatatan dan pendataan", "Records"),
    "lajur": ("Pelaksana (lajur)", "Performers (lanes)"),
    "persyaratan": ("Persyaratan", "Requirements"),
    "sarana_prasarana": ("Sarana dan prasarana", "Facilities"),
    "biaya": ("Biaya", "Cost"),
    "waktu_pelayanan": ("Waktu pelayanan", "Service time"),
    "produk": ("Produk pelayanan", "Service product"),
    "pengaduan": ("Pengaduan", "Complaints"),
}

_IDENTITY = ("nomor", "nama", "satuan_kerja", "tanggal_pembuatan", "tanggal_revisi",
             "tanggal_efektif", "disahkan_oleh", "dasar_hukum", "kualifikasi_pelaksana",
             "keterkaitan", "peralatan", "peringatan", "pencatatan")
_STANDARD = ("persyaratan", "sarana_prasarana", "biaya", "waktu_pelayanan", "produk",
             "pengaduan")


def term(key: str) -> str:
    """The official term of a compared field, in the current language."""
    return tr(*TERMS.get(key, (key, key)))


@dataclass(frozen=True, slots=True)
class Change:
    """One field that differs: its value in each version as text (``—`` where it is not
    set); for a list, the entries only one side has."""

    field: str
    old: str
    new: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return term(self.field)

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new,
                "added": list(self.added), "removed": list(self.removed)}


@dataclass(frozen=True, slots=True)
class StepRef:
    """A step only one version has."""

    no: int
    kegiatan: str
    pelaksana: str

    def as_json(self) -> dict[str, Any]:
        return {"no": self.no, "kegiatan": self.kegiatan, "pelaksana": self.pelaksana}


@dataclass(frozen=True, slots=True)
class KeptStep:
    """A step both versions have, with its number in each and what changed in its row."""

    old_no: int
    new_no: int
    kegiatan: str             # as the new version writes it
    changes: tuple[Change, ...] = ()

    @property
    def renumbered(self) -> bool:
        return self.old_no != self.new_no

    def as_json(self) -> dict[str, Any]:
        return {"old_no": self.old_no, "new_no": self.new_no, "kegiatan": self.kegiatan,
                "renumbered": self.renumbered,
                "changes": [c.as_json() for c in self.changes]}


@dataclass(frozen=True, slots=True)
class SopDiff:
    """What changed from ``old`` to ``new`` (two versions of one SOP)."""

    sop_id: str
    old_version: str
    new_version: str
    added: tuple[StepRef, ...]
    removed: tuple[StepRef, ...]
    kept: tuple[KeptStep, ...]
    sop_changes: tuple[Change, ...]

    @property
    def changed(self) -> tuple[KeptStep, ...]:
        """Kept steps whose row changed (renumbering aside)."""
        return tuple(k for k in self.kept if k.changes)

    @property
    def renumbered(self) -> tuple[KeptStep, ...]:
        return tuple(k for k in self.kept if k.renumbered)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.renumbered
                    or self.sop_changes)

    def new_marks(self) -> dict[str, str]:
        """Step id -> ``added`` / ``changed`` in the new version (for its flowchart)."""
        marks = {str(s.no): "added" for s in self.added}
        marks.update({str(k.new_no): "changed" for k in self.kept if k.changes})
        return marks

    def old_marks(self) -> dict[str, str]:
        """Step id -> ``removed`` / ``changed`` in the old version."""
        marks = {str(s.no): "removed" for s in self.removed}
        marks.update({str(k.old_no): "changed" for k in self.kept if k.changes})
        return marks

    def as_json(self) -> dict[str, Any]:
        return {"sop": self.sop_id, "old": self.old_version, "new": self.new_version,
                "same": self.empty,
                "added": [s.as_json() for s in self.added],
                "removed": [s.as_json() for s in self.removed],
                "renumbered": [{"old_no": k.old_no, "new_no": k.new_no,
                                "kegiatan": k.kegiatan} for k in self.renumbered],
                "changed": [k.as_json() for k in self.changed],
                "sop_changes": [c.as_json() for c in self.sop_changes]}


def diff_workflows(old: Workflow, new: Workflow) -> SopDiff:
    """What changed from ``old`` to ``new`` (see the module's docstring for the matching)."""
    pairs = match_steps(old.nodes, new.nodes)
    to_new = {o.id: n.id for o, n in pairs}
    matched_old = {o.id for o, _ in pairs}
    matched_new = {n.id for _, n in pairs}
    kept = tuple(KeptStep(o.no, n.no, n.kegiatan, _step_changes(old, new, o, n, to_new))
                 for o, n in sorted(pairs, key=lambda p: p[1].no))
    return SopDiff(
        sop_id=new.sop_id, old_version=old.version, new_version=new.version,
        added=tuple(_ref(new, n) for n in new.nodes if n.id not in matched_new),
        removed=tuple(_ref(old, o) for o in old.nodes if o.id not in matched_old),
        kept=kept, sop_changes=_sop_changes(old, new))


def match_steps(old: Iterable[Node], new: Iterable[Node]) -> list[tuple[Node, Node]]:
    """Pairs (old step, new step) that are the same step (the module's three passes)."""
    left, right = list(old), list(new)
    pairs: list[tuple[Node, Node]] = []

    def take(o: Node, n: Node) -> None:
        pairs.append((o, n))
        left.remove(o)
        right.remove(n)

    for o in list(left):
        same = next((n for n in right if _norm(n.kegiatan) == _norm(o.kegiatan)), None)
        if same is not None:
            take(o, same)
    scored = sorted(((difflib.SequenceMatcher(None, _norm(o.kegiatan), _norm(n.kegiatan))
                      .ratio(), o.no == n.no, -abs(o.no - n.no), o.no, n.no, o, n)
                     for o in left for n in right), key=lambda s: s[:5], reverse=True)
    for ratio, *_, o, n in scored:
        if ratio >= ALIKE and o in left and n in right:
            take(o, n)
    for o in list(left):
        row = next((n for n in right if n.no == o.no and n.kind is o.kind
                    and n.roles == o.roles), None)
        if row is not None:
            take(o, row)
    return pairs


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _ref(wf: Workflow, n: Node) -> StepRef:
    return StepRef(n.no, n.kegiatan, _performers(wf, n))


def _performers(wf: Workflow, n: Node) -> str:
    names = [r.nama if (r := wf.role(role)) else role for role in n.roles]
    text = ", ".join(names) or NONE
    return text + tr(" (bersama)", " (jointly)") if n.joint else text


def _limit(n: Node) -> str:
    if n.limit is None:
        return tr("tidak ditentukan", "not set") if n.limit_set else NONE
    text = n.limit.text or n.limit.describe()
    return f"{text} ({n.anchor.describe()})" if n.anchor is not None else text


def _items(items: Iterable[Any]) -> list[str]:
    out = []
    for i in items:
        text = i.nama if i.jenis == "dokumen" else f"{i.nama} [{i.jenis}]"
        out.append(text if i.wajib else text + tr(" (tidak wajib)", " (optional)"))
    return out


@dataclass(frozen=True, slots=True)
class _Numbers:
    """How a flow target is written: the step's number in ``by_id`` (of the version
    compared against), or its own number with ``missing`` for a step only one side has."""

    by_id: Mapping[str, str]
    missing: tuple[str, str]

    def of(self, target: str) -> str:
        if target in self.by_id:
            return self.by_id[target]
        return tr(*self.missing, n=target)


def _flow(n: Node, kind: EdgeKind, nums: _Numbers) -> list[str]:
    return [_edge(t, nums) for t in n.transitions if t.kind is kind]


def _edge(t: Transition, nums: _Numbers) -> str:
    where = nums.of(t.target)
    if t.kind is EdgeKind.BRANCH:
        text = f"{t.label} → {where}"
        if t.condition is not None:
            c = t.condition
            what = " ".join(x for x in (c.kind, nums.of(c.step) if c.step else None,
                                        c.item, c.value) if x)
            text += tr(" jika {c}", " if {c}", c=what)
        return text
    return f"→ {where}"


def _timer(n: Node, nums: _Numbers) -> str:
    if n.timer is None:
        return NONE
    t = n.timer
    text = tr("setelah {l}", "after {l}", l=t.limit.text or t.limit.describe())
    if t.anchor is not None:
        text += f" ({t.anchor.describe()})"
    return f"{text} → {nums.of(t.target)}"


def _extension(n: Node) -> str:
    if n.extension is None:
        return NONE
    text = n.extension.text or n.extension.describe()
    if n.extension_by:
        text += tr(" oleh {r}", " by {r}", r=", ".join(n.extension_by))
    return f"{text} ({n.extension_scope})"


_FLOW = ("cabang", "lewat_waktu", "lanjut", "menunggu")
_REMOVED = ("{n} (dihapus)", "{n} (removed)")
_ADDED = ("{n} (baru)", "{n} (new)")


def _step_changes(old_wf: Workflow, new_wf: Workflow, o: Node, n: Node,
                  to_new: Mapping[str, str]) -> tuple[Change, ...]:
    def view(wf: Workflow, node: Node, nums: _Numbers) -> dict[str, Any]:
        return {
            "kegiatan": node.kegiatan,
            "pelaksana": _performers(wf, node),
            "jenis": str(node.kind),
            "kelengkapan": _items(node.inputs),
            "waktu": _limit(node),
            "output": _items(node.outputs),
            "cabang": _flow(node, EdgeKind.BRANCH, nums),
            "lewat_waktu": _timer(node, nums),
            "lanjut": _flow(node, EdgeKind.NEXT, nums),
            "menunggu": [nums.of(w) for w in node.waits],
            "perpanjangan": _extension(node),
            "penegakan": str(node.enforcement),
            "keterangan": node.keterangan or NONE,
        }

    kept_new = {v: v for v in to_new.values()}
    before = view(old_wf, o, _Numbers(to_new, _REMOVED))
    after = view(new_wf, n, _Numbers(kept_new, _ADDED))
    changes = [_compare(key, before[key], after[key]) for key in before]
    if (o.roles, o.joint) == (n.roles, n.joint):
        changes[1] = None   # a lane renamed is one change of the SOP's lanes, not of each step
    if any(c is not None and c.field in _FLOW for c in changes):
        # a flow change is shown in each version's own numbers
        shown = view(old_wf, o, _Numbers({k: k for k in to_new}, _REMOVED))
        changes = [c if c is None or c.field not in _FLOW else _shown(c, shown[c.field])
                   for c in changes]
    return tuple(c for c in changes if c is not None)


def _shown(change: Change, old: Any) -> Change:
    return Change(change.field, _text(old), change.new, change.added, change.removed)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value) or NONE
    return NONE if value is None or value == "" else str(value)


def _compare(key: str, old: Any, new: Any) -> Change | None:
    if old == new:
        return None
    if isinstance(old, list) and isinstance(new, list):
        return Change(key, _text(old), _text(new),
                      added=tuple(v for v in new if v not in old),
                      removed=tuple(v for v in old if v not in new))
    return Change(key, _text(old), _text(new))


def _sop_changes(old: Workflow, new: Workflow) -> tuple[Change, ...]:
    a, b = old.document, new.document
    found: list[Change | None] = []
    for key in _IDENTITY:
        found.append(_compare(key, _value(getattr(a.identitas, key)),
                              _value(getattr(b.identitas, key))))
    found.append(_compare("lajur", _lanes(old), _lanes(new)))
    sa, sb = a.standar_pelayanan, b.standar_pelayanan
    for key in _STANDARD:
        found.append(_compare(key, _value(getattr(sa, key, None) if sa else None),
                              _value(getattr(sb, key, None) if sb else None)))
    return tuple(c for c in found if c is not None)


def _lanes(wf: Workflow) -> list[str]:
    return [r.nama for r in wf.roles]


def _value(value: Any) -> Any:
    """A document value as text (a list stays a list of texts)."""
    if value is None:
        return NONE
    if isinstance(value, list):
        return [str(_value(v)) for v in value]
    text = getattr(value, "text", None)
    if isinstance(text, str) and hasattr(value, "describe"):
        return text or value.describe()
    if hasattr(value, "model_dump"):
        return ", ".join(str(v) for v in value.model_dump().values() if v)
    if hasattr(value, "strftime"):
        return day_text(value)
    return str(value)
