"""A proposed revision of an SOP from its monev figures (``sop monev --usulan``): the step
limits the evidence says are unrealistic or loose, rewritten in the definition's own text,
each change with its evidence in a comment, the identity block marked as the next revision.

The rules (over the steps of the version reported on, judged against their deadline in the
period):

* **unrealistic** (*tidak realistis*): met by fewer than half of the attempts judged; the
  proposal is the p80 of the working time from activation to completion (what four cases in
  five needed), rounded up in the limit's own unit;
* **loose** (*terlalu longgar*): the limit is at least ten times the p90; the proposal is the
  p90, rounded up in the limit's unit;
* a step with fewer than ``min_cases`` attempts judged is left alone (too little evidence), as
  is a limit counted from another event or with a timer (``sejak``, ``jika_lewat_waktu``):
  those follow a statute or the court's decision, not a measured working time.

Nothing is applied: the text is a draft to compare (``sop diff``), load (``sop load``) and
have approved like any revision.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from sop_runtime.audit.monev_figures import MonevFigures, StepFigures, in_unit
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.definition.yamlsource import load_yaml
from sop_runtime.engine.attempts import CALENDAR_DAYS, WORKING_DAYS
from sop_runtime.i18n import tr
from sop_runtime.wording import day_text

__all__ = ["LimitChange", "Proposal", "propose"]

UNREALISTIC_BELOW = 0.5   # on-time rate under which a limit is unrealistic
LOOSE_FACTOR = 10         # a limit this many times the p90 is loose
MIN_CASES = 10


@dataclass(frozen=True, slots=True)
class LimitChange:
    no: int
    kegiatan: str
    old: str
    new: str
    rule: str      # "tidak_realistis" | "terlalu_longgar"
    evidence: str  # the sentence written above the new limit


@dataclass
class Proposal:
    sop_id: str
    version: str
    changes: list[LimitChange] = field(default_factory=list)
    left: list[tuple[int, str, str]] = field(default_factory=list)  # (no, kegiatan, why)
    text: str | None = None  # the revised definition (None: nothing to change)


def propose(figures: MonevFigures, wf: Workflow, source: str, *, today: date,
            period: str, minutes_per_day: int, min_cases: int = MIN_CASES) -> Proposal:
    """The proposal for ``wf`` (the version ``figures`` reports on) from its stored
    ``source``; ``period`` names the period in words for the comments."""
    out = Proposal(figures.sop_id, figures.version)
    lines = source.splitlines()
    doc = load_yaml(source, f"{wf.sop_id}.yaml")
    edits: dict[int, tuple[str, list[str]]] = {}  # line index -> (new line, comments above)
    steps = doc.data.get("langkah") or []
    for i, row in enumerate(steps):
        node = wf.node(str(row.get("no"))) if isinstance(row, dict) else None
        step = figures.main.steps.get(node.id) if node is not None else None
        if node is None or step is None or step.limit_text is None or not step.attempts:
            continue  # no limit to judge, or not carried out in the period
        why = _left_alone(node.anchor is not None or node.timer is not None, step, min_cases)
        if why is not None:
            out.left.append((step.no, step.kegiatan, why))
            continue
        change = _change(step, period, minutes_per_day)
        if change is None:
            continue
        line, _ = doc.where(("langkah", i, "mutu_baku", "waktu"))
        found = re.match(r"^(\s*)waktu:\s*(.*?)\s*(#.*)?$", lines[line - 1])
        if found is None or found.group(2).strip("'\"") != step.limit_text:
            out.left.append((step.no, step.kegiatan, tr(
                "batas waktunya tidak ditulis sebaris ('waktu: ...'); ubah sendiri",
                "its limit is not written on a line of its own ('waktu: ...'); change it by "
                "hand")))
            continue
        indent = found.group(1)
        edits[line - 1] = (f"{indent}waktu: {change.new}",
                           [f"{indent}# {c}" for c in _wrapped(change.evidence)])
        out.changes.append(change)
    if not out.changes:
        return out
    revised: list[str] = []
    for i, text in enumerate(lines):
        if i in edits:
            new, comments = edits[i]
            revised.extend(comments)
            revised.append(new)
        else:
            revised.append(text)
    ident = wf.document.identitas
    body = _as_next_revision("\n".join(revised) + "\n", (ident.nomor_revisi or 0) + 1, today)
    head = tr("# USULAN revisi SOP {s} dari monev {p}: {n} batas waktu diubah, alasannya di "
              "atas tiap batas. Belum berlaku: bandingkan (sop diff), muat (sop load), dan "
              "tetapkan tanggal_efektif sebelum disahkan Ketua (sop approve).",
              "# PROPOSED revision of SOP {s} from the monev of {p}: {n} limits changed, each "
              "with its evidence above it. Not in force: compare (sop diff), load (sop load), "
              "and set tanggal_efektif before the Ketua approves it (sop approve).",
              s=wf.sop_id, p=period, n=len(out.changes))
    out.text = "\n".join(_wrapped(head[2:], prefix="# ")) + "\n" + body
    return out


def _left_alone(anchored: bool, step: StepFigures, min_cases: int) -> str | None:
    if anchored:
        return tr("batasnya dihitung sejak peristiwa lain atau berakibat (jika_lewat_waktu): "
                  "mengikuti peraturan, tidak diusulkan dari waktu kerja",
                  "its limit counts from another event or has a consequence "
                  "(jika_lewat_waktu): it follows a rule, not a measured working time")
    if step.judged < min_cases:
        return tr("baru {n} kali dinilai terhadap batasnya (perlu {m}): bukti belum cukup",
                  "judged against its limit only {n} times (needs {m}): too little evidence",
                  n=step.judged, m=min_cases)
    return None


def _change(step: StepFigures, period: str, minutes_per_day: int) -> LimitChange | None:
    assert step.limit_text is not None and step.limit_unit is not None
    rate = step.on_time_rate
    p80, p90 = step.work.p80, step.work.p90
    if p80 is None or p90 is None or rate is None or step.limit_amount is None:
        return None
    unit = step.limit_unit
    if rate < UNREALISTIC_BELOW:
        rule = "tidak_realistis"
        new = _limit_text(in_unit(p80, unit, minutes_per_day), unit)
    elif p90 > 0 and step.limit_amount >= LOOSE_FACTOR * in_unit(p90, unit, minutes_per_day):
        rule = "terlalu_longgar"
        new = _limit_text(in_unit(p90, unit, minutes_per_day), unit)
    else:
        return None
    if new == step.limit_text:
        return None
    spread = tr("median {a}, p80 {b}, p90 {c}", "median {a}, p80 {b}, p90 {c}",
                a=_worded(step.work.median, unit, minutes_per_day),
                b=_worded(p80, unit, minutes_per_day), c=_worded(p90, unit, minutes_per_day))
    met = tr("dipenuhi {k} dari {n} ({r}%)", "met {k} of {n} ({r}%)", k=step.on_time,
             n=step.judged, r=round(100 * rate))
    if rule == "tidak_realistis":
        evidence = tr(
            "Usulan monev {p}: batas {old} tidak realistis, {met}; waktu kerja {s}. Usul {new} "
            "(p80 dibulatkan ke atas: cukup untuk 4 dari 5 perkara).",
            "Monev proposal {p}: the limit {old} is unrealistic, {met}; working time {s}. "
            "Proposed {new} (the p80 rounded up: enough for 4 cases in 5).",
            p=period, old=step.limit_text, met=met, s=spread, new=new)
    else:
        evidence = tr(
            "Usulan monev {p}: batas {old} terlalu longgar, {f} kali p90 atau lebih; {met}; "
            "waktu kerja {s}. Usul {new} (p90 dibulatkan ke atas).",
            "Monev proposal {p}: the limit {old} is loose, {f} times the p90 or more; {met}; "
            "working time {s}. Proposed {new} (the p90 rounded up).",
            p=period, old=step.limit_text, f=LOOSE_FACTOR, met=met, s=spread, new=new)
    return LimitChange(step.no, step.kegiatan, step.limit_text, new, rule, evidence)


def _limit_text(amount: float, unit: str) -> str:
    """``amount`` (in ``unit``) rounded up to how an SOP writes a limit."""
    if unit == WORKING_DAYS:
        return f"{max(1, math.ceil(amount - 1e-9))} hari kerja"
    if unit == CALENDAR_DAYS:
        return f"{max(1, math.ceil(amount - 1e-9))} hari"
    minutes = max(5, 5 * math.ceil(amount / 5 - 1e-9))  # working minutes, by fives
    if minutes >= 60 and minutes % 60 == 0:
        return f"{minutes // 60} jam"
    if minutes > 120:  # above two hours, whole hours
        return f"{math.ceil(minutes / 60)} jam"
    return f"{minutes} menit"


def _worded(seconds: int | None, unit: str, minutes_per_day: int) -> str:
    if seconds is None:
        return "-"
    amount = in_unit(seconds, unit, minutes_per_day)
    if unit == WORKING_DAYS:
        return tr("{n} hari kerja", "{n} working days", n=f"{amount:.1f}".replace(".", ","))
    if unit == CALENDAR_DAYS:
        return tr("{n} hari", "{n} days", n=f"{amount:.1f}".replace(".", ","))
    return tr("{n} menit", "{n} minutes", n=round(amount))


def _wrapped(text: str, width: int = 92, prefix: str = "") -> list[str]:
    out: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(prefix + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        out.append(prefix + line)
    return out


def _as_next_revision(text: str, number: int, today: date) -> str:
    """The identity block says revision ``number`` of ``today``, in force from ``today`` until
    the court sets another tanggal efektif."""
    text = re.sub(r"^[ \t]+(nomor_revisi|tanggal_revisi):.*\n", "", text, flags=re.MULTILINE)
    made = re.search(r"^([ \t]+)tanggal_pembuatan:.*$", text, re.MULTILINE)
    if made is None:
        return text
    indent = made.group(1)
    text = (text[:made.end()] + f"\n{indent}nomor_revisi: {number}\n{indent}tanggal_revisi: "
            f"{today.isoformat()}" + text[made.end():])
    return re.sub(r"^([ \t]+)tanggal_efektif:.*$",
                  rf"\g<1>tanggal_efektif: {today.isoformat()}  # "
                  + tr("tetapkan sebelum disahkan", "set before approval"),
                  text, count=1, flags=re.MULTILINE)


def period_words(start: date, last: date) -> str:
    return f"{day_text(start)} s.d. {day_text(last)}"
