"""Run the real ``sop`` command as a user would (a subprocess of this interpreter)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def sop(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None,
        lang: str = "id") -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "SOP_LANG": lang, "COLUMNS": "200", **(env or {})}
    full_env.pop("SOP_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "sop_runtime", *map(str, args)],
        cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120,
    )
