"""Shared pieces of the CLI: consoles, exit codes, definitions folder, JSON output."""

from __future__ import annotations

import json
import os
import sys
from contextlib import suppress
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from rich.console import Console
from rich.markup import escape

from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from sop_runtime.service.runtime import Clock, Runtime

_clock: Clock | None = None


def use_clock(clock: Clock | None) -> None:
    """Run the following commands on ``clock`` instead of the system clock (``sop demo``
    plays a simulated working day through the real commands)."""
    global _clock
    _clock = clock


_opened: list[Runtime] = []


def runtime() -> Runtime:
    """The database the commands act on (``SOP_DATABASE_URL``, or ``sop.db`` here)."""
    from sop_runtime.service.runtime import Runtime

    rt = Runtime.open(clock=_clock)
    _opened.append(rt)
    return rt


def close_runtimes() -> None:
    """Close the database connections the last command opened."""
    while _opened:
        _opened.pop().engine.dispose()


class Exit(IntEnum):
    """Exit codes scripts can rely on (also in the README)."""

    OK = 0
    PROBLEMS = 1      # definitions invalid, the log does not verify, an action not allowed
    NOT_FOUND = 2     # unknown SOP, file, case or user; bad usage
    USAGE = 2         # (alias) bad input: an impossible date, a decision that is no label
    CONFLICT = 3      # the case changed meanwhile (someone else acted): reload, try again
    REFUSED = 4       # the procedure refused the action; the attempt was recorded
    INTERNAL = 70     # a bug: please report it


def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def err_console() -> Console:
    return Console(stderr=True, highlight=False)


def table_console() -> Console:
    """For tables: the terminal's width, or ``COLUMNS``; piped, 200 columns rather than
    rich's 80, so case ids and times are not cut."""
    wide = not sys.stdout.isatty() and not os.environ.get("COLUMNS")
    return Console(highlight=False, soft_wrap=False, width=200 if wide else None)


def say(message: str, *, stderr: bool = False) -> None:
    """Print a message (rich markup) as one line, not wrapped at the terminal's width."""
    Console(stderr=stderr, highlight=False, soft_wrap=True).print(message)


def definitions_dir() -> Path:
    return Path(os.environ.get("SOP_DEFINITIONS", "definitions"))


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def cannot_write(path: Path, exc: OSError) -> NoReturn:
    """Exit 2: ``path`` (an output file or folder the user named) cannot be written."""
    fail(tr("tidak dapat menulis {f}: {e}", "cannot write {f}: {e}", f=path,
            e=exc.strerror or exc), Exit.USAGE)


def output_files(*paths: Path | None) -> None:
    """Check the files a command is to write before any work: exit 2 if one names a folder
    (or nothing) or its folder cannot be made, so the user is told at once."""
    for path in paths:
        if path is None:
            continue
        if not path.name or path.is_dir():
            fail(tr("{f} adalah folder, bukan berkas", "{f} is a folder, not a file",
                    f=str(path) or "''"), Exit.USAGE)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            cannot_write(path, exc)


def write_whole(path: Path, data: str | bytes) -> None:
    """Write ``data`` to the file ``path`` whole or not at all (through ``path.part``)."""
    output_files(path)
    partial = path.with_name(path.name + ".part")
    try:
        if isinstance(data, str):
            partial.write_text(data, encoding="utf-8")
        else:
            partial.write_bytes(data)
        partial.replace(path)
    except OSError as exc:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        cannot_write(path, exc)


def fail(message: str, code: Exit = Exit.PROBLEMS) -> NoReturn:
    err_console().print(f"[bold red]{tr('galat', 'error')}:[/] {escape(message)}",
                        soft_wrap=True)
    raise SystemExit(int(code))
