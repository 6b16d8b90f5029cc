"""A Prefect API server of our own: the embedded default of ``sop orchestrate serve`` for
a single court (SQLite under ``PREFECT_HOME``), and what the orchestration tests and
``bench/scaleout.py`` start (there on PostgreSQL, by
``PREFECT_API_DATABASE_CONNECTION_URL``). Starting takes 10-30 s here; it is started
once and kept."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sop_runtime.errors import SopRuntimeError
from sop_runtime.i18n import tr

STARTUP_SECONDS = 120.0


class ServerDidNotStart(SopRuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def quiet_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for Prefect processes: telemetry off, ``home`` as PREFECT_HOME."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return {**env, "PREFECT_HOME": str(home), "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false", **(extra or {})}


@dataclass
class LocalServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    _closed: bool = field(default=False)

    @classmethod
    def start(cls, home: Path, *, port: int | None = None,
              env: Mapping[str, str] | None = None) -> LocalServer:
        """``prefect server start`` on 127.0.0.1, waited for until it answers."""
        home.mkdir(parents=True, exist_ok=True)
        port = port or free_port()
        log = home / "server.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                 "--port", str(port)],
                env=quiet_env(home, env), stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        server = cls(f"http://127.0.0.1:{port}/api", process, log)
        server.wait()
        return server

    def wait(self, timeout: float = STARTUP_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        tail = self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
        self.stop()
        raise ServerDidNotStart(tr("server Prefect tidak menjawab di {u}: {t}",
                                   "the Prefect server did not answer at {u}: {t}",
                                   u=self.url, t=tail or "-"))

    def stop(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
