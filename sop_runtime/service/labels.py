"""User-facing names of deviation kinds and statuses (Bahasa Indonesia first)."""

from __future__ import annotations

from sop_runtime.engine.events import DeviationKind
from sop_runtime.i18n import tr

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
}


def deviation_label(kind: str) -> str:
    try:
        id_text, en_text = _DEVIATIONS[DeviationKind(kind)]
    except ValueError:
        return kind
    return tr(id_text, en_text)


def outcome_label(outcome: str) -> str:
    return tr("ditolak", "refused") if outcome == "ditolak" else tr("dicatat", "recorded")

