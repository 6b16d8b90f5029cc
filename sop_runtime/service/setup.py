"""Setting up a court's database: migrate the schema, load the court file (roles, staff)
and every definition; a revised SOP gets a new version, running cases keep theirs. A user
no longer in the court file is switched off (kept as history), their sessions ended and
their API tokens revoked."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sop_runtime.compiler.library import expand, load_library
from sop_runtime.errors import DefinitionError, NotFoundError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog, ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import credentials, directory, settings, workflows
from sop_runtime.store.db import begin_write
from sop_runtime.store.migrate import migrate


@dataclass
class InitReport:
    court: str
    roles: int
    users: int
    new_versions: list[str] = field(default_factory=list)    # sop ids with a new version
    unchanged: list[str] = field(default_factory=list)
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
    court_file = next(p for p in expand([definitions_dir])
                      if str(p) == library.court.source.file or p.name == "court.yaml")
    report = InitReport(court=court.pengadilan.nama, roles=len(court.peran),
                        users=len(court.pengguna))
    with begin_write(rt.engine) as conn:
        settings.put(conn, ready.COURT_KEY, court_file.read_text(encoding="utf-8"))
        settings.put(conn, ready.ZONE_KEY, court.pengadilan.zona_waktu)
        directory.save_roles(conn, [
            directory.RoleRow(id=r.id, nama=r.nama, publik=r.publik, sistem=r.sistem,
                              pengawas=r.pengawas) for r in court.peran])
        directory.save_users(conn, [
            directory.UserRow(username=u.username, nama=u.nama, nip=u.nip, active=True,
                              roles=frozenset(u.peran)) for u in court.pengguna])
        # staff no longer in the court file are switched off: no session, no token
        now = rt.now()
        report.switched_off = directory.switch_off_others(
            conn, [u.username for u in court.pengguna])
        for username in report.switched_off:
            credentials.end_sessions(conn, username, now)
            credentials.revoke_all_tokens(conn, username, now)
        catalog.directory_changed(conn)
        for sop_id, wf in sorted(library.workflows.items()):
            path = Path(library.files[sop_id])
            if workflows.current_version(conn, sop_id) == wf.version:
                report.unchanged.append(sop_id)
                continue
            workflows.save_workflow(conn, wf.version, sop_id, wf.nama,
                                    path.read_text(encoding="utf-8"), path.name)
            workflows.set_current(conn, sop_id, wf.version)
            report.new_versions.append(sop_id)
    rt.forget()
    return report
