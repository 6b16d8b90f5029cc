"""Commands that name and find cases: who a case is for (``sop pihak``), its register number
(``sop nomor-perkara``), and the search (``sop cases``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import runtime
from sop_runtime.i18n import tr

Pihak = Annotated[list[str] | None, typer.Option(
    "--pihak", metavar="'SEBUTAN: NAMA; k=v'",
    help="Pihak perkara (berulang), mis. 'Penggugat: Budi Santoso; nik=8202011234560001; "
         "telepon=081240001111' (rincian: nik, telepon, email, alamat) / a party of the case "
         "(repeatable)")]


def parse_parties(items: list[str] | None) -> list[dict[str, str]]:
    """``--pihak 'Penggugat: Budi Santoso; nik=...'`` options as parties; exit 2 on one that
    does not say its sebutan and name."""
    from sop_runtime.cli.common import Exit, fail

    out = []
    for item in items or []:
        head, *rest = item.split(";")
        sebutan, sep, nama = head.partition(":")
        if not sep or not sebutan.strip() or not nama.strip():
            fail(tr("--pihak '{i}' harus berbentuk 'SEBUTAN: NAMA; rincian=nilai; ...' (mis. "
                    "'Pemohon: Siti Aminah; telepon=081240001111')",
                    "--pihak '{i}' must read 'SEBUTAN: NAME; detail=value; ...' (e.g. "
                    "'Pemohon: Siti Aminah; telepon=081240001111')", i=item), Exit.USAGE)
        party = {"sebutan": sebutan.strip(), "nama": nama.strip()}
        for part in rest:
            if not part.strip():
                continue
            key, sep, value = part.partition("=")
            if not sep or not key.strip():
                fail(tr("--pihak '{i}': '{p}' harus berbentuk rincian=nilai",
                        "--pihak '{i}': '{p}' must be detail=value", i=item, p=part.strip()),
                     Exit.USAGE)
            party[key.strip().lower()] = value.strip()
        out.append(party)
    return out


def pihak(case: opt.Case, actor: opt.Actor, party: Pihak = None, reason: opt.Reason = None,
          as_json: opt.Json = False) -> None:
    """Catat atau perbaiki para pihak perkara / record or correct the parties of a case."""
    from sop_runtime.cli.common import Exit, fail
    from sop_runtime.cli.event_text import print_outcome
    from sop_runtime.cli.times import court_tz
    from sop_runtime.service import cases

    parties = parse_parties(party)
    if not parties:
        fail(tr("Sebutkan para pihak dengan --pihak", "Name the parties with --pihak"),
             Exit.USAGE)
    rt = runtime()
    out = cases.record_parties(rt, case, actor, parties, reason=reason)
    print_outcome(out, court_tz(rt), as_json=as_json, headline=tr(
        "Para pihak perkara {c} dicatat", "The parties of case {c} recorded", c=case))


def nomor_perkara(
    case: opt.Case,
    number: Annotated[str, typer.Argument(metavar="NOMOR",
                                          help="Nomor perkara, mis. 14/Pdt.G/2026/PN Snn")],
    actor: opt.Actor, reason: opt.Reason = None, as_json: opt.Json = False,
) -> None:
    """Catat atau perbaiki nomor perkara (SIPP) / record or correct the register number."""
    from sop_runtime.cli.event_text import print_outcome
    from sop_runtime.cli.times import court_tz
    from sop_runtime.service import cases

    rt = runtime()
    out = cases.record_register_number(rt, case, actor, number, reason=reason)
    print_outcome(out, court_tz(rt), as_json=as_json, headline=tr(
        "Nomor perkara {c}: {n}", "Register number of {c}: {n}", c=case,
        n=out.state.register_number))


def _day(text: str | None, option: str) -> date | None:
    from sop_runtime.cli.common import Exit, fail

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(tr("{o} '{t}' bukan tanggal (TTTT-BB-HH)", "{o} '{t}' is not a date (YYYY-MM-DD)",
                o=option, t=text), Exit.USAGE)


def find(
    cari: Annotated[str | None, typer.Option(
        "--cari", metavar="TEKS", help="Nomor perkara, nomor layanan atau nama pihak / "
                                       "register number, service number or a party's name")
    ] = None,
    nomor: Annotated[str | None, typer.Option(
        "--nomor", metavar="NOMOR", help="Nomor perkara (atau awalnya) / register number")
    ] = None,
    nama: Annotated[str | None, typer.Option(
        "--nama", metavar="NAMA", help="Nama pihak (awal kata) / a party's name")] = None,
    sop: Annotated[str | None, typer.Option("--sop", metavar="SOP", help="ID SOP")] = None,
    status: Annotated[str | None, typer.Option(
        "--status", metavar="STATUS", help="aktif, selesai, dibatalkan, ditolak")] = None,
    dari: Annotated[str | None, typer.Option(
        "--dari", metavar="TTTT-BB-HH", help="Dimulai sejak / started from")] = None,
    sampai: Annotated[str | None, typer.Option(
        "--sampai", metavar="TTTT-BB-HH", help="Dimulai sampai / started until")] = None,
    halaman: Annotated[int, typer.Option("--halaman", min=1, help="Halaman / page")] = 1,
    as_json: opt.Json = False,
) -> None:
    """Cari dan daftar perkara / find and list cases."""
    from sop_runtime.cli.common import say, table_console
    from sop_runtime.cli.times import court_tz
    from sop_runtime.service.confidential import operator
    from sop_runtime.service.search import CaseSearch, find_cases
    from sop_runtime.wording import moment_text

    rt = runtime()
    found = find_cases(rt, operator(), CaseSearch(
        q=cari, nomor=nomor, nama=nama, sop=sop, status=status,
        dari=_day(dari, "--dari"), sampai=_day(sampai, "--sampai"), page=halaman))
    tz = court_tz(rt)
    if as_json:
        from sop_runtime.cli.common import print_json
        from sop_runtime.cli.times import iso

        print_json({"page": found.page, "per_page": found.per_page, "more": found.more,
                    "cases": [{"case_id": c.case_id, "register_number": c.register_number,
                               "applicant": c.applicant, "sop_id": c.sop_id,
                               "status": c.status, "started_at": iso(c.started_at, tz)}
                              for c in found.cases]})
        return
    if not found.cases:
        say(tr("Tidak ada perkara yang cocok.", "No case matches."))
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=tr("Perkara, halaman {p}", "Cases, page {p}", p=found.page))
    for col in (tr("Nomor layanan", "Service number"), tr("Nomor perkara", "Register number"),
                tr("Pemohon / pihak", "Applicant / party"), "SOP", tr("Status", "Status"),
                tr("Dimulai", "Started")):
        table.add_column(col)
    for c in found.cases:
        table.add_row(c.case_id, escape(c.register_number or "-"), escape(c.applicant or "-"),
                      escape(c.sop_name), c.status, moment_text(c.started_at, tz))
    table_console().print(table)
    if found.more:
        say(tr("Halaman berikutnya: --halaman {n}", "Next page: --halaman {n}",
               n=found.page + 1))
