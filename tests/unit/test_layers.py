"""The interfaces (the web app, the CLI) reach the store only through the service layer:
no module of theirs imports ``sop_runtime.store``."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

INTERFACES = ("web", "cli")


def _store_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        found += [f"{path.relative_to(ROOT)}:{node.lineno}: {n}" for n in names
                  if n == "sop_runtime.store" or n.startswith("sop_runtime.store.")]
    return found


def test_the_interfaces_do_not_import_the_store() -> None:
    files = [p for part in INTERFACES for p in (ROOT / "sop_runtime" / part).rglob("*.py")]
    assert len(files) > 20
    assert [hit for p in files for hit in _store_imports(p)] == []
