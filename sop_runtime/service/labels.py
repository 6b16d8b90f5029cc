"""User-facing names of deviation kinds and statuses (Bahasa Indonesia first)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from sop_runtime.engine.events import DeviationKind
from sop_runtime.i18n import current_lang, tr
from sop_runtime.worktime import describe_working

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
}


def deviation_label(kind: str) -> str:
    try:
        id_text, en_text = _DEVIATIONS[DeviationKind(kind)]
    except ValueError:
        return kind
    return tr(id_text, en_text)


def outcome_label(outcome: str) -> str:
    return tr("ditolak", "refused") if outcome == "ditolak" else tr("dicatat", "recorded")


_EVIDENCE: dict[str, tuple[str, str]] = {
    "batas": ("batas", "due"),
    "terjadi": ("terjadi", "happened"),
    "dicatat": ("dicatat", "recorded"),
    "terlambat_detik": ("terlambat", "late by"),
    "pelaksana": ("pelaksana", "performer"),
    "pengguna": ("oleh", "by"),
    "kurang": ("kurang", "missing"),
    "langkah": ("langkah", "step"),
    "langkah_lain": ("juga mengerjakan langkah", "also did step"),
    "langkah_aktif": ("langkah yang aktif", "active steps"),
    "alasan": ("alasan pemisahan", "why separated"),
    "tindakan": ("tindakan", "action"),
}
_INSTANTS = frozenset({"batas", "terjadi", "dicatat"})


def evidence_text(evidence: Mapping[str, Any], tz: tzinfo, minutes_per_day: int,
                  skip: frozenset[str] = frozenset({"pelanggaran", "aturan"})) -> str:
    """A deviation's evidence for people: times in the court's zone, lateness in working
    time, keys named in the chosen language."""
    parts = []
    for key, value in evidence.items():
        if key in skip:
            continue
        label = tr(*_EVIDENCE[key]) if key in _EVIDENCE else key
        text = str(value)
        if key in _INSTANTS:
            try:
                text = datetime.fromisoformat(text).astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
            except ValueError:
                pass
        elif key == "terlambat_detik" and text.isdigit():
            text = describe_working(int(text), minutes_per_day, current_lang())
        parts.append(f"{label}: {text}")
    return "; ".join(parts)
