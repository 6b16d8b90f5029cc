"""The ``sop`` command: typer app, global options, and the no-traceback guarantee."""

from __future__ import annotations

import os
import sys
from functools import cache
from typing import Annotated

import click
import typer
import typer.main

from sop_runtime import __version__
from sop_runtime.cli import (
    audit,
    backup,
    cases,
    conformance,
    contacts,
    definitions,
    demo,
    identity,
    migration,
    monev,
    orchestrate,
    people,
    poster,
    receipt,
    report,
    seals,
    skm,
    sopdiff,
    supervise,
    versions,
    web,
    witness,
)
from sop_runtime.cli.common import Exit, close_runtimes, fail
from sop_runtime.errors import DefinitionError, SopRuntimeError, kind_of
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
app.command("diff")(sopdiff.diff)
app.command("load")(versions.load)
app.command("versions")(versions.versions)
app.command("approve")(versions.approve)

app.command("init")(people.init)
app.command("users")(people.users)
app.command("journal")(people.journal)
app.command("start")(cases.start)
app.command("tasks")(cases.tasks)
app.command("claim")(cases.claim)
app.command("complete")(cases.complete)
app.command("extend")(cases.extend)
app.command("case")(cases.case)
app.command("cases")(identity.find)
app.command("pihak")(identity.pihak)
app.command("nomor-perkara")(identity.nomor_perkara)
app.command("tanda-terima")(receipt.reissue)
app.command("poster")(poster.poster)
app.command("delegate")(people.delegate)
app.add_typer(supervise.override, name="override")
app.command("migrate")(migration.migrate)
app.command("sweep")(supervise.sweep)
app.command("overdue")(supervise.overdue)
app.command("deviations")(supervise.deviations)
app.command("log")(audit.log)
app.command("verify")(audit.verify)
app.command("export")(audit.export)
app.command("rebuild")(audit.rebuild)
app.command("demo")(demo.demo)
app.add_typer(seals.seal_app, name="seal")
app.add_typer(witness.witness_app, name="saksi")
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
app.add_typer(report.report_app, name="report")
app.command("monev")(monev.monev)
app.add_typer(skm.skm_app, name="skm")
app.command("conformance")(conformance.conformance)
app.add_typer(orchestrate.orchestrate_app, name="orchestrate")
app.command("serve")(web.serve)
app.command("password")(web.password)
app.add_typer(web.token_app, name="token")
app.add_typer(contacts.kontak_app, name="kontak")


def exit_code(exc: SopRuntimeError) -> Exit:
    """The exit code for an error the product raised on purpose."""
    return {"refused": Exit.REFUSED, "conflict": Exit.CONFLICT, "not_found": Exit.NOT_FOUND,
            "bad_input": Exit.USAGE}.get(kind_of(exc), Exit.PROBLEMS)


def run(argv: list[str] | None = None) -> int:
    """Run ``sop`` with ``argv`` (default: the command line) and return its exit code;
    errors are reported in one clear line, never a traceback."""
    try:
        return _run(argv)
    finally:
        close_runtimes()


def _bad_argument(argv: list[str]) -> str | None:
    """Why an argument cannot be taken (a NUL or another control character: PostgreSQL
    cannot store a NUL, and no command means one), naming its option; None if none."""
    from sop_runtime.textcheck import control_problem

    for i, arg in enumerate(argv):
        problem = control_problem(arg)
        if problem is None:
            continue
        option, sep, _ = arg.partition("=")
        if arg.startswith("-") and sep:
            name = option
        elif i and argv[i - 1].startswith("-"):
            name = argv[i - 1]
        else:
            name = tr("argumen ke-{n}", "argument {n}", n=i + 1)
        return f"{name}: {problem}"
    return None


def _run(argv: list[str] | None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    bad = _bad_argument(arguments)
    if bad is not None:
        return _failed(bad, Exit.USAGE)
    try:
        _command()(args=argv, standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except DefinitionError as exc:
        for p in exc.problems:
            sys.stdout.write(p.format() + "\n")
        return int(Exit.PROBLEMS)
    except SopRuntimeError as exc:
        return _failed(str(exc), exit_code(exc))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one clear line, the traceback only on request
        if os.environ.get("SOP_DEBUG"):
            raise
        from sop_runtime.engine.state import InvalidTransition

        if isinstance(exc, InvalidTransition):
            return _failed(tr(
                "log perkara tidak konsisten ({e}); jalankan 'sop verify'",
                "the case's log is inconsistent ({e}); run 'sop verify'", e=exc), Exit.PROBLEMS)
        return _failed(tr(
            "kesalahan internal ({t}: {e}); jalankan lagi dengan SOP_DEBUG=1 dan laporkan",
            "internal error ({t}: {e}); run again with SOP_DEBUG=1 and report it",
            t=type(exc).__name__, e=exc), Exit.INTERNAL)
    return int(Exit.OK)


@cache
def _command() -> click.Command:
    """The click command typer builds from ``app``: once per process (building it is a tenth
    of a second, and a process that runs the CLI more than once, the demo day or the
    tests, would pay it for every command)."""
    return typer.main.get_command(app)


def _failed(message: str, code: Exit) -> int:
    try:
        fail(message, code)
    except SystemExit as exc:
        return int(exc.code or 0)


def main() -> None:
    raise SystemExit(run())
