"""A faster ``dataclasses.replace`` for the engine's frozen state classes.

Folding a case replaces its state once or twice per event; ``dataclasses.replace`` pays for
generality (it goes through ``__init__`` with every field looked up by name) and was a third
of a replay's time. The state classes are frozen dataclasses without ``__slots__``:
:func:`replace` copies the instance's ``__dict__`` and sets the changed fields in the copy,
about a tenth of the cost. It is only for frozen dataclasses without ``__post_init__`` or
init-only fields, which the state classes are; anything else goes to
:func:`dataclasses.replace`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

_fields: dict[type, frozenset[str]] = {}


def replace(obj: T, /, **changes: Any) -> T:
    """``obj`` with ``changes``, like :func:`dataclasses.replace`."""
    cls = type(obj)
    names = _fields.get(cls)
    if names is None:
        if not hasattr(obj, "__dict__") or hasattr(cls, "__post_init__"):
            return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
        names = _fields[cls] = frozenset(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    if not changes.keys() <= names:
        raise TypeError(f"{cls.__name__} has no field {sorted(changes.keys() - names)}")
    new: T = object.__new__(cls)
    state = new.__dict__
    state.update(obj.__dict__)
    state.update(changes)
    return new


_defaults: dict[type, tuple[dict[str, Any], tuple[tuple[str, Any], ...], frozenset[str]]] = {}


def create(cls: type[T], /, **values: Any) -> T:
    """A new ``cls`` from ``values`` and the fields' defaults, like ``cls(**values)`` for the
    same kind of class as :func:`replace` (about half the cost of the generated
    ``__init__``, which sets every field through ``object.__setattr__``)."""
    found = _defaults.get(cls)
    if found is None:
        found = _defaults[cls] = _defaults_of(cls)
    plain, factories, required = found
    if not required <= values.keys():
        raise TypeError(f"{cls.__name__} needs {sorted(required - values.keys())}")
    new: T = object.__new__(cls)
    state = new.__dict__
    state.update(plain)
    for name, factory in factories:
        if name not in values:
            state[name] = factory()
    state.update(values)
    return new


def _defaults_of(cls: type) -> tuple[dict[str, Any], tuple[tuple[str, Any], ...], frozenset[str]]:
    plain: dict[str, Any] = {}
    factories: list[tuple[str, Any]] = []
    required: set[str] = set()
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            plain[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            factories.append((f.name, f.default_factory))
        else:
            required.add(f.name)
    return plain, tuple(factories), frozenset(required)
