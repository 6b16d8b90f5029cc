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
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.markup import escape
from rich.rule import Rule

from sop_runtime.definition.loader import load_court
from sop_runtime.demo.day import (
    DAY,
    NEXT,
    NEXT_DAY,
    REVISED_SOP,
    REVISING,
    REVISION,
    SCRIPT,
    Act,
)
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
         out: Console, folder: Path = Path("out")) -> None:
    """Play the days; raises DemoFailed when a command does not end as the story says.
    What the day prints for people (the applicant's receipt) is written into ``folder``."""
    tz = _court_tz(definitions)
    set_clock(datetime.combine(date.fromisoformat(DAY), time(7, 30), tz))
    out.print(Rule(tr("Menyiapkan PN Sanana", "Setting up PN Sanana")))
    _expect(run(["init", "--definitions", str(definitions)]), 0, "init")
    revision = definitions.parent / REVISION
    revising = revision.is_file()
    script = SCRIPT + REVISING if revising else SCRIPT
    days = [(DAY, tr("Selasa, 24 November 2026", "Tuesday, 24 November 2026"), script)]
    if revising:
        days.append((NEXT_DAY, tr("Rabu, 25 November 2026", "Wednesday, 25 November 2026"),
                     NEXT))
    starts = [a for _, _, acts in days for a in acts if a.args[0] == "start"]
    ids: dict[str, str] = {"{REVISI}": str(revision), "{OUT}": str(folder)}
    for day_text, title, acts in days:
        day = date.fromisoformat(day_text)
        out.print(Rule(title))
        for item in sorted(acts, key=lambda a: a.time):
            hh, mm = (int(x) for x in item.time.split(":"))
            set_clock(datetime.combine(day, time(hh, mm), tz))
            _play_one(item, run, out, ids, starts)
    if not revising:
        out.print(tr("(Revisi SOP {f} tidak ada di folder ini: bagian revisi dilewati.)",
                     "(The SOP revision {f} is not in this folder: the revision part is "
                     "skipped.)", f=revision))


def _play_one(item: Act, run: Runner, out: Console, ids: dict[str, str],
              starts: list[Act]) -> None:
    args = _files_present([_fill(a, ids) for a in item.args])
    receipt = _receipt_made(args)
    out.print()
    line = escape(" ".join(_quote(a) for a in args))
    out.print(f"[bold cyan]{item.time}[/]  [bold]$ sop {line}[/]")
    if item.note:
        out.print(f"       [italic]{escape(tr(*item.note))}[/]")
    if item in starts:
        case_id = _json_of(run, [*args, "--json"], item)["case_id"]
        ids[f"{{C{starts.index(item) + 1}}}"] = case_id
        out.print(tr("Perkara dimulai: {c}", "Case started: {c}", c=case_id))
        if receipt is not None:
            out.print(tr("Tanda terima pemohon: {f}", "The applicant's receipt: {f}",
                         f=receipt))
        return
    _expect(run(args), item.expect, " ".join(args))
    if item.args[0] == "load":  # the versions the later commands name
        found = _json_of(run, ["versions", REVISED_SOP, "--json"], item)
        ids["{V_LAMA}"] = next(v["version"] for v in found if v["status"] == "berlaku")[:8]
        ids["{V_BARU}"] = next(v["version"] for v in found if v["status"] == "draf")[:8]


def _json_of(run: Runner, args: list[str], item: Act) -> Any:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = run(args)
    _expect(code, item.expect, " ".join(args))
    return json.loads(buffer.getvalue())


def _files_present(args: list[str]) -> list[str]:
    """``--berkas ITEM=PATH`` as it is, or, where PATH is not there (the demo run outside
    the project's folder), ``--output ITEM=<the file's name>``: the item noted, not filed."""
    out = list(args)
    for i, arg in enumerate(out[:-1]):
        item, _, path = out[i + 1].partition("=")
        if arg == "--berkas" and not Path(path).is_file():
            out[i], out[i + 1] = "--output", f"{item}={Path(path).name}"
    return out


def _receipt_made(args: list[str]) -> str | None:
    """The receipt file a start writes (``--tanda-terima FILE``); where PDF cannot be made
    (the pdf extra not installed), the option is taken out of ``args`` and None returned."""
    import importlib.util

    if "--tanda-terima" not in args:
        return None
    at = args.index("--tanda-terima")
    try:
        present = importlib.util.find_spec("weasyprint") is not None
    except (ImportError, ValueError):
        present = False
    if not present:
        del args[at:at + 2]
        return None
    return args[at + 1]


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
