"""Scratch virtual environments for tools measured beside the project (pm4py, SpiffWorkflow):
never dependencies of the project, installed once outside the repository's files with
``pip`` and run as subprocesses. Not a bench itself (``make bench`` skips ``_*.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

INSTALL_TIMEOUT = 900


def cache_dir(name: str) -> Path:
    """``$XDG_CACHE_HOME/sop-runtime/<name>`` (``~/.cache`` when unset)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "sop-runtime" / name


def python_of(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_venv(venv: Path, requirement: str) -> tuple[Path | None, str]:
    """``venv``'s Python, with ``requirement`` installed (once) if missing; else None and
    why (PyPI out of reach, say)."""
    stamp = venv / ".installed"
    if stamp.exists() and stamp.read_text(encoding="utf-8") == requirement:
        return python_of(venv), f"{requirement} in {venv}"
    print(f"menyiapkan {requirement} di {venv} (sekali saja) / "
          f"setting up {requirement} in {venv} (once)", flush=True)
    steps = [[sys.executable, "-m", "venv", "--clear", str(venv)],
             [str(python_of(venv)), "-m", "pip", "install", "--quiet",
              "--disable-pip-version-check", requirement]]
    for cmd in steps:
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, f"{' '.join(cmd[:3])}: {exc}"
        if done.returncode != 0:
            lines = [ln for ln in (done.stderr or done.stdout).splitlines()
                     if ln.strip() and not ln.startswith("WARNING")]
            return None, f"{' '.join(cmd[:3])}... exit {done.returncode}: " + (
                lines[-1] if lines else "no output")
    stamp.write_text(requirement, encoding="utf-8")
    return python_of(venv), f"{requirement} in {venv} (installed now)"
