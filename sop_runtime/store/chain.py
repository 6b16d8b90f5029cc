"""The hash chain over each case's log, and its verification.

Every event's ``hash`` is the SHA-256 (hex) of the canonical JSON (keys sorted, no
insignificant space) of all its stored fields: ``case_id``, ``seq``, ``type``, ``version``,
``occurred_at`` and ``recorded_at`` (UTC ISO-8601 with microseconds), ``actor``, ``payload``
(the parsed JSON object) and ``prev_hash`` (the previous event's hash; :data:`GENESIS` for
``seq`` 1). Changing, removing, reordering or inserting an event breaks the chain, and the
``cases`` projection's ``last_seq``/``head_hash`` catch a removed newest event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from sqlalchemy import Connection, select, text

from sop_runtime.i18n import tr
from sop_runtime.store.prefetch import prefetched
from sop_runtime.store.schema import cases, events

GENESIS = "0" * 64

HEADS_BATCH = 1000  # cases whose heads are compared with ``cases`` in one query

BreakKind = Literal["hash", "prev_hash", "seq_gap", "head_mismatch", "missing_events"]


def event_hash(case_id: str, seq: int, type_: str, version: int, occurred_at: datetime,
               recorded_at: datetime, actor: str | None, payload_json: str,
               prev_hash: str) -> str:
    """The hash of one stored event (see the module docstring)."""
    # imported here: the compiler and engine packages are heavy, and opening a database
    # (sop_runtime.store.db) must stay cheap
    from sop_runtime.compiler.canonical import canonical_json
    from sop_runtime.engine.events import utc_iso

    return hashlib.sha256(canonical_json({
        "case_id": case_id, "seq": seq, "type": type_, "version": version,
        "occurred_at": utc_iso(occurred_at), "recorded_at": utc_iso(recorded_at),
        "actor": actor, "payload": orjson.loads(payload_json), "prev_hash": prev_hash,
    })).hexdigest()


def _doc(case_id: str, seq: int, type_: str, version: int, occurred: str, recorded: str,
         actor: str | None, payload_json: str, prev_hash: str) -> str:
    """The canonical JSON of :func:`event_hash`, written directly. Right when the strings
    need no JSON escaping, the payload is canonical and the instants are UTC ISO text
    without the offset (as the database gives them back); anything else gives other bytes,
    a hash mismatch, and :func:`verify` then recomputes through :func:`event_hash`."""
    who = "null" if actor is None else f'"{actor}"'
    return (f'{{"actor":{who},"case_id":"{case_id}","occurred_at":"{occurred}+00:00",'
            f'"payload":{payload_json},"prev_hash":"{prev_hash}",'
            f'"recorded_at":"{recorded}+00:00",'
            f'"seq":{seq},"type":"{type_}","version":{version}}}')


@dataclass(frozen=True, slots=True)
class Break:
    """The first place the log fails verification."""

    case_id: str
    seq: int | None
    what: BreakKind
    message_id: str
    message_en: str

    @property
    def message(self) -> str:
        return tr(self.message_id, self.message_en)


@dataclass(frozen=True, slots=True)
class VerifyReport:
    ok: bool
    events: int          # events checked (up to the first break)
    cases: int           # cases whose log was checked
    first_break: Break | None = None


def _break(case_id: str, seq: int | None, what: BreakKind, id_text: str, en_text: str,
           **params: object) -> Break:
    return Break(case_id, seq, what, id_text.format(case=case_id, seq=seq, **params),
                 en_text.format(case=case_id, seq=seq, **params))


@dataclass(frozen=True, slots=True)
class Span:
    """Which cases a check covers: one ``case``, the listed ``cases``, or the case ids from
    ``first`` (inclusive) to ``stop`` (exclusive), either end open when None."""

    case: str | None = None
    first: str | None = None
    stop: str | None = None
    cases: tuple[str, ...] | None = None

    def where(self, dialect: str) -> tuple[str, dict[str, str]]:
        """An SQL condition on ``case_id`` and its parameters."""
        def mark(name: str) -> str:
            return f":{name}" if dialect == "sqlite" else f"%({name})s"

        if self.case is not None:
            return f"case_id = {mark('case')}", {"case": self.case}
        if self.cases is not None:
            names = {f"c{i}": c for i, c in enumerate(self.cases)}
            listed = ", ".join(mark(n) for n in names) or "NULL"
            return f"case_id IN ({listed})", names
        parts: list[str] = []
        params: dict[str, str] = {}
        if self.first is not None:
            parts.append(f"case_id >= {mark('first')}")
            params["first"] = self.first
        if self.stop is not None:
            parts.append(f"case_id < {mark('stop')}")
            params["stop"] = self.stop
        return " AND ".join(parts), params


def _instants(dialect: str) -> tuple[str, str]:
    """The two instants as UTC ISO text without the offset."""
    if dialect == "sqlite":
        return "occurred_at", "recorded_at"  # stored as UTC ISO text
    fmt = "'YYYY-MM-DD\"T\"HH24:MI:SS.US'"
    return (f"to_char(occurred_at AT TIME ZONE 'UTC', {fmt})",
            f"to_char(recorded_at AT TIME ZONE 'UTC', {fmt})")


def _rows_sql(dialect: str, span: Span) -> tuple[str, dict[str, str]]:
    """The log in (case_id, seq) order, instants as UTC ISO text without the offset."""
    occurred, recorded = _instants(dialect)
    condition, params = span.where(dialect)
    where = f" WHERE {condition}" if condition else ""
    return (f"SELECT case_id, seq, type, version, {occurred}, {recorded}, actor, payload, "
            f"prev_hash, hash FROM events{where} ORDER BY case_id, seq"), params


def _journal_sql(dialect: str, after_id: int = 0) -> tuple[str, dict[str, str]]:
    """Every court journal in (journal, seq) order (its entries with ids above
    ``after_id``), in the rows' shape of the case log: the chain id is the journal's name
    after ``@`` (see :func:`journal_chain`)."""
    occurred, recorded = _instants(dialect)
    # after an id: ordered by an expression, so that SQLite reads the range of ids rather
    # than the (log, seq) index of every journal
    where, order = (f" WHERE id > {int(after_id)}", "log || ''") if after_id else ("", "log")
    return (f"SELECT '{JOURNAL_MARK}' || log, seq, type, version, {occurred}, {recorded}, "
            f"actor, payload, prev_hash, hash FROM journal{where} ORDER BY {order}, seq"), {}


JOURNAL_MARK = "@"


def journal_chain(log: str) -> str:
    """The chain id of a court journal in its entries' hashes and in seals: ``@direktori``
    (no case id starts with ``@``)."""
    return JOURNAL_MARK + log


def _stream(conn: Connection, span: Span, batch: int, *,
            journals: bool = False, after_id: int = 0) -> Generator[list[Any]]:
    """Batches of log rows straight from the driver (a server-side cursor on PostgreSQL):
    memory stays flat, and no per-row SQLAlchemy work is done."""
    raw: Any = conn.connection.dbapi_connection
    sql, params = (_journal_sql(conn.dialect.name, after_id) if journals
                   else _rows_sql(conn.dialect.name, span))
    if conn.dialect.name == "sqlite":
        cursor = raw.cursor()
    else:
        cursor = raw.cursor(name=f"sop_verify_{id(conn):x}", binary=True)
        cursor.itersize = batch
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()


def _exact_hash(row: Sequence[Any]) -> str | None:
    """:func:`event_hash` of a stored row; None if the row cannot be read (the payload is
    not JSON, an instant is not ISO-8601)."""
    cid, seq, type_, version, occurred, recorded, actor, payload, prev, _ = row
    try:
        return event_hash(cid, seq, type_, version, _instant(occurred), _instant(recorded),
                          actor, payload, prev)
    except (ValueError, TypeError):
        return None


def _instant(text_: str) -> datetime:
    value = datetime.fromisoformat(text_)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


_HEAD_SQL = """
SELECT c.last_seq, c.head_hash,
       (SELECT count(*) FROM events e
         WHERE e.case_id = c.case_id AND e.seq > :seq AND e.seq <= c.last_seq),
       (SELECT e.hash FROM events e WHERE e.case_id = c.case_id AND e.seq = c.last_seq)
FROM cases c WHERE c.case_id = :case
"""


def _appended_since(conn: Connection, case_id: str, seq: int) -> bool:
    """Whether the log of ``case_id`` simply grew after the scan read it (a transaction at
    READ COMMITTED sees newer commits in later statements): the case row then points at a
    newer event that exists, with every event in between."""
    row = conn.execute(text(_HEAD_SQL), {"case": case_id, "seq": seq}).first()
    if row is None or row[0] <= seq:
        return False
    return bool(row[2] == row[0] - seq and row[3] == row[1])


def _check_heads(conn: Connection, heads: list[tuple[str, int, str]]) -> Break | None:
    """Compare each case's last (seq, hash) in the log with its ``cases`` row."""
    ids = [h[0] for h in heads]
    stored = {r[0]: (r[1], r[2]) for r in conn.execute(
        select(cases.c.case_id, cases.c.last_seq, cases.c.head_hash)
        .where(cases.c.case_id.in_(ids))).all()}
    for case_id, seq, hash_ in heads:
        row = stored.get(case_id)
        if row is None:
            return _break(case_id, seq, "head_mismatch",
                          "perkara {case} mempunyai log tetapi tidak ada di tabel cases",
                          "case {case} has a log but no row in cases")
        if row != (seq, hash_) and not _appended_since(conn, case_id, seq):
            return _break(case_id, seq, "head_mismatch",
                          "perkara {case}: log berakhir di urutan {seq}, tetapi catatan perkara "
                          "menyebut urutan {last} (peristiwa terakhir hilang atau ditambahkan)",
                          "case {case}: the log ends at seq {seq} but the case record says "
                          "seq {last} (the newest event was removed or added)", last=row[0])
    return None


class _Scan:
    """The state of one pass over the log; a chain in ``starts`` is checked from the entry
    after the one given there (seq, hash), not from its beginning."""

    def __init__(self, starts: dict[str, tuple[int, str]] | None = None) -> None:
        self.starts = starts or {}
        self.events = 0
        self.cases = 0
        self.heads: list[tuple[str, int, str]] = []  # finished cases: (case, last seq, hash)
        self.case: str | None = None
        self.expect = 1
        self.last = GENESIS

    def run(self, rows: list[Any]) -> Break | None:
        """Check one batch of rows. The hot loop: the expected case is handled inline (the
        document of :func:`_doc` is written here, not called), anything else goes to
        :meth:`_odd`."""
        sha256 = hashlib.sha256
        case, expect, last, n = self.case, self.expect, self.last, 0
        found: Break | None = None
        for row in rows:
            cid, seq, type_, version, occ, rec, actor, payload, prev, hash_ = row
            if cid != case:
                if case is not None:
                    self.heads.append((case, expect - 1, last))
                start = self.starts.get(cid)
                case, expect, last = (cid, 1, GENESIS) if start is None else (
                    cid, start[0] + 1, start[1])
                self.cases += 1
            who = "null" if actor is None else f'"{actor}"'
            if seq != expect or prev != last or sha256(
                    f'{{"actor":{who},"case_id":"{cid}","occurred_at":"{occ}+00:00",'
                    f'"payload":{payload},"prev_hash":"{prev}","recorded_at":"{rec}+00:00",'
                    f'"seq":{seq},"type":"{type_}","version":{version}}}'.encode()
            ).hexdigest() != hash_:
                found = _odd(row, expect, last)
                if found is not None:
                    break
            last = hash_
            expect += 1
            n += 1
        self.case, self.expect, self.last = case, expect, last
        self.events += n
        return found

    def finish(self) -> None:
        if self.case is not None:
            self.heads.append((self.case, self.expect - 1, self.last))
            self.case = None


def _odd(row: Sequence[Any], expect: int, last: str) -> Break | None:
    """What is wrong with a row the fast path did not accept (None: nothing, its hash only
    needed the exact computation)."""
    cid, seq, prev, hash_ = row[0], row[1], row[8], row[9]
    if seq != expect:
        return _seq_break(cid, seq, expect)
    if prev != last:
        return _break(cid, seq, "prev_hash",
                      "perkara {case} urutan {seq}: prev_hash tidak sama dengan hash "
                      "peristiwa sebelumnya",
                      "case {case} seq {seq}: prev_hash does not match the previous event's "
                      "hash")
    if _exact_hash(row) != hash_:
        return _break(cid, seq, "hash",
                      "perkara {case} urutan {seq}: isi peristiwa telah diubah (hash tidak "
                      "cocok)",
                      "case {case} seq {seq}: the event was altered (hash mismatch)")
    return None


def verify(conn: Connection, *, batch: int = 10000, case: str | None = None,
           span: Span | None = None,
           also: Callable[[list[Any]], None] | None = None) -> VerifyReport:
    """Check every event's hash, seq run and link, each case's head against ``cases``, and
    that every ``cases`` row has events; stop at the first break. The log is streamed, so
    memory stays flat however long it is. ``case`` limits the check to one case; ``also``
    is handed each batch of rows read (case id, seq, type, version, occurred and recorded
    as UTC ISO text without the offset, actor, payload JSON text, prev_hash, hash), for a
    check that reads the log too.

    Run it in one transaction (on PostgreSQL preferably REPEATABLE READ: at READ COMMITTED
    a case that grows during the scan is recognised as grown, not as broken)."""
    span = span or Span(case=case)
    missing = _missing_events(conn, span)  # also begins the transaction through SQLAlchemy
    scan = _Scan()
    found: Break | None = None
    batches = _stream(conn, span, batch)
    if conn.dialect.name != "sqlite":
        batches = prefetched(batches)
    try:
        for rows in batches:
            found = scan.run(rows)
            if also is not None and found is None:
                also(rows)
            if found is None and len(scan.heads) >= HEADS_BATCH:
                found = _check_heads(conn, scan.heads)
                scan.heads.clear()
            if found is not None:
                break
    finally:
        batches.close()  # the cursor, at once (also when stopping at a break)
    if found is None:
        scan.finish()
    # a head mismatch of an earlier case comes before a break found later in the log
    earlier = _check_heads(conn, scan.heads) if scan.heads else None
    found = earlier or found or missing
    return VerifyReport(found is None, scan.events, scan.cases, found)


def verify_journals(conn: Connection, *, batch: int = 10000, after_id: int = 0,
                    starts: dict[str, tuple[int, str]] | None = None) -> VerifyReport:
    """Check every court journal's hashes, seq run and links (``cases`` counts journals);
    stop at the first break. The seals hold every entry. Only the entries with ids above
    ``after_id`` when given, each journal's checked from its entry in ``starts`` (the
    sealed (seq, hash) of ``@journal``)."""
    scan = _Scan(starts)
    found: Break | None = None
    batches = _stream(conn, Span(), batch, journals=True, after_id=after_id)
    try:
        for rows in batches:
            found = scan.run(rows)
            if found is not None:
                break
    finally:
        batches.close()
    if found is not None:  # say "journal", not "case"
        found = Break(found.case_id, found.seq, found.what,
                      found.message_id.replace("perkara ", "jurnal ", 1),
                      found.message_en.replace("case ", "journal ", 1))
    return VerifyReport(found is None, scan.events, scan.cases, found)


def _seq_break(case_id: str, seq: int, expect: int) -> Break:
    if seq < expect:
        return _break(case_id, seq, "seq_gap",
                      "perkara {case}: urutan {seq} muncul dua kali",
                      "case {case}: seq {seq} appears twice")
    return _break(case_id, seq, "seq_gap",
                  "perkara {case}: urutan {expect} hilang (berikutnya {seq})",
                  "case {case}: seq {expect} is missing (next is {seq})", expect=expect)


def _missing_events(conn: Connection, span: Span) -> Break | None:
    has_events = select(events.c.id).where(events.c.case_id == cases.c.case_id).exists()
    query = select(cases.c.case_id).where(~has_events).order_by(cases.c.case_id).limit(1)
    if span.case is not None:
        query = query.where(cases.c.case_id == span.case)
    if span.cases is not None:
        query = query.where(cases.c.case_id.in_(span.cases))
    if span.first is not None:
        query = query.where(cases.c.case_id >= span.first)
    if span.stop is not None:
        query = query.where(cases.c.case_id < span.stop)
    case_id = conn.execute(query).scalar()
    if case_id is None:
        return None
    return _break(case_id, None, "missing_events",
                  "perkara {case} tercatat, tetapi semua peristiwanya hilang",
                  "case {case} is on record but all its events are gone")


def chain_hashes(case_id: str, after_hash: str,
                 rows: Iterable[tuple[int, str, int, str, str, str | None, str]]) -> list[str]:
    """Hashes of consecutive events (seq, type, version, occurred ISO, recorded ISO, actor,
    canonical payload JSON) that follow an event whose hash is ``after_hash``; the same as
    :func:`event_hash` without parsing the payload again."""
    from sop_runtime.compiler.canonical import canonical_json

    out: list[str] = []
    prev = after_hash
    for seq, type_, version, occurred, recorded, actor, payload in rows:
        prev = hashlib.sha256(canonical_json({
            "case_id": case_id, "seq": seq, "type": type_, "version": version,
            "occurred_at": occurred, "recorded_at": recorded, "actor": actor,
            "payload": orjson.Fragment(payload), "prev_hash": prev,
        })).hexdigest()
        out.append(prev)
    return out
