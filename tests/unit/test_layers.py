"""The layer contract of ``sop_runtime``, checked on its import graph (grimp).

From the top down; a module may import its own layer and any layer below it, never one
above::

    entry        __main__
    interfaces   cli, web, flows, demo        (each user's way in)
    service      service                      (the use cases; the one way into the store)
    uses         audit, conformance, actions  (what the use cases draw on)
    store        store                        (SQLAlchemy, the log, projections)
    engine       engine                       (pure decide/apply)
    model        compiler, worktime
    definition   definition                   (the official form, as loaded)
    utilities    errors, i18n, isotime, problems, files, textcheck, gcpause, templating,
                 wording

Besides:
- the interfaces reach the store only through the service: cli, web, flows and demo import
  no ``sop_runtime.store``;
- the engine imports no SQLAlchemy, FastAPI, Starlette, Prefect, and neither reads the clock
  nor draws randomness (no ``time``, ``random``, ``secrets``, ``uuid``; no ``.now()``,
  ``.utcnow()``, ``.today()``);
- each heavy framework stays where it belongs: Prefect in flows, FastAPI and Starlette in web,
  typer in cli, rich in cli and demo (the terminal).

And names mean one thing: two modules share a file name only for one concept seen from
two layers (``SHARED_NAMES``).

The checker takes the package name and the contract, so the same code is shown catching a
planted upward import in a tiny package made for the test.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import grimp
import pytest


@dataclass(frozen=True)
class Contract:
    layers: Sequence[tuple[str, ...]]  # top first: the first part below the package
    forbidden: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # part -> parts
    pure: tuple[str, ...] = ()  # parts that import no framework, clock or randomness
    impure_modules: tuple[str, ...] = ()
    impure_calls: tuple[str, ...] = ()
    frameworks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # ext -> parts


CONTRACT = Contract(
    layers=(
        ("__main__",),
        ("cli", "web", "flows", "demo"),
        ("service",),
        ("audit", "conformance", "actions"),
        ("store",),
        ("engine",),
        ("compiler", "worktime"),
        ("definition",),
        ("errors", "i18n", "isotime", "problems", "files", "textcheck", "gcpause",
         "templating", "wording"),
    ),
    forbidden={part: ("store",) for part in ("cli", "web", "flows", "demo")},
    pure=("engine",),
    impure_modules=("sqlalchemy", "alembic", "fastapi", "starlette", "prefect", "time",
                    "random", "secrets", "uuid"),
    impure_calls=("now", "utcnow", "today"),
    frameworks={"prefect": ("flows",), "fastapi": ("web",), "starlette": ("web",),
                "typer": ("cli",), "rich": ("cli", "demo")},
)


def _part(module: str) -> str | None:
    """``pkg.engine.state`` -> ``engine``; the package itself -> None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _where(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    lines = ",".join(str(d["line_number"]) for d in details) or "?"
    return f"{importer}:{lines} imports {imported}"


def _source(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    return Path(spec.origin) if spec is not None and spec.origin else None


def _calls(path: Path, names: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in names):
            yield node.lineno, node.func.attr


def violations(graph: grimp.ImportGraph, package: str, contract: Contract) -> list[str]:
    """Every import of ``package`` that breaks ``contract``, one line each, naming the
    importer, its line and the imported module."""
    rank = {part: i for i, layer in enumerate(contract.layers) for part in layer}
    found: list[str] = []
    own = sorted(m for m in graph.modules if m == package or m.startswith(package + "."))
    for importer in own:
        part = _part(importer)
        if part is None:
            continue
        if part not in rank:
            found.append(f"{importer} is in no layer: add {part!r} to the contract")
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported.startswith(package + "."):
                target = _part(imported)
                if target in rank and rank[target] < rank[part]:
                    found.append(f"upward: {_where(graph, importer, imported)} "
                                 f"({part} may not import {target})")
                elif target in contract.forbidden.get(part, ()):
                    found.append(f"forbidden: {_where(graph, importer, imported)} "
                                 f"({part} reaches {target} only through the service)")
                continue
            top = imported.split(".")[0]
            if part in contract.pure and top in contract.impure_modules:
                found.append(f"impure: {_where(graph, importer, imported)} "
                             f"({part} is pure)")
            allowed = contract.frameworks.get(top)
            if allowed is not None and part not in allowed:
                found.append(f"framework: {_where(graph, importer, imported)} "
                             f"({top} belongs in {', '.join(allowed)})")
        source = _source(importer) if part in contract.pure else None
        if source is not None:
            found += [f"impure: {importer}:{line} calls .{name}() ({part} reads no clock)"
                      for line, name in _calls(source, contract.impure_calls)]
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("sop_runtime", include_external_packages=True, cache_dir=None)


def test_the_package_keeps_its_layers(graph: grimp.ImportGraph) -> None:
    assert len(graph.modules) > 150
    assert violations(graph, "sop_runtime", CONTRACT) == []


def test_every_part_of_the_contract_exists(graph: grimp.ImportGraph) -> None:
    parts = {_part(m) for m in graph.modules if m.startswith("sop_runtime.")}
    assert {p for layer in CONTRACT.layers for p in layer} <= parts


def test_the_interfaces_do_not_import_the_store(graph: grimp.ImportGraph) -> None:
    for part in ("cli", "web", "flows", "demo"):
        modules = [m for m in graph.modules if m.startswith(f"sop_runtime.{part}")]
        assert modules
        assert not [m for m in modules for i in graph.find_modules_directly_imported_by(m)
                    if i.startswith("sop_runtime.store")]


PLANTED = {
    "__init__.py": "",
    "engine/__init__.py": "",
    "engine/core.py": ("from __future__ import annotations\n\n"
                       "from planted.service.cases import start\n"),
    "engine/clock.py": "import datetime\n\n\ndef stamp():\n    return datetime.datetime.now()\n",
    "service/__init__.py": "",
    "service/cases.py": "from planted.engine import clock\n\n\ndef start():\n    return clock\n",
    "store/__init__.py": "",
    "web/__init__.py": "",
    "web/pages.py": "import random\n\nfrom planted.store import __name__ as store\n",
}


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[grimp.ImportGraph]:
    for name, text in PLANTED.items():
        path = tmp_path / "planted" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield grimp.build_graph("planted", include_external_packages=True, cache_dir=None)
    for name in [m for m in sys.modules if m == "planted" or m.startswith("planted.")]:
        del sys.modules[name]


def test_the_checker_catches_a_planted_upward_import(planted: grimp.ImportGraph) -> None:
    small = Contract(layers=(("web",), ("service",), ("store",), ("engine",)),
                     forbidden={"web": ("store",)}, pure=("engine",),
                     impure_modules=("random",), impure_calls=("now",))
    assert violations(planted, "planted", small) == [
        "impure: planted.engine.clock:5 calls .now() (engine reads no clock)",
        "upward: planted.engine.core:3 imports planted.service.cases "
        "(engine may not import service)",
        "forbidden: planted.web.pages:3 imports planted.store "
        "(web reaches store only through the service)",
    ]


def test_the_checker_catches_a_module_in_no_layer(planted: grimp.ImportGraph) -> None:
    small = Contract(layers=(("web", "service", "engine"),))
    assert violations(planted, "planted", small) == [
        "planted.store is in no layer: add 'store' to the contract"]


def test_the_checker_catches_impurity_and_a_misplaced_framework(
        planted: grimp.ImportGraph) -> None:
    small = Contract(layers=(("web", "engine", "service", "store"),),
                     pure=("web",), impure_modules=("random",),
                     frameworks={"random": ("service",)})
    assert violations(planted, "planted", small) == [
        "impure: planted.web.pages:1 imports random (web is pure)",
        "framework: planted.web.pages:1 imports random (random belongs in service)",
    ]


# file names that several packages share for one concept, each at its own layer (the cases
# as the CLI, the API, the pages and the service see them ...); any other name is one module's
SHARED_NAMES = {"app", "audit", "backup", "casereport", "cases", "common", "conformance",
                "contacts", "documents", "errors", "events", "ikm", "library", "logtree",
                "migration", "monev", "people", "poster", "receipt", "seals", "signin",
                "supervise", "supervision", "survey", "tracking", "witness"}


def test_no_two_modules_share_a_name_for_two_concepts() -> None:
    from tests.conftest import ROOT

    where: dict[str, list[str]] = {}
    for path in sorted((ROOT / "sop_runtime").rglob("*.py")):
        if path.name != "__init__.py" and "migrations" not in path.parts:
            where.setdefault(path.stem, []).append(str(path.relative_to(ROOT)))
    shared = {name: paths for name, paths in where.items() if len(paths) > 1}
    assert {n: p for n, p in shared.items() if n not in SHARED_NAMES} == {}
