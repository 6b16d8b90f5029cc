"""Confidential cases: an SOP may declare its cases confidential (``kerahasiaan``: a complaint
names the staff it is about, Perma 9/2016 protects the complainant's identity).

Who may read such a case: a holder (own, or as Plh/Plt now) of one of the SOP's reading
roles (the roles that act in it and its ``pembaca``), or someone who has handled the case
(started it, holds, was assigned or did one of its steps); and the operator at the database
itself (the command line, which holds the database anyway). Everyone else is answered as if
the case did not exist, and sees the SOP's cases in counts only (no case id, step or holder
in any list, export or page). Every read of a confidential case, and every refused one, is
an entry of the ``akses`` journal: who, when, through what.

Which SOPs are confidential is what the version in force of each SOP says (a declaration
covers the SOP's older cases too).
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, select

from sop_runtime.definition.court import SYSTEM_ACCOUNT
from sop_runtime.engine.actors import Directory
from sop_runtime.engine.state import CaseState
from sop_runtime.errors import NotFoundError, SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import journal
from sop_runtime.store.db import begin_write
from sop_runtime.store.schema import cases
from sop_runtime.store.workflows import list_sops

T = TypeVar("T")

SYSTEM = SYSTEM_ACCOUNT  # the system account (automated steps, the sweep) reads every case


@dataclass(frozen=True)
class Reader:
    """Who reads, and through what (recorded with each read of a confidential case)."""

    username: str | None  # None: the operator at the database (the command line)
    via: str              # "halaman", "api", "baris_perintah", "ekspor", "laporan", ...


def operator(via: str = "baris_perintah") -> Reader:
    return Reader(None, via)


class Withheld(NotFoundError):
    """A confidential case asked for by someone who may not read it: answered exactly as a
    case that does not exist."""

    def __init__(self, case_id: str) -> None:
        # not ``case_id``: the pages link a refusal's case, and a missing case has no link
        self.withheld = case_id
        super().__init__(tr("Perkara '{case}' tidak ada", "No case '{case}'", case=case_id))


def confidential_sops(rt: Runtime, conn: Connection) -> dict[str, frozenset[str]]:
    """Each confidential SOP (by its version in force) and the roles that may read its
    cases; kept until ``sop init`` loads definitions again (it marks a new directory
    version)."""
    mark = catalog.directory_version(rt, conn)
    kept = rt._figures.get("confidential")
    if kept is not None and kept[0] == mark:
        return kept[1]  # type: ignore[return-value]
    found = _confidential_sops(rt, conn)
    rt._figures["confidential"] = (mark, found)
    return found


def _confidential_sops(rt: Runtime, conn: Connection) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for entry in list_sops(conn):
        try:
            readers = catalog.workflow(rt, conn, entry.current_version).readers
        except SopRuntimeError:
            continue  # a damaged version: sop verify names it
        if readers is not None:
            out[entry.sop_id] = readers
    return out


def _holds(people: Directory, username: str, roles: frozenset[str], at: datetime) -> bool:
    return any(people.grant(username, role, at) is not None for role in roles)


def hidden_sops(rt: Runtime, reader: Reader, at: datetime | None = None) -> frozenset[str]:
    """The confidential SOPs whose cases ``reader`` may not see in lists (none for the
    operator)."""
    if reader.username is None or reader.username == SYSTEM:
        return frozenset()
    moment = at or rt.now()
    with rt.engine.connect() as conn:
        found = confidential_sops(rt, conn)
        if not found:
            return frozenset()
        people = catalog.directory(rt, conn)
    return frozenset(sop for sop, roles in found.items()
                     if not _holds(people, reader.username, roles, moment))


def _handled(state: CaseState, username: str) -> bool:
    if state.started_by == username:
        return True
    return any(username in (s.assignee, s.claimed_by, s.completed_by) for s in state.steps)


def may_read(rt: Runtime, conn: Connection, state: CaseState, username: str | None,
             at: datetime) -> bool | None:
    """Whether ``username`` may read the case (None: it is not confidential)."""
    readers = confidential_sops(rt, conn).get(state.sop_id)
    if readers is None:
        return None
    if username is None or username == SYSTEM:
        return True
    return _holds(catalog.directory(rt, conn), username, readers, at) or \
        _handled(state, username)


def record(rt: Runtime, case_ids: list[str], reader: Reader, *, refused: bool = False,
           detail: dict[str, Any] | None = None) -> None:
    """Journal the reads of confidential cases (or a refused one) in a transaction of its
    own (a refusal is kept although the request fails)."""
    if not case_ids:
        return
    payload: dict[str, Any] = {"via": reader.via, **(detail or {})}
    if len(case_ids) == 1:
        payload["case_id"] = case_ids[0]
    else:
        payload["case_ids"] = sorted(case_ids)
    if reader.username is None:
        payload["os_user"] = _os_user()
    now = rt.now()
    with begin_write(rt.engine) as conn:
        journal.append(conn, "akses", [("case_read_refused" if refused else "case_read",
                                        payload)], at=now, actor=reader.username)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this process's user
        return "?"


def check(rt: Runtime, conn: Connection, state: CaseState, reader: Reader) -> bool:
    """Raise :class:`Withheld` unless ``reader`` may read the case (the caller journals the
    refusal once its transaction is over: :func:`record`); True when the case is
    confidential (the read is journaled once answered)."""
    allowed = may_read(rt, conn, state, reader.username, rt.now())
    if allowed is None:
        return False
    if not allowed:
        raise Withheld(state.case_id)
    return True


def open_case(rt: Runtime, reader: Reader,
              read: Callable[[Connection], tuple[CaseState, T]]) -> T:
    """``read`` a case (it gives the case's state and what the caller wants of it) on behalf
    of ``reader``: a confidential case is refused unless they may read it, and the read or
    the refusal journaled."""
    try:
        with rt.engine.connect() as conn:
            state, value = read(conn)
            secret = check(rt, conn, state, reader)
    except Withheld as refused:
        record(rt, [refused.withheld], reader, refused=True)
        raise
    if secret:
        record(rt, [state.case_id], reader)
    return value


def require_visible(rt: Runtime, case_id: str, reader: Reader) -> bool:
    """Raise :class:`Withheld` (the refusal journaled) when ``case_id`` belongs to a
    confidential SOP ``reader`` may not see: for what names a case without reading all of
    it (a seal's proof, one case's export). True when the case is confidential (and
    visible): the caller journals what it hands over."""
    hide = hidden_sops(rt, reader)
    with rt.engine.connect() as conn:
        sop = conn.execute(select(cases.c.sop_id).where(cases.c.case_id == case_id)).scalar()
        secret = sop is not None and sop in confidential_sops(rt, conn)
    if sop in hide:
        record(rt, [case_id], reader, refused=True)
        raise Withheld(case_id)
    return secret


def record_listed(rt: Runtime, reader: Reader, shown: set[tuple[str, str | None]],
                  what: str) -> None:
    """Journal the confidential cases among ``shown`` (case id, SOP) as read through a list
    (``what``): a list of deviations or overdue steps tells of the case."""
    if not shown:
        return
    with rt.engine.connect() as conn:
        secret = confidential_sops(rt, conn)
    read = sorted({case for case, sop in shown if sop is not None and sop in secret})
    record(rt, read, reader, detail={"what": what})
