"""The error tree drawn in ``sop_runtime.errors`` is the tree the package has: every
subclass of ``SopRuntimeError`` is in the table with its kind, and the CLI's exit code and the
web's HTTP status are the ones the table says (and were before kinds were class attributes)."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

import pytest

import sop_runtime
from sop_runtime import errors
from sop_runtime.cli.app import exit_code
from sop_runtime.cli.common import Exit
from sop_runtime.errors import KINDS, DefinitionError, SopRuntimeError, kind_of
from sop_runtime.web.app import _status
from sop_runtime.web.deps import ApiError

# raised inside the product and caught before a user sees them (the docstring says why)
OUTSIDE = {"TimeLimitError", "NaiveDatetimeError", "YamlError", "Refused", "UnknownEventType",
           "DemoFailed", "_NoSpot", "InvalidTransition", "Unsupported", "NoGateway",
           "_Unverified", "MissingNode"}


@dataclass(frozen=True)
class Row:
    name: str
    module: str
    kind: str
    exit: int
    http: str


def _table() -> list[Row]:
    lines = (errors.__doc__ or "").splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:2] == ["class", "module"])
    rows = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        name, module, kind, exit_, http = line.split()
        rows.append(Row(name, module, kind, int(exit_), http))
    return rows


def _every_module() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(sop_runtime.__path__, "sop_runtime.")
             if ".migrations." not in m.name and m.name != "sop_runtime.__main__"]
    for name in names:
        importlib.import_module(name)
    return names


def _subclasses(cls: type[BaseException]) -> set[type[BaseException]]:
    found = set()
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("sop_runtime"):
            found |= {sub} | _subclasses(sub)
    return found


def _exceptions_defined_in_the_package() -> set[type[BaseException]]:
    seen: set[type[BaseException]] = set()
    todo: list[type[BaseException]] = [Exception]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return {cls for cls in seen if cls.__module__.startswith("sop_runtime.")}


@pytest.fixture(scope="module")
def tree() -> dict[type[SopRuntimeError], Row]:
    assert len(_every_module()) > 150
    rows = {(r.module, r.name): r for r in _table()}
    classes = {c for c in _subclasses(SopRuntimeError) | {SopRuntimeError}
               if issubclass(c, SopRuntimeError)}
    missing = sorted(f"{c.__module__}.{c.__qualname__}" for c in classes
                     if (c.__module__, c.__qualname__) not in rows)
    assert missing == [], "not in the table of sop_runtime.errors"
    by_class = {c: rows[(c.__module__, c.__qualname__)] for c in classes}
    stale = sorted(set(rows.values()) - set(by_class.values()), key=lambda r: r.name)
    assert stale == [], "in the table but not in the package"
    return by_class


def test_the_table_names_every_error_once(tree: dict[type[SopRuntimeError], Row]) -> None:
    assert len(tree) == len(_table()) >= 20


def test_every_error_has_the_kind_the_table_says(
        tree: dict[type[SopRuntimeError], Row]) -> None:
    for cls, row in tree.items():
        assert cls.kind in KINDS, cls
        assert (cls.__qualname__, cls.kind) == (row.name, row.kind)
        assert kind_of(cls.__new__(cls)) == row.kind


def test_exit_codes_and_statuses_are_the_table_s(
        tree: dict[type[SopRuntimeError], Row]) -> None:
    for cls, row in tree.items():
        exc = ApiError(418, "x") if cls is ApiError else cls.__new__(cls)
        if cls.__name__ == "SignInNeeded":
            exc = cls()
        code = int(Exit.PROBLEMS) if isinstance(exc, DefinitionError) else int(exit_code(exc))
        status = "own" if cls is ApiError and _status(exc) == 418 else str(_status(exc))
        assert (cls.__qualname__, code, status) == (row.name, row.exit, row.http)


def test_a_renamed_class_keeps_its_answer() -> None:
    from sop_runtime.store.errors import ConcurrencyConflict

    renamed = type("SomethingElse", (ConcurrencyConflict,), {"__module__": "elsewhere"})
    exc = renamed.__new__(renamed)
    assert (kind_of(exc), exit_code(exc), _status(exc)) == ("conflict", Exit.CONFLICT, 409)


def test_every_other_exception_is_named_as_outside_the_tree() -> None:
    _every_module()
    outside = {c.__qualname__ for c in _exceptions_defined_in_the_package()
               if not issubclass(c, SopRuntimeError)}
    assert outside == OUTSIDE
    assert all(f"``{name}``" in (errors.__doc__ or "") or f".{name}``" in (errors.__doc__ or "")
               for name in outside)
