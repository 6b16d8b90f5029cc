"""Run the ``sop`` command as a user would.

By default the command runs inside this test process (``sop_runtime.cli.app.run`` with its
own environment, working folder and captured output: the same code path as the console
script, without paying Python's start-up for each call). ``SOP_TEST_SUBPROCESS=1`` runs every
call as a real subprocess instead; tests that need separate processes (concurrency, cold
start) call :func:`sop_process`.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from tests.conftest import ROOT


def _env(env: dict[str, str] | None, lang: str) -> dict[str, str]:
    full = {**os.environ, "SOP_LANG": lang, "COLUMNS": "200", **(env or {})}
    full.pop("SOP_DEBUG", None)
    return full


def sop_process(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None,
                lang: str = "id") -> subprocess.CompletedProcess[str]:
    """``python -m sop_runtime ARGS`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "sop_runtime", *map(str, args)],
        cwd=cwd, env=_env(env, lang), capture_output=True, text=True, timeout=120,
    )


def sop(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None,
        lang: str = "id") -> subprocess.CompletedProcess[str]:
    if os.environ.get("SOP_TEST_SUBPROCESS"):
        return sop_process(*args, cwd=cwd, env=env, lang=lang)
    from sop_runtime.cli.app import run
    from sop_runtime.i18n import set_lang

    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    out, err = io.StringIO(), io.StringIO()
    os.environ.clear()
    os.environ.update(_env(env, lang))
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = run([str(a) for a in args])
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        set_lang(None)
    return subprocess.CompletedProcess(["sop", *map(str, args)], code, out.getvalue(),
                                       err.getvalue())
