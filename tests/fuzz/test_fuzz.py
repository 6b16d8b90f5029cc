"""The fuzzer with a fixed seed, bounded for ``make test``: per target a fixed number of
items (``SOP_FUZZ_ITEMS`` for more; ``bench/fuzz.py`` is the long mode) on a copy of the demo
court. None may end in a traceback, an exit 70 or an exit code docs/user-guide.md does not list, an
HTTP 5xx, more than 10 s, the worker past its memory bound, or a change to the machine."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from tests.fuzz import runner
from tests.fuzz.items import TARGETS
from tests.fuzz.runner import HANG_SECONDS, MEMORY_MB, fuzz

SEED = 20261204
# items per target: the four run side by side under xdist in about 10-20 s each
ITEMS = {"definitions": 60, "mappings": 80, "uploads": 80, "cli": 160}


@pytest.mark.parametrize("target", TARGETS)
def test_no_input_breaks_the_product(target: str, demo_day: Path, tmp_path: Path) -> None:
    court = tmp_path / "court.db"
    shutil.copy(demo_day, court)
    count = int(os.environ.get("SOP_FUZZ_ITEMS", ITEMS[target]))
    report = fuzz(SEED, target, count, tmp_path, court)
    assert report.items[target] == count
    assert not report.failures, "\n".join(map(str, report.failures))
    assert report.slowest < HANG_SECONDS and report.peak_mb < MEMORY_MB
    # the inputs reached past the first check: some were taken, some refused
    codes = set(report.outcomes)
    assert codes & {"exit 0", "HTTP 200"}, report.outcomes
    assert codes - {"exit 0", "HTTP 200"}, report.outcomes


def test_a_changed_machine_is_noticed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard that stops a run once an input changed the machine (as ``-o /dev/null``
    once replaced /dev/null): here on a link of the test's own standing for a device."""
    link = tmp_path / "nul"
    link.symlink_to(os.devnull)
    monkeypatch.setattr(runner, "_DEVICES", {str(link): stat.S_ISLNK})
    before = runner.machine_state()
    assert runner._changed(before) is None
    link.unlink()
    link.write_text("", encoding="utf-8")
    assert runner._changed(before) == f"{link} (changed)"
