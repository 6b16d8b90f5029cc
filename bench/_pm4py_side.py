"""pm4py's replay of a log, measured out of process: pm4py is AGPL, so it is never a
dependency of the project (not even a test one) and never imported by it. A scratch virtual
environment outside the repository's files gets ``pip install pm4py`` once (kept for the
next runs); ``_pm4py_replay.py`` runs in it as a subprocess and hands back its figures as
JSON. Not a bench itself (``make bench`` skips ``_*.py``).

The environment is ``$SOP_BENCH_PM4PY_VENV``, else ``$XDG_CACHE_HOME/sop-runtime/pm4py-<pin>``
(``~/.cache`` when unset); removing it makes the next run install it again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PM4PY = "2.7.23.11"  # installs from wheels on Python 3.11 (with numpy, pandas, scipy, lxml)
SCRIPT = Path(__file__).resolve().parent / "_pm4py_replay.py"
INSTALL_TIMEOUT = 900
RUN_TIMEOUT = 3600


@dataclass(frozen=True)
class Pm4pyFigures:
    version: str
    events: int
    traces: int
    variants: int
    import_s: float      # XES file -> pm4py's data frame
    convert_s: float     # data frame -> pm4py's event log (what its replay takes)
    replay_s: float      # token-based replay alone (each variant once)
    replay_each_s: float  # the same, every trace replayed (no grouping by variant)
    fitting_traces: int
    alignment_traces: int
    alignment_events: int
    alignment_s: float
    alignment_fitting: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Pm4pyFigures:
        return cls(version=data["pm4py"], **{k: v for k, v in data.items() if k != "pm4py"})


def venv_dir() -> Path:
    given = os.environ.get("SOP_BENCH_PM4PY_VENV")
    if given:
        return Path(given)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "sop-runtime" / f"pm4py-{PM4PY}"


def _python(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_venv() -> tuple[Path | None, str]:
    """The scratch environment's Python, made (once) if missing; else None and why."""
    venv = venv_dir()
    stamp = venv / ".installed"
    if stamp.exists():
        return _python(venv), f"pm4py {PM4PY} in {venv}"
    print(f"menyiapkan pm4py {PM4PY} di {venv} (sekali saja) / "
          f"setting up pm4py {PM4PY} in {venv} (once)", flush=True)
    steps = [[sys.executable, "-m", "venv", "--clear", str(venv)],
             [str(_python(venv)), "-m", "pip", "install", "--quiet",
              "--disable-pip-version-check", f"pm4py=={PM4PY}"]]
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
    stamp.write_text(PM4PY, encoding="utf-8")
    return _python(venv), f"pm4py {PM4PY} in {venv} (installed now)"


def replay(python: Path, xes: Path, pnml: Path, align_traces: int = 0) -> Pm4pyFigures:
    """pm4py's import, token-based replay and alignments of ``xes`` on ``pnml``, run by
    ``python`` (the scratch environment's); raises RuntimeError with its stderr on failure."""
    with tempfile.TemporaryDirectory(prefix="sop-bench-pm4py-") as tmp:
        out = Path(tmp) / "figures.json"
        done = subprocess.run(
            [str(python), str(SCRIPT), str(xes), str(pnml), str(out), str(align_traces)],
            capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
        if done.returncode != 0 or not out.exists():
            tail = "\n".join(done.stderr.strip().splitlines()[-5:])
            raise RuntimeError(f"pm4py exit {done.returncode}: {tail}")
        return Pm4pyFigures.from_json(json.loads(out.read_text(encoding="utf-8")))
