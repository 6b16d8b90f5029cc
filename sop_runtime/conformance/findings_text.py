"""Findings in words, for the terminal and the printed report alike."""

from __future__ import annotations

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.conformance.check import ConformanceReport
from sop_runtime.conformance.replay import AFTER_END, DATA, NO_ACTOR, Finding
from sop_runtime.engine.deviation_text import contradiction_text, describe, deviation_label
from sop_runtime.i18n import tr
from sop_runtime.wording import moment_text
from sop_runtime.worktime import CourtCalendar


class _AsLogged:
    """People and roles as the imported log names them (it has no usernames of ours)."""

    def user(self, username: str | None) -> str:
        return username or "-"

    def role(self, role_id: str | None) -> str:
        return role_id or "-"

    def jabatan(self, username: str) -> str:
        return ""


def kind_label(kind: str) -> str:
    if kind == DATA:
        return tr("baris tidak dapat diputar ulang", "rows that cannot be replayed")
    if kind == AFTER_END:
        return tr("baris setelah perkara selesai", "rows after the case ended")
    if kind == NO_ACTOR:
        return tr("pelaksana tidak tercatat", "no one named")
    return deviation_label(kind)


def step_label(wf: Workflow, node: str | None, width: int = 60) -> str:
    if node is None:
        return tr("(seluruh perkara)", "(the whole case)")
    try:
        text = " ".join(wf.node(node).kegiatan.split())
    except KeyError:
        return node
    if len(text) > width:
        text = text[: width - 1].rstrip() + "…"
    return f"{node}. {text}"


def finding_text(f: Finding, wf: Workflow, calendar: CourtCalendar) -> str:
    """What shows the finding: ``Joko Prasetyo tidak memegang peran Kasir``."""
    d = f.detail
    if f.kind == DATA:
        what = d.get("aktivitas")
        return f"{what}: {d.get('pesan', '')}" if what else d.get("pesan", "")
    if f.kind == AFTER_END:
        return tr("'{a}' tercatat setelah perkara selesai", "'{a}' recorded after the case "
                  "ended", a=d.get("aktivitas", ""))
    if f.kind == NO_ACTOR:
        return tr("log tidak menyebut siapa yang mengerjakan langkah ini (pemetaan tanpa "
                  "pelaksana_bawaan)", "the log names no one for this step (the mapping has "
                  "no pelaksana_bawaan)")
    if f.kind == "out_of_order":
        return tr("dikerjakan sebelum langkah {s} selesai", "done before step {s} was done",
                  s=d.get("langkah_aktif", "-"))
    if f.kind == "rework":
        return tr("dikerjakan lagi setelah percobaan {n}", "done again after attempt {n}",
                  n=d.get("percobaan_sebelumnya", "?"))
    if f.kind == "skipped":
        return tr("tidak pernah dikerjakan", "never done")
    if f.kind == "wrong_actor":
        roles = [r.nama if (r := wf.role(x)) else x for x in d.get("pelaksana", "").split(",")
                 if x]
        return tr("{p} tidak memegang peran {r}", "{p} holds none of {r}",
                  p=d.get("pengguna") or tr("(tanpa nama)", "(unnamed)"),
                  r=" / ".join(roles) or "-")
    if f.kind in ("missing_output", "missing_input"):
        return d.get("kurang", "-")
    if f.kind in ("overdue", "service_overdue"):  # told as every surface tells it
        return "; ".join(describe(d, calendar, _AsLogged(), lambda n: step_label(wf, n)))
    if f.kind == "missing_signer":
        roles = [r.nama if (r := wf.role(x)) else x for x in d.get("menunggu", "").split(",")
                 if x]
        return tr("hanya {p} yang bertindak; tidak tercatat: {r}",
                  "only {p} acted; not in the log: {r}",
                  p=d.get("pengguna", "?"), r=", ".join(roles) or "-")
    if f.kind == "wrong_branch":
        return tr("cabang {c} dipilih; data perkara menentukan {t}",
                  "branch {c} chosen; the case's data decides {t}",
                  c=d.get("pilihan", "?"), t=d.get("temuan", "?"))
    if f.kind == "contradiction":  # the log's people as the log names them
        said = contradiction_text(d, lambda n: step_label(wf, n), str,
                                  lambda m: moment_text(m, calendar.tz))
        if said is not None:
            return said
    if f.kind == "separation_of_duties":
        return tr("{p} juga mengerjakan langkah {s}", "{p} also did step {s}",
                  p=d.get("pengguna", "?"), s=d.get("langkah_lain", "?"))
    return "; ".join(f"{k}={v}" for k, v in d.items())


def unused_text(report: ConformanceReport) -> list[str]:
    """The mapping's names the log never uses, each with the log's closest name."""

    def names(found: list[tuple[str, str | None]]) -> str:
        return "; ".join(f"'{name}'" + (tr(" (maksudnya '{m}'?)", " (did you mean '{m}'?)",
                                           m=close) if close else "")
                         for name, close in found)

    lines = []
    if report.unused_activities:
        lines.append(tr("Aktivitas dalam pemetaan yang tidak ada di log: {a}",
                        "Activities in the mapping that the log never uses: {a}",
                        a=names(report.unused_activities)))
    if report.unused_people:
        lines.append(tr("Pelaksana dalam pemetaan yang tidak ada di log: {a}",
                        "People in the mapping that the log never names: {a}",
                        a=names(report.unused_people)))
    return lines
