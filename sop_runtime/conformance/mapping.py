"""The mapping file of ``sop conformance``: how a log kept elsewhere (SIPP's per-case step
table, a spreadsheet, an XES export) names what the SOP calls steps, roles and items.

A mapping file is YAML with Indonesian keys::

    sop: taksiran-panjar-skum          # optional; must match --sop when given
    kolom:                             # where each datum stands in the log
      perkara: no_perkara              # CSV defaults: perkara, aktivitas, pelaksana, waktu;
      aktivitas: tahapan               # XES defaults: the trace's concept:name, the event's
      pelaksana: petugas               # concept:name, org:resource, time:timestamp,
      waktu: tanggal                   # lifecycle:transition and org:role
      keputusan: hasil                 # optional: a decision step's outcome
    format_waktu: "%d/%m/%Y %H:%M"     # optional (strptime); default ISO 8601
    zona_waktu: Asia/Jayapura          # for times without an offset; default: the court's
    aktivitas:                         # activity name in the log -> step (no or id)
      Pendaftaran: 1
      Berkas lengkap: {langkah: 3, keputusan: Lengkap}
      Cetak ulang: abaikan             # not a step: left out of the replay
    pelaksana:                         # person in the log -> role(s) of the SOP or court
      Rina Marlina: petugas_ptsp
    peran:                             # a role column's names -> roles (persons not listed)
      Kasir: kasir
    pelaksana_bawaan: petugas_ptsp     # optional: who did a row that names nobody (role(s))
    nilai:                             # item id (kelengkapan, output, case field) -> column
      nomor_perkara: no_perkara
      tanggal_putusan: tgl_putus       # a case field: given to the case's start
    format_tanggal: "%d/%m/%Y"         # optional: how date values are written; default ISO

Only what the log records can be checked: a required output with no column in ``nilai``
is reported once as "not checkable", never as missing in every case. A row that names
nobody (a system, an anonymous desk) is done by an unnamed holder of ``pelaksana_bawaan``;
without it, it is a finding of its own (the log does not say who acted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field

from sop_runtime.compiler.workflow import Node, Workflow
from sop_runtime.definition.loader import read_yaml_file, validate_as
from sop_runtime.definition.yamlsource import YamlDoc
from sop_runtime.errors import DefinitionError
from sop_runtime.problems import Problem

IGNORE = "abaikan"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Kolom(_Model):
    perkara: str | None = None
    aktivitas: str | None = None
    pelaksana: str | None = None
    waktu: str | None = None
    keputusan: str | None = None
    siklus: str | None = None
    peran: str | None = None


class Tujuan(_Model):
    langkah: int | str
    keputusan: str | None = None


class MappingFile(_Model):
    sop: str | None = None
    format: Literal["csv", "xes"] | None = None
    kolom: Kolom = Field(default_factory=Kolom)
    format_waktu: str | None = None
    zona_waktu: str | None = None
    pemisah: str = ","
    aktivitas: dict[str, int | str | Tujuan]
    pelaksana: dict[str, str | list[str]] = Field(default_factory=dict)
    peran: dict[str, str] = Field(default_factory=dict)
    nilai: dict[str, str] = Field(default_factory=dict)
    pelaksana_bawaan: str | list[str] | None = None
    format_tanggal: str | None = None


@dataclass(frozen=True, slots=True)
class Columns:
    """Where each datum stands: CSV column names, or XES attribute keys."""

    case: str
    activity: str
    resource: str
    time: str
    decision: str | None = None
    lifecycle: str | None = None
    role: str | None = None


CSV_COLUMNS = Columns("perkara", "aktivitas", "pelaksana", "waktu")
XES_COLUMNS = Columns("concept:name", "concept:name", "org:resource", "time:timestamp",
                      lifecycle="lifecycle:transition", role="org:role")


@dataclass(frozen=True, slots=True)
class Target:
    node: str
    decision: str | None = None


@dataclass(frozen=True, slots=True)
class LogMapping:
    """A mapping file checked against the SOP it maps onto."""

    file: str
    format: Literal["csv", "xes"] | None
    columns_given: Kolom
    time_format: str | None
    zone: ZoneInfo | None
    delimiter: str
    activities: dict[str, Target | None]         # None: ignored on purpose
    resources: dict[str, frozenset[str]]
    roles: dict[str, str]
    values: dict[str, str]                       # item id -> column
    unchecked_outputs: tuple[tuple[str, str], ...] = field(default=())  # (node, output name)
    default_roles: frozenset[str] | None = None  # held by whoever did a row naming nobody
    date_format: str | None = None               # how date values are written (strptime)

    def columns(self, fmt: Literal["csv", "xes"]) -> Columns:
        base = XES_COLUMNS if fmt == "xes" else CSV_COLUMNS
        k = self.columns_given
        return Columns(k.perkara or base.case, k.aktivitas or base.activity,
                       k.pelaksana or base.resource, k.waktu or base.time,
                       k.keputusan or base.decision, k.siklus or base.lifecycle,
                       k.peran or base.role)


class _Problems:
    """The problems of one mapping file, each with its line."""

    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.found: list[Problem] = []

    def __call__(self, code: str, where: tuple[str | int, ...], **params: object) -> None:
        line, col = self.doc.where(where)
        self.found.append(Problem(code, self.doc.file, line, col, ".".join(map(str, where)),
                                  params))


def load_mapping(path: Path, wf: Workflow, known_roles: frozenset[str]) -> LogMapping:
    """Read and check the mapping file at ``path`` against ``wf``; every problem is
    reported with its line (DefinitionError)."""
    loaded = validate_as(read_yaml_file(path), MappingFile)
    m, doc = loaded.model, loaded.source
    problem = _Problems(doc)
    if m.sop is not None and m.sop != wf.sop_id:
        problem("E305", ("sop",), mapped=m.sop, sop=wf.sop_id)
    zone = None
    if m.zona_waktu is not None:
        try:
            zone = ZoneInfo(m.zona_waktu)
        except (ZoneInfoNotFoundError, ValueError):
            problem("E012", ("zona_waktu",), detail=f"zona waktu '{m.zona_waktu}'")
    activities = _activities(m, wf, problem)
    resources = _resources(m, wf, known_roles, problem)
    default = _default_roles(m, wf, known_roles, problem)
    items = {f.id for f in wf.fields} | {i.id for n in wf.nodes for i in (*n.inputs, *n.outputs)}
    for item in m.nilai:
        if item not in items:
            problem("E303", ("nilai", item), item=item, sop=wf.sop_id)
    if problem.found:
        raise DefinitionError(problem.found)
    mapped_nodes = {t.node for t in activities.values() if t is not None}
    unchecked = tuple((n.id, o.nama) for n in wf.nodes if n.id in mapped_nodes
                      for o in n.outputs if o.wajib and o.id not in m.nilai)
    return LogMapping(
        file=doc.file, format=m.format, columns_given=m.kolom, time_format=m.format_waktu,
        zone=zone, delimiter=m.pemisah, activities=activities, resources=resources,
        roles=dict(m.peran), values=dict(m.nilai), unchecked_outputs=unchecked,
        default_roles=default, date_format=m.format_tanggal)


def _activities(m: MappingFile, wf: Workflow, problem: _Problems) -> dict[str, Target | None]:
    """Each activity name's step (and decision) in ``wf``; None for one to ignore."""
    by_no = {str(n.no): n for n in wf.nodes}
    activities: dict[str, Target | None] = {}
    for name, target in m.aktivitas.items():
        if target == IGNORE:
            activities[name] = None
            continue
        step, decision = (target.langkah, target.keputusan) if isinstance(target, Tujuan) \
            else (target, None)
        node = by_no.get(str(step)) or _node(wf, str(step))
        if node is None:
            problem("E301", ("aktivitas", name), step=step, sop=wf.sop_id)
            continue
        if decision is not None and decision not in node.branch_labels:
            problem("E304", ("aktivitas", name, "keputusan"), step=node.no,
                    labels=" | ".join(node.branch_labels) or "-")
        activities[name] = Target(node.id, decision)
    return activities


def _resources(m: MappingFile, wf: Workflow, known_roles: frozenset[str],
               problem: _Problems) -> dict[str, frozenset[str]]:
    """Each person's roles, every role (theirs and the log's role names) a known one."""
    roles_known = known_roles | {r.id for r in wf.roles}
    shown = ", ".join(sorted(roles_known))
    resources: dict[str, frozenset[str]] = {}
    for person, held in m.pelaksana.items():
        held_list = [held] if isinstance(held, str) else held
        for i, role in enumerate(held_list):
            if role not in roles_known:
                where = ("pelaksana", person) if isinstance(held, str) else ("pelaksana", person, i)
                problem("E302", where, role=role, known=shown)
        resources[person] = frozenset(held_list)
    for name, role in m.peran.items():
        if role not in roles_known:
            problem("E302", ("peran", name), role=role, known=shown)
    return resources


def _default_roles(m: MappingFile, wf: Workflow, known_roles: frozenset[str],
                   problem: _Problems) -> frozenset[str] | None:
    if m.pelaksana_bawaan is None:
        return None
    held = [m.pelaksana_bawaan] if isinstance(m.pelaksana_bawaan, str) else m.pelaksana_bawaan
    roles_known = known_roles | {r.id for r in wf.roles}
    for i, role in enumerate(held):
        if role not in roles_known:
            where: tuple[str | int, ...] = ("pelaksana_bawaan",) if isinstance(
                m.pelaksana_bawaan, str) else ("pelaksana_bawaan", i)
            problem("E302", where, role=role, known=", ".join(sorted(roles_known)))
    return frozenset(held)


def _node(wf: Workflow, node_id: str) -> Node | None:
    try:
        return wf.node(node_id)
    except KeyError:
        return None
