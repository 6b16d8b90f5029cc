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
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _scratch import cache_dir
from _scratch import ensure_venv as scratch_venv

PM4PY = "2.7.23.11"  # installs from wheels on Python 3.11 (with numpy, pandas, scipy, lxml)
SCRIPT = Path(__file__).resolve().parent / "_pm4py_replay.py"
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
    return Path(given) if given else cache_dir(f"pm4py-{PM4PY}")


def ensure_venv() -> tuple[Path | None, str]:
    """The scratch environment's Python, made (once) if missing; else None and why."""
    return scratch_venv(venv_dir(), f"pm4py=={PM4PY}")


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
