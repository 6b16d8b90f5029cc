"""Use cases on people: Plh/Plt delegations named by a supervisor for a period."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from sop_runtime.engine import DelegationKind
from sop_runtime.engine.actors import Directory
from sop_runtime.errors import Kind, NotFoundError, SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog, journals
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import directory
from sop_runtime.store.db import begin_write
from sop_runtime.wording import moment_text


class NotAllowed(SopRuntimeError):
    """The user may not do this (it is not a step of a case, so nothing is recorded)."""

    kind: ClassVar[Kind] = "not_allowed"


def require_supervisor(people: Directory, actor: str, at: datetime, act_id: str,
                       act_en: str) -> None:
    """Raise unless ``actor`` is a known user holding a supervisor's role at ``at``."""
    if not people.knows(actor):
        raise NotFoundError(tr("Pengguna '{user}' tidak dikenal", "Unknown user '{user}'",
                               user=actor))
    if not people.is_supervisor(actor, at):
        raise NotAllowed(tr("Hanya pengawas yang dapat {act}; {user} bukan pengawas",
                            "Only a supervisor may {act}; {user} is not one",
                            act=tr(act_id, act_en), user=actor))


def delegate(rt: Runtime, actor: str, delegate_to: str, role: str, *, start: datetime,
             end: datetime, kind: str = "plh", holder: str | None = None,
             reference: str | None = None, reason: str | None = None) -> int:
    """Name ``delegate_to`` Plh/Plt for ``role`` from ``start`` to ``end``; returns its id."""
    now = rt.now()
    if end <= start:
        raise NotAllowed(tr("Akhir penugasan ({end}) harus setelah awalnya ({start})",
                            "The delegation's end ({end}) must be after its start ({start})",
                            end=moment_text(end, start.tzinfo or UTC),
                            start=moment_text(start, start.tzinfo or UTC)))
    try:
        kind_ = DelegationKind(kind.lower())
    except ValueError:
        raise NotAllowed(tr("Jenis penugasan harus plh atau plt, bukan '{k}'",
                            "The delegation kind must be plh or plt, not '{k}'", k=kind)) from None
    with begin_write(rt.engine) as conn:
        court_file, _ = catalog.court(rt, conn)
        people = catalog.directory(rt, conn)
        for user in (delegate_to, *((holder,) if holder else ())):
            if not people.knows(user):
                raise NotFoundError(tr("Pengguna '{user}' tidak dikenal", "Unknown user '{user}'",
                                    user=user))
        if role not in {r.id for r in court_file.peran}:
            raise NotFoundError(tr("Peran '{role}' tidak dikenal", "Unknown role '{role}'",
                                role=role))
        require_supervisor(people, actor, now, "menunjuk Plh/Plt", "name a Plh/Plt")
        if not (reference or reason):
            raise NotAllowed(tr("Sebutkan surat perintah (--reference) atau alasan (--reason)",
                                "Give the warrant (--reference) or a reason (--reason)"))
        catalog.directory_changed(conn)
        named = directory.DelegationRow(
            0, delegate_to, role, kind_, start, end, reason or reference or "", actor, now,
            holder, reference)
        made: int = journals.record(conn, "direktori", [journals.delegation_named(named)],
                                    at=now, actor=actor)[0]
        return made
