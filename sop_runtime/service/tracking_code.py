"""The tracking code (kode lacak) an applicant gets with the receipt: 80 random bits from
:mod:`secrets`, written as 16 characters of Crockford's base32 in four groups
(``7KQ2-M9XD-4TZC-R0HB``), easy to read aloud and to type on a phone.

Typing is forgiving: case does not matter, spaces, dashes and dots are ignored, and the
letters Crockford folds are read as the digits they look like (``O`` as ``0``, ``I`` and
``L`` as ``1``). ``U`` is never written and reads as nothing valid.

The store keeps only a digest (:func:`digest`): SHA-256 over the case's number and the code.
80 random bits need no slow hash (as the API tokens' 256 bits do not: nobody can try 2**80
codes), and the number in the digest ties a code to its own request.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection

from sop_runtime.store import tracking

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U
BITS = 80
LENGTH = BITS // 5  # 16 characters
GROUP = 4
_FOLDED = str.maketrans({"O": "0", "I": "1", "L": "1"})
_IGNORED = str.maketrans("", "", " -.\t\u00a0")


def new_code() -> str:
    """A fresh code, in its normal form (16 characters, no separators)."""
    value = secrets.randbits(BITS)
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(LENGTH)))


def normalise(typed: str) -> str | None:
    """The code as typed, in its normal form; None when it cannot be a code."""
    text = typed.translate(_IGNORED).upper().translate(_FOLDED)
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return text


def shown(code: str) -> str:
    """The code as printed: ``7KQ2-M9XD-4TZC-R0HB``."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def normal_number(typed: str) -> str:
    """A request number as typed (``snn-2026-00001 ``), in the form cases are stored."""
    return "".join(typed.split()).upper()


def digest(case_id: str, code: str) -> str:
    """What the store keeps of ``code`` (normal form) for ``case_id``: a SHA-256, hex."""
    return hashlib.sha256(f"kode-lacak\x00{case_id}\x00{code}".encode()).hexdigest()


def keeper(code: str) -> Callable[[Connection, str, datetime], None]:
    """What keeps ``code`` as its case's current one, in the transaction that recorded the
    start or the reissue (the earlier code stops working)."""

    def keep(conn: Connection, case_id: str, at: datetime) -> None:
        tracking.set_digest(conn, case_id, digest(case_id, code), at)

    return keep
