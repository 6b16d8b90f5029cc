"""``sop demo``: set up PN Sanana and play its working day through the real commands.

The day runs on a simulated clock (the court's time on ``DAY``) so it reads like a day at
the desk: every command is the same one a clerk would type, with the same rules, the same
log and the same checks; only the clock is the story's.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from contextlib import redirect_stdout
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.markup import escape
from rich.rule import Rule

from sop_runtime.definition.loader import load_court
from sop_runtime.demo.day import DAY, SCRIPT, Act
from sop_runtime.errors import DefinitionError
from sop_runtime.i18n import tr

Runner = Callable[[list[str]], int]


class DemoFailed(Exception):
    pass


def _court_tz(definitions: Path) -> ZoneInfo:
    """The court's zone, read as every YAML file is; a court file that cannot be read is
    reported by ``sop init``, the day's first command."""
    try:
        return ZoneInfo(load_court(definitions / "court.yaml").model.pengadilan.zona_waktu)
    except DefinitionError:
        return ZoneInfo("Asia/Jakarta")


def play(definitions: Path, run: Runner, set_clock: Callable[[datetime], None],
         out: Console) -> None:
    """Play the day; raises DemoFailed when a command does not end as the story says."""
    tz = _court_tz(definitions)
    day = date.fromisoformat(DAY)
    set_clock(datetime.combine(day, time(7, 30), tz))
    out.print(Rule(tr("Menyiapkan PN Sanana", "Setting up PN Sanana")))
    _expect(run(["init", "--definitions", str(definitions)]), 0, "init")
    starts = [a for a in SCRIPT if a.args[0] == "start"]
    ids: dict[str, str] = {}
    out.print(Rule(tr("Selasa, 24 November 2026", "Tuesday, 24 November 2026")))
    for item in sorted(SCRIPT, key=lambda a: a.time):
        hh, mm = (int(x) for x in item.time.split(":"))
        set_clock(datetime.combine(day, time(hh, mm), tz))
        args = _files_present([_fill(a, ids) for a in item.args])
        out.print()
        line = escape(" ".join(_quote(a) for a in args))
        out.print(f"[bold cyan]{item.time}[/]  [bold]$ sop {line}[/]")
        if item.note:
            out.print(f"       [italic]{escape(tr(*item.note))}[/]")
        if item in starts:
            buffer = io.StringIO()
            with redirect_stdout(buffer):
                code = run([*args, "--json"])
            _expect(code, item.expect, " ".join(args))
            case_id = json.loads(buffer.getvalue())["case_id"]
            ids[f"{{C{starts.index(item) + 1}}}"] = case_id
            out.print(tr("Perkara dimulai: {c}", "Case started: {c}", c=case_id))
            continue
        _expect(run(args), item.expect, " ".join(args))


def _files_present(args: list[str]) -> list[str]:
    """``--berkas ITEM=PATH`` as it is, or, where PATH is not there (the demo run outside
    the project's folder), ``--output ITEM=<the file's name>``: the item noted, not filed."""
    out = list(args)
    for i, arg in enumerate(out[:-1]):
        item, _, path = out[i + 1].partition("=")
        if arg == "--berkas" and not Path(path).is_file():
            out[i], out[i + 1] = "--output", f"{item}={Path(path).name}"
    return out


def _fill(arg: str, ids: dict[str, str]) -> str:
    for key, value in ids.items():
        arg = arg.replace(key, value)
    return arg


def _quote(arg: str) -> str:
    return f'"{arg}"' if (" " in arg or not arg) else arg


def _expect(code: int, expected: int, what: str) -> None:
    if code != expected:
        raise DemoFailed(tr("'{what}' berakhir dengan kode {code}, seharusnya {exp}",
                            "'{what}' ended with exit code {code}, expected {exp}",
                            what=what, code=code, exp=expected))


__all__ = ["Act", "DemoFailed", "play"]
