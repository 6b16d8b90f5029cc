"""The store survives kill -9, power cuts and torn write-ahead logs, and exactly one of many
racers wins; bounded here, long in ``bench/adversarial.py``.

The sizes can be raised: ``SOP_CRASH_ROUNDS`` (kill -9 rounds per backend, 10),
``SOP_CRASH_COPIES`` (power-cut copies, 6), ``SOP_CRASH_TORN`` (of which torn, 4),
``SOP_CRASH_RACES`` (race rounds per backend, 3); ``SOP_CRASH_SEED`` picks other random
moments. These tests start many processes: they run in one xdist group.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import DEFINITIONS
from tests.crash.harness import kill_loop, power_cuts, race_rounds
from tests.e2e.court import Court, new_court

pytestmark = pytest.mark.xdist_group("crash")

SEED = int(os.environ.get("SOP_CRASH_SEED", "2026"))
KILL_ROUNDS = int(os.environ.get("SOP_CRASH_ROUNDS", "10"))
COPIES = int(os.environ.get("SOP_CRASH_COPIES", "6"))
TORN = int(os.environ.get("SOP_CRASH_TORN", "4"))
RACE_ROUNDS = int(os.environ.get("SOP_CRASH_RACES", "3"))
RACERS = 8


def _court(root: Path, url: str) -> None:
    Court(root, url).ok("init", "--definitions", DEFINITIONS)


def test_kill_9_loses_no_acknowledged_action(store_url: str, tmp_path: Path) -> None:
    """A writer killed with SIGKILL at random moments, round after round on one court:
    every action it acknowledged (after its commit) is in the log, the log verifies (so no
    case row without its events), and the projections equal a rebuild from the log."""
    _court(tmp_path, store_url)
    report = kill_loop(store_url, KILL_ROUNDS, SEED, tmp_path)
    assert report.problems == [], "\n".join(report.problems)
    assert len(report.rounds) == KILL_ROUNDS
    assert len(report.acks) >= KILL_ROUNDS  # each round is killed after its first write
    assert len({a.case_id for a in report.acks}) > 1


def test_power_cut_copies_hold_what_was_acknowledged(tmp_path: Path) -> None:
    """Copies of the SQLite files taken while the writer is frozen mid-work, as a power cut
    leaves the disk: each opens, verifies, has every action acknowledged before the stop and
    projections equal to a rebuild.

    Their torn twins (the WAL cut at a random byte or overwritten with garbage, past what a
    checkpoint may have copied into the database file) are only required to be consistent:
    they verify, their projections equal a rebuild, and their log is a part of the copy's.
    They may miss acknowledged actions: the tear stands for frames the disk lost."""
    court = new_court(tmp_path)
    db = Path(court.url.removeprefix("sqlite:///"))
    report = power_cuts(db, COPIES, TORN, SEED, tmp_path)
    assert report.problems == [], "\n".join(report.problems)
    assert len(report.copies) == COPIES and report.verified == COPIES
    assert len(report.torn) == TORN and report.torn_verified == TORN
    assert report.acks > 0
    assert report.lost == []


def test_one_of_eight_racers_wins_each_round(store_url: str, tmp_path: Path) -> None:
    """Eight processes complete the same open step through the CLI at once, round after
    round: one wins, seven are told to reload (exit 3), the step is done once, the log
    verifies."""
    _court(tmp_path, store_url)
    report = race_rounds(store_url, RACE_ROUNDS, RACERS, tmp_path)
    assert report.problems == [], "\n".join(report.problems)
    assert report.winners == [1] * RACE_ROUNDS
