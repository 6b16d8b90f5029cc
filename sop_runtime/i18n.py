"""User-facing language selection: Bahasa Indonesia first, English available.

The language is read from ``SOP_LANG`` (``id`` or ``en``); the CLI's ``--lang`` option sets
it for one run. Every user-facing string is a pair ``(id, en)``; :func:`tr` picks one.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from typing import Literal

Lang = Literal["id", "en"]

# one value per thread / asyncio task: the web app answers requests in different languages
_current: ContextVar[Lang | None] = ContextVar("sop_lang", default=None)


def current_lang() -> Lang:
    chosen = _current.get()
    if chosen is not None:
        return chosen
    env = os.environ.get("SOP_LANG", "id").strip().lower()
    return "en" if env.startswith("en") else "id"


def set_lang(lang: str | None) -> None:
    """Choose the language for the current context (None: back to SOP_LANG)."""
    if lang is None:
        _current.set(None)
        return
    _current.set("en" if lang.lower().startswith("en") else "id")


def tr(id_text: str, en_text: str, /, **params: object) -> str:
    """Return the text in the current language, formatted with ``params``."""
    text = en_text if current_lang() == "en" else id_text
    return text.format(**params) if params else text
