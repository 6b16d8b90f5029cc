"""The applicants' contacts and the notices due to them: tables apart from the log.

A contact (an e-mail address, a WhatsApp or Telegram number) is personal data the applicant
may have erased (UU 27/2022), so it is never in the hash-chained log, which records only
that consent was given and the kind of channel. Like the tracking codes, these tables are
not projections: ``sop rebuild`` leaves them alone.

A notice is one row per (case, step attempt): the primary key makes it due once however
often the step's events are seen, and its status moves ``menunggu`` (due) -> ``mengirim``
(taken by a sender, committed before anything is sent) -> ``terkirim`` / ``gagal``, or
``batal`` when the contact is gone. A sender that finds a notice taken does not send it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, delete, insert, select, update

from sop_runtime.store.schema import applicant_contacts, applicant_notices, cases

_c = applicant_contacts.c
_n = applicant_notices.c

DUE, SENDING, SENT, FAILED, DROPPED = "menunggu", "mengirim", "terkirim", "gagal", "batal"


@dataclass(frozen=True, slots=True)
class Contact:
    case_id: str
    channel: str
    address: str
    given_at: datetime


@dataclass(frozen=True, slots=True)
class Notice:
    case_id: str
    node: str
    attempt: int
    channel: str
    message: str
    status: str
    due_at: datetime
    tries: int
    claimed_at: datetime | None


def keep_contact(conn: Connection, contact: Contact) -> None:
    conn.execute(delete(applicant_contacts).where(_c.case_id == contact.case_id))
    conn.execute(insert(applicant_contacts).values(
        case_id=contact.case_id, channel=contact.channel, address=contact.address,
        given_at=contact.given_at))


def contact_of(conn: Connection, case_id: str) -> Contact | None:
    row = conn.execute(select(_c.case_id, _c.channel, _c.address, _c.given_at)
                       .where(_c.case_id == case_id)).first()
    return None if row is None else Contact(*row)


def erase_contact(conn: Connection, case_id: str) -> bool:
    """Erase ``case_id``'s contact and drop its notices not sent yet; whether there was one."""
    gone = conn.execute(delete(applicant_contacts).where(_c.case_id == case_id)).rowcount
    conn.execute(update(applicant_notices)
                 .where(_n.case_id == case_id, _n.status.in_((DUE, SENDING)))
                 .values(status=DROPPED))
    return bool(gone)


def ended_with_contact(conn: Connection) -> list[tuple[str, datetime]]:
    """(case, when it ended) of every ended request whose contact is still kept."""
    rows = conn.execute(
        select(_c.case_id, cases.c.ended_at)
        .join(cases, cases.c.case_id == _c.case_id)
        .where(cases.c.ended_at.is_not(None)).order_by(_c.case_id))
    return [(r[0], r[1]) for r in rows]


def erase_contacts(conn: Connection, case_ids: Sequence[str]) -> int:
    """Erase the contacts of ``case_ids`` (dropping their notices not sent); how many."""
    erased = 0
    for i in range(0, len(case_ids), 500):
        chunk = list(case_ids[i:i + 500])
        erased += conn.execute(delete(applicant_contacts)
                               .where(_c.case_id.in_(chunk))).rowcount
        conn.execute(update(applicant_notices)
                     .where(_n.case_id.in_(chunk), _n.status.in_((DUE, SENDING)))
                     .values(status=DROPPED))
    return erased


def add_notices(conn: Connection, rows: Sequence[Notice]) -> None:
    """Make ``rows`` due; a (case, step attempt) that has its notice already keeps it."""
    for r in rows:
        exists = conn.execute(select(_n.status).where(
            _n.case_id == r.case_id, _n.node == r.node, _n.attempt == r.attempt)).first()
        if exists is None:
            conn.execute(insert(applicant_notices).values(
                case_id=r.case_id, node=r.node, attempt=r.attempt, channel=r.channel,
                message=r.message, status=DUE, due_at=r.due_at, tries=0, claimed_at=None))


_COLUMNS = (_n.case_id, _n.node, _n.attempt, _n.channel, _n.message, _n.status, _n.due_at,
            _n.tries, _n.claimed_at)


def notices(conn: Connection, *, status: str, before: datetime | None = None,
            limit: int | None = None) -> list[Notice]:
    """Notices of ``status``, oldest first (taken before ``before``, for ``mengirim``)."""
    query = select(*_COLUMNS).where(_n.status == status)
    if before is not None:
        query = query.where(_n.claimed_at < before)
    query = query.order_by(_n.due_at, _n.case_id, _n.node, _n.attempt)
    if limit is not None:
        query = query.limit(limit)
    return [Notice(*r) for r in conn.execute(query)]


def notice(conn: Connection, case_id: str, node: str, attempt: int) -> Notice | None:
    row = conn.execute(select(*_COLUMNS).where(
        _n.case_id == case_id, _n.node == node, _n.attempt == attempt)).first()
    return None if row is None else Notice(*row)


def move_notice(conn: Connection, case_id: str, node: str, attempt: int, *, frm: str, to: str,
                claimed_at: datetime | None = None, tried: bool = False) -> bool:
    """Move the notice from status ``frm`` to ``to`` (counting a try when ``tried``); False
    when it was not in ``frm`` (someone else moved it first)."""
    values: dict[str, object] = {"status": to}
    if claimed_at is not None:
        values["claimed_at"] = claimed_at
    if tried:
        values["tries"] = _n.tries + 1
    done = conn.execute(update(applicant_notices).where(and_(
        _n.case_id == case_id, _n.node == node, _n.attempt == attempt, _n.status == frm))
        .values(**values))
    return done.rowcount == 1
