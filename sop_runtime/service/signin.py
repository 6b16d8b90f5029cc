"""Signing in to the web app, with a limit on failed tries that holds across every web
process over one database.

Each try is counted *before* its password is checked, in one write transaction that locks
the counters it reads (:func:`sop_runtime.store.signin_limits.lock`), and the decision is
taken from the counted value: tries sent all at once are counted one after another, so no
more of them are checked than the limit allows. A right password then gives its try back
(the pair's and the username's counts are cleared, the address's loses one).

Three counts, each with its free tries (:data:`LIMITS`):

- an address and a username together: a person mistyping their own password;
- a username from any address: guessing spread over many addresses, without letting one
  address lock a user out (one address alone never reaches this count in a window);
- an address for any username: one address trying many names (password spraying), set high
  enough that a court office of thirty clerks behind one NAT address is not locked out.

A count's first failure opens a window of :data:`WINDOW`; its free tries used within the
window, every further try must wait: :data:`FIRST_DELAY` after the last free one, then twice
as long after each, up to :data:`MAX_DELAY`. A count that has made someone wait is forgotten
:data:`WINDOW` after its wait ended with no try; one that has not, when its window closes.
A try refused for waiting is not counted and not checked. Nothing tells whether a username
exists: an unknown or switched-off user's tries are counted and answered like a wrong
password's. Counters are keyed by a SHA-256 (a password typed into the username field is
never stored); expired ones are removed as tries come.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sop_runtime.errors import SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service import auth
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import signin_limits
from sop_runtime.store.db import begin_write
from sop_runtime.store.directory import user
from sop_runtime.store.signin_limits import Count

WINDOW = timedelta(minutes=15)
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)


@dataclass(frozen=True)
class Limit:
    what: str   # what is counted
    free: int   # failures within WINDOW before each try must wait


PAIR = Limit("address+username", 5)
USER = Limit("username", 20)
ADDRESS = Limit("address", 100)
LIMITS = (PAIR, USER, ADDRESS)


class TooManyTries(SopRuntimeError):
    """The try may not be checked yet: ``retry_after`` seconds to wait."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(retry_after)

    def __str__(self) -> str:
        return tr("Terlalu banyak percobaan gagal; coba lagi dalam {s} detik",
                  "Too many failed tries; try again in {s} seconds", s=self.retry_after)


def delay(failures: int, free: int) -> timedelta:
    """The wait after a count's ``failures``-th failure (none while under ``free``)."""
    if failures < free:
        return timedelta(0)
    doublings: int = min(failures - free, 16)  # the cap is reached long before
    return min(FIRST_DELAY * (1 << doublings), MAX_DELAY)


def wait(count: Count, limit: Limit, at: datetime) -> timedelta | None:
    """How long a try at ``at`` must wait under ``count`` (None: it may be checked)."""
    if count.expires_at <= at or count.failures < limit.free or count.retry_at <= at:
        return None
    return count.retry_at - at


def counted(count: Count, limit: Limit, at: datetime) -> Count:
    """``count`` with one more try at ``at``."""
    fresh = count.expires_at <= at
    failures = 1 if fresh else count.failures + 1
    if failures >= limit.free:
        retry_at = at + delay(failures, limit.free)
        return Count(count.key, failures, retry_at, retry_at + WINDOW)
    return Count(count.key, failures, at, at + WINDOW if fresh else count.expires_at)


def _key(limit: Limit, *parts: str) -> str:
    return hashlib.sha256("\x00".join((limit.what, *parts)).encode("utf-8")).hexdigest()


def keys(address: str, username: str) -> dict[Limit, str]:
    return {PAIR: _key(PAIR, address, username), USER: _key(USER, username),
            ADDRESS: _key(ADDRESS, address)}


def sign_in(rt: Runtime, address: str, username: str,
            password: str) -> tuple[str, auth.Session] | None:
    """A new session (its cookie value, shown once, and its details) when ``password`` is
    ``username``'s and the user is active; None otherwise. Raises :class:`TooManyTries`,
    without checking the password, when a count says the try must wait."""
    counters = keys(address, username)
    _count_try(rt, counters, rt.now())
    if not auth.check_password(rt, username, password):
        return None
    with begin_write(rt.engine) as conn:
        found = user(conn, username)
        if found is None or not found.active:  # switched off: keeps its hash, not its access
            return None
        signin_limits.lock(conn, counters.values(), rt.now())
        signin_limits.clear(conn, [counters[PAIR], counters[USER]])
        signin_limits.give_back(conn, counters[ADDRESS])
        return auth.start_session(conn, username, rt.now())


def _count_try(rt: Runtime, counters: dict[Limit, str], at: datetime) -> None:
    with begin_write(rt.engine) as conn:
        ensure_ready(rt, conn)
        counts = signin_limits.lock(conn, counters.values(), at)
        waits = [w for limit, key in counters.items()
                 if (w := wait(counts[key], limit, at)) is not None]
        if waits:
            raise TooManyTries(max(1, math.ceil(max(waits).total_seconds())))
        for limit, key in counters.items():
            signin_limits.save(conn, counted(counts[key], limit, at))
        signin_limits.forget_expired(conn, at, keep=counters.values())
