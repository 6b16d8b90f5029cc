"""The real ``sop`` process, start to end: what the in-process tests cannot see (the entry
point, exit statuses as the shell gets them, output streams)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import DEFINITIONS
from tests.e2e.cli import sop_process
from tests.e2e.court import CASE_ID


def test_a_case_through_the_real_process(tmp_path: Path) -> None:
    env = {"SOP_DATABASE_URL": f"sqlite:///{tmp_path / 'sop.db'}"}
    assert sop_process("init", "--definitions", DEFINITIONS, cwd=tmp_path, env=env).returncode == 0
    r = sop_process("start", "salinan-putusan", "--as", "rina.ptsp", cwd=tmp_path, env=env)
    assert r.returncode == 0 and re.fullmatch(CASE_ID, r.stdout.strip()), r.stderr
    case = r.stdout.strip()
    r = sop_process("tasks", "--as", "rina.ptsp", "--json", cwd=tmp_path, env=env)
    assert [t["case_id"] for t in json.loads(r.stdout)["tasks"]] == [case]
    r = sop_process("complete", case, "1", "--as", "siti.kasir", cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr  # a record-mode SOP accepts and flags
    r = sop_process("deviations", "--case", case, "--json", cwd=tmp_path, env=env)
    kinds = sorted(d["kind"] for d in json.loads(r.stdout)["deviations"])
    assert kinds == ["missing_input", "missing_output", "wrong_actor"]
    r = sop_process("verify", cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr


def test_bad_input_gives_one_line_and_an_exit_status(tmp_path: Path) -> None:
    env = {"SOP_DATABASE_URL": f"sqlite:///{tmp_path / 'sop.db'}"}
    r = sop_process("tasks", "--as", "rina.ptsp", cwd=tmp_path, env=env)
    assert r.returncode == 2 and "sop init" in r.stderr and "Traceback" not in r.stderr
