"""The ``survey_responses`` table: one Survei Kepuasan Masyarakat response per request,
written once, read as sums per service (the IKM needs no single response) and, for staff,
as the suggestions with their service and day.

No function here commits; the unique key on the case refuses a second response whatever
the race (:func:`save_response` answers False)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import IntegrityError

from sop_runtime.store.schema import SURVEY_UNSUR, survey_responses

_r = survey_responses.c


@dataclass(frozen=True, slots=True)
class ResponseRow:
    case_id: str
    sop_id: str
    version: str
    completed_at: datetime
    answered_at: datetime
    answers: Mapping[str, int]
    saran: str | None
    profile: Mapping[str, str]  # jenis_kelamin, pendidikan, pekerjaan: those given
    cara: str  # daring | kertas
    entered_by: str | None


def save_response(conn: Connection, row: ResponseRow) -> bool:
    """Write ``row``: True; False (nothing written) if its case has a response already."""
    values = {"case_id": row.case_id, "sop_id": row.sop_id, "version": row.version,
              "completed_at": row.completed_at, "answered_at": row.answered_at,
              "saran": row.saran, "cara": row.cara, "entered_by": row.entered_by,
              "jenis_kelamin": row.profile.get("jenis_kelamin"),
              "pendidikan": row.profile.get("pendidikan"),
              "pekerjaan": row.profile.get("pekerjaan"),
              **{key: row.answers[key] for key in SURVEY_UNSUR}}
    try:
        with conn.begin_nested():
            conn.execute(insert(survey_responses).values(values))
    except IntegrityError:
        if answered(conn, row.case_id):
            return False
        raise
    return True


def answered(conn: Connection, case_id: str) -> bool:
    return conn.execute(select(_r.case_id).where(_r.case_id == case_id)).first() is not None


@dataclass(frozen=True, slots=True)
class Totals:
    """The responses of one service in a period: how many, and each unsur's sum."""

    sop_id: str
    respondents: int
    sums: Mapping[str, int]


def totals(conn: Connection, start: datetime, end: datetime, *,
           sop: str | None = None) -> list[Totals]:
    """Per service (SOP), the responses answered in [``start``, ``end``), in SOP order."""
    query = (select(_r.sop_id, func.count(), *(func.sum(_r[key]) for key in SURVEY_UNSUR))
             .where(_r.answered_at >= start, _r.answered_at < end)
             .group_by(_r.sop_id).order_by(_r.sop_id))
    if sop is not None:
        query = query.where(_r.sop_id == sop)
    return [Totals(row[0], int(row[1]),
                   {key: int(value) for key, value in zip(SURVEY_UNSUR, row[2:], strict=True)})
            for row in conn.execute(query)]


def profile_counts(conn: Connection, start: datetime, end: datetime, *,
                   sop: str | None = None) -> dict[str, dict[str | None, int]]:
    """For each profile question, how many respondents gave each answer (None: not given)."""
    found: dict[str, dict[str | None, int]] = {}
    for key in ("jenis_kelamin", "pendidikan", "pekerjaan"):
        query = (select(_r[key], func.count()).where(_r.answered_at >= start,
                                                     _r.answered_at < end)
                 .group_by(_r[key]))
        if sop is not None:
            query = query.where(_r.sop_id == sop)
        found[key] = {value: int(n) for value, n in conn.execute(query)}
    return found


def suggestions(conn: Connection, start: datetime, end: datetime, *,
                sop: str | None = None, limit: int = 500) -> list[tuple[str, datetime, str]]:
    """(sop, answered at, suggestion) of the responses with one, newest first."""
    query = (select(_r.sop_id, _r.answered_at, _r.saran)
             .where(_r.answered_at >= start, _r.answered_at < end, _r.saran.is_not(None))
             .order_by(_r.answered_at.desc(), _r.case_id).limit(limit))
    if sop is not None:
        query = query.where(_r.sop_id == sop)
    return [(row[0], row[1], row[2]) for row in conn.execute(query)]
