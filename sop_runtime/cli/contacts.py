"""The applicant's contact for notices on the command line: ``sop start --kontak
whatsapp:0812... --setuju-diberitahu``, and ``sop kontak``: withdraw a consent, erase the
contacts whose retention has passed (UU 27/2022; docs/privacy.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import runtime
from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from sop_runtime.service.contacts import ContactGiven

Kontak = Annotated[str | None, typer.Option(
    "--kontak", metavar="SALURAN:ALAMAT",
    help="Kontak pemohon untuk pemberitahuan: email:nama@contoh.id, whatsapp:0812... atau "
         "telegram:0812... (disimpan terpisah dari log, dapat dihapus) / the applicant's "
         "contact for notices (kept apart from the log, erasable)")]
Setuju = Annotated[bool, typer.Option(
    "--setuju-diberitahu",
    help="Pemohon menyetujui kalimat persetujuan (sop kontak kalimat) / the applicant agreed "
         "to the consent sentence")]

kontak_app = typer.Typer(
    help="Kontak pemohon untuk pemberitahuan (UU 27/2022) / the applicant's contact for "
         "notices.", no_args_is_help=True, rich_markup_mode=None)


def contact_given(kontak: str | None, agreed: bool) -> ContactGiven | None:
    """``--kontak`` and ``--setuju-diberitahu`` as a contact (None when no contact is given;
    exit 2 when the option is malformed or consent is given without a contact)."""
    from sop_runtime.cli.common import Exit, fail
    from sop_runtime.service.contacts import ContactGiven

    if kontak is None:
        if agreed:
            fail(tr("--setuju-diberitahu tanpa --kontak: tulis kontak pemohon",
                    "--setuju-diberitahu without --kontak: give the applicant's contact"),
                 Exit.USAGE)
        return None
    channel, sep, address = kontak.partition(":")
    if not sep or not address.strip():
        fail(tr("--kontak '{v}': tulis SALURAN:ALAMAT, mis. whatsapp:081240001111",
                "--kontak '{v}': write CHANNEL:ADDRESS, e.g. whatsapp:081240001111",
                v=kontak), Exit.USAGE)
    return ContactGiven(channel.strip().lower(), address.strip(), agreed)


@kontak_app.command("kalimat")
def sentence() -> None:
    """Kalimat persetujuan yang dibacakan kepada pemohon / the consent sentence read to the
    applicant."""
    from sop_runtime.cli.common import say
    from sop_runtime.service import contacts

    say(contacts.sentence(runtime()))


@kontak_app.command("cabut")
def withdraw(case: opt.Case, actor: opt.Actor, reason: opt.Reason = None) -> None:
    """Pemohon menarik persetujuannya: kontak dihapus, pemberitahuan berhenti / the applicant
    withdrew consent: the contact is erased, notices stop."""
    from sop_runtime.cli.common import say
    from sop_runtime.service import contacts

    contacts.withdraw(runtime(), case, actor, reason=reason)
    say(tr("Persetujuan pemohon perkara {c} ditarik; kontaknya dihapus.",
           "The applicant of case {c} withdrew consent; the contact was erased.", c=case))


@kontak_app.command("hapus-kedaluwarsa")
def erase_expired(as_json: opt.Json = False) -> None:
    """Hapus kontak yang masa simpannya (data_pribadi.retensi_kontak) sudah lewat / erase the
    contacts kept past the court's retention."""
    from sop_runtime.cli.common import print_json, say
    from sop_runtime.service import contacts

    erased = contacts.erase_expired(runtime())
    if as_json:
        print_json({"dihapus": erased})
        return
    say(tr("{n} kontak pemohon dihapus (masa simpan lewat).",
           "{n} applicant contacts erased (retention passed).", n=erased))
