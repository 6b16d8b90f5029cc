"""Whether what the product shows is what the log says: the checks of ``sop verify``
beyond the hash chain.

The chain (:mod:`sop_runtime.store.chain`) proves the log itself. Everything the lists,
pages and reports read besides the log is checked against it here:

- **projections**: each case's ``cases`` row, ``open_steps`` rows and ``deviations`` rows
  must equal what folding its log gives (a deleted deviation row, an edited status, fields,
  SOP or open step is named), and no projected row may belong to a case with no log; the
  counts kept beside them (``tallies``: deviations by kind, open steps by holder) must equal
  those rows counted, in the same snapshot;
- **versions**: each stored SOP version's source must still compile to the version hash it
  is stored under (an edited source would silently change the rules of running cases);
- **documents**: each document a step's event records must be in the document store and
  still hash to the SHA-256 recorded (a missing or altered file is named by its case and
  step); each distinct file is read and hashed once, however many events name it.

Every difference is listed (up to :data:`SHOWN`; the total is counted), not only the first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, tzinfo
from typing import Any

import orjson
from sqlalchemy import Connection, select

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.engine import fold
from sop_runtime.engine.deviation_text import deviation_label, outcome_label
from sop_runtime.errors import SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.cases import decode
from sop_runtime.service.differences import Difference, Findings
from sop_runtime.service.projection import case_row, deviation_rows, open_step_rows
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.seals import SealCheck
from sop_runtime.store import projections
from sop_runtime.store.chain import Span, VerifyReport
from sop_runtime.store.events import StoredEvent
from sop_runtime.store.projections import CaseRow, DeviationRow, OpenStepRow
from sop_runtime.store.scan import case_logs
from sop_runtime.store.schema import workflows
from sop_runtime.wording import moment_text

CASES_PER_READ = 500  # cases whose projected rows are read in one query per table

@dataclass(frozen=True)
class ProjectionCheck:
    cases: int                 # cases whose projections were compared with their log
    findings: Findings

    @property
    def ok(self) -> bool:
        return self.findings.total == 0


# -- projections --------------------------------------------------------------------------

def check_projections(rt: Runtime, conn: Connection, *, first: str | None = None,
                      stop: str | None = None, cases: Sequence[str] | None = None
                      ) -> ProjectionCheck:
    """Compare the projections of the cases with ids in [``first``, ``stop``) (or of the
    listed ``cases``) with the fold of their logs (inside the caller's transaction, so both
    are read from one snapshot)."""
    findings = Findings()
    checked = 0
    for batch in _batches(case_logs(conn, first, stop, cases=cases), CASES_PER_READ):
        stored = projections.stored_for(conn, [log[0].case_id for log in batch])
        for log in batch:
            checked += 1
            findings.add(_compare_case(rt, conn, log, stored))
    if cases is None:
        _orphans(conn, first, stop, findings)
    return ProjectionCheck(checked, findings)


class _Projector:
    """The projection check fed by the chain check's own read of the log (one pass): rows
    come in (case, seq) order, each case's log is folded once it is whole, and the cases'
    stored rows are read :data:`CASES_PER_READ` at a time."""

    def __init__(self, rt: Runtime, conn: Connection) -> None:
        self.rt, self.conn = rt, conn
        self.case: list[StoredEvent] = []
        self.ready: list[list[StoredEvent]] = []
        self.findings = Findings()
        self.checked = 0

    def rows(self, rows: list[Any]) -> None:
        loads, instant = orjson.loads, _utc
        for cid, seq, type_, version, occ, rec, actor, payload, prev, hash_ in rows:
            if self.case and self.case[0].case_id != cid:
                self._whole()
            self.case.append(StoredEvent(cid, seq, type_, version, instant(occ), instant(rec),
                                         actor, loads(payload), prev, hash_))

    def _whole(self) -> None:
        self.ready.append(self.case)
        self.case = []
        if len(self.ready) >= CASES_PER_READ:
            self._compare()

    def _compare(self) -> None:
        stored = projections.stored_for(self.conn, [log[0].case_id for log in self.ready])
        for log in self.ready:
            self.checked += 1
            self.findings.add(_compare_case(self.rt, self.conn, log, stored))
        self.ready = []

    def finish(self, span: Span) -> ProjectionCheck:
        if self.case:
            self._whole()
        self._compare()
        if span.cases is None:
            _orphans(self.conn, span.first, span.stop, self.findings)
        return ProjectionCheck(self.checked, self.findings)


def check_tallies(conn: Connection) -> list[Difference]:
    """The kept counts (:mod:`sop_runtime.store.tallies`) against the projected rows
    counted again, read in one snapshot (the rows themselves are checked against the log
    case by case)."""
    from sop_runtime.store import tallies

    have, want = tallies.kept(conn), tallies.counted(conn)
    out = []
    for what, key in sorted(set(have) | set(want)):
        stored, expected = have.get((what, key), 0), want.get((what, key), 0)
        if stored != expected:
            out.append(Difference(what, "tallies", "changed", key or "-", tr(
                "tersimpan {h}, dihitung dari baris {w}", "kept {h}, counted from the rows {w}",
                h=stored, w=expected)))
    return out


def _utc(text_: str) -> datetime:
    """A UTC instant from its ISO text without the offset (as the log's rows give it)."""
    return datetime.fromisoformat(text_ + "+00:00")


def _orphans(conn: Connection, first: str | None, stop: str | None, into: Findings) -> None:
    for table, case_id in projections.orphans(conn, first, stop):
        into.add([Difference(case_id, table, "extra", tr(
            "(perkara tanpa log)", "(a case with no log)"))])


def _batches(logs: Iterator[list[StoredEvent]], size: int) -> Iterator[list[list[StoredEvent]]]:
    batch: list[list[StoredEvent]] = []
    for log in logs:
        batch.append(log)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def expected_rows(rt: Runtime, conn: Connection, log: list[StoredEvent]
                  ) -> tuple[CaseRow, list[OpenStepRow], list[DeviationRow]]:
    """What the projections of a case should hold: the fold of its log (``updated_at``,
    when the row was last written, is not the log's and is left as stored)."""
    events = decode(log)
    state = fold(log[0].case_id, events)
    wf = catalog.workflow(rt, conn, state.version)
    return (case_row(state, log[-1].hash, log[-1].recorded_at), open_step_rows(wf, state),
            deviation_rows(state.case_id, 1, events))


def _compare_case(rt: Runtime, conn: Connection, log: list[StoredEvent],
                  stored: projections.StoredProjections) -> list[Difference]:
    case_id = log[0].case_id
    tz = catalog.court(rt, conn)[1].tz
    try:
        expected = expected_rows(rt, conn, log)
    except SopRuntimeError as exc:  # e.g. its SOP version's source was altered
        return [Difference(case_id, "cases", "unreadable", "", str(exc))]
    except Exception as exc:  # the log cannot be folded: the chain check names the event
        return [Difference(case_id, "cases", "unreadable", "", tr(
            "log tidak dapat dibaca ulang ({e})", "the log cannot be replayed ({e})",
            e=f"{type(exc).__name__}: {exc}"))]
    row, steps, deviations = expected
    out: list[Difference] = []
    have = stored.cases.get(case_id)
    if have is None:
        out.append(Difference(case_id, "cases", "missing"))
    else:
        out.extend(_changed(case_id, "cases", "", have, row, tz, skip={"updated_at"}))
    out.extend(_rows(case_id, "open_steps", stored.open_steps.get(case_id, []), steps,
                     _step_key, tz))
    out.extend(_rows(case_id, "deviations", stored.deviations.get(case_id, []), deviations,
                     _deviation_key, tz))
    return out


def _step_key(row: OpenStepRow) -> tuple[Any, ...]:
    return (row.node, row.attempt, row.role)


def _deviation_key(row: DeviationRow) -> tuple[Any, ...]:
    return (row.seq, row.kind, row.outcome)


def _row_name(table: str, key: tuple[Any, ...]) -> str:
    if table == "open_steps":
        node, attempt, role = key
        return tr("langkah {n}/{a} ({r})", "step {n}/{a} ({r})", n=node, a=attempt, r=role)
    seq, kind, outcome = key
    return tr("urutan {s} ({k}, {o})", "seq {s} ({k}, {o})", s=seq, k=deviation_label(kind),
              o=outcome_label(outcome))


def _rows(case_id: str, table: str, have: Sequence[Any], want: Sequence[Any],
          key: Any, tz: tzinfo) -> list[Difference]:
    out: list[Difference] = []
    stored: dict[tuple[Any, ...], list[Any]] = {}
    for row in have:
        stored.setdefault(key(row), []).append(row)
    expected = {key(row): row for row in want}
    for k, rows in stored.items():
        if k not in expected:
            out.extend(Difference(case_id, table, "extra", _row_name(table, k)) for _ in rows)
            continue
        out.extend(_changed(case_id, table, _row_name(table, k), rows[0], expected[k], tz,
                            skip={"id"}))
        out.extend(Difference(case_id, table, "extra", _row_name(table, k), tr(
            "(dua kali)", "(twice)")) for _ in rows[1:])
    out.extend(Difference(case_id, table, "missing", _row_name(table, k))
               for k in expected if k not in stored)
    return out


def _changed(case_id: str, table: str, row: str, have: Any, want: Any, tz: tzinfo, *,
             skip: set[str]) -> list[Difference]:
    differ = [f.name for f in fields(have)
              if f.name not in skip and getattr(have, f.name) != getattr(want, f.name)]
    if not differ:
        return []
    detail = "; ".join(tr("{c} tercatat {h}, menurut log {w}", "{c} stored as {h}, the log "
                          "says {w}", c=tr(*_COLUMNS.get(name, (name, name))),
                          h=_shown(getattr(have, name), tz), w=_shown(getattr(want, name), tz))
                       for name in differ)
    return [Difference(case_id, table, "changed", row, detail)]


_COLUMNS = {  # a projected column in words (the column's name where none is given)
    "sop_id": ("SOP", "SOP"), "version": ("versi SOP", "SOP version"),
    "status": ("status", "status"), "started_at": ("waktu mulai", "start"),
    "started_by": ("dimulai oleh", "started by"), "ended_at": ("waktu selesai", "end"),
    "service_due": ("batas waktu pelayanan", "service due"),
    "service_overdue_flagged": ("pelanggaran waktu pelayanan tercatat",
                                "service breach recorded"),
    "fields": ("isian perkara", "case fields"), "last_seq": ("urutan terakhir", "last seq"),
    "head_hash": ("hash terakhir", "head hash"), "kegiatan": ("kegiatan", "activity"),
    "assignee": ("ditugaskan kepada", "assigned to"),
    "claimed_by": ("diambil oleh", "claimed by"),
    "activated_at": ("waktu aktif", "activated"), "due_at": ("batas waktu", "due"),
    "timer_due": ("batas waktu cabang", "timer due"),
    "overdue_flagged": ("keterlambatan tercatat", "overdue recorded"),
    "kind": ("jenis", "kind"), "outcome": ("hasil", "outcome"), "node": ("langkah", "step"),
    "attempt": ("percobaan", "attempt"), "actor": ("oleh", "by"),
    "occurred_at": ("waktu terjadi", "occurred"), "recorded_at": ("waktu dicatat", "recorded"),
    "rule": ("aturan", "rule"), "reason": ("alasan", "reason"),
    "evidence": ("bukti", "evidence"),
    "applicant": ("pemohon", "applicant"), "register_number": ("nomor perkara",
                                                               "register number"),
    "names": ("kata nama para pihak", "words of the parties' names"),
}


def _shown(value: Any, tz: tzinfo) -> str:
    if isinstance(value, datetime):
        return moment_text(value, tz, seconds=True)
    if value is None:
        return "-"
    if isinstance(value, bool):
        return tr("ya", "yes") if value else tr("tidak", "no")
    if hasattr(value, "items"):
        text = "; ".join(f"{k}={v}" for k, v in value.items()) or tr("(kosong)", "(empty)")
    else:
        text = str(value)
    text = f"«{text}»"
    return text if len(text) <= 80 else text[:77] + "...»"


# -- stored SOP versions ------------------------------------------------------------------

def check_versions(rt: Runtime, conn: Connection) -> list[Difference]:
    """Each stored version's source compiled again: it must give its own version hash."""
    out = []
    for version, sop_id in conn.execute(select(workflows.c.version, workflows.c.sop_id)
                                        .order_by(workflows.c.sop_id, workflows.c.version)):
        rt._workflows.pop(version, None)  # compile from what is stored now, not a memory
        try:
            wf: Workflow = catalog.workflow(rt, conn, version)
        except SopRuntimeError as exc:
            out.append(Difference(version[:12], "workflows", "unreadable",
                                  f"{sop_id} {version[:12]}", str(exc)))
            continue
        if wf.sop_id != sop_id:
            out.append(Difference(version[:12], "workflows", "changed", f"{version[:12]}",
                                  tr("sop_id: {h} (sumber: {w})", "sop_id: {h} (source: {w})",
                                     h=sop_id, w=wf.sop_id)))
    return out


# -- documents ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentCheck:
    documents: int                 # documents the log records
    files: int                     # distinct files read and hashed
    differences: tuple[Difference, ...]

    @property
    def ok(self) -> bool:
        return not self.differences


def check_documents(rt: Runtime, conn: Connection, *, after_id: int = 0) -> DocumentCheck:
    """Every document the log records (in the events with ids above ``after_id``) against
    the document store: present, and its bytes still hashing to the SHA-256 the event
    recorded."""
    from sop_runtime.store.scan import document_events

    store = rt.documents
    condition: dict[str, str] = {}
    found: list[Difference] = []
    count = 0
    for case_id, register, version, payload in document_events(conn, after_id=after_id):
        documents = payload["documents"]
        assert isinstance(documents, dict)
        node = str(payload.get("node", ""))
        for item, doc in documents.items():
            count += 1
            sha = str(doc.get("sha256", "")) if isinstance(doc, dict) else ""
            if sha not in condition:
                condition[sha] = store.check(sha)
            state = condition[sha]
            if state == "ok":
                continue
            name = str(doc.get("nama", "")) if isinstance(doc, dict) else ""
            kegiatan, item_name = _step_words(rt, conn, version, node, item)
            row = tr("langkah {n} ({k}), {i} '{f}'", "step {n} ({k}), {i} '{f}'", n=node,
                     k=kegiatan, i=item_name, f=name)
            if register:  # the court's own number first: how its staff know the case
                row = tr("nomor perkara {r}, {row}", "case number {r}, {row}", r=register,
                         row=row)
            if state == "missing":
                found.append(Difference(case_id, "documents", "missing", row))
            else:
                found.append(Difference(case_id, "documents", "changed", row, tr(
                    "berkas telah diubah: isinya tidak lagi ber-SHA-256 {h} yang dicatat",
                    "the file was altered: its content no longer has the SHA-256 {h} "
                    "recorded", h=sha)))
    return DocumentCheck(count, len(condition), tuple(found))


def _step_words(rt: Runtime, conn: Connection, version: str, node: str,
                item: str) -> tuple[str, str]:
    """The step's kegiatan and the item's name as the SOP writes them (the ids where the
    SOP version cannot be read: its own check names that)."""
    try:
        step = catalog.workflow(rt, conn, version).node(node)
    except (KeyError, SopRuntimeError):
        return "?", item
    found = next((i for i in (*step.inputs, *step.outputs) if i.id == item), None)
    return step.kegiatan, found.nama if found else item


# -- everything at once -------------------------------------------------------------------

@dataclass(frozen=True)
class Verification:
    """What ``sop verify`` found: the log's hash chains, the projections against the log,
    the stored SOP versions against their sources, the court's journals and the tables
    they describe, and the seals against the log and the journals.

    ``mode`` is ``full`` (everything) or ``changed``: what was appended since seal
    ``since_seal`` (the cases it touched, whole; the journal entries after their sealed
    ones; the documents it records) and the seals' own consistency."""

    chain: VerifyReport
    projections: ProjectionCheck
    versions: tuple[Difference, ...]
    journals: VerifyReport
    directory: tuple[Difference, ...]
    seals: SealCheck
    documents: DocumentCheck
    mode: str = "full"
    since_seal: int | None = None
    new_events: int = 0         # changed: events appended since the seal
    new_entries: int = 0        # changed: journal entries appended since the seal

    @property
    def ok(self) -> bool:
        return (self.chain.ok and self.projections.ok and not self.versions
                and self.journals.ok and not self.directory and self.seals.ok
                and self.documents.ok)


def verify(rt: Runtime, *, workers: int | None = None, full: bool = True) -> Verification:
    """Check everything ``sop verify --full`` promises, or (``full`` False) what changed
    since the newest seal (:func:`verify_changed`; everything while there is none). A long
    log is checked on several cores (``workers``; by default one per core when the log is
    long enough to repay starting them): each process checks a range of cases, chain and
    projections, from one snapshot."""
    import os

    from sqlalchemy import func

    from sop_runtime.service import journals
    from sop_runtime.service.ready import ensure_ready
    from sop_runtime.service.seals import check as check_seals
    from sop_runtime.store.chain import verify_journals
    from sop_runtime.store.parallel import over_spans, workers_for
    from sop_runtime.store.schema import events

    if not full:
        from sop_runtime.service.changed import verify_changed

        changed = verify_changed(rt)
        if changed is not None:
            return changed
    with rt.engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():  # the journals and their tables from one snapshot
            ensure_ready(rt, conn)
            if workers is None:
                estimate = conn.execute(select(func.max(events.c.id))).scalar() or 0
                workers = workers_for(estimate, os.cpu_count() or 1)
            versions = tuple(check_versions(rt, conn))
            kept = verify_journals(conn)
            directory = tuple(journals.check(conn))
            documents = check_documents(rt, conn)
            counted = check_tallies(conn)
    if workers <= 1:
        chain, projected = _check_span(rt, Span())
    else:
        url = rt.engine.url.render_as_string(hide_password=False)
        chain, projected = merged(over_spans(url, workers, _check_span_at))
    projected.findings.add(counted)
    return Verification(chain, projected, versions, kept, directory, check_seals(rt),
                        documents)


def _check_span(rt: Runtime, span: Span) -> tuple[VerifyReport, ProjectionCheck]:
    """The chain and the projections of the cases in ``span``, from one snapshot and one
    read of the log (read again only when the chain broke and the read stopped there)."""
    with rt.engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            return check_span_in(rt, conn, span)


def check_span_in(rt: Runtime, conn: Connection, span: Span
                  ) -> tuple[VerifyReport, ProjectionCheck]:
    """:func:`_check_span` inside the caller's transaction."""
    from sop_runtime.store.chain import verify as verify_chain

    projector = _Projector(rt, conn)
    chain = verify_chain(conn, span=span, also=projector.rows)
    if chain.ok:
        return chain, projector.finish(span)
    return chain, check_projections(rt, conn, first=span.first, stop=span.stop,
                                    cases=span.cases)


def _check_span_at(url: str, span: Span) -> tuple[VerifyReport, ProjectionCheck]:
    """:func:`_check_span` in a worker process of its own."""
    rt = Runtime.open(url)
    try:
        return _check_span(rt, span)
    finally:
        rt.engine.dispose()


def merged(parts: list[tuple[VerifyReport, ProjectionCheck]]
            ) -> tuple[VerifyReport, ProjectionCheck]:
    first = next((c.first_break for c, _ in parts if c.first_break is not None), None)
    chain = VerifyReport(first is None, sum(c.events for c, _ in parts),
                         sum(c.cases for c, _ in parts), first)
    findings = Findings()
    for _, p in parts:
        findings.merge(p.findings)
    return chain, ProjectionCheck(sum(p.cases for _, p in parts), findings)


def scope_text(found: Verification, whole: str | None = None) -> str:
    """What was checked, in a sentence; after a check of what changed, ``whole`` (how the
    interface asks for everything) follows it."""
    if found.mode == "changed":
        said = tr("Diperiksa: yang berubah sejak segel #{n} ({e} peristiwa baru dalam {c} "
                  "perkara, {j} entri jurnal baru) dan konsistensi segel; riwayat yang sudah "
                  "disegel tidak dibaca ulang.",
                  "Checked: what changed since seal #{n} ({e} new events in {c} cases, {j} "
                  "new journal entries) and the seals' consistency; the sealed history was "
                  "not read again.",
                  n=found.since_seal, e=found.new_events, c=found.chain.cases,
                  j=found.new_entries)
        return said if whole is None else f"{said} {whole}"
    return tr("Diperiksa: seluruh log, termasuk setiap entri yang disegel",
              "Checked: the whole log, every sealed entry included")


def as_json(found: Verification) -> dict[str, Any]:
    """The JSON form of a verification (``sop verify --json``, ``GET /api/verify``)."""
    brk, sbrk = found.chain.first_break, found.seals.first_break
    jbrk = found.journals.first_break

    def differences(items: Sequence[Difference]) -> list[dict[str, str]]:
        return [{"subject": d.subject, "table": d.table, "what": d.what, "row": d.row,
                 "detail": d.detail, "message": d.message} for d in items]

    return {
        "ok": found.ok, "mode": found.mode, "since_seal": found.since_seal,
        "new_events": found.new_events, "new_entries": found.new_entries,
        "scope": scope_text(found, tr(
            "Untuk memeriksa semuanya: sop verify --full (API: GET /api/verify?full=true)",
            "To check everything: sop verify --full (API: GET /api/verify?full=true)")),
        "cases": found.chain.cases, "events": found.chain.events,
        "first_break": None if brk is None else {
            "case_id": brk.case_id, "seq": brk.seq, "what": brk.what, "message": brk.message},
        "projections": {"ok": found.projections.ok, "cases": found.projections.cases,
                        "total": found.projections.findings.total,
                        "differences": differences(found.projections.findings.shown)},
        "versions": {"ok": not found.versions, "differences": differences(found.versions)},
        "journals": {"ok": found.journals.ok, "entries": found.journals.events,
                     "first_break": None if jbrk is None else {
                         "journal": jbrk.case_id, "seq": jbrk.seq, "what": jbrk.what,
                         "message": jbrk.message},
                     "differences": differences(found.directory)},
        "documents": {"ok": found.documents.ok, "recorded": found.documents.documents,
                      "files": found.documents.files,
                      "differences": differences(found.documents.differences)},
        "seals": {"ok": found.seals.ok, "checked": found.seals.seals,
                  "signatures_held": found.seals.signed, "first_break": None
                  if sbrk is None else {
                      "seal_id": sbrk.seal_id, "case_id": sbrk.case_id, "seq": sbrk.seq,
                      "what": sbrk.what, "message": sbrk.message}},
    }
