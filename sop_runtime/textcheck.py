"""Text every interface takes from a person or a program: no NUL and no other control
character (PostgreSQL cannot store NUL in text at all; the others are never meant, and
would pass unseen into the log and the printed reports). Free text (a reason, a note, a
value) may hold tabs and line breaks; one-line text (a name, an id, a label) may not.

Kept free of heavy imports: the CLI checks every argument with it before anything else."""

from __future__ import annotations

import re

from sop_runtime.i18n import tr

_IN_FREE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_IN_ONE_LINE = re.compile(r"[\x00-\x1f\x7f]")

FREE_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
"""What :func:`control_problem` takes as free text, as a regular expression (for schemas)."""
ONE_LINE_PATTERN = r"^[^\x00-\x1f\x7f]*$"
"""What :func:`control_problem` takes as one-line text, as a regular expression."""


def control_problem(text: str, *, free: bool = True) -> str | None:
    """Why ``text`` cannot be taken (the first control character it holds, and where), or
    None. ``free``: tabs and line breaks are allowed."""
    found = (_IN_FREE_TEXT if free else _IN_ONE_LINE).search(text)
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    if found.group() == "\x00":
        code = f"NUL {code}"
    return tr("memuat karakter kendali {c} (pada posisi {i}); hapus karakter itu",
              "holds the control character {c} (at position {i}); remove it",
              c=code, i=found.start() + 1)
