"""Shared helpers for the tests of the pure engine core (``sop_runtime.engine``).

- the real library (``definitions/``), its court, calendar and a :class:`Directory` built from
  ``court.yaml``'s users and roles;
- :func:`inline_sop`: a small SOP compiled from a few rows, for rules the real library lacks;
- :class:`Case`: decides commands on one case and folds the events it returns, keeping the
  log, so a test reads as a sequence of user actions.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from sop_runtime.compiler.compile import compile_document
from sop_runtime.compiler.library import Library, compile_source, load_library
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.definition.court import CourtFile
from sop_runtime.definition.models import Penegakan
from sop_runtime.engine import (
    ActionRefused,
    CaseState,
    Command,
    CompleteStep,
    DeviationFlagged,
    Event,
    StartCase,
    apply,
    decide,
)
from sop_runtime.engine.actors import Delegation, Directory
from sop_runtime.engine.decision import Context
from sop_runtime.worktime import CourtCalendar
from tests.conftest import DEFINITIONS

WIT = ZoneInfo("Asia/Jayapura")


def wit(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A wall-clock instant at the court (PN Sanana, WIT)."""
    return datetime(year, month, day, hour, minute, tzinfo=WIT)


# -- the real library -----------------------------------------------------------------

@cache
def library() -> Library:
    lib = load_library([DEFINITIONS])
    assert not lib.errors, lib.errors
    return lib


def workflow(sop: str, enforcement: Penegakan | None = None) -> Workflow:
    """A real SOP; with ``enforcement``, the same SOP recompiled under that penegakan."""
    wf = library().workflow(sop)
    if enforcement is None or enforcement is wf.enforcement:
        return wf
    return _recompiled(sop, enforcement)


@cache
def _recompiled(sop: str, enforcement: Penegakan) -> Workflow:
    doc = library().workflow(sop).document.model_copy(update={"penegakan": enforcement})
    result = compile_document(doc)
    assert result.workflow is not None, result.problems
    return result.workflow


def court() -> CourtFile:
    loaded = library().court
    assert loaded is not None
    return loaded.model


@cache
def calendar() -> CourtCalendar:
    return CourtCalendar.from_court(court())


def directory(*delegations: Delegation, extra: Mapping[str, Iterable[str]] | None = None
              ) -> Directory:
    """Who holds which role at PN Sanana (court.yaml), plus ``extra`` users and
    ``delegations``; supervisors are the roles marked ``pengawas``."""
    c = court()
    roles = {u.username: frozenset(u.peran) for u in c.pengguna}
    for user, held in (extra or {}).items():
        roles[user] = frozenset(held)
    return Directory(roles=roles, delegations=tuple(delegations),
                     supervisor_roles=frozenset(p.id for p in c.peran if p.pengawas))


def users() -> tuple[str, ...]:
    return tuple(u.username for u in court().pengguna)


def holders(role: str) -> tuple[str, ...]:
    return tuple(u.username for u in court().pengguna if role in u.peran)


# -- small SOPs written inline ----------------------------------------------------------

_IDENTITY: dict[str, Any] = {
    "satuan_kerja": "Pengadilan Negeri Sanana",
    "nomor": "UJI/01/2026",
    "nama": "SOP uji",
    "tanggal_pembuatan": "2026-01-05",
    "tanggal_efektif": "2026-01-12",
    "disahkan_oleh": {"jabatan": "Ketua Pengadilan Negeri Sanana"},
    "dasar_hukum": ["Peraturan Sekretaris MA Nomor 002 Tahun 2012"],
    "kualifikasi_pelaksana": ["Memahami SOP"],
    "peralatan": ["Komputer"],
    "peringatan": "Uji",
    "pencatatan": ["Register"],
}

_ROLES = ("pemohon", "petugas_ptsp", "kasir", "panitera", "panmud_perdata", "ketua",
          "wakil_ketua", "sipp")


def inline_sop(langkah: Sequence[Mapping[str, Any]], **top: Any) -> Workflow:
    """Compile an SOP made of ``langkah`` rows (and top-level keys such as ``penegakan``,
    ``isian``, ``pemisahan_tugas``, ``standar_pelayanan``); roles are court roles."""
    doc = inline_document(langkah, **top)
    result = compile_source(yaml.safe_dump(doc, allow_unicode=True), "uji.yaml")
    assert result.workflow is not None, result.problems
    return result.workflow


def inline_document(langkah: Sequence[Mapping[str, Any]], **top: Any) -> dict[str, Any]:
    """The SOP document :func:`inline_sop` compiles (to write into a definitions folder)."""
    pelaksana = []
    for r in _ROLES:
        role: dict[str, Any] = {"id": r, "nama": r.replace("_", " ").title()}
        if r == "pemohon":
            role["publik"] = True
        if r == "sipp":
            role["sistem"] = True
        pelaksana.append(role)
    doc: dict[str, Any] = {
        "id": top.pop("id", "uji"),
        "sumber": [{"pengadilan": "Uji", "judul": "SOP uji", "url": "https://example.org/uji"}],
        "identitas": copy.deepcopy(_IDENTITY),
        "pelaksana": pelaksana,
        **top,
        "langkah": [dict(row) for row in langkah],
    }
    if "standar_pelayanan" in doc:
        doc["standar_pelayanan"] = {"persyaratan": ["Surat permohonan"], "biaya": "Tidak ada",
                                    "produk": ["Produk"], "pengaduan": "SIWAS",
                                    **doc["standar_pelayanan"]}
    return doc


def chain(*rows: Mapping[str, Any], **top: Any) -> Workflow:
    """A straight SOP: ``mulai`` (petugas_ptsp), then ``rows`` as steps 2.., then ``selesai``
    (petugas_ptsp). Each row needs at least ``kegiatan`` and ``pelaksana``."""
    steps: list[dict[str, Any]] = [{"no": 1, "jenis": "mulai", "kegiatan": "Menerima berkas",
                                    "pelaksana": "petugas_ptsp"}]
    for i, row in enumerate(rows, start=2):
        steps.append({"no": i, **row})
    steps.append({"no": len(rows) + 2, "jenis": "selesai", "kegiatan": "Menyerahkan hasil",
                  "pelaksana": "petugas_ptsp"})
    return inline_sop(steps, **top)


# -- a case under test -------------------------------------------------------------------

@dataclass
class Case:
    """One case of ``wf``: ``do`` decides a command at ``now`` and folds what it caused."""

    wf: Workflow
    now: datetime
    dir: Directory = field(default_factory=directory)
    entry_limit: Any = None
    state: CaseState = field(default_factory=lambda: CaseState(case_id="c1"))
    log: list[Event] = field(default_factory=list)

    @property
    def ctx(self) -> Context:
        return Context(now=self.now, calendar=calendar(), directory=self.dir,
                       entry_limit=self.entry_limit)

    def decide(self, cmd: Command) -> list[Event]:
        """What ``cmd`` would cause now, without recording it."""
        return decide(self.wf, self.state, cmd, ctx=self.ctx)

    def do(self, cmd: Command) -> list[Event]:
        events = self.decide(cmd)
        for e in events:
            self.state = apply(self.state, e)
        self.log.extend(events)
        return events

    def at(self, moment: datetime) -> Case:
        self.now = moment
        return self

    def later(self, **delta: float) -> Case:
        self.now = self.now + timedelta(**delta)
        return self


def summary(events: Iterable[Event]) -> list[tuple[Any, ...]]:
    """Each event as (type, node, attempt) plus the deviation kind: easy to compare."""
    out: list[tuple[Any, ...]] = []
    for e in events:
        node = getattr(e, "node", None)
        attempt = getattr(e, "attempt", None)
        if isinstance(e, DeviationFlagged):
            out.append((e.TYPE, str(e.kind), node, attempt))
        elif isinstance(e, ActionRefused):
            out.append((e.TYPE, e.code, node))
        elif node is None:
            out.append((e.TYPE,))
        else:
            out.append((e.TYPE, node, attempt))
    return out


def refused(events: Sequence[Event]) -> ActionRefused:
    """The single refusal ``events`` must be."""
    assert len(events) == 1 and isinstance(events[0], ActionRefused), summary(events)
    return events[0]


def without_counters(state: CaseState) -> CaseState:
    return replace(state, refusals=0, seq=0)


# -- values -------------------------------------------------------------------------------

SAMPLE_VALUES = {"uang": "Rp 150.000", "angka": "3", "tanggal": "2026-12-01",
                 "nomor": "12/Pdt.G/2026/PN Snn", "dokumen": "ada", "teks": "catatan",
                 "centang": "ada"}


def needed(wf: Workflow, state: CaseState, node: str) -> dict[str, str]:
    """Values that let ``node`` complete without a mutu baku deviation: every required
    output, and every required input the case does not know yet."""
    n = wf.node(node)
    known = state.values()
    # an output an earlier step recorded already: the value it recorded, as the form shows it
    out = {o.id: known.get(o.id, SAMPLE_VALUES[str(o.jenis)]) for o in n.outputs if o.wajib}
    out.update({i.id: SAMPLE_VALUES[str(i.jenis)] for i in n.inputs
                if i.wajib and i.id not in known and i.id not in out})
    return out


# -- the pendaftaran gugatan case most rule tests walk --------------------------------------

T0 = wit(2026, 12, 1, 9)  # a Tuesday, office hours


def gugatan(mode: Penegakan = Penegakan.CATAT, **kw: Any) -> Case:
    """A pendaftaran gugatan case started by rina.ptsp at T0 (step 1 active)."""
    c = Case(workflow("pendaftaran-gugatan-ptsp", mode), now=T0, **kw)
    c.do(StartCase(actor="rina.ptsp"))
    return c


def ok(c: Case, node: str, actor: str, decision: str | None = None) -> list[Event]:
    """A minute later, ``actor`` completes ``node`` with every value it needs."""
    c.later(minutes=1)
    return list(c.do(CompleteStep(actor=actor, node=node, decision=decision,
                                  values=needed(c.wf, c.state, node))))


def at_step_3(mode: Penegakan = Penegakan.CATAT, **kw: Any) -> Case:
    """The gugatan case with steps 1 and 2 done: step 3 (Kasir) active."""
    c = gugatan(mode, **kw)
    ok(c, "1", "rina.ptsp")
    ok(c, "2", "ahmad.panmudpdt", "Lengkap")
    return c
