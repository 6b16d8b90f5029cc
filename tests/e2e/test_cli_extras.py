"""The heavy integrations are extras (web, pdf, prefect): without one, the command that needs
it says which extra to install and exits 2, never with a traceback. The missing package is
simulated in a subprocess by a meta path finder that hides it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

HIDE = """
import sys
hidden = set(sys.argv[1].split(","))

class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in hidden:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Hide())
for name in [m for m in sys.modules if m.partition(".")[0] in hidden]:
    del sys.modules[name]
from sop_runtime.cli.app import main
sys.argv = ["sop", *sys.argv[2:]]
main()
"""


def sop_without(hidden: str, *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOP_DATABASE_URL": f"sqlite:///{tmp_path / 'sop.db'}",
           "COLUMNS": "200"}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run([sys.executable, "-c", HIDE, hidden, *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(("hidden", "args", "extra"), [
    ("fastapi", ("serve", "--port", "1"), "web"),
    ("uvicorn", ("serve",), "web"),
    ("prefect", ("orchestrate", "serve"), "prefect"),
    ("prefect", ("orchestrate", "deploy", "--pool", "sop"), "prefect"),
    ("prefect", ("orchestrate", "worker"), "prefect"),
    ("weasyprint", ("report", "case", "SNN-2026-00001", "--pdf", "perkara.pdf"), "pdf"),
    ("weasyprint", ("conformance", str(ROOT / "examples" / "skum-januari-2026.csv"), "--sop",
                    "taksiran-panjar-skum", "--map",
                    str(ROOT / "examples" / "skum-januari-2026.map.yaml"), "--pdf", "k.pdf"),
     "pdf"),
])
def test_a_missing_extra_is_named_with_exit_2(hidden: str, args: tuple[str, ...], extra: str,
                                               tmp_path: Path) -> None:
    r = sop_without(hidden, *args, tmp_path=tmp_path)
    assert r.returncode == 2, r.stderr
    assert f"pip install 'sop-runtime[{extra}]'" in " ".join(r.stderr.split())
    assert f"paket tambahan '{extra}' belum terpasang" in r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert not (tmp_path / "perkara.pdf").exists() and not (tmp_path / "k.pdf").exists()


def test_the_message_in_english(tmp_path: Path) -> None:
    r = sop_without("fastapi", "--lang", "en", "serve", tmp_path=tmp_path)
    assert r.returncode == 2
    assert "the extra 'web' is not installed (no module fastapi)" in " ".join(r.stderr.split())


def test_with_the_extra_installed_the_command_goes_on(tmp_path: Path) -> None:
    """The guard lets an installed extra through: without PREFECT_API_URL, `deploy` gets as
    far as asking for it (the finder hides something else)."""
    r = sop_without("no_such_module", "orchestrate", "deploy", "--pool", "sop",
                    tmp_path=tmp_path)
    assert r.returncode == 1 and "PREFECT_API_URL" in r.stderr
    assert "sop-runtime[" not in r.stderr


def test_a_worker_without_a_prefect_server_says_so(tmp_path: Path) -> None:
    r = sop_without("no_such_module", "orchestrate", "worker", tmp_path=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "PREFECT_API_URL belum diisi: alamat server Prefect" in " ".join(r.stderr.split())


def test_the_core_plays_the_demo_day_without_any_extra(tmp_path: Path) -> None:
    """Nothing on the core's path imports an extra: the demo day (cases, supervision, the
    sweep, verify, the revision) and the HTML report run with all of them hidden; the demo
    played in English, as the user asked for it."""
    hidden = "fastapi,starlette,uvicorn,multipart,python_multipart,prefect,weasyprint"
    r = sop_without(hidden, "--lang", "en", "demo", "--definitions", str(ROOT / "definitions"),
                    tmp_path=tmp_path)
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.split())
    assert "Tuesday, 24 November 2026" in out and "only the Kasir may" in out
    assert "Log intact: 139 events in 10 cases verified" in out
    assert "Wednesday, 25 November 2026" in out and "is numbered 10 in version" in out
    r = sop_without(hidden, "report", "case", "SNN-2026-00001", "--html", "perkara.html",
                    tmp_path=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "SNN-2026-00001" in (tmp_path / "perkara.html").read_text()
