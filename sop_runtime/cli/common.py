"""Shared pieces of the CLI: consoles, exit codes, definitions folder, JSON output."""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from enum import IntEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, TextIO, cast

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
    """Exit codes scripts can rely on (also in docs/user-guide.md)."""

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


def person(rt: Runtime, username: str) -> str:
    """A staff member by name, as the court file gives it (never the username)."""
    from sop_runtime.service.letterhead import staff_names

    return staff_names(rt).user(username)


def say(message: str, *, stderr: bool = False) -> None:
    """Print a message (rich markup) as one line, not wrapped at the terminal's width."""
    Console(stderr=stderr, highlight=False, soft_wrap=True).print(message)


def say_next(code: str | None) -> None:
    """Under a page of a list: where the next page starts (nothing on the last page)."""
    if code is not None:
        say(tr("Ada lagi. Halaman berikutnya: --lanjut {c}", "There are more. Next page: "
               "--lanjut {c}", c=code))


# The optional extras of the package (pyproject.toml) and the modules each brings.
EXTRAS = {
    "web": ("fastapi", "uvicorn", "jinja2", "multipart"),
    "pdf": ("weasyprint",),
    "prefect": ("prefect",),
}


def require_extra(extra: str) -> None:
    """Exit 2 naming the extra to install when a module it brings is not installed (looked
    up, not imported: a module that is there but fails to load says so itself)."""
    import importlib.util

    for module in EXTRAS[extra]:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            fail(tr("paket tambahan '{x}' belum terpasang (modul {m} tidak ada): "
                    "pip install 'sop-runtime[{x}]'",
                    "the extra '{x}' is not installed (no module {m}): "
                    "pip install 'sop-runtime[{x}]'", x=extra, m=module), Exit.USAGE)


def definitions_dir() -> Path:
    return Path(os.environ.get("SOP_DEFINITIONS", "definitions"))


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def cannot_write(path: Path, exc: OSError) -> NoReturn:
    """Exit 2: ``path`` (an output file or folder the user named) cannot be written."""
    why = (tr("pipa itu tidak dibaca siapa pun", "nobody reads that pipe")
           if exc.errno == errno.ENXIO else exc.strerror or exc)
    fail(tr("tidak dapat menulis {f}: {e}", "cannot write {f}: {e}", f=path, e=why),
         Exit.USAGE)


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


@contextmanager
def whole_file(path: Path) -> Iterator[TextIO]:
    """A text file (UTF-8) to write ``path`` through, as :func:`_whole` says."""
    with _whole(path, binary=False) as out:
        yield cast(TextIO, out)


@contextmanager
def _whole(path: Path, *, binary: bool) -> Iterator[IO[Any]]:
    """A file to write ``path`` through, whole or not at all: written as ``path.part`` and
    renamed over ``path`` once complete (removed on failure). A path that exists and is not
    a regular file (``/dev/stdout``, a named pipe, a device) is written in place, never
    replaced (a pipe nobody reads: refused at once)."""
    output_files(path)
    from sop_runtime.files import open_in_place

    special = path.exists() and not path.is_file()
    target = path if special else path.with_name(path.name + ".part")
    try:
        if special:
            opened = open_in_place(path, binary=binary)
        else:
            opened = target.open("wb") if binary else target.open(
                "w", encoding="utf-8", newline="")
        with opened as out:
            yield out
        if not special:
            target.replace(path)
    except OSError as exc:
        if not special:
            with suppress(OSError):  # its folder may be what cannot be written
                target.unlink(missing_ok=True)
        cannot_write(path, exc)
    except BaseException:
        if not special:
            with suppress(OSError):
                target.unlink(missing_ok=True)
        raise


def write_whole(path: Path, data: str | bytes) -> None:
    """Write ``data`` to the file ``path`` whole or not at all (:func:`_whole`)."""
    with _whole(path, binary=isinstance(data, bytes)) as out:
        out.write(data)


def fail(message: str, code: Exit = Exit.PROBLEMS) -> NoReturn:
    err_console().print(f"[bold red]{tr('galat', 'error')}:[/] {escape(message)}",
                        soft_wrap=True)
    raise SystemExit(int(code))
