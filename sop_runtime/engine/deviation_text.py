"""Deviations in words for people (Bahasa Indonesia first), the one renderer every surface
uses (the case page, the audit list, the reports, the CLI): the name of each kind beside the
engine's :class:`DeviationKind`, the outcome of an attempt, the rule broken and the evidence
a :class:`~sop_runtime.engine.events.DeviationFlagged` stores as data, told as phrases:
instants in the court's time (:func:`sop_runtime.wording.moment_text`), lateness in the unit
of the limit passed, people and roles by name (never a username or a role id)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import datetime
from typing import Protocol

from sop_runtime.engine.events import DeviationKind
from sop_runtime.engine.values import kind_text
from sop_runtime.i18n import current_lang, tr
from sop_runtime.wording import moment_text
from sop_runtime.worktime import CourtCalendar
from sop_runtime.worktime.duration_text import UNITS, describe_lateness


class Who(Protocol):
    """People and roles by name (:class:`sop_runtime.audit.document.Names` is one)."""

    def user(self, username: str | None) -> str: ...

    def role(self, role_id: str | None) -> str: ...

    def jabatan(self, username: str) -> str: ...

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
        return describe_lateness("menit_kerja", int(seconds) // 60,
                                 calendar.minutes_per_working_day, current_lang())
    return None


_RULES: dict[str, tuple[str, str]] = {
    "mutu_baku.waktu": ("batas waktu langkah (mutu baku)", "the step's time limit (mutu baku)"),
    "jika_lewat_waktu": ("batas waktu langkah dengan cabang lewat waktu",
                         "the step's time limit with its branch when passed"),
    "perpanjangan.oleh": ("yang berwenang memperpanjang", "who may grant the extension"),
    "mutu_baku.kelengkapan": ("kelengkapan wajib (mutu baku)", "required inputs (mutu baku)"),
    "mutu_baku.output": ("output wajib (mutu baku)", "required outputs (mutu baku)"),
    "waktu_pelayanan": ("waktu pelayanan (standar pelayanan)",
                        "service time (service standard)"),
    "batas_pencatatan": ("batas pencatatan (berkas pengadilan)",
                         "recording limit (court file)"),
    "pelaksana": ("pelaksana langkah", "who may do the step"),
    "pengawas": ("hanya pengawas", "supervisors only"),
    "alur": ("urutan alur SOP", "the SOP's flow"),
    "pemisahan_tugas": ("pemisahan tugas", "separation of duties"),
    "lewati": ("pengawas melewati langkah", "a supervisor skipped the step"),
    "buka_ulang": ("pengawas membuka ulang langkah", "a supervisor reopened the step"),
    "pembatalan": ("pengawas membatalkan perkara", "a supervisor cancelled the case"),
    "cabang.jika": ("cabang keputusan yang ditentukan data perkara (jika)",
                    "the decision branch the case's data decides (jika)"),
    "bersama": ("tindakan bersama: setiap pelaksana bertindak",
                "joint act: each pelaksana acts"),
    "nilai_tercatat": ("nilai yang sudah dicatat langkah sebelumnya",
                       "the value an earlier step recorded"),
}

_ACTS: dict[str, tuple[str, str]] = {
    "lewati": ("langkah dilewati", "step skipped"),
    "batal": ("perkara dibatalkan", "case cancelled"),
    "buka_ulang": ("langkah dibuka ulang: percobaan baru, riwayat lama tetap",
                   "step reopened: a new attempt, the old one kept"),
}

_SKIP = frozenset({"pelanggaran", "aturan", "sop", "versi"})
# a data-decided branch's reason (``cabang[].jika``): told as one phrase
_FINDING = ("syarat", "langkah_syarat", "selesai", "isian", "nilai", "syarat_gagal")
# the order phrases are told in: what happened when, then the limit and how late
_ORDER = {key: i for i, key in enumerate(("terjadi", "dicatat", "batas", "terlambat",
                                          "terlambat_detik"))}


def rule_text(rule: str) -> str:
    """The rule in words (``mutu_baku.waktu`` -> ``batas waktu langkah (mutu baku)``);
    several rules joined by ``;`` each."""
    parts = [p.strip() for p in rule.split(";") if p.strip()]
    return "; ".join(tr(*_RULES[p]) if p in _RULES else p for p in parts) or rule


def _instant(text: str) -> datetime | None:
    if len(text) < 19 or text[4:5] != "-" or text[10:11] != "T":
        return None
    with suppress(ValueError):
        return datetime.fromisoformat(text)
    return None


def describe(evidence: Mapping[str, str], calendar: CourtCalendar, who: Who,
             step_name: Callable[[str], str]) -> tuple[str, ...]:
    """``evidence`` as phrases (``batas 2026-11-24 09:50 WIT``, ``terlambat 5 menit kerja``,
    ...), what happened when first; keys this module does not know are shown as they are.
    A contradicting value's evidence is one sentence (:func:`contradiction_text`)."""
    contradiction = contradiction_text(evidence, step_name, who.user,
                                       lambda m: moment_text(m, calendar.tz))
    if contradiction is not None:
        return (contradiction,)
    happened = _instant(evidence.get("terjadi", ""))
    shown = dict(evidence)
    if "syarat" in shown:
        shown["syarat"] = finding_text(evidence, step_name, calendar, lateness=False)
        for key in _FINDING[1:]:
            shown.pop(key, None)
    late = lateness_text(shown, calendar)
    if late is not None:  # in the limit's unit: the working seconds are not told again
        for key in ("terlambat_detik", "satuan"):
            shown.pop(key, None)
        shown["terlambat"] = late
    told = [(_ORDER.get(key, len(_ORDER)),
             _phrase(key, str(value), happened, calendar, who, step_name))
            for key, value in shown.items() if key not in _SKIP]
    return tuple(text for _, text in sorted(told, key=lambda pair: pair[0]))


def finding_text(finding: Mapping[str, str], step_name: Callable[[str], str],
                 calendar: CourtCalendar | None = None, *, lateness: bool = True) -> str:
    """Why the data decides a branch (a completion's ``finding``, a ``wrong_branch``
    deviation's evidence): ``langkah 3. ... terlambat 2 hari kalender`` / ``... selesai
    dalam batas waktunya`` / ``status = lunas`` / ``tidak ada syarat lain yang terpenuhi``."""
    why = finding.get("syarat", "")
    step = step_name(finding.get("langkah_syarat", ""))
    if why == "terlambat":
        late = None
        if lateness:
            amount, unit = finding.get("terlambat", ""), finding.get("satuan", "")
            if amount.isdigit() and unit in UNITS:
                late = describe_lateness(unit, int(amount), calendar.minutes_per_working_day
                                         if calendar else 450, current_lang())
        if late:
            return tr("langkah {s} terlambat {d}", "step {s} late by {d}", s=step, d=late)
        return tr("langkah {s} selesai setelah batas waktunya",
                  "step {s} done after its time limit", s=step)
    if why == "tepat_waktu":
        return tr("langkah {s} selesai dalam batas waktunya",
                  "step {s} done within its time limit", s=step)
    if why == "isian":
        return f"{finding.get('isian', '')} = {finding.get('nilai', '')}"
    if why == "selain_itu":
        none = tr("tidak ada syarat cabang lain yang terpenuhi", "no other branch's condition "
                  "holds")
        if finding.get("syarat_gagal"):  # and what the data said instead
            said = finding_text({**finding, "syarat": finding["syarat_gagal"]}, step_name,
                                calendar, lateness=lateness)
            return f"{none} ({said})"
        return none
    return why


# evidence keys whose value is said as it is, in a sentence: key -> (Indonesian, English)
_SAID_AS_IS: dict[str, tuple[str, str]] = {
    "terlambat": ("terlambat {x}", "late by {x}"),
    "langkah_aktif": ("langkah yang aktif saat itu: {x}", "steps active then: {x}"),
    "langkah_lain": ("orang yang sama mengerjakan langkah {x}", "the same person did step {x}"),
    "syarat": ("ditentukan dari data: {x}", "decided by the data: {x}"),
    "temuan": ("cabang menurut data: {x}", "branch by the data: {x}"),
    "pilihan": ("cabang yang dipilih: {x}", "branch chosen: {x}"),
    "kurang": ("tidak ada: {x}", "missing: {x}"),
    "alasan": ("alasan aturan: {x}", "why the rule: {x}"),
}


def _phrase(key: str, text: str, happened: datetime | None, calendar: CourtCalendar,
            who: Who, step_name: Callable[[str], str]) -> str:
    said = _SAID_AS_IS.get(key)
    if said is not None:
        return tr(*said, x=text)
    timed = _time_phrase(key, text, happened, calendar)
    if timed is not None:
        return timed
    if key == "tindakan":
        return tr(*_ACTS[text]) if text in _ACTS else text
    if key == "pelaksana":
        return tr("yang berwenang: {r}", "allowed: {r}",
                  r=", ".join(who.role(r) for r in text.split(",") if r))
    if key == "pihak":
        return tr("keterlambatan pihak: {r}", "the party's lateness: {r}", r=who.role(text))
    if key == "dicatat_oleh":
        return tr("dicatat oleh {u}", "recorded by {u}", u=who.user(text))
    if key == "pengguna":
        jabatan = who.jabatan(text)
        return tr("dilakukan oleh {u}", "done by {u}",
                  u=f"{who.user(text)} ({jabatan})" if jabatan else who.user(text))
    if key == "langkah":
        return tr("langkah {s}", "step {s}", s=step_name(text))
    if key == "cabang":
        return tr("waktunya habis: cabang ke langkah {s}", "its time ran out: the branch to "
                  "step {s}", s=step_name(text))
    if key == "menunggu":
        return tr("belum bertindak: {r}", "did not act: {r}",
                  r=", ".join(who.role(r) for r in text.split(",") if r))
    return f"{key.replace('_', ' ')}: {text}"


def _time_phrase(key: str, text: str, happened: datetime | None,
                 calendar: CourtCalendar) -> str | None:
    """The evidence about time in words: instants in the court's zone, lateness in working
    time; None for a key that is not about time (or a value that is not a time)."""
    tz, lang = calendar.tz, current_lang()
    moment = _instant(text)
    if key == "batas":
        return (tr("batas {t}", "due {t}", t=moment_text(moment, tz)) if moment
                else tr("batas {t}", "limit {t}", t=text))
    if key == "terlambat_detik" and text.isdigit():
        return tr("terlambat {d} (waktu kerja menurut kalender pengadilan)",
                  "late by {d} (working time on the court's calendar)",
                  d=calendar.describe_working(int(text), lang))
    if key == "terjadi" and moment:
        return tr("terjadi {t}", "happened {t}", t=moment_text(moment, tz))
    if key == "dicatat" and moment:
        later = "" if happened is None else tr(
            ", {d} setelah terjadi", ", {d} after it happened",
            d=calendar.describe_working(calendar.working_seconds_between(happened, moment),
                                        lang))
        return tr("dicatat {t}{g}", "recorded {t}{g}", t=moment_text(moment, tz), g=later)
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
