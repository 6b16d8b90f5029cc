"""Who is asking: passwords (argon2id, by argon2-cffi) for people signing in to the web app,
and API tokens for integrations (e-Court, SIPP exports). A token is shown once when issued;
the store keeps its SHA-256 only (a token is 32 random bytes, so a fast hash is enough),
and a password only as its argon2 hash. A web session is a random cookie kept the same way,
with its own CSRF token for the forms."""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection

from sop_runtime.errors import NotFoundError, SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service import journals
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import credentials
from sop_runtime.store.db import begin_write
from sop_runtime.store.directory import user

MIN_PASSWORD = 10
# argon2id with RFC 9106's second recommended profile (argon2-cffi's default: t=3, 64 MiB,
# ~0.17 s a hash here). A test suite may ask for the cheapest profile instead (it hashes
# hundreds of passwords); a stored hash carries its own parameters, so either verifies both.
CHEAP_FOR_TESTS = "SOP_TEST_CHEAP_PASSWORD_HASHES"


@functools.cache
def _hasher() -> PasswordHasher:
    if os.environ.get(CHEAP_FOR_TESTS) == "1":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


class WeakPassword(SopRuntimeError):
    pass


def _known(rt: Runtime, username: str) -> None:
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        found = user(conn, username)
    if found is None or not found.active:
        raise NotFoundError(tr("Pengguna '{u}' tidak dikenal", "Unknown user '{u}'", u=username))


def set_password(rt: Runtime, username: str, password: str) -> None:
    _known(rt, username)
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(tr("Kata sandi minimal {n} karakter", "A password needs at least "
                              "{n} characters", n=MIN_PASSWORD))
    hashed = _hasher().hash(password)
    with begin_write(rt.engine) as conn:  # a new password ends every session of the old one
        now = rt.now()
        credentials.set_password_hash(conn, username, hashed, now)
        journals.record(conn, "direktori", [journals.password_set(username, hashed)], at=now,
                        actor=None)
        credentials.end_sessions(conn, username, now)


def check_password(rt: Runtime, username: str, password: str) -> bool:
    """Whether ``password`` is ``username``'s (False for an unknown user, in about the same
    time as for a wrong password)."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        stored = credentials.password_hash(conn, username)
    try:
        return _hasher().verify(stored or _dummy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy() -> str:
    """A hash to check an unknown user's password against (about the same time)."""
    return _hasher().hash("tidak-ada-pengguna-ini")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(rt: Runtime, username: str, label: str) -> str:
    """A new API token for ``username`` (shown once; only its digest is stored)."""
    _known(rt, username)
    token = "sop_" + secrets.token_urlsafe(32)
    with begin_write(rt.engine) as conn:
        journals.record(conn, "direktori", [journals.token_issued(
            username, label.strip() or "-", digest(token))], at=rt.now(), actor=None)
    return token


def token_user(rt: Runtime, token: str) -> str | None:
    with rt.engine.connect() as conn:
        return credentials.token_user(conn, digest(token))


def revoke(rt: Runtime, username: str, label: str) -> int:
    with begin_write(rt.engine) as conn:
        live = credentials.live_tokens(conn, username, label)
        if live:
            journals.record(conn, "direktori", [journals.token_revoked(username, label, live)],
                            at=rt.now(), actor=None)
        return len(live)


SESSION_HOURS = 10  # a working day with its overtime; then sign in again


@dataclass(frozen=True)
class Session:
    username: str
    csrf: str  # the token every form of this session carries


def start_session(conn: Connection, username: str, at: datetime) -> tuple[str, Session]:
    """A new session for ``username`` (its cookie value, shown once, and its details), in the
    caller's transaction; signing in (:func:`sop_runtime.service.signin.sign_in`) checks the
    password first."""
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    credentials.add_session(conn, digest(cookie), username, csrf, at,
                            at + timedelta(hours=SESSION_HOURS))
    return cookie, Session(username, csrf)


def session(rt: Runtime, cookie: str) -> Session | None:
    with rt.engine.connect() as conn:
        found = credentials.session(conn, digest(cookie), rt.now())
    return None if found is None else Session(*found)


def sign_out(rt: Runtime, cookie: str) -> None:
    with begin_write(rt.engine) as conn:
        credentials.end_session(conn, digest(cookie), rt.now())
