"""The court's journals as the truth of who may act and of the definitions in force.

Every change of the directory (a role defined, a member of staff recorded or switched off,
a role granted or revoked, a Plh/Plt named, a password set, an API token issued or revoked)
is an entry of the ``direktori`` journal, and every change of the definitions (the court
file loaded, an SOP version stored, a version made current) an entry of ``definisi``,
written in the same transaction as the tables they change. The tables (``roles``,
``users``, ``user_roles``, ``delegations``, ``passwords``, ``api_tokens``; ``settings``,
``workflows``, ``sops``) are what the product reads; ``sop verify`` folds the journals and
names every row that is not what they say. So who held which role when is itself on a
hash-chained, sealed record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select

from sop_runtime.definition.court import CourtFile
from sop_runtime.engine.actors import Directory
from sop_runtime.errors import Damaged
from sop_runtime.i18n import tr
from sop_runtime.service.differences import Difference
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import credentials, directory, journal, settings
from sop_runtime.store import workflows as versions_store
from sop_runtime.store.journal import JOURNALS as JOURNALS  # for the interfaces
from sop_runtime.store.journal import Entry, Journal, StoredEntry
from sop_runtime.store.schema import api_tokens, passwords, sops, user_roles, users, workflows
from sop_runtime.store.schema import delegations as delegations_table
from sop_runtime.store.schema import roles as roles_table

COURT_KEY = "court_file"  # as sop_runtime.service.ready
ZONE_KEY = "court_zone"


def sha256(text_: str) -> str:
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def _iso(moment: datetime) -> str:
    from sop_runtime.engine.events import utc_iso

    return utc_iso(moment)


def _instant(text_: str) -> datetime:
    return datetime.fromisoformat(text_)


# -- the entries --------------------------------------------------------------------------

def role_defined(row: directory.RoleRow) -> Entry:
    return ("role_defined", {"id": row.id, "nama": row.nama, "publik": row.publik,
                             "sistem": row.sistem, "pengawas": row.pengawas})


def user_recorded(username: str, nama: str, nip: str | None, active: bool) -> Entry:
    return ("user_recorded", {"username": username, "nama": nama, "nip": nip,
                              "active": active})


def role_granted(username: str, role: str) -> Entry:
    return ("role_granted", {"username": username, "role": role})


def role_revoked(username: str, role: str) -> Entry:
    return ("role_revoked", {"username": username, "role": role})


def delegation_named(row: directory.DelegationRow) -> Entry:
    return ("delegation_named", {
        "delegate": row.delegate, "role": row.role, "holder": row.holder,
        "kind": str(row.kind), "start": _iso(row.start), "end": _iso(row.end),
        "reference": row.reference, "reason": row.reason, "created_by": row.created_by,
        "created_at": _iso(row.created_at)})


def password_set(username: str, hash_: str) -> Entry:
    """The password's argon2 hash is not written, only its SHA-256 (to check the table)."""
    return ("password_set", {"username": username, "digest": sha256(hash_)})


def token_issued(username: str, label: str, digest: str) -> Entry:
    return ("token_issued", {"username": username, "label": label, "digest": digest})


def token_revoked(username: str, label: str, digests: Sequence[str]) -> Entry:
    return ("token_revoked", {"username": username, "label": label,
                              "digests": sorted(digests)})


def court_file_loaded(source: str, zone: str) -> Entry:
    return ("court_file_loaded", {"digest": sha256(source), "zone": zone})


def sop_version_stored(version: str, sop_id: str, nama: str, file: str, source: str) -> Entry:
    return ("sop_version_stored", {"version": version, "sop_id": sop_id, "nama": nama,
                                   "file": file, "digest": sha256(source)})


def sop_version_current(sop_id: str, version: str) -> Entry:
    """A version in force as it is loaded: the first of its SOP (no pengesahan recorded)."""
    return ("sop_version_current", {"sop_id": sop_id, "version": version})


def sop_version_approved(sop_id: str, version: str, by: str, effective: date,
                         acting: str | None, nomor_revisi: int | None) -> Entry:
    """The pengesahan of a version by ``by`` (the entry's moment is when it was given): new
    cases start on it from ``effective`` (its tanggal efektif)."""
    return ("sop_version_approved", {"sop_id": sop_id, "version": version, "by": by,
                                     "effective": effective.isoformat(), "acting": acting,
                                     "nomor_revisi": nomor_revisi})


# -- what the journals say the tables hold --------------------------------------------------

@dataclass
class Expected:
    """The fold of the ``direktori`` and ``definisi`` journals."""

    roles: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    users: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    held: set[tuple[str, str]] = field(default_factory=set)
    delegations: list[tuple[Any, ...]] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    court: tuple[str, str] | None = None  # (digest of the court file, zone)
    versions: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    current: dict[str, str] = field(default_factory=dict)
    approvals: list[tuple[Any, ...]] = field(default_factory=list)  # as workflows.Approval


def _fold_one(into: Expected, entry: StoredEntry) -> None:
    p = entry.payload
    match entry.type:
        case "role_defined":
            into.roles[p["id"]] = (p["nama"], p["publik"], p["sistem"], p["pengawas"])
        case "user_recorded":
            into.users[p["username"]] = (p["nama"], p["nip"], p["active"])
        case "role_granted":
            into.held.add((p["username"], p["role"]))
        case "role_revoked":
            into.held.discard((p["username"], p["role"]))
        case "delegation_named":
            into.delegations.append(_delegation_key(
                p["delegate"], p["role"], p["holder"], p["kind"], _instant(p["start"]),
                _instant(p["end"]), p["reference"], p["reason"], p["created_by"],
                _instant(p["created_at"])))
        case "password_set":
            into.passwords[p["username"]] = p["digest"]
        case "token_issued":
            into.tokens[p["digest"]] = (p["username"], p["label"], False)
        case "token_revoked":
            for digest in p["digests"]:
                if digest in into.tokens:
                    into.tokens[digest] = (*into.tokens[digest][:2], True)
        case "court_file_loaded":
            into.court = (p["digest"], p["zone"])
        case "sop_version_stored":
            into.versions[p["version"]] = (p["sop_id"], p["nama"], p["file"], p["digest"])
        case "sop_version_current":
            into.current[p["sop_id"]] = p["version"]
            into.approvals.append((p["sop_id"], p["version"], None, None, None, None))
        case "sop_version_approved":
            into.current[p["sop_id"]] = p["version"]
            into.approvals.append((p["sop_id"], p["version"], p["by"], entry.occurred_at,
                                   date.fromisoformat(p["effective"]), p["acting"]))
        case _:
            raise ValueError(f"unknown journal entry type {entry.type!r}")


def fold(entries: Iterable[StoredEntry]) -> Expected:
    """What the entries say the tables hold; :class:`Damaged` naming the first entry that
    cannot be read (edited outside the product: the chain check names it too)."""
    out = Expected()
    for entry in entries:
        try:
            _fold_one(out, entry)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise Damaged(tr(
                "jurnal {j} urutan {s} tidak dapat dibaca ({e}); jalankan 'sop verify'",
                "journal {j} seq {s} cannot be read ({e}); run 'sop verify'",
                j=entry.log, s=entry.seq, e=f"{type(exc).__name__}: {exc}")) from None
    return out


def _delegation_key(delegate: str, role: str, holder: str | None, kind: str, start: datetime,
                    end: datetime, reference: str | None, reason: str, created_by: str,
                    created_at: datetime) -> tuple[Any, ...]:
    return (delegate, role, holder, kind, start, end, reference, reason, created_by,
            created_at)


# -- writing: the entry and the table change in one transaction -----------------------------

def record(conn: Connection, log: Journal, entries: Sequence[Entry], *, at: datetime,
           actor: str | None) -> list[Any]:
    """Append ``entries`` to ``log`` and make the tables say what they say, in the caller's
    writing transaction; what each table change gave (a new delegation's id)."""
    return [_APPLY[stored.type](conn, stored)
            for stored in journal.append(conn, log, entries, at=at, actor=actor)]


def _apply_role(conn: Connection, e: StoredEntry) -> None:
    p = e.payload
    directory.save_roles(conn, [directory.RoleRow(p["id"], p["nama"], p["publik"],
                                                  p["sistem"], p["pengawas"])])


def _apply_user(conn: Connection, e: StoredEntry) -> None:
    p = e.payload
    directory.save_user(conn, p["username"], p["nama"], p["nip"], p["active"])
    if not p["active"]:  # switched off: no session, no token of theirs works any more
        credentials.end_sessions(conn, p["username"], e.occurred_at)


def _apply_grant(conn: Connection, e: StoredEntry) -> None:
    directory.grant(conn, e.payload["username"], e.payload["role"])


def _apply_revoke(conn: Connection, e: StoredEntry) -> None:
    directory.revoke(conn, e.payload["username"], e.payload["role"])


def _apply_delegation(conn: Connection, e: StoredEntry) -> int:
    p = e.payload
    return directory.add_delegation(
        conn, p["delegate"], p["role"], _instant(p["start"]), _instant(p["end"]),
        kind=p["kind"], reason=p["reason"], created_by=p["created_by"],
        created_at=_instant(p["created_at"]), holder=p["holder"], reference=p["reference"])


def _apply_token(conn: Connection, e: StoredEntry) -> None:
    p = e.payload
    credentials.add_token(conn, p["digest"], p["username"], p["label"], e.occurred_at)


def _apply_token_revoked(conn: Connection, e: StoredEntry) -> None:
    credentials.revoke_digests(conn, e.payload["digests"], e.occurred_at)


def _apply_approval(conn: Connection, e: StoredEntry) -> None:
    p = e.payload
    if e.type == "sop_version_current":
        versions_store.add_approval(conn, versions_store.Approval(
            p["sop_id"], p["version"], None, None, None, None))
    else:
        versions_store.add_approval(conn, versions_store.Approval(
            p["sop_id"], p["version"], p["by"], e.occurred_at,
            date.fromisoformat(p["effective"]), p["acting"]))


def _nothing(conn: Connection, e: StoredEntry) -> None:
    """Entries whose table change the caller writes itself (a password's hash, a court
    file's text, an SOP's source: the journal holds only their digests)."""


_APPLY: dict[str, Callable[[Connection, StoredEntry], Any]] = {
    "role_defined": _apply_role, "user_recorded": _apply_user, "role_granted": _apply_grant,
    "role_revoked": _apply_revoke, "delegation_named": _apply_delegation,
    "password_set": _nothing, "token_issued": _apply_token,
    "token_revoked": _apply_token_revoked, "court_file_loaded": _nothing,
    "sop_version_stored": _nothing, "sop_version_current": _apply_approval,
    "sop_version_approved": _apply_approval,
}


def directory_changes(conn: Connection, court: CourtFile) -> list[Entry]:
    """The entries that make the directory what the court file says: roles defined or
    changed, staff recorded or changed, roles granted and revoked; staff no longer in the
    file are switched off (and lose their roles), never deleted: they acted on cases."""
    out: list[Entry] = []
    have_roles = {r.id: r for r in directory.roles(conn)}
    for peran in court.peran:
        row = directory.RoleRow(peran.id, peran.nama, peran.publik, peran.sistem,
                                peran.pengawas)
        if have_roles.get(peran.id) != row:
            out.append(role_defined(row))
    have_users = {u.username: u for u in directory.list_users(conn)}
    listed = set()
    grants: list[Entry] = []
    for person in court.pengguna:
        listed.add(person.username)
        known = have_users.get(person.username)
        if known is None or (known.nama, known.nip, known.active) != (person.nama,
                                                                     person.nip, True):
            out.append(user_recorded(person.username, person.nama, person.nip, True))
        held = known.roles if known is not None else frozenset()
        grants.extend(role_granted(person.username, r) for r in sorted(set(person.peran) - held))
        grants.extend(role_revoked(person.username, r) for r in sorted(held - set(person.peran)))
    for name, known in sorted(have_users.items()):
        if name not in listed and known.active:
            out.append(user_recorded(name, known.nama, known.nip, False))
            grants.extend(role_revoked(name, r) for r in sorted(known.roles))
            live = credentials.live_tokens(conn, name)
            if live:
                grants.append(token_revoked(name, "*", live))
    return out + grants


# -- before the journals: what the tables held is their first entries ------------------------

def started(conn: Connection) -> bool:
    return journal.head(conn, "direktori") is not None or \
        journal.head(conn, "definisi") is not None


def import_tables(conn: Connection, *, at: datetime) -> None:
    """Journal what a database set up before the journals existed holds, once (``sop
    init`` calls it): the tables' rows become the journals' first entries."""
    if started(conn):
        return
    people: list[Entry] = [role_defined(r) for r in directory.roles(conn)]
    for u in directory.list_users(conn):
        people.append(user_recorded(u.username, u.nama, u.nip, u.active))
        people.extend(role_granted(u.username, r) for r in sorted(u.roles))
    people.extend(delegation_named(d) for d in directory.delegations(conn))
    for username, hash_ in conn.execute(select(passwords.c.username, passwords.c.hash)
                                        .order_by(passwords.c.username)):
        people.append(password_set(username, hash_))
    t = api_tokens.c
    for digest, username, label, revoked in conn.execute(
            select(t.digest, t.username, t.label, t.revoked_at).order_by(t.created_at)):
        people.append(token_issued(username, label, digest))
        if revoked is not None:
            people.append(token_revoked(username, label, [digest]))
    journal.append(conn, "direktori", people, at=at, actor=None)
    rules: list[Entry] = []
    court, zone = settings.get(conn, COURT_KEY), settings.get(conn, ZONE_KEY)
    if court is not None and zone is not None:
        rules.append(court_file_loaded(court, zone))
    w = workflows.c
    for version, sop_id, nama, file, source in conn.execute(
            select(w.version, w.sop_id, w.nama, w.file, w.source).order_by(w.loaded_at)):
        rules.append(sop_version_stored(version, sop_id, nama, file, source))
    for sop_id, version in conn.execute(select(sops.c.sop_id, sops.c.current_version)
                                        .order_by(sops.c.sop_id)):
        rules.append(sop_version_current(sop_id, version))
    journal.append(conn, "definisi", rules, at=at, actor=None)


# -- checking the tables against the journals -------------------------------------------------

def check(conn: Connection) -> list[Difference]:
    """Every row of the directory and definition tables that is not what the journals say."""
    try:
        want = fold([*journal.load(conn, "direktori"), *journal.load(conn, "definisi")])
    except Damaged as exc:
        return [Difference("jurnal", "journal", "unreadable", "", str(exc))]
    out: list[Difference] = []

    def compare(table: str, have: dict[Any, Any], expected: dict[Any, Any],
                name: Callable[[Any], str]) -> None:
        for key in sorted(set(have) | set(expected), key=str):
            if key not in expected:
                out.append(Difference(name(key), table, "extra", name(key)))
            elif key not in have:
                out.append(Difference(name(key), table, "missing", name(key)))
            elif have[key] != expected[key]:
                out.append(Difference(name(key), table, "changed", name(key), tr(
                    "{h} (jurnal: {w})", "{h} (journal: {w})", h=_short(have[key]),
                    w=_short(expected[key]))))

    r = roles_table.c
    compare("roles", {row[0]: tuple(row[1:]) for row in conn.execute(
        select(r.id, r.nama, r.publik, r.sistem, r.pengawas))}, want.roles, str)
    u = users.c
    compare("users", {row[0]: tuple(row[1:]) for row in conn.execute(
        select(u.username, u.nama, u.nip, u.active))}, want.users, str)
    compare("user_roles", {(row[0], row[1]): True for row in conn.execute(
        select(user_roles.c.username, user_roles.c.role))},
        dict.fromkeys(want.held, True), lambda k: f"{k[0]} / {k[1]}")
    d = delegations_table.c
    have_delegations: dict[tuple[Any, ...], int] = {}
    for row in conn.execute(select(d.delegate, d.role, d.holder, d.kind, d.start, d.end,
                                   d.reference, d.reason, d.created_by, d.created_at)):
        key = tuple(row)  # in _delegation_key's order
        have_delegations[key] = have_delegations.get(key, 0) + 1
    want_delegations: dict[tuple[Any, ...], int] = {}
    for key in want.delegations:
        want_delegations[key] = want_delegations.get(key, 0) + 1
    compare("delegations", have_delegations, want_delegations,
            lambda k: f"{k[0]} {k[1]} {k[3]}")
    compare("passwords", {row[0]: sha256(row[1]) for row in conn.execute(
        select(passwords.c.username, passwords.c.hash))}, want.passwords, str)
    t = api_tokens.c
    compare("api_tokens", {row[0]: (row[1], row[2], row[3] is not None) for row in
                           conn.execute(select(t.digest, t.username, t.label, t.revoked_at))},
            want.tokens, lambda k: str(k)[:12])
    court, zone = settings.get(conn, COURT_KEY), settings.get(conn, ZONE_KEY)
    have_court = {"court_file": (sha256(court), zone)} if court is not None else {}
    compare("settings", have_court,
            {"court_file": want.court} if want.court is not None else {}, str)
    w = workflows.c
    compare("workflows", {row[0]: (row[1], row[2], row[3], sha256(row[4])) for row in
                          conn.execute(select(w.version, w.sop_id, w.nama, w.file, w.source))},
            want.versions, lambda k: str(k)[:12])
    compare("sops", {row[0]: row[1] for row in conn.execute(
        select(sops.c.sop_id, sops.c.current_version))}, want.current, str)
    have_approvals: dict[tuple[Any, ...], int] = {}
    for a in versions_store.approvals(conn):
        key = (a.sop_id, a.version, a.approved_by, a.approved_at, a.effective_on, a.acting)
        have_approvals[key] = have_approvals.get(key, 0) + 1
    want_approvals: dict[tuple[Any, ...], int] = {}
    for key in want.approvals:
        want_approvals[key] = want_approvals.get(key, 0) + 1
    compare("sop_approvals", have_approvals, want_approvals,
            lambda k: f"{k[0]} {str(k[1])[:12]}")
    return out


def _day_words(iso_day: str) -> str:
    from sop_runtime.wording import day_text

    return day_text(date.fromisoformat(iso_day))


def _short(value: Any) -> str:
    text_ = repr(value)
    return text_ if len(text_) <= 80 else text_[:77] + "..."



# -- reading the journals ---------------------------------------------------------------------

def describe(entry: StoredEntry, shown: Callable[[datetime], str],
             role: Callable[[str], str] = str) -> str:
    """One entry in words (``shown`` writes an instant in the court's time, ``role`` names a
    role by its ``nama``)."""
    p = entry.payload
    match entry.type:
        case "role_defined":
            marks = [tr(*w) for flag, w in (("publik", ("publik", "public")),
                                            ("sistem", ("sistem", "system")),
                                            ("pengawas", ("pengawas", "supervisor")))
                     if p.get(flag)]
            return tr("Peran {n} ditetapkan{m}", "Role {n} defined{m}",
                      n=p["nama"], m=f" [{', '.join(marks)}]" if marks else "")
        case "user_recorded" if p["active"]:
            return tr("Pegawai {u} dicatat: {n}{nip}", "Staff {u} recorded: {n}{nip}",
                      u=p["username"], n=p["nama"],
                      nip=f", NIP {p['nip']}" if p.get("nip") else "")
        case "user_recorded":
            return tr("Pegawai {u} ({n}) dinonaktifkan", "Staff {u} ({n}) switched off",
                      u=p["username"], n=p["nama"])
        case "role_granted":
            return tr("{u} memegang peran {r}", "{u} holds the role {r}", u=p["username"],
                      r=role(p["role"]))
        case "role_revoked":
            return tr("{u} tidak lagi memegang peran {r}", "{u} no longer holds the role {r}",
                      u=p["username"], r=role(p["role"]))
        case "delegation_named":
            return tr("{d} ditunjuk {k} {r} {a} s.d. {b}{why}",
                      "{d} named {k} for {r} {a} to {b}{why}", d=p["delegate"],
                      k=p["kind"].capitalize(), r=role(p["role"]), a=shown(_instant(p["start"])),
                      b=shown(_instant(p["end"])),
                      why=f" ({p['reference'] or p['reason']})" if p["reference"] or p["reason"]
                      else "")
        case "password_set":
            return tr("Kata sandi {u} ditetapkan", "{u}'s password set", u=p["username"])
        case "token_issued":
            return tr("Token API '{l}' diterbitkan untuk {u}", "API token '{l}' issued to {u}",
                      l=p["label"], u=p["username"])
        case "token_revoked":
            return tr("{n} token API '{l}' milik {u} dicabut", "{n} API token(s) '{l}' of {u} "
                      "revoked", n=len(p["digests"]), l=p["label"], u=p["username"])
        case "court_file_loaded":
            return tr("Berkas pengadilan dimuat (zona waktu {z}, SHA-256 {d})",
                      "Court file loaded (time zone {z}, SHA-256 {d})", z=p["zone"],
                      d=p["digest"][:12])
        case "sop_version_stored":
            return tr("SOP {s} versi {v} disimpan dari {f}", "SOP {s} version {v} stored from "
                      "{f}", s=p["sop_id"], v=p["version"][:12], f=p["file"])
        case "sop_version_current":
            return tr("SOP {s} kini berlaku versi {v}", "SOP {s} now in force as version {v}",
                      s=p["sop_id"], v=p["version"][:12])
        case "sop_version_approved":
            return tr("SOP {s} versi {v}{r} disahkan{k} (tanggal efektif {d})",
                      "SOP {s} version {v}{r} approved{k} (tanggal efektif {d})",
                      s=p["sop_id"], v=p["version"][:12],
                      r=tr(" (revisi ke-{n})", " (revision {n})", n=p["nomor_revisi"])
                      if p.get("nomor_revisi") else "",
                      k=tr(" oleh {a}", " by the {a}", a=str(p["acting"]).capitalize())
                      if p.get("acting") else "",
                      d=_day_words(p["effective"]))
        case "case_read" | "case_read_refused":
            return _read(entry.type == "case_read_refused", p)
        case "contacts_erased":
            return tr("{n} kontak pemohon dihapus: masa simpan {r} setelah permohonan selesai "
                      "sudah lewat", "{n} applicant contact(s) erased: kept {r} after their "
                      "request ended", n=p["jumlah"], r=p["retensi"])
    return entry.type


# how a confidential case was reached (a Reader's ``via``), and through which list
_VIA = {"baris_perintah": ("baris perintah", "command line"),
        "halaman": ("halaman web", "web page"), "api": ("API", "API"),
        "ekspor": ("ekspor log", "log export"),
        "laporan": ("laporan perkara", "case report"), "tindakan": ("tindakan", "action")}
_LISTS = {"daftar keterlambatan": ("daftar keterlambatan", "overdue list"),
          "daftar penyimpangan": ("daftar penyimpangan", "deviations list")}


def _read(refused: bool, p: dict[str, Any]) -> str:
    """A read of confidential cases (or a refused one) in words: which cases, how, by whom
    when no staff member is named (a command run on the server)."""
    cases = [p["case_id"]] if "case_id" in p else list(p.get("case_ids", []))
    how = [tr(*_VIA.get(p.get("via", ""), (p.get("via", "-"),) * 2))]
    if p.get("what"):
        how.append(tr(*_LISTS.get(p["what"], (p["what"],) * 2)))
    if p.get("os_user"):
        how.append(tr("pengguna server {u}", "server user {u}", u=p["os_user"]))
    listed = ", ".join(cases[:5]) + (tr(" dan {n} lainnya", " and {n} more", n=len(cases) - 5)
                                     if len(cases) > 5 else "")
    if refused:
        return tr("Akses ke perkara rahasia {c} ditolak ({h})",
                  "Access to confidential case {c} refused ({h})", c=listed, h="; ".join(how))
    if len(cases) == 1:
        return tr("Perkara rahasia {c} dibaca ({h})", "Confidential case {c} read ({h})",
                  c=listed, h="; ".join(how))
    return tr("{n} perkara rahasia dibaca: {c} ({h})", "{n} confidential cases read: {c} ({h})",
              n=len(cases), c=listed, h="; ".join(how))


def held_at(entries: Iterable[StoredEntry], moment: datetime) -> dict[str, frozenset[str]]:
    """Who held which roles at ``moment`` by the ``direktori`` journal (active staff only;
    Plh/Plt delegations are not roles held)."""
    upto = fold(e for e in entries if e.occurred_at <= moment)
    out: dict[str, set[str]] = {u: set() for u, (_, _, active) in upto.users.items() if active}
    for username, role in upto.held:
        if username in out:
            out[username].add(role)
    return {u: frozenset(r) for u, r in out.items()}


def entries(rt: Runtime, log: Journal) -> list[StoredEntry]:
    """A journal's entries, oldest first."""
    from sop_runtime.service.ready import ensure_ready

    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        return journal.load(conn, log)


def directory_of(conn: Connection) -> Directory:
    """Who may act, as the ``direktori`` journal says (not as its tables say: an edited
    ``user_roles`` row changes no decision, and ``sop verify`` names it)."""
    from sop_runtime.engine.actors import Delegation, DelegationKind, Directory

    known = fold(journal.load(conn, "direktori"))
    active = {u for u, (_, _, on) in known.users.items() if on}
    held: dict[str, set[str]] = {u: set() for u in active}
    for username, role in known.held:
        if username in active:
            held[username].add(role)
    lent = tuple(Delegation(d[0], d[1], d[4], d[5], DelegationKind(d[3]), d[2], d[6])
                 for d in sorted(known.delegations, key=lambda d: (d[4], d[9]))
                 if d[0] in active)
    return Directory(roles={u: frozenset(r) for u, r in held.items()}, delegations=lent,
                     supervisor_roles=frozenset(r for r, (_, _, _, boss) in known.roles.items()
                                                if boss),
                     names={u: nama for u, (nama, _, _) in known.users.items()})
