"""Password hashes, API token digests and web session digests (the store never holds a
password, a token or a session cookie). A token or a session of a user switched off
(``users.active`` false) does not let anyone in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from sop_runtime.store.schema import api_tokens, passwords, users, web_sessions

_active = select(users.c.username).where(users.c.active.is_(True))


def set_password_hash(conn: Connection, username: str, hash_: str, at: datetime) -> None:
    conn.execute(delete(passwords).where(passwords.c.username == username))
    conn.execute(insert(passwords).values(username=username, hash=hash_, updated_at=at))


def password_hash(conn: Connection, username: str) -> str | None:
    found = conn.execute(select(passwords.c.hash).where(passwords.c.username == username))
    return found.scalar_one_or_none()


def add_token(conn: Connection, digest: str, username: str, label: str, at: datetime) -> None:
    conn.execute(insert(api_tokens).values(digest=digest, username=username, label=label,
                                           created_at=at))


def token_user(conn: Connection, digest: str) -> str | None:
    """The user of a token not revoked, while that user is active."""
    t = api_tokens.c
    found = conn.execute(select(t.username).where(t.digest == digest, t.revoked_at.is_(None),
                                                  t.username.in_(_active)))
    return found.scalar_one_or_none()


def live_tokens(conn: Connection, username: str, label: str | None = None) -> list[str]:
    """The digests of ``username``'s tokens not revoked (those labelled ``label``)."""
    t = api_tokens.c
    query = select(t.digest).where(t.username == username, t.revoked_at.is_(None))
    if label is not None:
        query = query.where(t.label == label)
    return sorted(conn.execute(query).scalars())


def revoke_digests(conn: Connection, digests: Sequence[str], at: datetime) -> int:
    t = api_tokens.c
    if not digests:
        return 0
    done = conn.execute(update(api_tokens).where(t.digest.in_(list(digests)),
                                                 t.revoked_at.is_(None)).values(revoked_at=at))
    return done.rowcount


def add_session(conn: Connection, digest: str, username: str, csrf: str, at: datetime,
                expires: datetime) -> None:
    conn.execute(insert(web_sessions).values(digest=digest, username=username, csrf=csrf,
                                             created_at=at, expires_at=expires))


def session(conn: Connection, digest: str, at: datetime) -> tuple[str, str] | None:
    """The (username, csrf token) of a live session, or None (unknown, ended, expired, or its
    user switched off)."""
    s = web_sessions.c
    found = conn.execute(select(s.username, s.csrf).where(
        s.digest == digest, s.ended_at.is_(None), s.expires_at > at,
        s.username.in_(_active))).first()
    return None if found is None else (found[0], found[1])


def end_session(conn: Connection, digest: str, at: datetime) -> None:
    s = web_sessions.c
    conn.execute(update(web_sessions).where(s.digest == digest, s.ended_at.is_(None))
                 .values(ended_at=at))


def end_sessions(conn: Connection, username: str, at: datetime) -> int:
    """End every live session of ``username``; how many."""
    s = web_sessions.c
    done = conn.execute(update(web_sessions).where(
        s.username == username, s.ended_at.is_(None), s.expires_at > at).values(ended_at=at))
    return done.rowcount
