"""``sop migrate``: a supervisor moves running cases to another version of their SOP, with a
reason. One case (``sop migrate CASE --ke V``), or every running case of an SOP on one
version (``sop migrate --sop S --dari V1 --ke V2``), first as a dry run (``--coba``) that
lists what would happen to each case and writes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import Exit, fail, print_json, runtime, say, table_console
from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from datetime import tzinfo

    from sop_runtime.service.migration import BulkReport, Plan


def _mapping(pairs: list[str] | None) -> dict[str, str]:
    """``--peta OLD=NEW`` pairs as a mapping (exit 2 naming a malformed one)."""
    found: dict[str, str] = {}
    for pair in pairs or []:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            fail(tr("--peta '{p}' harus berbentuk LAMA=BARU (nomor langkah)",
                    "--peta '{p}' must read OLD=NEW (step numbers)", p=pair), Exit.USAGE)
        found[old.strip()] = new.strip()
    return found


def migrate(
    case: Annotated[str | None, typer.Argument(
        metavar="[CASE]", help="Nomor layanan; tanpa ini: semua perkara berjalan --sop pada "
        "--dari / service number; without it: every running case of --sop on --dari")] = None,
    to: Annotated[str, typer.Option(
        "--ke", metavar="VERSION", help="Versi tujuan (awal hash) / target version (hash "
        "prefix)")] = "",
    actor: opt.Supervisor = "",
    reason: opt.RequiredReason = "",
    peta: Annotated[list[str] | None, typer.Option(
        "--peta", metavar="OLD=NEW", help="Langkah lama ke langkah baru, bila nomornya "
        "berubah (boleh berulang) / old step to new step when its number changed "
        "(repeatable)")] = None,
    sop: Annotated[str | None, typer.Option(
        "--sop", metavar="SOP", help="Pindahkan semua perkara berjalan SOP ini / move every "
        "running case of this SOP")] = None,
    source: Annotated[str | None, typer.Option(
        "--dari", metavar="VERSION", help="Versi asal perkara yang dipindahkan (awal hash) / "
        "the version the cases run on (hash prefix)")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--coba", help="Hanya tampilkan apa yang akan terjadi; tidak ada yang dicatat / only "
        "show what would happen; nothing is recorded")] = False,
    at: opt.At = None,
    as_json: opt.Json = False,
) -> None:
    """Pindahkan perkara berjalan ke versi SOP lain / move running cases to another SOP
    version."""
    for value, option in ((to, "--ke"), (actor, "--as"), (reason, "--alasan")):
        if not value.strip():
            fail(tr("{o} wajib diisi", "{o} is required", o=option), Exit.USAGE)
    mapping = _mapping(peta)
    if case is not None:
        if sop is not None or source is not None or dry_run:
            fail(tr("untuk satu perkara: tanpa --sop, --dari dan --coba (uji dulu dengan "
                    "--sop ... --dari ... --coba)", "for one case: no --sop, --dari or --coba "
                    "(try first with --sop ... --dari ... --coba)"), Exit.USAGE)
        _one(case, to, actor, reason, mapping, at, as_json)
        return
    if sop is None or source is None:
        fail(tr("sebutkan CASE, atau --sop dan --dari untuk semua perkara berjalan",
                "name a CASE, or --sop and --dari for every running case"), Exit.USAGE)
    if at is not None:
        fail(tr("--at hanya untuk satu perkara", "--at is for one case only"), Exit.USAGE)
    _bulk(sop, source, to, actor, reason, mapping, dry_run, as_json)


def _one(case: str, to: str, actor: str, reason: str, mapping: dict[str, str],
         at: str | None, as_json: bool) -> None:
    from sop_runtime.cli.event_text import print_outcome, use_court
    from sop_runtime.cli.times import court_tz, parse_moment
    from sop_runtime.service import migration

    rt = runtime()
    use_court(rt)
    tz = court_tz(rt)
    out = migration.migrate(rt, case, to, by=actor, reason=reason, mapping=mapping,
                            at=None if at is None else parse_moment(at, tz))
    print_outcome(out, tz, as_json=as_json, headline=tr(
        "Perkara {c} dipindahkan ke versi {v}", "Case {c} moved to version {v}", c=case,
        v=out.state.version[:12]))


def _bulk(sop: str, source: str, to: str, actor: str, reason: str, mapping: dict[str, str],
          dry_run: bool, as_json: bool) -> None:
    from sop_runtime.cli.times import court_tz
    from sop_runtime.service import migration

    rt = runtime()
    tz = court_tz(rt)
    plan = migration.migrate_plan(rt, sop, source, to, mapping, by=actor, reason=reason)
    if dry_run:
        if as_json:
            print_json(_plan_json(plan, tz))
        else:
            _show_plan(plan, tz)
        return
    report = migration.migrate_all(rt, plan, by=actor, reason=reason, mapping=mapping)
    if as_json:
        print_json({"sop_id": plan.sop_id, "from": plan.source.version,
                    "to": plan.target.version, "moved": report.moved,
                    "refused": [{"case_id": c, "reason": r} for c, r in report.refused]})
    else:
        _show_report(plan, report, tz)
    if report.refused:
        raise SystemExit(int(Exit.REFUSED))


def _plan_json(plan: Plan, tz: tzinfo) -> dict[str, Any]:
    from sop_runtime.cli.times import iso

    return {
        "sop_id": plan.sop_id, "from": plan.source.version, "to": plan.target.version,
        "moved": plan.moved, "refused": plan.refused, "hidden": plan.hidden,
        "cases": [{
            "case_id": c.case_id, "applicant": c.applicant,
            "register_number": c.register_number, "moved": c.moved, "reason": c.refused,
            "deviations": c.flagged,
            "steps": [{"node": s.node, "kegiatan": s.kegiatan, "to_node": s.to_node,
                       "to_kegiatan": s.to_kegiatan, "due_at": iso(s.due_at, tz),
                       "was_due": iso(s.was_due, tz)} for s in c.steps],
        } for c in plan.cases]}


def _heading(plan: Plan, tz: tzinfo) -> str:
    from sop_runtime.wording import day_text

    return tr("[bold]{n}[/] ({s}): versi {a} ({da}) → versi {b} ({db})",
              "[bold]{n}[/] ({s}): version {a} ({da}) → version {b} ({db})",
              n=escape(plan.nama), s=escape(plan.sop_id), a=plan.source.version[:12],
              b=plan.target.version[:12], da=day_text(plan.source.loaded_at.astimezone(tz).date()),
              db=day_text(plan.target.loaded_at.astimezone(tz).date()))


def _show_plan(plan: Plan, tz: tzinfo) -> None:
    from rich.table import Table

    from sop_runtime.wording import moment_text

    out = table_console()
    out.print(tr("Coba dulu — tidak ada yang dicatat", "Dry run — nothing is recorded"))
    out.print(_heading(plan, tz))
    if not plan.cases:
        out.print(tr("Tidak ada perkara berjalan pada versi ini.",
                     "No running case on this version."))
    for c in plan.cases:
        who = " — ".join(x for x in (c.register_number, c.applicant) if x)
        title = f"{c.case_id}" + (f" ({who})" if who else "")
        if not c.moved:
            out.print(f"[bold]{escape(title)}[/]: [red]{tr('ditolak', 'refused')}[/] — "
                      f"{escape(c.refused or '')}")
            continue
        table = Table(title=escape(title), title_justify="left")
        for col in (tr("Langkah sekarang", "Step now"), tr("Menjadi", "Becomes"),
                    tr("Batas semula", "Due before"), tr("Batas baru", "New due")):
            table.add_column(col)
        for s in c.steps:
            table.add_row(escape(f"{s.node}. {s.kegiatan}"),
                          escape(f"{s.to_node}. {s.to_kegiatan}"),
                          moment_text(s.was_due, tz) if s.was_due else "—",
                          moment_text(s.due_at, tz) if s.due_at else "—")
        out.print(table)
        if c.flagged:
            out.print(tr("  {n} penyimpangan akan dicatat (batas lama sudah lewat)",
                         "  {n} deviations would be recorded (the old limit has passed)",
                         n=c.flagged))
    out.print(tr("{m} perkara akan dipindahkan, {r} ditolak{h}",
                 "{m} cases would move, {r} refused{h}", m=plan.moved, r=plan.refused,
                 h=tr("; {n} perkara rahasia tidak ditampilkan", "; {n} confidential cases "
                      "not shown", n=plan.hidden) if plan.hidden else ""))


def _show_report(plan: Plan, report: BulkReport, tz: tzinfo) -> None:
    say(_heading(plan, tz))
    for case_id in report.moved:
        say(tr("[green]✓[/] {c} dipindahkan", "[green]✓[/] {c} moved", c=case_id))
    for case_id, why in report.refused:
        say(tr("[red]✗[/] {c} ditolak: {r}", "[red]✗[/] {c} refused: {r}", c=case_id,
               r=escape(why)))
    say(tr("{m} perkara dipindahkan, {r} ditolak", "{m} cases moved, {r} refused",
           m=len(report.moved), r=len(report.refused)))
