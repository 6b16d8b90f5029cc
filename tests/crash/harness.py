"""The crash and race runs: ``kill -9`` rounds, power-cut copies (with torn-WAL copies made
from them), and racers on one step. Each run returns a report with its figures and the
problems it met (empty: none); the tests assert on them, ``bench/adversarial.py`` prints
them.

The writer (:mod:`tests.crash.writer`) runs in ``--serve`` mode: one process imports
everything once and forks a child per round, the child being the process that is killed or
frozen. Its acknowledgements are read straight from the pipe; a line is in the pipe only
once the child's service call has returned, so every acknowledgement read names a commit.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tests.crash import checks
from tests.crash.checks import Ack, Tear
from tests.crash.route import routes
from tests.e2e.cli import sop

ROOT = Path(__file__).resolve().parents[2]
BARRIER = ROOT / "tests" / "e2e" / "barrier_sop.py"
TIMEOUT = 60.0  # seconds any one step of a run may take before the run is failed
RUN_MS = (20, 300)  # how long a writer child runs (after its first acknowledged action)
# before it is killed or frozen


class RunFailed(Exception):
    """A process of the run did not behave (said something unexpected, died, hung)."""


def _environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOP_LANG": "id", "COLUMNS": "200",
           **(extra or {})}
    env.pop("SOP_DEBUG", None)
    return env


class _Lines:
    """Lines from a pipe, with deadlines (select), never blocking past them."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.fd = stream.fileno()
        self.partial = b""
        self.ready: deque[str] = deque()
        self.closed = False

    def _read(self, timeout: float) -> bool:
        """Read what is there within ``timeout``; False when nothing came."""
        if self.closed or not select.select([self.fd], [], [], max(timeout, 0.0))[0]:
            return False
        data = os.read(self.fd, 1 << 16)
        if not data:
            self.closed = True
            return False
        *lines, self.partial = (self.partial + data).split(b"\n")
        self.ready.extend(line.decode() for line in lines)
        return True

    def next(self, deadline: float) -> str | None:
        """The next line, or None once ``deadline`` (time.monotonic) has passed."""
        while not self.ready:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if not self._read(left) and self.closed:
                raise RunFailed("the writer closed its output")
        return self.ready.popleft()

    def written(self) -> list[str]:
        """Every whole line in the pipe now (the writer is frozen or dead)."""
        while self._read(0):
            pass
        out = list(self.ready)
        self.ready.clear()
        return out


@dataclass
class Round:
    """One writer child: what it acknowledged, and how it ended."""

    seed: int
    acks: list[Ack] = field(default_factory=list)
    refused: int = 0
    conflicts: int = 0
    exit_code: int | None = None
    problems: list[str] = field(default_factory=list)


def _end(proc: subprocess.Popen[bytes]) -> None:
    """Close a helper process's input (its signal to finish), wait for it (kill it after
    :data:`TIMEOUT`), close its output."""
    if proc.stdin is not None and not proc.stdin.closed:
        proc.stdin.close()
    try:
        proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


class WriterServer:
    """``python -m tests.crash.writer URL --serve``: forks a writer child per round."""

    def __init__(self, url: str, workdir: Path) -> None:
        self.errors = workdir / "writer.stderr"
        with self.errors.open("wb") as errors:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.crash.writer", url, "--serve"], cwd=ROOT,
                env=_environment(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=errors)
        assert self.proc.stdout is not None
        self.lines = _Lines(self.proc.stdout)
        self.child_pid: int | None = None  # the child of the round under way
        said = self.lines.next(time.monotonic() + TIMEOUT)
        if said != "READY":
            self.close()
            raise RunFailed(f"the writer did not start: {said!r}\n{self.stderr()}")

    def stderr(self) -> str:
        return self.errors.read_text(errors="replace")[-4000:]

    def child(self, seed: int) -> Child:
        return Child(self, seed)

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def close(self) -> None:
        if self.child_pid is not None:  # a run that failed half-way: its child goes too
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.child_pid, signal.SIGKILL)
        _end(self.proc)

    def __enter__(self) -> WriterServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class Child:
    """A writer child of the server, working with ``seed``: once this returns it has
    acknowledged its first action (so each round writes, however slow the machine is)."""

    def __init__(self, server: WriterServer, seed: int) -> None:
        self.server = server
        self.round = Round(seed)
        self.pid: int | None = None
        server.send(f"run {seed}")
        deadline = time.monotonic() + TIMEOUT
        while self.pid is None or not self.round.acks:
            if self.round.exit_code is not None:
                raise RunFailed(f"round {seed}: the writer ended before writing: "
                                f"{self.round.problems}\n{server.stderr()}")
            self._take(self._next(deadline))

    def _next(self, deadline: float) -> str:
        line = self.server.lines.next(deadline)
        if line is None:
            raise RunFailed(f"round {self.round.seed}: the writer said nothing for "
                            f"{TIMEOUT:.0f} s\n{self.server.stderr()}")
        return line

    def _take(self, line: str) -> None:
        kind, _, rest = line.partition(" ")
        if kind == "ACK":
            self.round.acks.append(Ack.parse(rest))
        elif kind in ("REFUSED", "WITHHELD"):  # refused, or a confidential case withheld
            self.round.refused += 1
        elif kind == "CONFLICT":
            self.round.conflicts += 1
        elif kind == "PID":
            self.pid = self.server.child_pid = int(rest)
        elif kind == "GO":
            pass
        elif kind == "EXIT":
            self.round.exit_code = int(rest.split()[1])
            self.server.child_pid = None
        else:  # ERROR, or anything the protocol does not have
            self.round.problems.append(f"round {self.round.seed}: {line}")

    def run_for(self, seconds: float) -> None:
        """Let the child write for ``seconds``, taking what it says."""
        deadline = time.monotonic() + seconds
        while self.round.exit_code is None:
            line = self.server.lines.next(deadline)
            if line is None:
                return
            self._take(line)

    def freeze(self) -> None:
        """SIGSTOP the child and take every line it wrote before it stopped."""
        assert self.pid is not None
        os.kill(self.pid, signal.SIGSTOP)
        deadline = time.monotonic() + TIMEOUT
        while not _stopped(self.pid):
            if time.monotonic() > deadline:
                raise RunFailed(f"round {self.round.seed}: the writer did not stop")
            time.sleep(0.001)  # waiting for the kernel to stop it, not for a race to settle
        for line in self.server.lines.written():
            self._take(line)

    def thaw(self) -> None:
        assert self.pid is not None
        os.kill(self.pid, signal.SIGCONT)

    def kill(self) -> Round:
        """SIGKILL the child (if it still runs) and take what it said until it was reaped."""
        assert self.pid is not None
        if self.round.exit_code is None:
            os.kill(self.pid, signal.SIGKILL)
        deadline = time.monotonic() + TIMEOUT
        while self.round.exit_code is None:
            self._take(self._next(deadline))
        if self.round.exit_code != -signal.SIGKILL:
            self.round.problems.append(f"round {self.round.seed}: the writer ended with "
                                       f"{self.round.exit_code}, not by the kill")
        return self.round


def _stopped(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2] in "tT"


def _run_ms(rng: random.Random) -> float:
    return rng.uniform(*RUN_MS) / 1000


# -- kill -9 ------------------------------------------------------------------------------

@dataclass
class KillReport:
    rounds: list[Round] = field(default_factory=list)
    lost: list[Ack] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the rounds' and the checks'

    @property
    def acks(self) -> list[Ack]:
        return [a for r in self.rounds for a in r.acks]

    @property
    def refused(self) -> int:
        return sum(r.refused for r in self.rounds)

    @property
    def conflicts(self) -> int:
        return sum(r.conflicts for r in self.rounds)


def kill_loop(url: str, rounds: int, seed: int, workdir: Path) -> KillReport:
    """``rounds`` times: a writer child on the court at ``url`` writes for a random 20-300
    ms after its first acknowledged action and is killed with SIGKILL; each round goes on
    from where the last left the court. Then: every acknowledged action must be in the log,
    the log must verify, and the projections must equal a rebuild."""
    rng = random.Random(seed)
    report = KillReport()
    with WriterServer(url, workdir) as server:
        for n in range(rounds):
            child = server.child(seed * 100_000 + n)
            child.run_for(_run_ms(rng))
            report.rounds.append(child.kill())
    for r in report.rounds:
        report.problems += r.problems
    report.lost = checks.lost(url, report.acks)
    report.problems += [f"lost: {a}" for a in report.lost]
    report.problems += checks.consistent(url)
    return report


# -- power cuts and torn WALs -------------------------------------------------------------

@dataclass
class Copy:
    """The database files copied while the writer was frozen, and the actions it had
    acknowledged by then."""

    folder: Path
    acks: list[Ack]
    torn: Path | None = None
    tear: Tear | None = None

    @property
    def url(self) -> str:
        return f"sqlite:///{self.folder / 'sop.db'}"


@dataclass
class PowerCutReport:
    copies: list[Copy] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    lost: list[Ack] = field(default_factory=list)  # acknowledged before a stop, not in its copy
    verified: int = 0  # copies that pass every check
    torn_verified: int = 0
    torn_events_dropped: int = 0  # events of the copies that their torn copies do not have
    torn_acks_dropped: int = 0  # acknowledged actions the tears took away (allowed)
    problems: list[str] = field(default_factory=list)

    @property
    def torn(self) -> list[Copy]:
        return [c for c in self.copies if c.torn is not None]

    @property
    def acks(self) -> int:
        return sum(len(c.acks) for c in self.copies)


def _copy_files(db: Path, folder: Path) -> None:
    folder.mkdir(parents=True)
    for suffix in ("", "-wal", "-shm"):
        found = db.with_name(db.name + suffix)
        if found.exists():
            shutil.copyfile(found, folder / f"sop.db{suffix}")


def power_cuts(db: Path, copies: int, torn: int, seed: int, workdir: Path,
               per_writer: int = 10) -> PowerCutReport:
    """While a writer child works on the SQLite court ``db``, freeze it (SIGSTOP) at random
    moments and copy the database with its -wal and -shm, as a power cut would leave the
    disk; ``torn`` of the copies get a twin whose WAL is then torn (:func:`checks.tear_wal`).
    A child is killed after ``per_writer`` copies and the next one goes on.

    Each copy, opened by the product, must verify, hold every action acknowledged before
    its stop and have projections equal to a rebuild. A torn twin must verify and have
    consistent projections, and its log must be a part of its copy's (a tear drops the
    newest transactions whole); it may miss acknowledged actions: the tear stands for frames
    a disk lost."""
    rng = random.Random(seed)
    report = PowerCutReport()
    tearing = set(rng.sample(range(copies), min(torn, copies)))
    url = f"sqlite:///{db}"
    with WriterServer(url, workdir) as server:
        n = 0
        while n < copies:
            child = server.child(seed * 100_000 + len(report.rounds))
            for _ in range(min(per_writer, copies - n)):
                child.run_for(_run_ms(rng))
                if child.round.exit_code is not None:
                    break
                child.freeze()
                copy = Copy(workdir / f"copy{n:03d}", list(child.round.acks))
                _copy_files(db, copy.folder)
                child.thaw()
                if n in tearing:
                    copy.torn = workdir / f"torn{n:03d}"
                    shutil.copytree(copy.folder, copy.torn)
                    copy.tear = checks.tear_wal(copy.torn, rng)
                report.copies.append(copy)
                n += 1
            report.rounds.append(child.kill())
            if child.round.problems:
                break
    for r in report.rounds:
        report.problems += r.problems
    for copy in report.copies:
        _check_copy(copy, report)
    return report


def _check_copy(copy: Copy, report: PowerCutReport) -> None:
    where = copy.folder.name
    problems = [f"{where}: {p}" for p in checks.consistent(copy.url)]
    lost = checks.lost(copy.url, copy.acks)
    report.lost += lost
    problems += [f"{where}: lost {a}" for a in lost]
    report.verified += not problems
    report.problems += problems
    if copy.torn is None:
        return
    torn_url = f"sqlite:///{copy.torn / 'sop.db'}"
    where = f"{copy.torn.name} ({copy.tear})"
    problems = [f"{where}: {p}" for p in checks.consistent(torn_url)]
    whole, left = checks.log_heads(copy.url), checks.log_heads(torn_url)
    problems += [f"{where}: event {key} is not the copy's" for key, hash_ in left.items()
                 if whole.get(key) != hash_][:3]
    report.torn_events_dropped += len(whole) - len(left)
    report.torn_acks_dropped += len(checks.lost(torn_url, copy.acks))
    report.torn_verified += not problems
    report.problems += problems


# -- racers -------------------------------------------------------------------------------

class Racers:
    """``barrier_sop.py --racers N`` on the court at ``url``: N processes that run each
    command at the same moment."""

    def __init__(self, n: int, url: str, cwd: Path) -> None:
        self.n = n
        self.proc = subprocess.Popen(
            [sys.executable, str(BARRIER), "--racers", str(n)], cwd=cwd,
            env=_environment({"SOP_DATABASE_URL": url}), text=True, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self.proc.stdout is not None
        said = self.proc.stdout.readline()
        if said != "ready\n":
            self.close()
            raise RunFailed(f"the racers did not start: {said!r}")

    def race(self, args: list[str]) -> list[dict[str, Any]]:
        """Release every racer with ``sop ARGS`` at once: each one's code, out and err."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(args) + "\n")
        self.proc.stdin.flush()
        results = []
        for _ in range(self.n):
            said = self.proc.stdout.readline()
            if not said:
                raise RunFailed(f"the racers died (exit {self.proc.wait()})")
            results.append(json.loads(said))
        return results

    def close(self) -> None:
        _end(self.proc)

    def __enter__(self) -> Racers:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


RACE_SOP = "pendaftaran-gugatan-ptsp"


@dataclass
class RaceReport:
    winners: list[int] = field(default_factory=list)  # per round
    # the losers: those whose write met the winner's (they had read the case before it
    # committed: the unique (case, seq) key or SQLite's lock turned them away), and those
    # who read the case after it and found the step done
    collided: int = 0
    found_done: int = 0
    raced: list[tuple[str, str]] = field(default_factory=list)  # (case, step) per round
    problems: list[str] = field(default_factory=list)


def race_rounds(url: str, rounds: int, racers: int, cwd: Path) -> RaceReport:
    """``rounds`` times, ``racers`` processes complete the same open step of the same case
    at the same moment through the CLI (the steps of one route in turn, a new case when it
    ends). Each round exactly one must win and the others be told the case changed (exit 3,
    "muat ulang"; after the last step, that the case is closed); afterwards each raced step
    is done once in the log, and the log verifies."""
    report = RaceReport()
    route = list(routes()[RACE_SOP].values())
    env = {"SOP_DATABASE_URL": url}
    case, k = "", len(route)
    with Racers(racers, url, cwd) as team:
        for n in range(rounds):
            if k == len(route):
                r = sop("start", RACE_SOP, "--as", str(route[0]["oleh"]), "--json",
                               env=env)
                if r.returncode != 0:
                    report.problems.append(f"sop start: exit {r.returncode}: {r.stderr}")
                    return report
                case, k = json.loads(r.stdout)["case_id"], 0
            step = route[k]
            args = ["complete", case, str(step["langkah"]), "--as", str(step["oleh"])]
            args += [f"--output={key}={value}" for key, value in (step.get("nilai") or {}).items()]
            if step.get("keputusan") is not None:
                args += ["--decision", str(step["keputusan"])]
            results = team.race(args)
            codes = [r["code"] for r in results]
            report.winners.append(codes.count(0))
            report.raced.append((case, str(step["langkah"])))
            if sorted(codes) != [0] + [3] * (racers - 1):
                report.problems.append(f"round {n} ({case} step {step['langkah']}): exit codes "
                                       f"{codes}: {[r['err'] for r in results if r['code']]}")
            report.problems += [f"round {n}: a loser was not told the case changed: {r['err']!r}"
                                for r in results if r["code"] == 3 and not _moved_on(r["err"])]
            report.problems += [f"round {n}: a traceback" for r in results
                                if "Traceback" in r["out"] + r["err"]]
            losers = [r["err"] for r in results if r["code"] == 3]
            report.collided += sum("diubah oleh orang lain" in err for err in losers)
            report.found_done += sum("sudah selesai" in err for err in losers)
            k += 1
    _check_races(url, report)
    return report


def _moved_on(said: str) -> bool:
    """Whether ``said`` tells a clerk the case changed: reload (or, after the step that
    ended it, that the case is closed)."""
    return "muat ulang" in said or "tidak ada yang dapat diubah" in said


def _check_races(url: str, report: RaceReport) -> None:
    env = {"SOP_DATABASE_URL": url}
    logs: dict[str, list[dict[str, Any]]] = {}
    for case, node in report.raced:
        if case not in logs:
            r = sop("log", case, "--json", env=env)
            logs[case] = json.loads(r.stdout) if r.returncode == 0 else []
        done = [e for e in logs[case] if e["type"] == "step_completed"
                and str(e["payload"]["node"]) == node]
        if len(done) != 1:
            report.problems.append(f"{case} step {node}: done {len(done)} times in the log")
    verified = checks.verify(url)
    if not verified.ok:
        report.problems.append(verified.detail)
