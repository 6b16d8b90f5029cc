"""The crash tests' checks find what they look for: an acknowledged action missing from the
log, projections that differ from a rebuild; the writer's acknowledgements name its commits;
a WAL is torn only past the frames a checkpoint may have copied."""

from __future__ import annotations

import random
import struct
import subprocess
import sys
from pathlib import Path

from sop_runtime.store import make_engine
from sop_runtime.store.schema import open_steps
from tests.conftest import ROOT
from tests.crash import checks
from tests.crash.checks import Ack, tear_floor, tear_wal
from tests.e2e.court import new_court


def test_the_writer_acknowledges_its_commits_and_a_missing_one_is_found(tmp_path: Path
                                                                        ) -> None:
    court = new_court(tmp_path)
    done = subprocess.run([sys.executable, "-m", "tests.crash.writer", court.url, "--seed", "7",
                           "--actions", "40"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    said = done.stdout.splitlines()
    assert said[0].startswith("GO ")
    assert all(line.split()[0] in {"ACK", "REFUSED", "CONFLICT"} for line in said[1:]), said
    acks = [Ack.parse(line.removeprefix("ACK ")) for line in said if line.startswith("ACK ")]
    assert len(acks) >= 30 and {a.action for a in acks} >= {"start", "complete"}
    assert checks.lost(court.url, acks) == []
    last = acks[-1]
    forged = [Ack(last.case_id, last.seq + 1, last.hash, "complete", "1"),
              Ack(last.case_id, last.seq, "0" * 64, "complete", "1")]
    assert checks.lost(court.url, [*acks, *forged]) == forged
    assert checks.consistent(court.url) == []


def test_a_projection_that_differs_from_the_rebuild_is_found(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    court.start("pendaftaran-gugatan-ptsp", "rina.ptsp")
    engine = make_engine(court.url)
    with engine.begin() as conn:
        conn.execute(open_steps.update().values(claimed_by="siti.kasir"))
    engine.dispose()
    found = checks.projections_rebuilt(court.url)
    assert found and all(line.startswith("open_steps: ") for line in found), found
    assert checks.projections_rebuilt(court.url) == []  # the rebuild put it right


def _wal(page: int, salts: bytes, frames: int) -> bytes:
    header = struct.pack(">IIII", 0x377F0682, 3007000, page, 0) + salts + bytes(8)
    return header + bytes(frames * (24 + page))


def _shm(salts: bytes, backfilled: int, attempted: int) -> bytes:
    header = bytearray(48)
    header[12] = 1  # isInit
    header[32:40] = salts
    info = struct.pack("=I", backfilled) + bytes(28) + struct.pack("=I", attempted)
    return bytes(header) * 2 + info + bytes(1000)


def test_the_tear_spares_what_a_checkpoint_may_have_copied(tmp_path: Path) -> None:
    salts, page = bytes(range(8)), 4096
    wal = _wal(page, salts, 10)
    assert tear_floor(wal, _shm(salts, 0, 0)) == 0
    assert tear_floor(wal, _shm(salts, 2, 0)) == 32 + 2 * (24 + page)
    assert tear_floor(wal, _shm(salts, 2, 5)) == 32 + 5 * (24 + page)  # a checkpoint running
    assert tear_floor(wal, _shm(bytes(8), 0, 0)) is None  # the index is of another generation
    half = bytearray(_shm(salts, 0, 0))
    half[16] ^= 1  # the two copies of the index header differ: it was being written
    assert tear_floor(wal, bytes(half)) is None
    (tmp_path / "sop.db-wal").write_bytes(wal)
    (tmp_path / "sop.db-shm").write_bytes(_shm(salts, 9, 9))
    floor = 32 + 9 * (24 + page)
    for seed in range(20):
        tear = tear_wal(tmp_path, random.Random(seed))
        torn = (tmp_path / "sop.db-wal").read_bytes()
        assert tear.how in ("cut", "garbage") and tear.offset >= floor
        assert torn[:floor] == wal[:floor]
        (tmp_path / "sop.db-wal").write_bytes(wal)
    (tmp_path / "sop.db-shm").write_bytes(_shm(salts, 10, 10))  # all of it copied already
    assert tear_wal(tmp_path, random.Random(0)).how == "none"
    assert (tmp_path / "sop.db-wal").read_bytes() == wal
