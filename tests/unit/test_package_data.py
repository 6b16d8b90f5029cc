"""Every file the package reads at run time besides its modules (templates, style sheets,
static files) is named by the package data in pyproject.toml, so an installed wheel has it."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch

from tests.conftest import ROOT

PACKAGE = ROOT / "sop_runtime"


def _unshipped(files: list[str], patterns: list[str]) -> list[str]:
    return [f for f in files if not any(fnmatch(f, p) for p in patterns)]


def test_the_package_data_names_every_data_file() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["sop_runtime"]
    files = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*")
                   if p.is_file() and p.suffix not in (".py", ".pyc"))
    assert any(f.startswith("audit/templates/") for f in files)
    assert any(f.startswith("compiler/render/templates/") for f in files)
    assert _unshipped(files, patterns) == []
    # every pattern names something: no folder that does not exist
    assert [p for p in patterns if not any(fnmatch(f, p) for f in files)] == []


def test_a_data_file_outside_the_patterns_is_caught() -> None:
    assert _unshipped(["compiler/templates/sheet.html", "web/static/app.css"],
                      ["web/static/*"]) == ["compiler/templates/sheet.html"]
