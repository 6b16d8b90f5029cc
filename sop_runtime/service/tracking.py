"""Tracking a request from outside the court (``/lacak``): its number and its tracking code
open it, with no sign-in.

The code is given when the request starts (:func:`sop_runtime.service.cases.start_case`) and
again when a clerk reissues it (:func:`reissue`); the store keeps only its digest
(:mod:`sop_runtime.service.tracking_code`), so a receipt printed again needs a new code.

Where the digests live, and why there: ``tracking_codes`` is a credential table like the
web sessions, not a projection. The log records that a code was reissued (who, when), never a
code or a digest of one: the log is exported and printed, and a digest of 80 bits is a
secret's stand-in. So ``sop rebuild``, which writes the projections again from the log,
leaves the table alone, and ``sop verify`` has nothing in the log to check it against; a row
is written in the same transaction as the start or the reissue it belongs to, so a case's
row and its log never disagree about whether it was started.

:func:`open_request` answers every wrong pair the same way (:class:`TrackingRefused`, one
message), whatever is wrong: an unknown number, a wrong code, a code that cannot be one. It
does the same work either way (one lookup by number, one digest, one
:func:`hmac.compare_digest`; an unknown number is compared with a stand-in digest). Wrong
tries are counted per client address with the sign-in limiter's counters and policy
(:mod:`sop_runtime.service.signin`): past :data:`ADDRESS` free failures in a window, a try
waits (:class:`~sop_runtime.service.signin.TooManyTries`) and is not checked. Only the address
is counted: a count per number would let anyone lock an applicant out of their own request,
and 80 random bits cannot be guessed from any number of addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime
from typing import ClassVar

from sop_runtime.engine.commands import ReissueTrackingCode
from sop_runtime.errors import Kind, SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service import tracking_code
from sop_runtime.service.cases import Outcome, _execute
from sop_runtime.service.confidential import Reader, confidential_sops, record
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.signin import Limit, TooManyTries, counted, wait
from sop_runtime.service.standing import Standing, standing_in
from sop_runtime.store import signin_limits, tracking
from sop_runtime.store.db import begin_write

__all__ = ["ADDRESS", "PUBLIC", "TrackingRefused", "look_up", "open_request", "reissue"]

ADDRESS = Limit("lacak:address", 20)
"""Wrong number/code pairs one address may send in a window before each try must wait
(a court's public wifi puts many applicants behind one address)."""

_STAND_IN = hashlib.sha256(b"kode-lacak: no such request").hexdigest()

PUBLIC = "publik"
"""Who reads a request through its tracking code, in the ``akses`` journal: the holder of
the code, whoever they are (no account)."""


class TrackingRefused(SopRuntimeError):
    """A request number and tracking code that do not open a request (whatever is wrong)."""

    kind: ClassVar[Kind] = "not_found"

    def __init__(self) -> None:
        super().__init__(tr(
            "Nomor permohonan dan kode lacak tidak cocok. Periksa keduanya seperti tertulis "
            "pada tanda terima.",
            "The request number and tracking code do not match. Check both as printed on "
            "the receipt."))


class CodeNotCurrent(SopRuntimeError):
    """A clerk asked for a receipt with a code that is not the request's current one."""

    kind: ClassVar[Kind] = "conflict"

    def __init__(self, case_id: str) -> None:
        super().__init__(tr(
            "Kode lacak ini bukan lagi kode permohonan {c} yang berlaku; cetak tanda terima "
            "dengan kode baru.",
            "This tracking code is no longer the current code of request {c}; print the "
            "receipt with a new code.", c=case_id))


def is_current(rt: Runtime, case_id: str, code: str) -> bool:
    """Whether ``code`` is ``case_id``'s current tracking code (for the court's staff, who
    print the receipt of a code the start just gave: no limit on tries)."""
    given = tracking_code.normalise(code)
    with rt.engine.connect() as conn:
        stored = tracking.digest_of(conn, case_id)
    if given is None or stored is None:
        return False
    return hmac.compare_digest(tracking_code.digest(case_id, given), stored)


def address_key(address: str) -> str:
    """The limiter's key for ``address`` (a SHA-256: no address is stored)."""
    return hashlib.sha256(f"{ADDRESS.what}\x00{address}".encode()).hexdigest()


def open_request(rt: Runtime, number: str, code: str, *, address: str,
                 at: datetime | None = None) -> str:
    """The case id of the request ``number`` when ``code`` is its current tracking code
    (both as typed); raises :class:`TrackingRefused` (counted against ``address``) when the
    pair does not open it, and :class:`TooManyTries` without checking when ``address`` must
    wait."""
    moment = at or rt.now()
    case_id = tracking_code.normal_number(number)
    given = tracking_code.normalise(code)
    key = address_key(address)
    with begin_write(rt.engine) as conn:
        ensure_ready(rt, conn)
        count = signin_limits.lock(conn, [key], moment)[key]
        waiting = wait(count, ADDRESS, moment)
        if waiting is not None:
            raise TooManyTries(max(1, math.ceil(waiting.total_seconds())))
        stored = tracking.digest_of(conn, case_id)
        typed = tracking_code.digest(case_id, given or "")
        right = hmac.compare_digest(typed, stored or _STAND_IN)
        opened = right and stored is not None and given is not None
        if not opened:
            signin_limits.save(conn, counted(count, ADDRESS, moment))
            signin_limits.forget_expired(conn, moment, keep=[key])
        elif count.failures == 0 or count.expires_at <= moment:
            signin_limits.clear(conn, [key])  # nothing counted: no row left behind
        # a right pair never takes failures back: tracking one's own request does not
        # reset the count of the guesses made from the same address
    if not opened:
        raise TrackingRefused()
    return case_id


def reissue(rt: Runtime, case_id: str, actor: str, code: str | None = None) -> Outcome:
    """A new tracking code for the request (in the outcome, in clear, once): ``code`` (one
    :func:`~sop_runtime.service.tracking_code.new_code` made, e.g. for a receipt printed
    before it is given) or a fresh one; the old one stops working. Recorded on the case's log
    (who, when); only the court's staff of the request's SOP or a supervisor may (anyone
    else's try is refused and recorded)."""
    code = code or tracking_code.new_code()
    out = _execute(rt, case_id, ReissueTrackingCode(actor=actor),
                   also=tracking_code.keeper(code))
    return Outcome(out.case_id, out.state, out.events, out.workflow, tracking_code=code)


def look_up(rt: Runtime, number: str, code: str, *, address: str,
            at: datetime | None = None) -> Standing:
    """Where the request stands, for whoever holds its number and code (as
    :func:`open_request` checks them). A confidential request's read is journaled (``akses``,
    by :data:`PUBLIC`, through ``lacak``) as every read of one is."""
    case_id = open_request(rt, number, code, address=address, at=at)
    with rt.engine.connect() as conn:
        seen = standing_in(rt, conn, case_id, at or rt.now())
        secret = seen.sop_id in confidential_sops(rt, conn)
    if secret:
        record(rt, [case_id], Reader(PUBLIC, "lacak"))
    return seen
