"""A deviation's rule and evidence in words, for the reports: instants in the court's time,
lateness as working time on the court's calendar, roles and people by name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sop_runtime.audit.document import Names, when
from sop_runtime.engine.deviation_text import contradiction_text, lateness_text
from sop_runtime.i18n import current_lang, tr
from sop_runtime.service.runtime import Runtime
from sop_runtime.wording import moment_text
from sop_runtime.worktime import CourtCalendar
from sop_runtime.worktime.duration_text import UNITS, describe_lateness

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


def describe(evidence: Mapping[str, str], calendar: CourtCalendar, who: Names,
             step_name: Callable[[str], str]) -> tuple[str, ...]:
    """``evidence`` as phrases (``batas 2026-11-24 09:50 WIT``, ``terlambat 5 menit kerja``,
    ...), what happened when first; keys this module does not know are shown as they are."""
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
            who: Names, step_name: Callable[[str], str]) -> str:
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
        return tr("dilakukan oleh {u}", "done by {u}", u=f"{who.user(text)} ({text})")
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
        return (tr("batas {t}", "due {t}", t=when(moment, tz)) if moment
                else tr("batas {t}", "limit {t}", t=text))
    if key == "terlambat_detik" and text.isdigit():
        return tr("terlambat {d} (waktu kerja menurut kalender pengadilan)",
                  "late by {d} (working time on the court's calendar)",
                  d=calendar.describe_working(int(text), lang))
    if key == "terjadi" and moment:
        return tr("terjadi {t}", "happened {t}", t=when(moment, tz))
    if key == "dicatat" and moment:
        later = "" if happened is None else tr(
            ", {d} setelah terjadi", ", {d} after it happened",
            d=calendar.describe_working(calendar.working_seconds_between(happened, moment),
                                        lang))
        return tr("dicatat {t}{g}", "recorded {t}{g}", t=when(moment, tz), g=later)
    return None


@dataclass(frozen=True)
class Explained:
    """A deviation as a page shows it: its rule, evidence and actor in words."""

    row: Any              # the deviation (store.projections.DeviationRow)
    rule: str
    evidence: tuple[str, ...]
    actor: str            # the person's name ("—" for nobody named)


def explain(rt: Runtime, rows: list[Any]) -> list[Explained]:
    """Deviations in words: instants in the court's time, lateness in working time, people
    and roles by name."""
    from sop_runtime.service import catalog
    from sop_runtime.service.letterhead import names

    with rt.engine.connect() as conn:
        _, calendar = catalog.court(rt, conn)
        who = names(conn)
    return [Explained(d, rule_text(d.rule),
                      describe({k: str(v) for k, v in d.evidence.items()}, calendar, who,
                               lambda node: node),
                      who.user(d.actor) if d.actor else "—")
            for d in rows]
