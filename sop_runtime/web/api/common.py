"""What the API's routes share: the callers each route asks for, the path parameters with
their patterns, instants read in the court's time zone, and the small conversions of the
service's answers to JSON (times in ISO-8601 at the court's offset, as the CLI's --json)."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Annotated, Any

from fastapi import Path, Query, Request, Response

from sop_runtime.i18n import tr
from sop_runtime.isotime import iso as iso
from sop_runtime.isotime import read_moment, year_problem
from sop_runtime.service.access import Permission
from sop_runtime.service.ready import court_zone
from sop_runtime.service.runtime import Runtime
from sop_runtime.web.deps import ApiError, Caller, token

# the extra answers a route documents in the OpenAPI spec
Responses = dict[int | str, dict[str, Any]]

# the callers: API tokens whose user holds the permission (403 at the gate otherwise)
ApiLibrary = Annotated[Caller, token(Permission.LIBRARY)]

# what the product's identifiers look like (a case id such as SNN-2026-00012, a step's
# number, an SOP id such as taksiran-panjar-skum, a username such as rina.ptsp)
CASE_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
NODE_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
SOP_ID = r"^[a-z0-9][a-z0-9_-]{0,63}$"
USERNAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
ROLE_ID = r"^[a-z][a-z0-9_]{0,63}$"

CaseId = Annotated[str, Path(pattern=CASE_ID, description="Nomor layanan / service number",
                             examples=["SNN-2026-00004"])]
NodeId = Annotated[str, Path(pattern=NODE_ID, description="Nomor langkah SOP / SOP step",
                             examples=["7"])]
SopId = Annotated[str, Path(pattern=SOP_ID, description="ID SOP / SOP id",
                            examples=["taksiran-panjar-skum"])]
CaseFilter = Annotated[str | None, Query(pattern=CASE_ID,
                                         description="Hanya perkara ini / only this case")]
SopFilter = Annotated[str | None, Query(pattern=SOP_ID,
                                        description="Hanya SOP ini / only this SOP")]

def _impossible(name: str, text: str, why: object) -> ApiError:
    return ApiError(422, tr(
        "{name} '{text}' bukan waktu yang mungkin ({why}); tulis 'YYYY-MM-DD', "
        "'YYYY-MM-DD HH:MM' (waktu setempat pengadilan) atau ISO-8601 dengan zona "
        "(2026-03-02T10:00+09:00)",
        "{name} '{text}' is not a possible time ({why}); write 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM' "
        "(the court's local time) or ISO-8601 with an offset (2026-03-02T10:00+09:00)",
        name=name, text=text, why=why))


def moment(text: str, tz: tzinfo, *, name: str, end_of_day: bool = False) -> datetime:
    """The instant ``text`` names, read as the CLI reads ``--from``/``--until``: a date alone
    is the start of that day (the next midnight with ``end_of_day``), a local time is at the
    court's zone, ISO-8601 with an offset is itself. 422 on anything impossible, or outside
    the years every interface takes (:data:`sop_runtime.isotime.EARLIEST_YEAR` to
    ``LATEST_YEAR``)."""
    try:
        return read_moment(text, tz, end_of_day=end_of_day)
    except (ValueError, OverflowError) as exc:
        raise _impossible(name, text, exc) from None


def within_range(found: datetime, name: str) -> datetime:
    """``found`` itself; 422 when it is outside the years every interface takes."""
    problem = year_problem(found)
    if problem is not None:
        raise _impossible(name, found.isoformat(), problem)
    return found


def aware(rt: Runtime, at: datetime | None, name: str = "at") -> datetime | None:
    """``at`` from a request body: a time without an offset is the court's local time."""
    if at is None:
        return None
    if at.tzinfo is None or at.utcoffset() is None:
        at = at.replace(tzinfo=court_zone(rt))
    return within_range(at, name)


def plain(value: Any) -> Any:
    """A value of an event's payload or a deviation's evidence as JSON can carry it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


Cursor = Annotated[str | None, Query(
    max_length=400, description="Halaman berikutnya: dari header Link rel=next / the next "
                                "page: from the Link rel=next header")]


def link_next(request: Request, response: Response, cursor: str | None) -> None:
    """The next page's address in a ``Link: <...>; rel="next"`` header (none on the last
    page): this request's address with ``cursor`` set to the page's code."""
    if cursor is not None:
        after = request.url.include_query_params(cursor=cursor)
        response.headers["Link"] = f'<{after.path}?{after.query}>; rel="next"'
