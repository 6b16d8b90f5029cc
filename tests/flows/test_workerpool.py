"""``sop orchestrate serve --workers N`` keeps its workers running (sop_runtime.flows.workerpool):
shown on real processes standing in for the workers, a clock the test moves, and once on the
pool's own watcher."""

from __future__ import annotations

import subprocess
import sys
import time

from sop_runtime.flows.workerpool import FIRST_PAUSE, STEADY, WorkerPool

LONG = [sys.executable, "-c", "import time; time.sleep(600)"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _start() -> subprocess.Popen[bytes]:
    return subprocess.Popen(LONG)


def _kill(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    process.wait()


def test_a_dead_worker_is_started_again_after_a_pause_that_grows_while_it_keeps_dying(
        ) -> None:
    clock, said = Clock(), []
    with WorkerPool(_start, 2, said.append, every=3600, clock=clock) as pool:
        first, other = pool.processes
        _kill(first)
        pool.look()
        assert pool.processes[0] is first and pool.restarts == 0  # not yet: its pause first
        assert said == ["Pekerja otomatisasi 1 berhenti (dihentikan sinyal 9); dijalankan "
                        f"lagi dalam {FIRST_PAUSE:.0f} detik"]
        clock.now += FIRST_PAUSE
        pool.look()
        second = pool.processes[0]
        assert second is not first and second.poll() is None and pool.restarts == 1
        assert said[-1] == "Pekerja otomatisasi 1 dijalankan lagi"
        assert pool.processes[1] is other and other.poll() is None  # the other one untouched
        _kill(second)  # dies right after starting: the pause doubles
        pool.look()
        assert said[-1].endswith(f"dalam {2 * FIRST_PAUSE:.0f} detik")
        clock.now += FIRST_PAUSE
        pool.look()
        assert pool.processes[0] is second and pool.restarts == 1
        clock.now += FIRST_PAUSE
        pool.look()
        third = pool.processes[0]
        assert third is not second and pool.restarts == 2
        clock.now += STEADY  # ran steadily before dying: the pause is back to the first
        _kill(third)
        pool.look()
        assert said[-1].endswith(f"dalam {FIRST_PAUSE:.0f} detik")
        running = pool.processes
    assert all(p.poll() is not None for p in running)  # leaving stops every worker


def test_the_watcher_starts_a_killed_worker_again_on_its_own_in_the_commands_language(
        ) -> None:
    from sop_runtime.i18n import set_lang

    said: list[str] = []
    set_lang("en")  # sop --lang en orchestrate serve: the watcher's thread speaks English too
    try:
        with WorkerPool(_start, 1, said.append, every=0.05) as pool:
            killed = pool.processes[0]
            _kill(killed)
            deadline = time.monotonic() + 30
            while pool.restarts == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert pool.restarts == 1
            assert pool.processes[0] is not killed and pool.processes[0].poll() is None
    finally:
        set_lang(None)
    assert said[-1] == "Automation worker 1 started again"


def test_a_worker_that_exits_is_told_by_its_exit_code_in_english_too() -> None:
    from sop_runtime.i18n import set_lang

    said: list[str] = []
    exits = [sys.executable, "-c", "raise SystemExit(3)"]
    set_lang("en")
    try:
        with WorkerPool(lambda: subprocess.Popen(exits), 1, said.append, every=3600,
                        clock=Clock()) as pool:
            pool.processes[0].wait()
            pool.look()
    finally:
        set_lang(None)
    assert said == [f"Automation worker 1 stopped (exit code 3); starting it again in "
                    f"{FIRST_PAUSE:.0f} s"]


def test_no_workers_no_watcher() -> None:
    with WorkerPool(_start, 0, print) as pool:
        assert pool.processes == [] and pool._watcher is None
