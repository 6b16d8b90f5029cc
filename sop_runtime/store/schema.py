"""The tables, in SQLAlchemy Core: one schema for SQLite and PostgreSQL.

``events`` is the log (the truth, append-only, hash-chained per case); ``cases``,
``open_steps``, ``deviations`` and ``step_attempts`` are projections kept in the same
transaction as the append and rebuildable from the log. ``survey_responses`` holds the
public's answers to the satisfaction survey, apart from the log. ``migrations/versions`` creates
exactly this schema (a test compares them).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
    false,
    true,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import TypeEngine

from sop_runtime.store.errors import EVENTS_UNIQUE

SQLITE_DATETIME_FORMAT = (
    "%(year)04d-%(month)02d-%(day)02dT%(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
)
"""UTC instants on SQLite: ISO-8601 text with microseconds, so text order is time order and
the hash chain's form is the stored text plus ``+00:00``."""


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: only timezone-aware datetimes go in; UTC-aware datetimes come out.

    Stored as UTC: ``timestamptz`` on PostgreSQL, naive UTC ISO text on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            stored = sqlite.DATETIME(storage_format=SQLITE_DATETIME_FORMAT)  # type: ignore[no-untyped-call]
            return dialect.type_descriptor(stored)
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: an instant needs a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


ID = 64       # length of identifiers: role ids, usernames, SOP ids, node ids
HASH = 64     # SHA-256, hex
NAME = 200    # a party's name (engine.parties.NAME_MAX)
REGISTER = 60  # a register number, 14/Pdt.G/2026/PN Snn
WORD = 60     # one word of a name, as searched

metadata = MetaData(naming_convention={
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "ix": "ix_%(table_name)s_%(column_0_name)s",
})

# -- definitions ------------------------------------------------------------------------

workflows = Table(
    "workflows", metadata,
    Column("version", String(HASH), primary_key=True),  # SHA-256 of the canonical content
    Column("sop_id", String(ID), nullable=False),
    Column("nama", Text, nullable=False),
    Column("source", Text, nullable=False),  # the YAML text of the definition
    Column("file", String(500), nullable=False),
    Column("loaded_at", UTCDateTime, nullable=False),
)

sops = Table(
    "sops", metadata,
    Column("sop_id", String(ID), primary_key=True),
    Column("current_version", String(HASH), ForeignKey("workflows.version"), nullable=False),
)

# Each pengesahan of a version, in order: who approved it (None: in force as loaded, the
# first version of an SOP or one made current before approvals were recorded), when, and the
# day it comes into force; new cases start on the newest one in force (store.workflows).
sop_approvals = Table(
    "sop_approvals", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sop_id", String(ID), nullable=False),
    Column("version", String(HASH), ForeignKey("workflows.version"), nullable=False),
    Column("approved_by", String(ID), nullable=True),
    Column("approved_at", UTCDateTime, nullable=True),
    Column("effective_on", Date, nullable=True),
    Column("acting", String(ID), nullable=True),  # "plh"/"plt" when a delegate approved
    Index("ix_sop_approvals_sop_id", "sop_id", "id"),
)

settings = Table(
    "settings", metadata,
    Column("key", String(ID), primary_key=True),
    Column("value", Text, nullable=False),
)

# -- who may act ------------------------------------------------------------------------

roles = Table(
    "roles", metadata,
    Column("id", String(ID), primary_key=True),
    Column("nama", Text, nullable=False),
    Column("publik", Boolean, nullable=False, default=False),
    Column("sistem", Boolean, nullable=False, default=False),
    Column("pengawas", Boolean, nullable=False, default=False),  # a supervisor role
)

users = Table(
    "users", metadata,
    Column("username", String(ID), primary_key=True),
    Column("nama", Text, nullable=False),
    Column("nip", String(32), nullable=True),
    Column("active", Boolean, nullable=False, default=True),
)

user_roles = Table(
    "user_roles", metadata,
    Column("username", String(ID), ForeignKey("users.username"), nullable=False),
    Column("role", String(ID), ForeignKey("roles.id"), nullable=False),
    PrimaryKeyConstraint("username", "role"),
)

delegations = Table(
    "delegations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delegate", String(ID), ForeignKey("users.username"), nullable=False),
    Column("role", String(ID), ForeignKey("roles.id"), nullable=False),
    Column("holder", String(ID), nullable=True),
    Column("kind", String(3), nullable=False),
    Column("start", UTCDateTime, nullable=False),
    Column("end", UTCDateTime, nullable=False),
    Column("reference", Text, nullable=True),
    Column("reason", Text, nullable=False),
    Column("created_by", String(ID), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("kind IN ('plh', 'plt')", name="kind"),
    CheckConstraint('"start" < "end"', name="period"),
)

# -- cases ------------------------------------------------------------------------------

case_counters = Table(
    "case_counters", metadata,
    Column("prefix", String(ID), primary_key=True),
    Column("last", Integer, nullable=False),
)

def _chained_log(key: Column[str]) -> list[Column[Any]]:
    """The columns of a hash-chained log (store.chain): the global order, the chain's key
    (a case id, a journal's name), and each entry's fields and hashes."""
    return [
        # the global order; an INTEGER PRIMARY KEY (rowid) on SQLite
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
               autoincrement=True),
        key,
        Column("seq", Integer, nullable=False),
        Column("type", String(40), nullable=False),
        Column("version", Integer, nullable=False),
        Column("occurred_at", UTCDateTime, nullable=False),
        Column("recorded_at", UTCDateTime, nullable=False),
        Column("actor", String(ID), nullable=True),
        Column("payload", Text, nullable=False),  # canonical JSON
        Column("prev_hash", String(HASH), nullable=False),
        Column("hash", String(HASH), nullable=False),
    ]


events = Table(
    "events", metadata,
    *_chained_log(Column("case_id", String(40), nullable=False)),
    UniqueConstraint("case_id", "seq", name=EVENTS_UNIQUE),
    Index("ix_events_type", "type"),
)

cases = Table(
    "cases", metadata,
    Column("case_id", String(40), primary_key=True),
    Column("sop_id", String(ID), nullable=False),
    Column("version", String(HASH), nullable=False),
    Column("status", String(20), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("started_by", String(ID), nullable=True),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("service_due", UTCDateTime, nullable=True),
    # the breach of the service standard has been recorded (the sweep records it once)
    Column("service_overdue_flagged", Boolean, nullable=False, default=False),
    Column("fields", Text, nullable=False),  # JSON object
    Column("last_seq", Integer, nullable=False),
    Column("head_hash", String(HASH), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # who the case is for (its first party's name) and the court's register number
    Column("applicant", String(NAME), nullable=True),
    Column("register_number", String(REGISTER), nullable=True),
    Index("ix_cases_sop_status", "sop_id", "status"),
    # finding cases: by register number; newest first, within an SOP or a status
    Index("ix_cases_register_number", "register_number"),
    Index("ix_cases_started_at", "started_at"),
    Index("ix_cases_sop_started", "sop_id", "started_at"),
    Index("ix_cases_status_started", "status", "started_at"),
)

# the words of the names of every case's parties, folded to lower case: a name is found
# by the beginning of any of its words on this index (byte order: "C" on PostgreSQL)
case_names = Table(
    "case_names", metadata,
    Column("word", String(WORD).with_variant(String(WORD, collation="C"), "postgresql"),
           nullable=False),
    Column("case_id", String(40), nullable=False),
    PrimaryKeyConstraint("word", "case_id"),
    Index("ix_case_names_case_id", "case_id"),
)

open_steps = Table(
    "open_steps", metadata,
    Column("case_id", String(40), nullable=False),
    Column("node", String(ID), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("role", String(ID), nullable=False),  # one row per role that may act
    Column("sop_id", String(ID), nullable=False),
    Column("kegiatan", Text, nullable=False),
    Column("assignee", String(ID), nullable=True),
    Column("claimed_by", String(ID), nullable=True),
    Column("activated_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=True),
    Column("timer_due", UTCDateTime, nullable=True),  # when the step's timer branch fires
    # the step's current deadline has been recorded as overdue (the sweep records it once)
    Column("overdue_flagged", Boolean, nullable=False, default=False),
    PrimaryKeyConstraint("case_id", "node", "attempt", "role"),
    # the deadline order, carrying what the supervisor's overview groups overdue steps by
    Index("ix_open_steps_due_cover", "due_at", "sop_id", "node", "assignee", "role"),
    Index("ix_open_steps_activated", "activated_at", "due_at"),  # the open steps' age
    Index("ix_open_steps_role_due", "role", "due_at"),
    Index("ix_open_steps_assignee_due", "assignee", "due_at"),  # own assignments, by deadline
)

# What the sweep looks for, each on a partial index that holds only the rows which may still
# fall due (SQLite and PostgreSQL both keep them): the sweep reads a range of what is due by
# now, never the steps already recorded overdue nor the finished cases. Each query repeats
# its index's condition word for word (SQLite uses a partial index only then).
STEP_UNFLAGGED = open_steps.c.overdue_flagged == false()
STEP_TIMED = open_steps.c.timer_due.is_not(None)
CASE_UNBREACHED = and_(cases.c.ended_at.is_(None), cases.c.service_overdue_flagged == false(),
                       cases.c.service_due.is_not(None))
Index("ix_open_steps_unflagged_due", open_steps.c.due_at,
      sqlite_where=STEP_UNFLAGGED, postgresql_where=STEP_UNFLAGGED)
# The steps already recorded overdue, for the overview: those whose deadline is still ahead
# of the instant asked about (none, but for an instant before the sweep), and each group's
# earliest deadline, one index seek per group.
STEP_FLAGGED = open_steps.c.overdue_flagged == true()
Index("ix_open_steps_flagged_due", open_steps.c.due_at,
      sqlite_where=STEP_FLAGGED, postgresql_where=STEP_FLAGGED)
Index("ix_open_steps_flagged_group", open_steps.c.sop_id, open_steps.c.node,
      open_steps.c.assignee, open_steps.c.due_at,
      sqlite_where=STEP_FLAGGED, postgresql_where=STEP_FLAGGED)
Index("ix_open_steps_timer", open_steps.c.timer_due,
      sqlite_where=STEP_TIMED, postgresql_where=STEP_TIMED)
Index("ix_cases_service_due", cases.c.service_due,
      sqlite_where=CASE_UNBREACHED, postgresql_where=CASE_UNBREACHED)

deviations = Table(
    "deviations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(40), nullable=False),
    Column("seq", Integer, nullable=False),  # the event that records it
    Column("kind", String(40), nullable=False),
    Column("outcome", String(10), nullable=False),  # 'dicatat' | 'ditolak'
    Column("node", String(ID), nullable=True),
    Column("attempt", Integer, nullable=True),
    Column("actor", String(ID), nullable=True),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("rule", Text, nullable=False),
    Column("reason", Text, nullable=True),
    Column("evidence", Text, nullable=False),  # JSON object
    CheckConstraint("outcome IN ('dicatat', 'ditolak')", name="outcome"),
    Index("ix_deviations_case_id", "case_id"),
    Index("ix_deviations_kind", "kind"),
    Index("ix_deviations_occurred_at", "occurred_at"),
)

# every attempt of every step (one row per activation), with its durations measured as its
# limit counts them (engine.attempts): what the monitoring and evaluation report reads
step_attempts = Table(
    "step_attempts", metadata,
    Column("case_id", String(40), nullable=False),
    Column("node", String(ID), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("sop_id", String(ID), nullable=False),
    Column("version", String(HASH), nullable=False),
    Column("role", String(ID), nullable=True),
    Column("status", String(20), nullable=False),
    Column("activated_at", UTCDateTime, nullable=False),
    Column("claimed_at", UTCDateTime, nullable=True),
    Column("completed_at", UTCDateTime, nullable=True),
    Column("completed_by", String(ID), nullable=True),
    Column("due_at", UTCDateTime, nullable=True),
    Column("limit_unit", String(12), nullable=True),  # hari | hari_kerja | menit_kerja
    Column("late", Boolean, nullable=True),
    Column("work_seconds", BigInteger, nullable=True),
    Column("wait_seconds", BigInteger, nullable=True),
    Column("handle_seconds", BigInteger, nullable=True),
    PrimaryKeyConstraint("case_id", "node", "attempt"),
    # one SOP's attempts over a period, carrying what the report sums
    Index("ix_step_attempts_sop_activated", "sop_id", "activated_at"),
)

# -- the public's opinion ----------------------------------------------------------------

# counts kept as the projections are written, in the same transaction: what they count
# depends only on what was recorded (deviations by kind, open steps by holder), so a
# supervisor's first view reads a few rows, not the court's history. A change is a new row;
# a count is the sum of its rows, folded into one now and then (store.tallies)
TALLY_KEY = 3 * ID + 8
tallies = Table(
    "tallies", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("what", String(20), nullable=False),  # deviation_kind | open_holder
    # the kind; the holder ('' for nobody); an hour and class; ids joined (store.tallies)
    Column("key", String(TALLY_KEY), nullable=False),
    Column("n", BigInteger, nullable=False),     # how many more (or fewer)
    Index("ix_tallies_what_key", "what", "key"),
)

# One Survei Kepuasan Masyarakat response per completed request (Permenpan-RB 14/2017, the
# nine unsur of sop_runtime.audit.ikm, each 1-4): a table of its own, not an event, since the
# public's opinion is no act on the case and its reports are anonymous (service.survey).
SURVEY_UNSUR = ("persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi",
                "perilaku", "sarana", "pengaduan")
survey_responses = Table(
    "survey_responses", metadata,
    Column("case_id", String(40), primary_key=True),  # one response per request
    Column("sop_id", String(ID), nullable=False),
    Column("version", String(HASH), nullable=False),
    Column("completed_at", UTCDateTime, nullable=False),  # when the request was completed
    Column("answered_at", UTCDateTime, nullable=False),
    *(Column(key, Integer, nullable=False) for key in SURVEY_UNSUR),
    Column("saran", Text, nullable=True),  # may name people: shown to staff only
    Column("jenis_kelamin", String(1), nullable=True),
    Column("pendidikan", String(10), nullable=True),
    Column("pekerjaan", String(20), nullable=True),
    Column("cara", String(10), nullable=False),  # 'daring' (the form) | 'kertas' (typed in)
    Column("entered_by", String(ID), nullable=True),  # the clerk who typed a paper form in
    *(CheckConstraint(f"{key} BETWEEN 1 AND 4", name=key) for key in SURVEY_UNSUR),
    CheckConstraint("cara IN ('daring', 'kertas')", name="cara"),
    Index("ix_survey_responses_answered_at", "answered_at"),
    Index("ix_survey_responses_sop_answered", "sop_id", "answered_at"),
)

# -- the court's own journals -----------------------------------------------------------

journal = Table(
    "journal", metadata,
    # hash-chained like a case's log (store.chain): who may act (``direktori``), the
    # definitions in force (``definisi``), reads of confidential cases (``akses``)
    *_chained_log(Column("log", String(20), nullable=False)),
    UniqueConstraint("log", "seq", name="uq_journal_log_seq"),
)

# -- seals ------------------------------------------------------------------------------

seals = Table(
    "seals", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sealed_at", UTCDateTime, nullable=False),
    Column("sealed_by", String(ID), nullable=False),
    Column("size", Integer, nullable=False),     # number of leaves
    Column("root", String(HASH), nullable=False),  # RFC 9162 Merkle root, hex
    Column("note", Text, nullable=True),
    # "log": a head of the log-ordered tree (log_leaves, log_nodes), the first ``size``
    # entries in append order; "heads": (before 0015) every case's newest event, its leaves
    # in seal_leaves
    Column("kind", String(8), nullable=False, server_default="heads"),
    # a log seal: the newest events.id and journal.id it positioned (the next seal takes
    # the entries after them)
    Column("events_through", BigInteger, nullable=True),
    Column("journal_through", BigInteger, nullable=True),
    # a log seal's signed tree head (audit.signing): the court's name as the head states it,
    # the signature (base64) and the id of the key that made it; None: not signed
    Column("court", Text, nullable=True),
    Column("signature", Text, nullable=True),
    Column("signed_with", String(16), nullable=True),
)

seal_leaves = Table(
    "seal_leaves", metadata,
    Column("seal_id", Integer, ForeignKey("seals.id"), nullable=False),
    Column("position", Integer, nullable=False),  # leaf index, in case id order
    Column("case_id", String(40), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(HASH), nullable=False),
    PrimaryKeyConstraint("seal_id", "position"),
    Index("ix_seal_leaves_case_id", "case_id"),
)

# The log-ordered tree (audit.logtree): every entry of the record at its position in append
# order, given when a seal takes it (never on the write path), and the hash of every
# complete aligned subtree of 2**LOW leaves and more.
log_leaves = Table(
    "log_leaves", metadata,
    Column("position", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=False),
    Column("case_id", String(40), nullable=False),  # a case id, or "@" + a journal's name
    Column("seq", Integer, nullable=False),
    Column("hash", String(HASH), nullable=False),   # the entry's hash (the leaf's input)
    UniqueConstraint("case_id", "seq", name="uq_log_leaves_case_id_seq"),
)

log_nodes = Table(
    "log_nodes", metadata,
    Column("level", Integer, nullable=False),
    Column("idx", BigInteger, nullable=False),
    Column("hash", String(HASH), nullable=False),   # MTH of leaves [idx << level, ...), hex
    PrimaryKeyConstraint("level", "idx"),
)


# -- credentials: the web app's sign-in and the integrations' tokens ---------------------

passwords = Table(
    "passwords", metadata,
    Column("username", String(ID), ForeignKey("users.username"), primary_key=True),
    Column("hash", Text, nullable=False),  # argon2id, with its parameters and salt
    Column("updated_at", UTCDateTime, nullable=False),
)

api_tokens = Table(
    "api_tokens", metadata,
    Column("digest", String(HASH), primary_key=True),  # SHA-256 of the token; never the token
    Column("username", String(ID), ForeignKey("users.username"), nullable=False),
    Column("label", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Index("ix_api_tokens_username", "username"),
)

web_sessions = Table(
    "web_sessions", metadata,
    Column("digest", String(HASH), primary_key=True),  # SHA-256 of the cookie; never the cookie
    Column("username", String(ID), ForeignKey("users.username"), nullable=False),
    Column("csrf", String(HASH), nullable=False),  # the forms' token for this session
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),  # signed out
    Index("ix_web_sessions_username", "username"),
)

sign_in_limits = Table(
    "sign_in_limits", metadata,
    # SHA-256 of what is counted: an (address, username) pair, a username or an address (a
    # password typed into the username field is never stored)
    Column("key", String(HASH), primary_key=True),
    Column("failures", Integer, nullable=False),  # tries counted, a success's given back
    Column("retry_at", UTCDateTime, nullable=False),  # once over the limit: the next try
    Column("expires_at", UTCDateTime, nullable=False),  # then the count starts afresh
    Index("ix_sign_in_limits_expires_at", "expires_at"),
)

tracking_codes = Table(
    "tracking_codes", metadata,
    # the request the code opens (no foreign key: ``cases`` is a projection, emptied and
    # written again by ``sop rebuild``; this table is not)
    Column("case_id", String(40), primary_key=True),
    Column("digest", String(HASH), nullable=False),  # SHA-256 of the code; never the code
    Column("issued_at", UTCDateTime, nullable=False),
)

# -- the applicant's contact (UU 27/2022): apart from the log, erasable ---------------------

applicant_contacts = Table(
    "applicant_contacts", metadata,
    # the request (no foreign key: ``cases`` is a projection, emptied by ``sop rebuild``)
    Column("case_id", String(40), primary_key=True),
    Column("channel", String(12), nullable=False),   # email | whatsapp | telegram
    Column("address", String(320), nullable=False),  # the e-mail address or the number
    Column("given_at", UTCDateTime, nullable=False),
)

# each notice due to an applicant: one row per (case, step attempt), so it is sent once
applicant_notices = Table(
    "applicant_notices", metadata,
    Column("case_id", String(40), nullable=False),
    Column("node", String(ID), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("channel", String(12), nullable=False),
    Column("message", Text, nullable=False),
    # menunggu (due) | mengirim (being sent) | terkirim | gagal | batal (no contact any more)
    Column("status", String(12), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("tries", Integer, nullable=False, default=0),
    Column("claimed_at", UTCDateTime, nullable=True),
    PrimaryKeyConstraint("case_id", "node", "attempt"),
    Index("ix_applicant_notices_status_due", "status", "due_at"),
)
