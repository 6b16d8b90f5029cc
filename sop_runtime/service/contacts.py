"""The applicant's contact for notices, under UU 27/2022 tentang Pelindungan Data Pribadi.

Given with the applicant's explicit consent when the request starts (Pasal 20 ayat 2 huruf
a; the consent recorded, Pasal 22 and 24: the log keeps the sentence agreed to and the kind
of channel), kept apart from the hash-chained log so that it can be erased: when the
applicant withdraws consent (Pasal 40 and 44 ayat 1 huruf b: :func:`withdraw`) and when the
court's retention (``data_pribadi.retensi_kontak``, default 30 hari) after the request ended
has passed (Pasal 43 ayat 1 huruf a: :func:`erase_expired`, run by the daily sweep, which
writes only how many it erased to the ``data_pribadi`` journal). Used for nothing but the
notices the SOP marks (Pasal 16 ayat 2: limited and specific purpose).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from sop_runtime.definition.court import CourtFile
from sop_runtime.engine.commands import WithdrawConsent
from sop_runtime.engine.parties import contact_address
from sop_runtime.engine.rejections import CommandRejected
from sop_runtime.service import catalog
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import contacts as store
from sop_runtime.store import journal
from sop_runtime.store.db import begin_write

ERASED = "contacts_erased"
Also = Callable[[Connection, str, datetime], None]


@dataclass(frozen=True)
class ContactGiven:
    """What the applicant gave at the desk (or on the form): the kind of channel, the
    address, and whether they agreed to the consent sentence."""

    channel: str
    address: str
    agreed: bool


def consent_sentence(court: CourtFile) -> str:
    """The sentence the applicant agrees to, in Bahasa Indonesia: what the form shows, the
    clerk reads out (``sop kontak kalimat``) and the log records."""
    keep = court.data_pribadi.retensi_kontak.text or "30 hari"
    return (f"Saya setuju {court.pengadilan.nama} mengirim pemberitahuan tentang permohonan "
            f"ini ke kontak (e-mail, WhatsApp atau Telegram) yang saya berikan, hanya untuk "
            f"permohonan ini, dan menyimpan kontak itu paling lama {keep} setelah permohonan "
            f"selesai. Persetujuan ini dapat saya tarik kapan saja.")


def checked(given: ContactGiven) -> tuple[str, str]:
    """(channel, tidied address) of ``given``, or CommandRejected saying why not: a contact
    without the applicant's consent is not taken."""
    if not given.agreed:
        raise CommandRejected(
            "consent_missing", "Kontak pemohon hanya disimpan dengan persetujuannya: centang "
            "persetujuan (--setuju-diberitahu), atau kosongkan kontak",
            "The applicant's contact is kept only with their consent: tick the consent "
            "(--setuju-diberitahu), or leave the contact out")
    return given.channel, contact_address(given.channel, given.address)


def sentence(rt: Runtime) -> str:
    """The court's consent sentence (:func:`consent_sentence`)."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        court, _ = catalog.court(rt, conn)
    return consent_sentence(court)


def keeper(channel: str, address: str) -> Also:
    """What keeps the contact in the transaction that started the case."""

    def keep(conn: Connection, case_id: str, at: datetime) -> None:
        store.keep_contact(conn, store.Contact(case_id, channel, address, at))

    return keep


def eraser(conn: Connection, case_id: str, at: datetime) -> None:
    """What erases the contact in the transaction that records the withdrawal."""
    store.erase_contact(conn, case_id)


def withdraw(rt: Runtime, case_id: str, actor: str, *, reason: str | None = None) -> None:
    """The applicant withdrew consent: recorded on the log, the contact erased and the
    notices not sent yet dropped, in one transaction."""
    from sop_runtime.service.cases import execute_command

    execute_command(rt, case_id, WithdrawConsent(actor=actor, reason=reason or None),
                    also=eraser)


APPLICANT_WITHDREW = ("Pemohon sendiri berhenti menerima pemberitahuan melalui halaman Lacak "
                      "permohonan")


def withdraw_by_applicant(rt: Runtime, case_id: str) -> None:
    """The applicant, on the tracking page (opened with the request's number and tracking
    code), stops the notices: recorded as the system's on the applicant's word, the contact
    erased, in one transaction (UU 27/2022 Pasal 9: consent may be withdrawn)."""
    from sop_runtime.service.automation import SYSTEM
    from sop_runtime.service.cases import execute_command

    execute_command(rt, case_id, WithdrawConsent(actor=SYSTEM, by_applicant=True,
                                                 reason=APPLICANT_WITHDREW), also=eraser)


def has_contact(rt: Runtime, case_id: str) -> str | None:
    """The kind of channel of ``case_id``'s kept contact (None: none kept). Never the
    address."""
    with rt.engine.connect() as conn:
        found = store.contact_of(conn, case_id)
    return None if found is None else found.channel


def erase_expired(rt: Runtime) -> int:
    """Erase every contact kept longer than the court's retention after its request ended;
    the ``data_pribadi`` journal records how many (never whose). Returns how many."""
    now = rt.now()
    with begin_write(rt.engine) as conn:
        ensure_ready(rt, conn)
        court, calendar = catalog.court(rt, conn)
        keep = court.data_pribadi.retensi_kontak
        expired = [case_id for case_id, ended in store.ended_with_contact(conn)
                   if calendar.due(ended, keep, end="akhir_hari") <= now]
        erased = store.erase_contacts(conn, expired)
        if erased:
            journal.append(conn, "data_pribadi", [(ERASED, {
                "jumlah": erased, "retensi": keep.text or keep.canonical()})],
                at=now, actor=None)
    return erased
