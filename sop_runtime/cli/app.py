"""The ``sop`` command: typer app, global options, and the no-traceback guarantee."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from sop_runtime import __version__
from sop_runtime.cli import definitions
from sop_runtime.cli.common import Exit, fail
from sop_runtime.errors import DefinitionError, NotFoundError, SopRuntimeError
from sop_runtime.i18n import set_lang, tr

app = typer.Typer(
    name="sop",
    help="sop-runtime: SOP pengadilan yang dapat dijalankan / executable court SOPs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"sop-runtime {__version__}\n")
        raise typer.Exit()


@app.callback()
def _global(
    lang: Annotated[str | None, typer.Option(
        "--lang", help="Bahasa / language: id | en (bawaan/default: SOP_LANG atau id)")] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Versi / version")] = False,
) -> None:
    set_lang(lang)


app.command("validate")(definitions.validate)
app.command("list")(definitions.list_sops)
app.command("show")(definitions.show)
app.command("render")(definitions.render)
app.command("publish")(definitions.publish)


def main() -> None:
    try:
        app(standalone_mode=True)
    except DefinitionError as exc:
        for p in exc.problems:
            sys.stdout.write(p.format() + "\n")
        raise SystemExit(int(Exit.PROBLEMS)) from None
    except NotFoundError as exc:
        fail(str(exc), Exit.NOT_FOUND)
    except SopRuntimeError as exc:
        fail(str(exc), Exit.PROBLEMS)
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:  # a bug: one clear line, the traceback only on request
        if os.environ.get("SOP_DEBUG"):
            raise
        fail(tr("kesalahan internal ({t}: {e}); jalankan lagi dengan SOP_DEBUG=1 dan laporkan",
                "internal error ({t}: {e}); run again with SOP_DEBUG=1 and report it",
                t=type(exc).__name__, e=exc), Exit.INTERNAL)
