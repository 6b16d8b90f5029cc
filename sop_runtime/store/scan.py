"""Walking the whole log: every case that has events, and every case's events in order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import orjson
from sqlalchemy import ColumnElement, Connection, select

from sop_runtime.store.events import COLUMNS, StoredEvent
from sop_runtime.store.schema import events


def case_ids(conn: Connection) -> Iterator[str]:
    """Every case id in the log, in order."""
    query = select(events.c.case_id).distinct().order_by(events.c.case_id)
    for (case_id,) in conn.execute(query):
        yield case_id


def case_logs(conn: Connection, first: str | None = None, stop: str | None = None,
              *, batch: int = 5000, cases: Sequence[str] | None = None
              ) -> Iterator[list[StoredEvent]]:
    """Each case's events in order, case by case, for case ids in [``first``, ``stop``)
    (either end open when None) or in ``cases``. The rows are streamed (a server-side
    cursor on PostgreSQL), so memory holds one batch and one case."""
    query = select(*COLUMNS)
    if cases is not None:
        query = query.where(events.c.case_id.in_(cases))
    if first is not None:
        query = query.where(events.c.case_id >= first)
    if stop is not None:
        query = query.where(events.c.case_id < stop)
    query = query.order_by(events.c.case_id, events.c.seq)
    result = conn.execute(query.execution_options(yield_per=batch))
    case: list[StoredEvent] = []
    for r in result:
        if case and case[0].case_id != r[0]:
            yield case
            case = []
        case.append(StoredEvent(r[0], r[1], r[2], r[3], r[4], r[5], r[6], orjson.loads(r[7]),
                                r[8], r[9]))
    if case:
        yield case


def document_events(conn: Connection, *, batch: int = 5000, after_id: int = 0
                    ) -> Iterator[tuple[str, str | None, str, dict[str, object]]]:
    """(case id, its register number, its SOP version, payload) of every step completion
    or joint act that records documents (with an id above ``after_id``), in log order (the
    payloads are filtered by their text, so the log's other events are not decoded)."""
    from sop_runtime.store.schema import cases

    if after_id:
        yield from _document_events_after(conn, after_id)
        return
    query = (select(events.c.case_id, cases.c.register_number, cases.c.version,
                    events.c.payload)
             .join(cases, cases.c.case_id == events.c.case_id)
             .where(events.c.type.in_(("step_completed", "step_signed")),
                    events.c.payload.contains('"documents":'))
             .order_by(events.c.case_id, events.c.seq))
    for case_id, register, version, payload in conn.execute(query.execution_options(
            yield_per=batch)):
        data = orjson.loads(payload)
        if isinstance(data.get("documents"), dict):
            yield case_id, register, version, data


def _document_events_after(conn: Connection, after_id: int
                           ) -> Iterator[tuple[str, str | None, str, dict[str, object]]]:
    """:func:`document_events` of the events with ids above ``after_id``: the range of ids
    read on the key, then the few cases they name (a join could be driven from every case)."""
    from sop_runtime.store.schema import cases

    kind: ColumnElement[str] = events.c.type.concat("")  # not the index of every such event
    # no ORDER BY in SQL: SQLite would read the (case_id, seq) index of the whole log to
    # avoid a sort, instead of the range of ids
    found = sorted(conn.execute(select(events.c.case_id, events.c.seq, events.c.payload)
                                .where(events.c.id > after_id,
                                       kind.in_(("step_completed", "step_signed")),
                                       events.c.payload.contains('"documents":'))).all())
    named = sorted({r[0] for r in found})
    about: dict[str, tuple[str | None, str]] = {}
    for lo in range(0, len(named), 500):
        about.update({r[0]: (r[1], r[2]) for r in conn.execute(
            select(cases.c.case_id, cases.c.register_number, cases.c.version)
            .where(cases.c.case_id.in_(named[lo:lo + 500])))})
    for case_id, _, payload in found:
        if case_id not in about:
            continue  # as the join: an event of a case with no row is not read here
        data = orjson.loads(payload)
        if isinstance(data.get("documents"), dict):
            yield case_id, about[case_id][0], about[case_id][1], data
