"""Run one ``sop`` command after a barrier: import everything the command needs, say
``ready`` on stdout, wait for one byte on stdin, then run the real CLI entry point.

The concurrency tests start several of these and release them all at once, so their
commands hit the database together (no sleeps).

``--racers N`` serves races repeated many times, without starting N processes each time
(or importing everything N times): it forks N racer processes, says ``ready``, and for each
line on stdin (a command's arguments as a JSON list) hands the line to every racer back to
back (each is blocked reading its own pipe, so they start together), then prints each
racer's outcome as one JSON line (``code``, ``out``, ``err``), in racer order. An empty
line or the end of stdin ends them all.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from typing import IO

import sop_runtime.cli.event_text
import sop_runtime.service.cases
import sop_runtime.service.views  # noqa: F401  (warm: the command then starts at once)
from sop_runtime.cli.app import run


def _racer(commands: IO[str], answers: IO[str]) -> int:
    for line in iter(commands.readline, ""):
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        with redirect_stdout(out), redirect_stderr(err):
            code = run(json.loads(line))
        answers.write(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue(),
                                  "seconds": time.perf_counter() - started}) + "\n")
        answers.flush()
    return 0


def _quietly(args: list[str]) -> int:
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        return run(args)


def racers(n: int) -> int:
    # a command that only reads, once, before forking: what every command imports on first
    # use (the court's calendar, the database driver) is then imported once, not per racer;
    # its connections are closed when it returns
    _quietly(["overdue", "--json"])
    team: list[tuple[int, IO[str], IO[str]]] = []  # (pid, its commands, its answers)
    for _ in range(n):
        command_r, command_w = os.pipe()
        answer_r, answer_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(command_w)
            os.close(answer_r)
            for _, commands, answers in team:  # the earlier racers' pipes are theirs
                commands.close()
                answers.close()
            code = 1
            try:
                code = _racer(os.fdopen(command_r), os.fdopen(answer_w, "w"))
            finally:
                os._exit(code)
        os.close(command_r)
        os.close(answer_w)
        team.append((pid, os.fdopen(command_w, "w"), os.fdopen(answer_r)))
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for line in iter(sys.stdin.readline, ""):
        if not line.strip():
            break
        for _, commands, _ in team:  # the barrier: each racer waits for its line
            commands.write(line)
            commands.flush()
        for _, _, answers in team:
            sys.stdout.write(answers.readline() or '{"code": null, "out": "", "err": "died"}\n')
        sys.stdout.flush()
    failed = 0
    for pid, commands, answers in team:
        commands.close()
        answers.close()
        failed += os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--racers"]:
        raise SystemExit(racers(int(sys.argv[2])))
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    if sys.stdin.read(1) != "g":
        raise SystemExit(99)
    raise SystemExit(run(sys.argv[1:]))
