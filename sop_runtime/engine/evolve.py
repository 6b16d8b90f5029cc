"""A faster ``dataclasses.replace`` for the engine's frozen, slotted state classes.

Folding a case replaces its state once or twice per event; ``dataclasses.replace`` pays for
generality (it goes through ``__init__`` with every field looked up by name) and was a third
of a replay's time. :func:`replace` copies the slots of the object as they are and sets the
changed ones; it is only for frozen dataclasses without ``__post_init__`` or init-only
fields, which the state classes are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")

_copiers: dict[type, Callable[[Any, dict[str, Any]], Any]] = {}


def _copier(cls: type) -> Callable[[Any, dict[str, Any]], Any]:
    names = [f.name for f in fields(cls)]
    lines = ["def copy(obj, changes):", "    new = new_(cls)"]
    for n in names:
        lines.append(f"    set_(new, {n!r}, changes.pop({n!r}) if {n!r} in changes else obj.{n})")
    lines += ["    if changes:", "        raise TypeError(f'unknown fields: {sorted(changes)}')",
              "    return new"]
    scope: dict[str, Any] = {"new_": object.__new__, "set_": object.__setattr__, "cls": cls}
    exec("\n".join(lines), scope)
    copy: Callable[[Any, dict[str, Any]], Any] = scope["copy"]
    return copy


def replace(obj: T, /, **changes: Any) -> T:
    """``obj`` with ``changes``, like :func:`dataclasses.replace`."""
    cls = type(obj)
    copy = _copiers.get(cls)
    if copy is None:
        copy = _copiers[cls] = _copier(cls)
    result: T = copy(obj, changes)
    return result
