"""The automation workers ``sop orchestrate serve --workers N`` starts beside the deployments,
kept running: a worker that dies (killed, out of memory, a bug) is started again and said so.

Nothing is lost while one is down: the dispatcher submits a step whose run went silent again
(:mod:`sop_runtime.flows.steps`), and the store keeps each step once. A worker that dies
again and again right after starting (a wrong PREFECT_API_URL, a broken install) is started
again only after a pause that doubles each time, up to ``MAX_PAUSE`` seconds, so that the
log says what is wrong instead of filling with restarts.
"""

from __future__ import annotations

import contextvars
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sop_runtime.i18n import tr

FIRST_PAUSE = 1.0
MAX_PAUSE = 60.0
STEADY = 60.0  # a worker that ran this long before dying was not failing at its start


@dataclass
class _Slot:
    process: subprocess.Popen[bytes]
    started: float
    pause: float = FIRST_PAUSE
    due: float | None = None  # when a dead worker is started again


@dataclass
class WorkerPool:
    """``count`` processes made by ``start``, watched every ``every`` seconds."""

    start: Callable[[], subprocess.Popen[bytes]]
    count: int
    say: Callable[[str], None]
    every: float = 1.0
    clock: Callable[[], float] = time.monotonic
    restarts: int = 0
    _slots: list[_Slot] = field(default_factory=list)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _watcher: threading.Thread | None = None

    def __enter__(self) -> WorkerPool:
        now = self.clock()
        self._slots = [_Slot(self.start(), now) for _ in range(self.count)]
        if self.count:
            # in the caller's context: its messages in the language the command runs in
            self._watcher = threading.Thread(target=contextvars.copy_context().run,
                                             args=(self._watch,), name="sop-workers",
                                             daemon=True)
            self._watcher.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join()
        with self._lock:
            for slot in self._slots:
                if slot.process.poll() is None:
                    slot.process.terminate()
            for slot in self._slots:
                slot.process.wait()

    @property
    def processes(self) -> list[subprocess.Popen[bytes]]:
        with self._lock:
            return [slot.process for slot in self._slots]

    def _watch(self) -> None:
        while not self._stopping.wait(self.every):
            self.look()

    def look(self) -> None:
        """One look at every worker: a dead one is scheduled, a due one started again."""
        with self._lock:
            if self._stopping.is_set():
                return
            now = self.clock()
            for number, slot in enumerate(self._slots, 1):
                code = slot.process.poll()
                if code is None:
                    continue
                if slot.due is None:
                    if now - slot.started >= STEADY:
                        slot.pause = FIRST_PAUSE
                    slot.due = now + slot.pause
                    why = (tr("dihentikan sinyal {g}", "killed by signal {g}", g=-code)
                           if code < 0 else tr("kode keluar {c}", "exit code {c}", c=code))
                    self.say(tr(
                        "Pekerja otomatisasi {n} berhenti ({w}); dijalankan lagi dalam "
                        "{s:.0f} detik",
                        "Automation worker {n} stopped ({w}); starting it again in "
                        "{s:.0f} s", n=number, w=why, s=slot.pause))
                    slot.pause = min(slot.pause * 2, MAX_PAUSE)
                if now >= slot.due:
                    slot.process, slot.started, slot.due = self.start(), now, None
                    self.restarts += 1
                    self.say(tr("Pekerja otomatisasi {n} dijalankan lagi",
                                "Automation worker {n} started again", n=number))
