"""Setting up and people: init, users, delegate (Plh/Plt)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import runtime
from sop_runtime.i18n import tr


def init(
    definitions: Annotated[Path | None, typer.Option(
        "--definitions", metavar="DIR",
        help="Folder definisi dan court.yaml (bawaan: SOP_DEFINITIONS atau definitions/) / "
             "definitions folder with court.yaml")] = None,
    as_json: opt.Json = False,
) -> None:
    """Siapkan basis data: skema, berkas pengadilan, pengguna dan SOP / set up the database."""
    from sop_runtime.cli.common import definitions_dir, print_json, say
    from sop_runtime.service import setup

    folder = definitions or definitions_dir()
    rt = runtime()
    report = setup.init(rt, folder)
    if as_json:
        print_json({"court": report.court, "roles": report.roles, "users": report.users,
                    "new_versions": report.new_versions, "unchanged": report.unchanged,
                    "drafts": report.drafts, "superseded": report.superseded,
                    "switched_off": report.switched_off})
        return
    say(tr("Pengadilan: [bold]{c}[/]", "Court: [bold]{c}[/]", c=report.court))
    say(tr("{r} peran, {u} pengguna", "{r} roles, {u} users", r=report.roles,
                 u=report.users))
    if report.new_versions:
        say(tr("SOP dengan versi baru ({n}): {s}", "SOPs with a new version ({n}): {s}",
                     n=len(report.new_versions), s=", ".join(report.new_versions)))
    if report.unchanged:
        say(tr("SOP tidak berubah ({n}): {s}", "SOPs unchanged ({n}): {s}",
                     n=len(report.unchanged), s=", ".join(report.unchanged)))
    if report.drafts:
        say(tr("Revisi menunggu pengesahan Ketua ({n}): {s}; lihat 'sop versions SOP', "
               "sahkan dengan 'sop approve SOP VERSI --as ...'",
               "Revisions awaiting the Ketua's approval ({n}): {s}; see 'sop versions SOP', "
               "approve with 'sop approve SOP VERSION --as ...'",
               n=len(report.drafts), s=", ".join(report.drafts)))
    if report.superseded:
        say(tr("Berkas SOP ini lebih lama dari versi yang disahkan; versi yang berlaku tetap "
               "({n}): {s}", "These SOP files are older than the approved version; the "
               "version in force stays ({n}): {s}", n=len(report.superseded),
               s=", ".join(report.superseded)))
    if report.switched_off:
        say(tr("Pengguna dinonaktifkan (tidak ada lagi di berkas pengadilan): {u}",
               "Users switched off (no longer in the court file): {u}",
               u=", ".join(report.switched_off)))


def users(
    as_json: opt.Json = False,
    at: Annotated[str | None, typer.Option(
        "--at", metavar="T",
        help="Siapa memegang peran apa pada saat itu, menurut jurnal direktori / who held "
             "which role at that moment, by the directory journal")] = None,
) -> None:
    """Daftar pengguna dan perannya / list users and their roles."""
    from sop_runtime.cli.common import print_json, table_console
    from sop_runtime.cli.times import court_tz
    from sop_runtime.service import journals, views

    rt = runtime()
    rows = views.users(rt)
    if at is not None:
        from dataclasses import replace

        from sop_runtime.cli.times import parse_moment

        moment = parse_moment(at, court_tz(rt), option="--at")
        held = journals.held_at(journals.entries(rt, "direktori"), moment)
        rows = [replace(u, roles=held.get(u.username, frozenset()),
                        active=u.username in held) for u in rows]
    if as_json:
        print_json([{"username": u.username, "nama": u.nama, "nip": u.nip,
                     "roles": sorted(u.roles), "active": u.active} for u in rows])
        return
    from rich.markup import escape
    from rich.table import Table

    from sop_runtime.service.letterhead import staff_names
    from sop_runtime.wording import moment_text

    who = staff_names(rt)
    table = Table(title=tr("Pengguna", "Users") if at is None else
                  tr("Pengguna pada {t}", "Users at {t}",
                     t=moment_text(moment, court_tz(rt))))
    for col in (tr("Nama pengguna", "Username"), tr("Nama", "Name"), "NIP",
                tr("Peran", "Roles")):
        table.add_column(col)
    for u in rows:
        table.add_row(u.username, escape(u.nama), u.nip or "-",
                      escape(", ".join(sorted(who.role(r) for r in u.roles))),
                      style=None if u.active else "dim")
    table_console().print(table)


def journal(
    name: Annotated[str, typer.Argument(
        metavar="JURNAL", help="direktori | definisi | akses | data_pribadi")],
    as_json: opt.Json = False,
) -> None:
    """Jurnal pengadilan: siapa memegang peran apa dan kapan, definisi yang berlaku, bacaan
    perkara rahasia / a court journal: who held which role when, the definitions in force,
    reads of confidential cases."""
    from sop_runtime.cli.common import Exit, fail, print_json, table_console
    from sop_runtime.cli.times import court_tz
    from sop_runtime.engine.events import utc_iso
    from sop_runtime.service import journals
    from sop_runtime.wording import moment_text

    if name not in journals.JOURNALS:
        fail(tr("jurnal '{j}' tidak ada; pilih salah satu: {k}",
                "no journal '{j}'; choose one of: {k}", j=name, k=", ".join(journals.JOURNALS)),
             Exit.USAGE)
    rt = runtime()
    found = journals.entries(rt, name)
    tz = court_tz(rt)
    if as_json:
        print_json([{"seq": e.seq, "type": e.type, "occurred_at": utc_iso(e.occurred_at),
                     "actor": e.actor, "payload": e.payload, "prev_hash": e.prev_hash,
                     "hash": e.hash} for e in found])
        return
    from rich.markup import escape
    from rich.table import Table

    from sop_runtime.service.letterhead import staff_names

    who = staff_names(rt)
    table = Table(title=tr("Jurnal {j}", "Journal {j}", j=name))
    for col in ("#", tr("Waktu", "When"), tr("Oleh", "By"), tr("Uraian", "What")):
        table.add_column(col)
    for e in found:
        table.add_row(str(e.seq), moment_text(e.occurred_at, tz),
                      escape(who.user(e.actor)) if e.actor else "-",
                      escape(journals.describe(e, lambda m: moment_text(m, tz), who.role)))
    table_console().print(table)


def delegate(
    actor: opt.Supervisor,
    to: Annotated[str, typer.Option("--to", metavar="USER",
                                    help="Yang ditunjuk / the delegate")],
    role: Annotated[str, typer.Option("--role", metavar="ROLE",
                                      help="Peran yang dilimpahkan / role delegated")],
    start: Annotated[str, typer.Option(
        "--from", metavar="T", help="Mulai (waktu setempat atau ISO-8601) / start")],
    until: Annotated[str, typer.Option(
        "--until", metavar="T",
        help="Sampai (tanggal saja: sampai akhir hari itu) / end (a date alone: to the end "
             "of that day)")],
    kind: Annotated[str, typer.Option("--kind", metavar="plh|plt", help="plh | plt")] = "plh",
    holder: Annotated[str | None, typer.Option(
        "--holder", metavar="USER", help="Pejabat yang digantikan / whose duties")] = None,
    reference: Annotated[str | None, typer.Option(
        "--reference", metavar="SP", help="Nomor surat perintah / warrant number")] = None,
    reason: opt.Reason = None,
    as_json: opt.Json = False,
) -> None:
    """Tunjuk Plh/Plt untuk suatu peran dan periode / name a Plh/Plt for a role and period."""
    from sop_runtime.cli.common import print_json, say
    from sop_runtime.cli.times import court_tz, iso, parse_moment
    from sop_runtime.service import people
    from sop_runtime.wording import moment_text

    rt = runtime()
    tz = court_tz(rt)
    begin = parse_moment(start, tz, option="--from")
    end = parse_moment(until, tz, option="--until", end_of_day=True)
    ident = people.delegate(rt, actor, to, role, start=begin, end=end, kind=kind,
                            holder=holder, reference=reference, reason=reason)
    if as_json:
        print_json({"id": ident, "delegate": to, "role": role, "kind": kind.lower(),
                    "start": iso(begin, tz), "end": iso(end, tz), "holder": holder,
                    "reference": reference, "reason": reason, "created_by": actor})
        return
    from rich.markup import escape

    from sop_runtime.service.letterhead import staff_names

    who = staff_names(rt)
    say(escape(tr(
        "{k} {role}: {to} dari {a} sampai {b} (ditunjuk {by}, no. {id})",
        "Acting {role} ({k}): {to} from {a} until {b} (named by {by}, no. {id})",
        k=kind.upper(), role=who.role(role), to=who.user(to), a=moment_text(begin, tz),
        b=moment_text(end, tz), by=who.user(actor), id=ident)))
