"""Who a case is for (para pihak) and the court's register number (nomor perkara): the
shapes they must have, checked before anything is recorded.

A party is stored as a plain mapping: ``sebutan`` (as the SOP names it: Pemohon,
Penggugat...), ``nama``, and the details the SOP asks for (``nik``, ``telepon``,
``email``, ``alamat``), each only when given. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from sop_runtime.definition.models import PARTY_DETAILS, Pihak
from sop_runtime.engine.rejections import CommandRejected
from sop_runtime.i18n import tr

Party = Mapping[str, str]

NAME_MAX = 200
ADDRESS_MAX = 500
_NIK = re.compile(r"^\d{16}$")
_PHONE = re.compile(r"^\+?\d{8,15}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
# as SIPP writes it: <n>[ K| PK]/<class>/<year>[/<court>], e.g. 14/Pdt.G/2026/PN Snn,
# 45/Pid.B/2026/PN Snn, 12/PDT/2026/PT Amb, 1234 K/Pdt/2026
_REGISTER = re.compile(
    r"^[1-9]\d{0,5}(?: (?:K|PK))?/[A-Za-z]+(?:[.-][A-Za-z]+)*/(?:19|20)\d\d"
    r"(?:/(?:PN|PT|PA|PTA|PTUN|PT\.TUN|PM|PMT) [A-Za-z]+(?: [A-Za-z]+)?)?$")

DETAIL_NAMES = {"nama": ("nama", "name"), "nik": ("NIK", "NIK"),
                "telepon": ("telepon", "telephone"), "email": ("e-mail", "e-mail"),
                "alamat": ("alamat", "address")}


def detail_name(key: str) -> str:
    """A detail of a party in words (``telepon`` -> "telepon" / "telephone")."""
    words = DETAIL_NAMES.get(key)
    return tr(*words) if words else key


def _reject(code: str, id_text: str, en_text: str, **params: object) -> CommandRejected:
    return CommandRejected(code, id_text, en_text, **params)


def register_number(text: str) -> str:
    """``text`` as a register number (spaces tidied), or CommandRejected saying why not."""
    number = " ".join(text.split())
    if not _REGISTER.match(number):
        raise _reject(
            "register_number",
            "'{v}' bukan nomor perkara seperti yang ditulis SIPP (contoh: 14/Pdt.G/2026/PN "
            "Snn): nomor urut/jenis perkara/tahun/pengadilan",
            "'{v}' is not a register number as SIPP writes it (e.g. 14/Pdt.G/2026/PN Snn): "
            "number/class/year/court", v=text.strip() or "(kosong)")
    return number


def looks_like_register_number(text: str) -> bool:
    return bool(_REGISTER.match(" ".join(text.split())))


def _detail(where: str, key: str, value: str) -> str:
    """One detail's value, tidied, or CommandRejected naming the party and the detail."""
    text = " ".join(value.split())
    if key == "nik":
        digits = text.replace(" ", "")
        if not _NIK.match(digits):
            raise _reject("party_nik", "{w}: NIK harus 16 angka, bukan '{v}'",
                          "{w}: the NIK must be 16 digits, not '{v}'", w=where, v=text)
        return digits
    if key == "telepon":
        phone = re.sub(r"[\s().-]", "", text)
        if not _PHONE.match(phone):
            raise _reject("party_phone", "{w}: nomor telepon harus 8-15 angka (boleh diawali "
                          "+), bukan '{v}'", "{w}: the telephone number must be 8-15 digits "
                          "(a leading + allowed), not '{v}'", w=where, v=text)
        return phone
    if key == "email":
        if not _EMAIL.match(text):
            raise _reject("party_email", "{w}: '{v}' bukan alamat e-mail (contoh: "
                          "nama@contoh.id)", "{w}: '{v}' is not an e-mail address (e.g. "
                          "name@example.id)", w=where, v=text)
        return text
    limit = NAME_MAX if key == "nama" else ADDRESS_MAX
    if len(text) > limit:
        raise _reject("party_too_long", "{w}: {d} lebih dari {n} huruf",
                      "{w}: the {d} is longer than {n} characters", w=where,
                      d=detail_name(key), n=limit)
    return text


def check_parties(spec: Sequence[Pihak], given: Iterable[Mapping[str, str]], *,
                  complete: bool = True) -> tuple[dict[str, str], ...]:
    """``given`` as the SOP's parties (``spec``), tidied: each party's sebutan one the SOP
    names (written as it writes it), a name, only the details the SOP asks for, its required
    ones, each in its shape; with ``complete``, every required party at least once and a
    party that may be only one named once. CommandRejected says which party and why."""
    by_name = {p.sebutan.casefold(): p for p in spec}
    out: list[dict[str, str]] = []
    for i, raw in enumerate(given, start=1):
        title = " ".join(str(raw.get("sebutan", "")).split())
        party = by_name.get(title.casefold())
        where = tr("pihak ke-{i} ({s})", "party {i} ({s})", i=i, s=title or "?")
        if party is None:
            raise _reject("party_unknown", "{w}: SOP ini tidak menyebut pihak '{s}'; pihaknya: "
                          "{known}", "{w}: this SOP names no party '{s}'; its parties: "
                          "{known}", w=where, s=title or "(kosong)",
                          known=", ".join(p.sebutan for p in spec))
        where = tr("{s} ke-{i}", "{s} (party {i})", s=party.sebutan, i=i)
        unknown = sorted(set(raw) - {"sebutan", "nama", *PARTY_DETAILS})
        if unknown:
            raise _reject("party_field", "{w}: '{k}' bukan rincian pihak (nama, nik, telepon, "
                          "email, alamat)", "{w}: '{k}' is not a party's detail (nama, nik, "
                          "telepon, email, alamat)", w=where, k=unknown[0])
        record = {"sebutan": party.sebutan}
        name = str(raw.get("nama") or "").strip()
        if not name:
            raise _reject("party_name", "{w}: nama wajib diisi", "{w}: the name is required",
                          w=where)
        record["nama"] = _detail(where, "nama", name)
        for key in PARTY_DETAILS:
            value = str(raw.get(key) or "").strip()
            if not value:
                if key in party.required_details:
                    raise _reject("party_detail_required", "{w}: {d} wajib diisi menurut SOP",
                                  "{w}: the SOP requires the {d}", w=where, d=detail_name(key))
                continue
            if key not in party.details:
                raise _reject("party_detail_unasked", "{w}: SOP ini tidak meminta {d} untuk "
                              "{s}", "{w}: this SOP does not ask for the {d} of a {s}",
                              w=where, d=detail_name(key), s=party.sebutan)
            record[key] = _detail(where, key, value)
        out.append(record)
    if complete:
        for party in spec:
            count = sum(1 for r in out if r["sebutan"] == party.sebutan)
            if party.wajib and not count:
                raise _reject("party_missing", "{s} belum disebut: SOP ini meminta nama {s}",
                              "No {s} given: this SOP asks for the {s}'s name",
                              s=party.sebutan)
            if count > 1 and not party.banyak:
                raise _reject("party_one", "{s} disebut {n} kali; SOP ini meminta satu {s}",
                              "{s} given {n} times; this SOP asks for one {s}",
                              s=party.sebutan, n=count)
    return tuple(out)


def applicant(parties: Sequence[Party]) -> str | None:
    """The name a case is known by: its first party's (``Budi Santoso``), with how many more
    parties of the same sebutan (``Budi Santoso dkk.``); None when nobody is recorded."""
    if not parties:
        return None
    first = parties[0]
    more = sum(1 for p in parties[1:] if p.get("sebutan") == first.get("sebutan"))
    return f"{first.get('nama', '')} dkk." if more else first.get("nama") or None


def name_words(parties: Sequence[Party]) -> tuple[str, ...]:
    """The words of every party's name, folded for a case-insensitive search (unique, in
    order)."""
    words: dict[str, None] = {}
    for p in parties:
        for word in re.findall(r"\w+", p.get("nama", "").casefold()):
            words.setdefault(word[:60], None)
    return tuple(words)


def party_text(party: Party) -> str:
    """One party in words: ``Penggugat: Budi Santoso (NIK 7182..., telepon 0812...)``."""
    details = ", ".join(f"{detail_name(k)} {party[k]}" for k in PARTY_DETAILS if party.get(k))
    text = f"{party.get('sebutan', '')}: {party.get('nama', '')}"
    return f"{text} ({details})" if details else text


def parties_text(parties: Sequence[Party]) -> str:
    """Every party in words, separated by semicolons."""
    return "; ".join(party_text(p) for p in parties)


CHANNELS = ("email", "whatsapp", "telegram")
"""The kinds of channel an applicant may be told through."""

CHANNEL_NAMES = {"email": ("e-mail", "e-mail"), "whatsapp": ("WhatsApp", "WhatsApp"),
                 "telegram": ("Telegram", "Telegram")}


def channel_name(channel: str) -> str:
    """A channel kind in words (``whatsapp`` -> "WhatsApp")."""
    words = CHANNEL_NAMES.get(channel)
    return tr(*words) if words else channel


def contact_address(channel: str, address: str) -> str:
    """The applicant's ``address`` for ``channel``, tidied (an e-mail address; a WhatsApp or
    Telegram number in international form, ``0812...`` read as ``62812...``), or
    CommandRejected saying why not."""
    if channel not in CHANNELS:
        raise _reject("contact_channel", "saluran kontak '{c}' tidak dikenal; pilih salah satu: "
                      "{k}", "unknown contact channel '{c}'; choose one of: {k}", c=channel,
                      k=", ".join(CHANNELS))
    where = tr("kontak pemohon ({c})", "the applicant's contact ({c})",
               c=channel_name(channel))
    if channel == "email":
        return _detail(where, "email", address)
    number = _detail(where, "telepon", address).removeprefix("+")
    return "62" + number[1:] if number.startswith("0") else number
