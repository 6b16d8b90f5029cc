"""The accountability report of one case as a printable page (A4; the PDF's source): who
did what and in which role, each step against its time limit, the service standard, the
deviations with their evidence and reasons, the whole timeline, and the seal that covers
the case with its inclusion proof. Every text from the log is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from sop_runtime.audit.casefigures import CaseReport, Entry, SealCover, Who
from sop_runtime.audit.document import (
    Letterhead,
    document,
    facts,
    gap,
    seal_box,
    table,
    when,
    when_html,
)
from sop_runtime.i18n import tr

_CSS = """
<style>
.kpi { width: 100%; border-collapse: separate; border-spacing: 2mm 0; margin: 3mm -2mm 1mm; }
.kpi td { border: 0.3mm solid #999; text-align: center; padding: 1.5mm; width: 25%; }
.kpi .v { font-size: 14pt; font-weight: bold; display: block; }
table.timeline td { font-size: 8pt; }
tr.system td { color: #555; }
tr.deviation td { background: #fff6e0; }
tr.refused td { background: #fde8e8; }
ul.given { margin: 0.5mm 0; padding-left: 4mm; }
.proof code { font-size: 6.5pt; }
</style>
"""


def _who(w: Who) -> str:
    """Name, then role (jabatan), delegation and on whose behalf, one per line."""
    lines = [f"<b>{escape(w.name)}</b>" if w.username else f'<span class="muted">'
             f"{escape(w.name)}</span>"]
    if w.delegation:
        lines.append(escape(w.delegation))
    elif w.jabatan:
        lines.append(escape(w.jabatan))
    if w.on_behalf_of:
        lines.append(f"<i>{escape(tr('atas nama {p}', 'on behalf of {p}', p=w.on_behalf_of))}"
                     "</i>")
    return "<br>".join(lines)


def _lines(texts: Sequence[str]) -> str:
    return "<br>".join(escape(t) for t in texts)


def _row_class(e: Entry) -> str:
    if e.type == "deviation_flagged":
        return "deviation"
    if e.type == "action_refused":
        return "refused"
    return "system" if e.who.username is None else ""


def _entry(r: CaseReport, e: Entry, head: Letterhead) -> str:
    happened = when_html(e.occurred_at, head.tz)
    if e.entered_later:
        happened += (f'<br><span class="muted small">{escape(tr("dicatat", "recorded"))} '
                     f"{when_html(e.recorded_at, head.tz)} "
                     f"(+{escape(gap(e.recorded_at - e.occurred_at))})</span>")
    strong = e.who.username or e.type in ("deviation_flagged", "action_refused")
    body = [f"<b>{escape(e.what)}</b>" if strong else escape(e.what)]
    if e.given:
        items = "".join(f"<li>{escape(g.name)}: <b>{escape(g.value)}</b></li>" for g in e.given)
        body.append(f'<ul class="given">{items}</ul>')
    if e.decision:
        body.append(escape(tr("Keputusan: {d}", "Decision: {d}", d=e.decision)))
    if e.reason:
        body.append(escape(tr("Alasan/keterangan: {r}", "Reason/note: {r}", r=e.reason)))
    if e.notes:
        body.append(f'<span class="muted">{_lines(e.notes)}</span>')
    step = escape(e.step or "-")
    if e.attempt and e.attempt > 1:
        step += escape(tr(" (percobaan ke-{n})", " (attempt {n})", n=e.attempt))
    cls = _row_class(e)
    return (f'<tr class="{cls}"><td class=n>{e.seq}</td><td>{happened}</td>'
            f"<td>{_who(e.who)}</td><td>{step}</td><td>{'<br>'.join(body)}</td></tr>")


def _seal(s: SealCover, head: Letterhead, case_id: str) -> str:
    tz = head.tz
    if s.seal is None or s.proof is None:
        lines = [escape(tr(
            "Belum ada segel yang mencakup keadaan perkara ini sekarang (peristiwa #{q}).",
            "No seal covers this case as it stands now (event #{q}) yet.", q=s.head_seq)),
            f"{escape(tr('Hash peristiwa terakhir', 'Hash of the newest event'))}: "
            f'<code class="hash">{escape(s.head_hash)}</code>']
        if s.earlier is not None:
            lines.append(escape(tr(
                "Segel terakhir yang mencakup keadaan sebelumnya: #{n} ({t}), sampai peristiwa "
                "#{q}.", "The latest seal that covered an earlier state: #{n} ({t}), up to event "
                "#{q}.", n=s.earlier.id, t=when(s.earlier.sealed_at, tz), q=s.earlier_seq)))
        if s.ahead:
            warning = tr(
                "Sebuah segel memuat peristiwa yang tidak ada lagi di log: jalankan 'sop verify'.",
                "A seal holds an event the log no longer has: run 'sop verify'.")
            lines.append(f'<span class="late">{escape(warning)}</span>')
        lines.append(escape(tr(
            "Perkara ini tercakup pada segel berikutnya ('sop seal create' oleh pengawas).",
            "The next seal ('sop seal create' by a supervisor) will cover it.")))
        return seal_box(tr("Segel log", "Log seal"), lines)
    p = s.proof
    holds = (f'<span class="ok">{escape(tr("SAH", "VALID"))}</span>' if s.proof_holds
             else f'<span class="late">{escape(tr("TIDAK SAH", "INVALID"))}</span>')
    path = "<br>".join(f"<code>{escape(str(h))}</code>" for h in p["path"]) or "-"
    how = tr("Dapat diperiksa tanpa basis data: sop seal proof {c} > bukti.json; "
             "sop seal check-proof bukti.json --root <akar>",
             "Checkable without the database: sop seal proof {c} > proof.json; "
             "sop seal check-proof proof.json --root <root>", c=case_id)
    lines = [
        escape(tr("Disegel {t} oleh {u} · {n} perkara dalam segel",
                  "Sealed {t} by {u} · {n} cases in the seal", t=when(s.seal.sealed_at, tz),
                  u=s.sealed_by or s.seal.sealed_by, n=s.seal.cases)),
        f"{escape(tr('Akar Merkle (SHA-256)', 'Merkle root (SHA-256)'))}: "
        f'<code class="hash">{escape(s.seal.root)}</code>',
        f"{escape(tr('Kepala perkara yang disegel', 'Sealed head of the case'))}: "
        f"{escape(tr('peristiwa', 'event'))} #{s.head_seq}, "
        f'<code class="hash">{escape(s.head_hash)}</code>',
        escape(tr("Bukti inklusi: daun ke-{i} dari {n}, jalur audit {k} simpul; diperiksa "
                  "terhadap akar:", "Inclusion proof: leaf {i} of {n}, audit path of {k} "
                  "nodes; checked against the root:", i=int(p["index"]) + 1, n=p["size"],
                  k=len(p["path"]))) + f" {holds}",
        f'<div class="proof">{path}</div>',
        f'<span class="note">{escape(how)}</span>',
    ]
    return seal_box(tr("Segel yang mencakup perkara ini: #{n}",
                       "The seal that covers this case: #{n}", n=s.seal.id), lines)


def render_case(r: CaseReport, head: Letterhead) -> str:
    """The case report page."""
    tz = head.tz
    title = tr("Laporan Pertanggungjawaban Perkara", "Case Accountability Report")
    out = [_CSS]
    started = escape(when(r.started_at, tz))
    if r.started_by.username:
        started += " · " + escape(r.started_by.name) + (
            f" ({escape(r.started_by.jabatan)})" if r.started_by.jabatan else "")
    service = escape(r.service.text)
    if r.service.met is not None:
        service = f'<span class="{"ok" if r.service.met else "late"}">{service}</span>'
    rows = [
        (tr("Nomor perkara", "Case"), f"<b>{escape(r.case_id)}</b>"),
        ("SOP", f"{escape(r.sop_nama)}<br><span class='muted small'>"
                f"{escape(tr('Nomor', 'Number'))} {escape(r.sop_nomor)} · {escape(r.sop_id)} · "
                f"{escape(tr('versi', 'version'))} {escape(r.version[:12])}</span>"),
        (tr("Status", "Status"), escape(r.status_text)),
        (tr("Dimulai", "Started"), started),
        (tr("Berakhir", "Ended"), escape(when(r.ended_at, tz))),
        (tr("Waktu pelayanan (standar)", "Service time (standard)"),
         escape(r.service.limit or tr("tidak ditetapkan", "not set"))
         + (escape(tr(" · terpakai {d} waktu kerja", " · {d} of working time used",
                        d=r.service.working_text))
            if r.service.working_seconds is not None else "")),
        (tr("Standar pelayanan", "Service standard"), service),
    ]
    if r.fields:
        rows.append((tr("Isian perkara", "Case fields"), "<br>".join(
            f"{escape(g.name)}: {escape(g.value)}" for g in r.fields)))
    if r.open_steps:
        rows.append((tr("Langkah terbuka", "Open steps"), _lines(r.open_steps)))
    out.append(facts(rows))

    done = sum(1 for s in r.steps if s.status == "selesai")
    refused = sum(1 for d in r.deviations if d.outcome == "ditolak")
    chain = (tr("utuh", "intact") if r.chain.ok else tr("RUSAK", "BROKEN"))
    kpis = [(str(len(r.timeline)), tr("peristiwa dalam log", "events in the log")),
            (str(done), tr("langkah selesai", "steps done")),
            (str(len(r.deviations) - refused), tr("penyimpangan dicatat", "deviations recorded")
             + (tr(" (+{n} ditolak)", " (+{n} refused)", n=refused) if refused else "")),
            (chain, tr("rantai hash perkara", "the case's hash chain"))]
    out.append('<table class="kpi"><tr>' + "".join(
        f'<td><span class="v">{escape(v)}</span>{escape(k)}</td>' for v, k in kpis)
        + "</tr></table>")
    if not r.chain.ok and r.chain.message:
        out.append(f'<p class="late">{escape(r.chain.message)}</p>')

    out.append(f"<h2>{escape(tr('Langkah dan batas waktu', 'Steps and their time limits'))}</h2>")
    step_rows = []
    for s in r.steps:
        name = escape(s.step) + (escape(tr(" (percobaan ke-{n})", " (attempt {n})",
                                           n=s.attempt)) if s.attempt > 1 else "")
        limit = escape(s.limit or "-")
        if s.due_at:
            limit += f'<br><span class="muted small">{when_html(s.due_at, tz)}</span>'
        finished = when_html(s.completed_at, tz) if s.completed_at else escape(s.status_text)
        if s.completed_by:
            finished += f"<br>{escape(s.completed_by)}"
        if s.on_behalf_of:
            behalf = tr("atas nama {p}", "on behalf of {p}", p=s.on_behalf_of)
            finished += f"<br><i>{escape(behalf)}</i>"
        if s.delegation:
            finished += f"<br>{escape(s.delegation)}"
        worked = escape(s.working_text)
        cls = {"late": "late", "overdue": "late", "on_time": "ok"}.get(s.verdict, "")
        step_rows.append(
            f"<tr><td>{name}<br><span class='muted small'>{escape(s.jabatan)}</span></td>"
            f"<td>{limit}</td><td>{when_html(s.activated_at, tz)}</td>"
            f"<td>{finished}</td><td class=w>{worked}</td>"
            f'<td class="{cls}">{escape(s.verdict_text)}</td></tr>')
    out.append(table([tr("Langkah / pelaksana", "Step / role"), tr("Batas", "Limit"),
                      tr("Aktif", "Active"), tr("Selesai / oleh", "Done / by"),
                      (tr("Waktu kerja", "Working time"), "n"), tr("Status", "Status")],
                     step_rows, widths=(28, 12, 14, 18, 12, 16)))

    out.append(f"<h2>{escape(tr('Penyimpangan prosedur', 'Procedure deviations'))}</h2>")
    if r.deviations:
        dev_rows = []
        for d in r.deviations:
            outcome = (tr("ditolak; percobaan dicatat", "refused; the attempt recorded")
                       if d.outcome == "ditolak" else tr("dicatat", "recorded"))
            what = (f"<b>{escape(d.label)}</b> <span class='muted'>({escape(outcome)})</span>"
                    f"<br><span class='small'>{escape(tr('aturan', 'rule'))}: "
                    f"{escape(d.rule_text)}</span>")
            if d.step:
                what += f"<br><span class='small'>{escape(d.step)}</span>"
            proof = _lines(d.evidence_text) or "-"
            if d.reason:
                proof += f"<br><i>{escape(tr('Alasan: {r}', 'Reason: {r}', r=d.reason))}</i>"
            dev_rows.append(f"<tr><td class=n>{d.seq}</td>"
                            f"<td>{when_html(d.occurred_at, tz)}</td>"
                            f"<td>{what}</td><td>{proof}</td><td>{_who(d.who)}</td></tr>")
        out.append(table(["#", tr("Waktu", "When"), tr("Penyimpangan", "Deviation"),
                          tr("Bukti dan alasan", "Evidence and reason"), tr("Oleh", "By")],
                         dev_rows, widths=(5, 13, 32, 32, 18)))
    else:
        out.append(f"<p>{escape(tr('Tidak ada penyimpangan.', 'No deviations.'))}</p>")

    out.append(f"<h2>{escape(tr('Siapa mengerjakan apa', 'Who did what'))}</h2>")
    people = [f"<tr><td><b>{escape(p.name)}</b></td><td>{escape(p.jabatan)}</td>"
              f"<td>{escape(', '.join(p.steps_done) or '-')}</td>"
              f"<td>{escape('; '.join(p.other) or '-')}</td><td class=n>{p.events}</td>"
              f"<td class='n{' late' if p.deviations else ''}'>{p.deviations}</td>"
              f"<td class='n{' late' if p.refused else ''}'>{p.refused}</td></tr>"
              for p in r.people]
    out.append(table([tr("Nama", "Name"), tr("Jabatan", "Role"),
                      tr("Langkah diselesaikan", "Steps done"), tr("Tindakan lain", "Other acts"),
                      (tr("Peristiwa", "Events"), "n"), (tr("Penyimpangan", "Deviations"), "n"),
                      (tr("Ditolak", "Refused"), "n")], people,
                     widths=(15, 14, 14, 19, 11, 16, 11)))

    out.append(f"<h2>{escape(tr('Riwayat lengkap', 'The whole timeline'))}</h2>")
    note = tr("Setiap peristiwa di log perkara, berurutan. Waktu adalah saat terjadi; bila "
              "dicatat kemudian, waktu pencatatan tertulis di bawahnya.",
              "Every event of the case's log, in order. Times are when it happened; when it "
              "was entered later, the time it was recorded is below.")
    out.append(f'<p class="note">{escape(note)}</p>')
    out.append(table(["#", tr("Waktu", "When"), tr("Oleh", "By"), tr("Langkah", "Step"),
                      tr("Peristiwa", "Event")],
                     [_entry(r, e, head) for e in r.timeline], cls="timeline",
                     widths=(5, 14, 18, 21, 42)))
    return document(head, title=title, subtitle=f"{r.case_id} · {r.sop_nama}",
                    body="".join(out), closing=_seal(r.seal, head, r.case_id))

