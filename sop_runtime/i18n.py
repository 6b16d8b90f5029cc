"""User-facing language selection: Bahasa Indonesia first, English available.

The language is read from ``SOP_LANG`` (``id`` or ``en``); the CLI's ``--lang`` option sets
it for one run. Every user-facing string is a pair ``(id, en)``; :func:`tr` picks one.
"""

from __future__ import annotations

import os
from typing import Literal

Lang = Literal["id", "en"]

_current: Lang | None = None


def current_lang() -> Lang:
    if _current is not None:
        return _current
    env = os.environ.get("SOP_LANG", "id").strip().lower()
    return "en" if env.startswith("en") else "id"


def set_lang(lang: str | None) -> None:
    global _current
    if lang is None:
        _current = None
        return
    _current = "en" if lang.lower().startswith("en") else "id"


def tr(id_text: str, en_text: str, /, **params: object) -> str:
    """Return the text in the current language, formatted with ``params``."""
    text = en_text if current_lang() == "en" else id_text
    return text.format(**params) if params else text
