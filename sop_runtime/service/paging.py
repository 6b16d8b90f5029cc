"""The code that continues a list after its page's last row (``--lanjut``, ``cursor=``, the
``Link: rel="next"`` header): the row's place in the list's order, so the next page is a seek
on the list's index, never an OFFSET. Deviations use their own short code
(:func:`sop_runtime.service.views.deviation_cursor`); the lists keyed by a step (overdue,
the worklist) use this one: the place as a small JSON array in URL-safe base64, read back
strictly (a code of another list, or edited, is refused in a sentence)."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from sop_runtime.i18n import tr

__all__ = ["read_step_cursor", "step_cursor"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_CODE = 400  # characters: a step's place is far shorter


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value - _EPOCH) // timedelta(microseconds=1)
    return value


def step_cursor(kind: str, *place: Any) -> str:
    """The code continuing a list of ``kind`` (``o``: overdue, ``t``: the worklist) after a
    row at ``place`` (instants, text, whole numbers, or None)."""
    raw = orjson.dumps([kind, *map(_plain, place)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_step_cursor(text: str, kind: str, shape: tuple[type, ...], *,
                     nullable: int | None = None) -> tuple[Any, ...]:
    """The place a code of a ``kind`` list continues after, each part of the type in
    ``shape`` (the part at ``nullable`` may be None); BadSearch when it is not such a
    code."""
    from sop_runtime.service.search import BadSearch

    code = text.strip()
    try:
        if len(code) > MAX_CODE:
            raise ValueError(code)
        found = orjson.loads(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)))
        if not (isinstance(found, list) and len(found) == len(shape) + 1
                and found[0] == kind):
            raise ValueError(code)
        out: list[Any] = []
        for i, (value, want) in enumerate(zip(found[1:], shape, strict=True)):
            if value is None and i == nullable:
                out.append(None)
            elif want is datetime:
                if type(value) is not int or value < 0:
                    raise ValueError(value)
                out.append(_EPOCH + timedelta(microseconds=value))
            elif type(value) is not want:
                raise ValueError(value)
            else:
                out.append(value)
        return tuple(out)
    except (ValueError, TypeError, OverflowError, binascii.Error, orjson.JSONDecodeError):
        raise BadSearch(tr("Kode halaman '{c}' tidak dikenal: salin kode halaman berikutnya "
                           "apa adanya dari halaman sebelumnya", "Unknown page code '{c}': "
                           "copy the next page's code as the page before printed it",
                           c=code[:40])) from None
