"""A limit on failed sign-ins, per client address and per username: after ``failures``
failures within ``window`` seconds, further tries are answered 429 until the oldest failure
leaves the window. Kept in the process (one web process per court); a restart forgets."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from threading import Lock


class SignInLimiter:
    def __init__(self, failures: int = 5, window: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.failures = failures
        self.window = window
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        return seen

    def retry_after(self, keys: Iterable[str]) -> int | None:
        """Seconds to wait before another try, or None when a try may go ahead."""
        now = self._clock()
        with self._lock:
            waits = [seen[0] + self.window - now for key in keys
                     if len(seen := self._recent(key, now)) >= self.failures]
        return max(1, int(max(waits)) + 1) if waits else None

    def failed(self, keys: Iterable[str]) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._seen.pop(key, None)
