"""Who may see or do what in the web app and the API: the court's roles mapped to
permissions.

Three groups come from the court file: staff (anyone holding a court role that is neither
the public's nor a system's), supervisors (a role marked ``pengawas``: Panitera, Ketua,
Wakil Ketua) and examiners (a role marked ``pemeriksa``: the Hakim Pengawas Bidang).
Roles lent by a Plh/Plt delegation count while the delegation is in force.

The permissions gate what an interface shows and lets through; whether an action on a case
is allowed is still the SOP's rule, decided by the engine (a refusal is recorded).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime

__all__ = ["GRANTS", "Group", "Permission", "describe", "groups", "permissions"]


class Permission(StrEnum):
    WORK = "kerja"              # worklist, step forms, claim / complete, start a case
    VIEW_CASE = "lihat_perkara"  # a case's timeline, outputs, deviations, flowchart
    LIBRARY = "pustaka_sop"     # the official sheets and flowcharts
    SUPERVISE = "awasi"         # overdue and load, reassign / skip / reopen / cancel
    AUDIT = "periksa"           # deviations, verification, seals, exports, reports


class Group(StrEnum):
    STAFF = "staf"
    SUPERVISOR = "pengawas"
    EXAMINER = "pemeriksa"


P = Permission
GRANTS: dict[Group, frozenset[Permission]] = {
    Group.STAFF: frozenset({P.WORK, P.VIEW_CASE, P.LIBRARY}),
    Group.SUPERVISOR: frozenset({P.WORK, P.VIEW_CASE, P.LIBRARY, P.SUPERVISE, P.AUDIT}),
    Group.EXAMINER: frozenset({P.VIEW_CASE, P.LIBRARY, P.AUDIT}),
}


_WORDS = {
    Permission.WORK: ("mengerjakan tugas", "do tasks"),
    Permission.VIEW_CASE: ("melihat perkara", "see cases"),
    Permission.LIBRARY: ("pustaka SOP", "SOP library"),
    Permission.SUPERVISE: ("pengawasan", "supervision"),
    Permission.AUDIT: ("audit", "audit"),
}


def describe(granted: frozenset[Permission]) -> str:
    """The permissions in words, in a fixed order."""
    return ", ".join(tr(*_WORDS[p]) for p in Permission if p in granted)


# what a permission lets one do, for the sentence that refuses it
_ACTS = {
    Permission.WORK: ("mengerjakan tugas dan memulai layanan", "do tasks and start services"),
    Permission.VIEW_CASE: ("melihat perkara", "see cases"),
    Permission.LIBRARY: ("membuka pustaka SOP", "open the SOP library"),
    Permission.SUPERVISE: ("membuka halaman pengawasan dan bertindak sebagai pengawas",
                           "open the supervision pages and act as a supervisor"),
    Permission.AUDIT: ("membuka audit (log, verifikasi, segel, ekspor dan laporan)",
                       "open the audit (log, verification, seals, exports and reports)"),
}


def act_text(permission: Permission) -> str:
    """What ``permission`` lets one do, in words (``membuka audit (...)``)."""
    return tr(*_ACTS[permission])


def refusal(rt: Runtime, username: str, permission: Permission) -> str:
    """Why ``username`` may not do what ``permission`` allows, in a sentence: who may (the
    court file's jabatan that hold it) and who they are signed in as."""
    from sop_runtime.service.letterhead import names

    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        court, _ = catalog.court(rt, conn)
        who = names(conn)
    granting = {g for g, granted in GRANTS.items() if permission in granted}
    if Group.STAFF in granting:
        holders = tr("staf pengadilan", "the court's staff")
    else:
        holders = ", ".join(r.nama for r in court.peran
                            if (Group.SUPERVISOR in granting and r.pengawas)
                            or (Group.EXAMINER in granting and r.pemeriksa)) or "-"
    jabatan = who.jabatan(username)
    me = f"{who.user(username)} ({jabatan})" if jabatan else who.user(username)
    return tr("Hanya {h} yang dapat {a}; Anda masuk sebagai {me}.",
              "Only {h} may {a}; you are signed in as {me}.",
              h=holders, a=act_text(permission), me=me)


def groups(rt: Runtime, username: str, at: datetime | None = None) -> frozenset[Group]:
    moment = at or rt.now()
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        people = catalog.directory(rt, conn)
        court, _ = catalog.court(rt, conn)
    held = [r for r in court.peran if people.grant(username, r.id, moment) is not None]
    found = set()
    if any(not (r.publik or r.sistem) for r in held):
        found.add(Group.STAFF)
    if any(r.pengawas for r in held):
        found.add(Group.SUPERVISOR)
    if any(r.pemeriksa for r in held):
        found.add(Group.EXAMINER)
    return frozenset(found)


def permissions(rt: Runtime, username: str, at: datetime | None = None) -> frozenset[Permission]:
    out: set[Permission] = set()
    for group in groups(rt, username, at):
        out |= GRANTS[group]
    return frozenset(out)
