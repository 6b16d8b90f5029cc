"""The compiled workflow: an immutable graph identified by the hash of its content.

A case refers to nodes by id only (``"3"`` for step 3); the workflow itself never changes:
a revised SOP compiles to a new workflow with a new version hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sop_runtime.definition.models import (
    DEFAULT_PARTIES,
    Anchor,
    BeriTahuPemohon,
    Isian,
    Item,
    Pelaksana,
    PemisahanTugas,
    Penegakan,
    Penghubung,
    Pihak,
    SopDocument,
    StepKind,
    Symbol,
)
from sop_runtime.definition.timelimit import TimeLimit


class EdgeKind(StrEnum):
    NEXT = "lanjut"          # the normal flow
    BRANCH = "cabang"        # a labelled decision branch
    TIMER = "lewat_waktu"    # taken when the step's timer expires
    CONNECTOR = "penghubung"  # off-page connector pair


@dataclass(frozen=True, slots=True)
class Condition:
    """When the case's data decides a branch (``cabang[].jika``): step ``step`` done within
    its limit (``tepat_waktu``) or after it (``terlambat``), or the item ``item`` equal to
    ``value`` (``isian``)."""

    kind: str                  # tepat_waktu | terlambat | isian
    step: str | None = None
    item: str | None = None
    value: str | None = None

    def content(self) -> dict[str, str]:
        """The canonical form (only what is set)."""
        out = {"kind": self.kind}
        for key in ("step", "item", "value"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass(frozen=True, slots=True)
class Transition:
    target: str
    kind: EdgeKind = EdgeKind.NEXT
    label: str | None = None
    condition: Condition | None = None   # a decision branch the data decides


@dataclass(frozen=True, slots=True)
class Timer:
    """Timer-driven branch: not done within ``limit`` (from ``anchor``) -> go to ``target``."""

    limit: TimeLimit
    target: str
    anchor: Anchor | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    no: int
    kind: StepKind
    symbol: Symbol
    kegiatan: str
    role: str | None                 # the swim lane (first pelaksana)
    roles: tuple[str, ...] = ()      # every role that may do the step
    joint: bool = False              # bersama: each of ``roles`` acts, by different people
    inputs: tuple[Item, ...] = ()
    outputs: tuple[Item, ...] = ()
    limit: TimeLimit | None = None
    limit_set: bool = False          # the SOP states the time column (even "tidak ditentukan")
    limit_end: str | None = None     # when the limit's last day ends (None: the court's default)
    anchor: Anchor | None = None
    extension: TimeLimit | None = None
    extension_by: tuple[str, ...] = ()    # roles that may grant it (empty: the step's, supervisors)
    extension_scope: str = "langkah"      # what it extends: langkah, waktu_pelayanan, keduanya
    timer: Timer | None = None
    transitions: tuple[Transition, ...] = ()
    waits: tuple[str, ...] = ()      # a join (menunggu): the steps it waits for, all of them
    enforcement: Penegakan = Penegakan.CATAT
    action: str | None = None
    sub_sop: str | None = None
    connector: Penghubung | None = None
    recorded_by: tuple[str, ...] = ()
    keterangan: str | None = None
    author_notes: tuple[str, ...] = ()  # catatan_penyusun: never on a form or the sheet
    notice: BeriTahuPemohon | None = None  # beri_tahu_pemohon: the applicant is told here

    @property
    def is_end(self) -> bool:
        return self.kind is StepKind.SELESAI

    @property
    def is_split(self) -> bool:
        """Whether the step opens several steps at once (``lanjut: [4, 5]``)."""
        return sum(t.kind is EdgeKind.NEXT for t in self.transitions) > 1

    @property
    def branch_labels(self) -> tuple[str, ...]:
        return tuple(t.label for t in self.transitions if t.kind is EdgeKind.BRANCH and t.label)

    @property
    def data_decided(self) -> bool:
        """Whether some branch of this decision carries a condition (``jika``)."""
        return any(t.condition is not None for t in self.transitions)


@dataclass(frozen=True, slots=True)
class Workflow:
    sop_id: str
    version: str
    document: SopDocument = field(repr=False, compare=False)
    roles: tuple[Pelaksana, ...]
    nodes: tuple[Node, ...]
    start: str
    ends: tuple[str, ...]
    service_limit: TimeLimit | None
    service_anchor: Anchor | None
    enforcement: Penegakan
    separation: tuple[PemisahanTugas, ...] = ()
    fields: tuple[Isian, ...] = ()
    # a confidential SOP: the roles that may read its cases (None: anyone on the staff)
    readers: frozenset[str] | None = None
    channel: str = "loket"  # how the service is asked for (picks the court's end of day)
    _by_id: dict[str, Node] = field(default_factory=dict, repr=False, compare=False)
    # indexes made once: every decision looks these up
    _roles_by_id: dict[str, Pelaksana] = field(default_factory=dict, repr=False, compare=False)
    _acting: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)
    _items: dict[str | None, dict[str, Item]] = field(
        default_factory=dict, repr=False, compare=False)
    field_ids: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {n.id: n for n in self.nodes})
        object.__setattr__(self, "_roles_by_id", {r.id: r for r in reversed(self.roles)})
        object.__setattr__(self, "field_ids", frozenset(f.id for f in self.fields))

    @property
    def nama(self) -> str:
        return self.document.identitas.nama

    @property
    def parties(self) -> tuple[Pihak, ...]:
        """The parties a case of this SOP names (para pihak): as the SOP says, or one
        Pemohon by name."""
        return tuple(self.document.para_pihak or DEFAULT_PARTIES)

    @property
    def short_version(self) -> str:
        return self.version[:12]

    def node(self, node_id: str) -> Node:
        return self._by_id[node_id]

    def role(self, role_id: str) -> Pelaksana | None:
        return self._roles_by_id.get(role_id)

    def items_at(self, node: Node | None) -> dict[str, Item]:
        """What a command on ``node`` may carry, by id: the case's fields, and the step's
        kelengkapan and output (``None``: the case's fields alone, as at its start)."""
        key = node.id if node is not None else None
        found = self._items.get(key)
        if found is None:
            found = {f.id: f for f in self.fields}
            if node is not None:
                found.update({i.id: i for i in (*node.inputs, *node.outputs)})
            self._items[key] = found
        return found

    def is_public(self, node: Node) -> bool:
        """Whether ``node`` is done by the public (the applicant)."""
        lane = self.role(node.role or "")
        return lane is not None and lane.publik

    def acting_roles(self, node: Node) -> tuple[str, ...]:
        """The roles whose holders act on ``node``: its pelaksana, or for a step done by
        the public, the staff who record it (``dicatat_oleh``; any staff role if unnamed)."""
        found = self._acting.get(node.id)
        if found is None:
            if not self.is_public(node):
                found = node.roles
            elif node.recorded_by:
                found = node.recorded_by
            else:
                found = tuple(r.id for r in self.roles if not (r.publik or r.sistem))
            self._acting[node.id] = found
        return found
