"""Setting up a court's database: migrate the schema, load the court file (roles, staff)
and every definition. An SOP's first version is in force as it is loaded; a changed
definition of an SOP already in force is stored as a draft (its revision fields checked) that
applies once the Ketua approves it (service.revisions); running cases keep theirs. A user
no longer in the court file is switched off (kept as history), their sessions ended and
their API tokens revoked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection

from sop_runtime.compiler.compile import compile_document
from sop_runtime.compiler.library import court_logo, load_library
from sop_runtime.compiler.render.kop import logo_uri
from sop_runtime.compiler.revision import revision_problems
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.definition.loader import Loaded, read_yaml_file, validate_as
from sop_runtime.definition.models import SopDocument
from sop_runtime.errors import DefinitionError, NotFoundError
from sop_runtime.files import read_text
from sop_runtime.i18n import tr
from sop_runtime.problems import Problem, Severity
from sop_runtime.service import catalog, journals, ready
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import settings, workflows
from sop_runtime.store.db import begin_write
from sop_runtime.store.journal import Entry
from sop_runtime.store.migrate import migrate


@dataclass
class InitReport:
    court: str
    roles: int
    users: int
    new_versions: list[str] = field(default_factory=list)    # sop ids with a new version
    unchanged: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)  # sop ids whose loaded version awaits approval
    superseded: list[str] = field(default_factory=list)  # loaded an older approved version
    switched_off: list[str] = field(default_factory=list)  # users no longer in the court file


def init(rt: Runtime, definitions_dir: Path) -> InitReport:
    migrate(rt.engine)
    library = load_library([definitions_dir])
    if library.errors:
        raise DefinitionError(library.errors)
    if library.court is None:
        raise NotFoundError(tr("Berkas pengadilan (court.yaml) tidak ada di {dir}",
                               "No court file (court.yaml) in {dir}", dir=definitions_dir))
    court = library.court.model
    court_file = Path(library.court.source.file)
    report = InitReport(court=court.pengadilan.nama, roles=len(court.peran),
                        users=len(court.pengguna))
    court_source = read_text(court_file)
    try:
        logo = court_logo(library.court)
    except DefinitionError:  # a warning of `sop validate`: the printouts go without a logo
        logo = None
    logo_text = (logo_uri(logo) or "") if logo is not None else ""
    zone = court.pengadilan.zona_waktu
    now = rt.now()
    with begin_write(rt.engine) as conn:
        journals.import_tables(conn, at=now)  # a database set up before the journals
        rules: list[Entry] = []
        if (settings.get(conn, ready.COURT_KEY), settings.get(conn, ready.ZONE_KEY)) != (
                court_source, zone):
            settings.put(conn, ready.COURT_KEY, court_source)
            settings.put(conn, ready.ZONE_KEY, zone)
            rules.append(journals.court_file_loaded(court_source, zone))
        if settings.get(conn, ready.LOGO_KEY) != logo_text:
            settings.put(conn, ready.LOGO_KEY, logo_text)
        rules += _store_versions(rt, conn, [
            (wf, library.documents[sop_id], Path(library.files[sop_id]))
            for sop_id, wf in sorted(library.workflows.items())], report, now)
        journals.record(conn, "definisi", rules, at=now, actor=None)
        people = journals.directory_changes(conn, court)
        journals.record(conn, "direktori", people, at=now, actor=None)
        # staff no longer in the court file are switched off: no session, no token
        report.switched_off = sorted(p["username"] for kind, p in people
                                     if kind == "user_recorded" and not p["active"])
        catalog.directory_changed(conn)
    rt.forget()
    return report


@dataclass
class LoadReport:
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)


def load(rt: Runtime, files: Sequence[Path]) -> LoadReport:
    """Load definition files into a court set up before (a revision drafted apart from the
    library's folder, a proposal of ``sop monev --usulan``): each checked against the
    court's roles and the SOPs stored, then stored as ``init`` stores them (a draft for an
    SOP in force). Nothing is written when one has a problem."""
    loaded: list[tuple[Loaded[SopDocument], Path]] = []
    problems: list[Problem] = []
    for path in files:
        try:
            doc = validate_as(read_yaml_file(path, str(path)), SopDocument)
        except DefinitionError as exc:
            problems += exc.problems
            continue
        loaded.append((doc, path))
    report = LoadReport()
    now = rt.now()
    with begin_write(rt.engine) as conn:
        ensure_ready(rt, conn)
        court_file, _ = catalog.court(rt, conn)
        known = {s.sop_id for s in workflows.list_sops(conn)} | \
            {doc.model.id for doc, _ in loaded}
        items: list[tuple[Workflow, Loaded[SopDocument], Path]] = []
        for doc, path in loaded:
            result = compile_document(
                doc.model, doc.source, known_sops=known,
                court_roles={p.id for p in court_file.peran},
                minutes_per_day=court_file.minutes_per_working_day())
            problems += [p for p in result.problems if p.severity is Severity.ERROR]
            if result.workflow is not None:
                items.append((result.workflow, doc, path))
        if problems:
            raise DefinitionError(problems)
        rules = _store_versions(rt, conn, items, report, now)
        journals.record(conn, "definisi", rules, at=now, actor=None)
    rt.forget()
    return report


class _Tally(Protocol):
    new_versions: list[str]
    unchanged: list[str]
    drafts: list[str]
    superseded: list[str]


def _store_versions(rt: Runtime, conn: Connection,
                    items: Sequence[tuple[Workflow, Loaded[SopDocument], Path]],
                    report: _Tally, now: datetime) -> list[Entry]:
    """Store each compiled version not stored yet: the first of its SOP in force as loaded,
    a later one a draft whose revision fields are checked (DefinitionError, in the caller's
    transaction, when they are wrong). The journal entries to record."""
    rules: list[Entry] = []
    problems: list[Problem] = []
    for wf, doc, path in items:
        sop_id = wf.sop_id
        approved = workflows.current_version(conn, sop_id)
        if approved == wf.version:
            report.unchanged.append(sop_id)
            continue
        source = read_text(path)
        stored = workflows.save_workflow(conn, wf.version, sop_id, wf.nama, source,
                                         path.name, loaded_at=now)
        if stored:
            rules.append(journals.sop_version_stored(wf.version, sop_id, wf.nama,
                                                     path.name, source))
        if approved is None:  # the SOP's first version: in force as loaded
            rules.append(journals.sop_version_current(sop_id, wf.version))
            report.new_versions.append(sop_id)
            continue
        if stored:
            problems += revision_problems(doc, catalog.workflow(rt, conn, approved).document)
            report.new_versions.append(sop_id)
        elif any(a.version == wf.version for a in workflows.approvals(conn, sop_id)):
            # an older version approved before (a folder behind the database): it stays
            # superseded; returning to it is a new revision
            report.superseded.append(sop_id)
            continue
        report.drafts.append(sop_id)
    if problems:  # nothing is written: the caller's transaction is rolled back
        raise DefinitionError(problems)
    return rules
