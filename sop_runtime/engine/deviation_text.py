"""Deviations in words for the user (Bahasa Indonesia first): the name of each kind beside
the engine's :class:`DeviationKind`, the outcome of an attempt, and the lateness an overdue
deviation's evidence tells."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from sop_runtime.engine.events import DeviationKind
from sop_runtime.engine.values import kind_text
from sop_runtime.i18n import current_lang, tr
from sop_runtime.worktime import CourtCalendar
from sop_runtime.worktime.duration_text import UNITS, describe_lateness

_DEVIATIONS: dict[DeviationKind, tuple[str, str]] = {
    DeviationKind.WRONG_ACTOR: ("pelaksana tidak berwenang", "wrong actor"),
    DeviationKind.OUT_OF_ORDER: ("tidak sesuai urutan", "out of order"),
    DeviationKind.SKIPPED: ("langkah dilewati", "step skipped"),
    DeviationKind.MISSING_INPUT: ("kelengkapan tidak ada", "missing input"),
    DeviationKind.MISSING_OUTPUT: ("output tidak ada", "missing output"),
    DeviationKind.OVERDUE: ("melewati batas waktu langkah", "step overdue"),
    DeviationKind.SERVICE_OVERDUE: ("melewati waktu pelayanan", "service standard exceeded"),
    DeviationKind.SEPARATION_OF_DUTIES: ("pemisahan tugas dilanggar",
                                         "separation of duties broken"),
    DeviationKind.OVERRIDE: ("tindakan pengawas (override)", "supervisor override"),
    DeviationKind.LATE_ENTRY: ("dicatat terlambat", "late entry"),
    DeviationKind.REWORK: ("langkah dikerjakan ulang", "step redone (rework)"),
    DeviationKind.WRONG_BRANCH: ("cabang bertentangan dengan data perkara",
                                 "branch contradicts the case's data"),
    DeviationKind.MISSING_SIGNER: ("tindakan bersama tanpa semua pelaksana",
                                   "joint act without every officer"),
    DeviationKind.CONTRADICTION: ("isian bertentangan", "contradicting value"),
}


def deviation_label(kind: str) -> str:
    try:
        id_text, en_text = _DEVIATIONS[DeviationKind(kind)]
    except ValueError:
        return kind
    return tr(id_text, en_text)


def outcome_label(outcome: str) -> str:
    return tr("ditolak", "refused") if outcome == "ditolak" else tr("dicatat", "recorded")


def lateness_text(evidence: Mapping[str, str], calendar: CourtCalendar) -> str | None:
    """How late, in the unit of the limit passed (``2 hari kalender``), from an overdue
    deviation's evidence; in working time for evidence recorded before the unit was; None
    when the evidence tells no lateness."""
    amount, unit = str(evidence.get("terlambat", "")), str(evidence.get("satuan", ""))
    if amount.isdigit() and unit in UNITS:
        return describe_lateness(unit, int(amount), calendar.minutes_per_working_day,
                                 current_lang())
    seconds = str(evidence.get("terlambat_detik", ""))
    if seconds.isdigit():
        return tr("{d} (waktu kerja)", "{d} (working time)",
                  d=calendar.describe_working(int(seconds), current_lang()))
    return None


def contradiction_text(evidence: Mapping[str, str], step_name: Callable[[str], str],
                       person: Callable[[str], str] | None,
                       moment: Callable[[datetime], str]) -> str | None:
    """A contradicting value's evidence in one sentence: ``Taksiran panjar: tercatat
    “Rp431.000” di langkah 2. Menghitung panjar oleh Siti Aisyah (24 November 2026 pukul
    10.06 WIT, urutan 5); kini diisi “Rp500.000”``; None for other evidence. Names, steps and
    moments in words come from the callers (``step_name``, ``person``, ``moment``); without
    ``person`` (no names at hand) who recorded it is left out, never a username."""
    if "nilai_sebelumnya" not in evidence or "nilai" not in evidence:
        return None
    kind = evidence.get("jenis")
    node = evidence.get("langkah_sebelumnya", "")
    where = (tr("langkah {s}", "step {s}", s=step_name(node)) if node
             else tr("pembukaan perkara", "the case's opening"))
    when = evidence.get("pada", "")
    try:
        at = moment(datetime.fromisoformat(when)) if when else ""
    except ValueError:
        at = when
    seq = evidence.get("urutan_sebelumnya", "")
    detail = ", ".join(x for x in (at, tr("urutan {n}", "seq {n}", n=seq) if seq else "") if x)
    by = evidence.get("oleh", "")
    return tr("{item}: tercatat “{old}” di {where}{by}{detail}; kini diisi “{new}”",
              "{item}: recorded as “{old}” at {where}{by}{detail}; now given as “{new}”",
              item=evidence.get("nama") or evidence.get("butir", ""),
              old=kind_text(kind, evidence["nilai_sebelumnya"]), where=where,
              by=tr(" oleh {u}", " by {u}", u=person(by)) if by and person else "",
              detail=f" ({detail})" if detail else "",
              new=kind_text(kind, evidence["nilai"]))
