"""Who may act: roles, users with their roles, and Plh/Plt delegations.

Roles and users come from plain data (the court file, an admin screen) and are upserted;
a delegation is added once and kept (it is history: who could act when). The engine gets
all of it as one :class:`sop_runtime.engine.actors.Directory`, folded from the ``direktori``
journal (:func:`sop_runtime.service.journals.directory_of`); :func:`load_directory` reads
the tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, insert, select, update

from sop_runtime.store.schema import delegations as delegations_table
from sop_runtime.store.schema import roles as roles_table
from sop_runtime.store.schema import user_roles, users

if TYPE_CHECKING:  # the engine package is heavy to import; these are imported when used
    from sop_runtime.engine.actors import Delegation, DelegationKind, Directory


@dataclass(frozen=True, slots=True)
class RoleRow:
    id: str
    nama: str
    publik: bool = False
    sistem: bool = False
    pengawas: bool = False  # a supervisor role


@dataclass(frozen=True, slots=True)
class UserRow:
    username: str
    nama: str
    roles: frozenset[str] = frozenset()
    nip: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class DelegationRow:
    id: int
    delegate: str
    role: str
    kind: DelegationKind
    start: datetime
    end: datetime
    reason: str
    created_by: str
    created_at: datetime
    holder: str | None = None
    reference: str | None = None

    def to_engine(self) -> Delegation:
        from sop_runtime.engine.actors import Delegation

        return Delegation(self.delegate, self.role, self.start, self.end, self.kind,
                          self.holder, self.reference)


def save_roles(conn: Connection, rows: Iterable[RoleRow]) -> None:
    """Insert or update roles (by id)."""
    r = roles_table.c
    for row in rows:
        values = {"nama": row.nama, "publik": row.publik, "sistem": row.sistem,
                  "pengawas": row.pengawas}
        if not conn.execute(update(roles_table).where(r.id == row.id).values(**values)).rowcount:
            conn.execute(insert(roles_table).values(id=row.id, **values))


def save_users(conn: Connection, rows: Iterable[UserRow]) -> None:
    """Insert or update users (by username); each user's roles become exactly ``roles``."""
    u = users.c
    for row in rows:
        values = {"nama": row.nama, "nip": row.nip, "active": row.active}
        if not conn.execute(update(users).where(u.username == row.username)
                            .values(**values)).rowcount:
            conn.execute(insert(users).values(username=row.username, **values))
        conn.execute(delete(user_roles).where(user_roles.c.username == row.username))
        if row.roles:
            conn.execute(insert(user_roles), [{"username": row.username, "role": role}
                                              for role in sorted(row.roles)])


def save_user(conn: Connection, username: str, nama: str, nip: str | None,
              active: bool) -> None:
    """Insert or update one user (their roles are granted and revoked one by one)."""
    u = users.c
    values = {"nama": nama, "nip": nip, "active": active}
    if not conn.execute(update(users).where(u.username == username).values(**values)).rowcount:
        conn.execute(insert(users).values(username=username, **values))


def grant(conn: Connection, username: str, role: str) -> None:
    held = user_roles.c
    if conn.execute(select(held.role).where(held.username == username,
                                            held.role == role)).first() is None:
        conn.execute(insert(user_roles).values(username=username, role=role))


def revoke(conn: Connection, username: str, role: str) -> None:
    held = user_roles.c
    conn.execute(delete(user_roles).where(held.username == username, held.role == role))


def roles(conn: Connection) -> list[RoleRow]:
    r = roles_table.c
    return [RoleRow(*row) for row in conn.execute(
        select(r.id, r.nama, r.publik, r.sistem, r.pengawas).order_by(r.id))]


def list_users(conn: Connection) -> list[UserRow]:
    """Every user with their roles, by username."""
    held: dict[str, set[str]] = {}
    for name, role in conn.execute(select(user_roles.c.username, user_roles.c.role)):
        held.setdefault(name, set()).add(role)
    u = users.c
    return [UserRow(name, nama, frozenset(held.get(name, ())), nip, active)
            for name, nama, nip, active in conn.execute(
                select(u.username, u.nama, u.nip, u.active).order_by(u.username))]


def user(conn: Connection, username: str) -> UserRow | None:
    u = users.c
    row = conn.execute(select(u.username, u.nama, u.nip, u.active)
                       .where(u.username == username)).first()
    if row is None:
        return None
    held = conn.execute(select(user_roles.c.role)
                        .where(user_roles.c.username == username)).scalars()
    return UserRow(row[0], row[1], frozenset(held), row[2], row[3])


def add_delegation(conn: Connection, delegate: str, role: str, start: datetime, end: datetime,
                   *, kind: DelegationKind | str, reason: str, created_by: str,
                   created_at: datetime, holder: str | None = None,
                   reference: str | None = None) -> int:
    """Record that ``delegate`` may act as ``role`` from ``start`` to ``end``; its id."""
    from sop_runtime.engine.actors import DelegationKind

    if not start < end:
        raise ValueError("a delegation must end after it starts")
    return int(conn.execute(insert(delegations_table).values(
        delegate=delegate, role=role, kind=str(DelegationKind(kind)), start=start, end=end,
        reason=reason, created_by=created_by, created_at=created_at, holder=holder,
        reference=reference).returning(delegations_table.c.id)).scalar_one())


def delegations(conn: Connection, at: datetime | None = None) -> list[DelegationRow]:
    """Delegations (those in force at ``at`` if given), oldest first."""
    from sop_runtime.engine.actors import DelegationKind

    d = delegations_table.c
    query = select(d.id, d.delegate, d.role, d.kind, d.start, d.end, d.reason, d.created_by,
                   d.created_at, d.holder, d.reference).order_by(d.start, d.id)
    if at is not None:
        query = query.where(d.start <= at, d.end > at)
    return [DelegationRow(r[0], r[1], r[2], DelegationKind(r[3]), r[4], r[5], r[6], r[7], r[8],
                          r[9], r[10]) for r in conn.execute(query)]


def load_directory(conn: Connection) -> Directory:
    """Everything the engine needs to know about who may act (active users only)."""
    from sop_runtime.engine.actors import Directory

    active = {u.username: u.roles for u in list_users(conn) if u.active}
    return Directory(
        roles=active,
        delegations=tuple(d.to_engine() for d in delegations(conn) if d.delegate in active),
        supervisor_roles=frozenset(r.id for r in roles(conn) if r.pengawas))
