"""``/lacak``: an applicant follows a request with its number and tracking code (from the
receipt), no sign-in; ``POST /api/lacak`` answers the same in JSON.

The receipt's QR code opens ``/lacak#nomor=...&kode=...``: the part after ``#`` stays in the
browser (no server log, no ``Referer`` carries it), and ``/static/lacak.js`` fills the form
from it and sends it. Typed by hand, the form works without the script.

Every wrong pair is answered alike, whatever is wrong (one status, one body; the typed values
are not shown back), tries are limited per client address (429, with ``Retry-After``), and no
address carries a number or a code: nothing here lists or finds requests
(:func:`sop_runtime.service.tracking.open_request`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from sop_runtime.i18n import tr
from sop_runtime.service import contacts, tracking, tracking_code
from sop_runtime.service.signin import TooManyTries
from sop_runtime.web.deps import Rt
from sop_runtime.web.forms import cross_site, same_site
from sop_runtime.web.public.frame import public_page

__all__ = ["api", "router"]

router = APIRouter()
api = APIRouter(tags=["publik"])

FIELD_MOST = 64  # a request number or a tracking code, typed with room to spare
NO_STORE = {"Cache-Control": "no-store"}  # a request's standing stays off shared caches


def _from_this_site(request: Request) -> None:
    """Refuse a post from another site before its body is read."""
    if not same_site(request):
        raise cross_site()


SameSite = Depends(_from_this_site)


def _address(request: Request) -> str:
    return request.client.host if request.client else "-"


def _title() -> str:
    return tr("Lacak permohonan", "Track a request")


def _form(request: Request, *, status: int = 200, error: str | None = None) -> HTMLResponse:
    return public_page(request, "public_tracking.html", title=_title(), status=status,
                       error=error, seen=None, survey=None, stopped=False)


@router.get("/lacak", response_class=HTMLResponse)
def tracking_form(request: Request) -> HTMLResponse:
    return _form(request)


@router.post("/lacak", response_class=HTMLResponse, dependencies=[SameSite])
def track(request: Request, rt: Rt, nomor: Annotated[str, Form(max_length=FIELD_MOST)] = "",
          kode: Annotated[str, Form(max_length=FIELD_MOST)] = "") -> Response:
    return _answer(request, rt, nomor, kode)


@router.post("/lacak/berhenti-diberitahu", response_class=HTMLResponse, dependencies=[SameSite])
def stop_notices(request: Request, rt: Rt,
                 nomor: Annotated[str, Form(max_length=FIELD_MOST)] = "",
                 kode: Annotated[str, Form(max_length=FIELD_MOST)] = "") -> Response:
    """The applicant withdraws the consent to be told (UU 27/2022 Pasal 9), proven by the
    request's number and tracking code as for tracking; then the request's standing again."""
    return _answer(request, rt, nomor, kode, stop=True)


def _answer(request: Request, rt: Rt, nomor: str, kode: str, *,
            stop: bool = False) -> Response:
    try:
        if stop:
            case_id = tracking.open_request(rt, nomor, kode, address=_address(request))
            if contacts.has_contact(rt, case_id) is not None:
                contacts.withdraw_by_applicant(rt, case_id)
        seen = tracking.look_up(rt, nomor, kode, address=_address(request))
    except TooManyTries as waiting:
        answer = _form(request, status=429, error=str(waiting))
        answer.headers["Retry-After"] = str(waiting.retry_after)
        return answer
    except tracking.TrackingRefused as refused:
        return _form(request, status=404, error=str(refused))
    # a completed request offers the survey, which the same number and code open again
    survey = {"nomor": seen.number,
              "kode": tracking_code.shown(tracking_code.normalise(kode) or "")}
    answer = public_page(request, "public_tracking.html", title=_title(), error=None,
                         seen=seen, survey=survey, stopped=stop)
    answer.headers.update(NO_STORE)
    return answer


class TrackingAsked(BaseModel):
    nomor: str = Field(max_length=FIELD_MOST, description="Nomor permohonan / request number")
    kode: str = Field(max_length=FIELD_MOST, description="Kode lacak / tracking code")


class StepDone(BaseModel):
    what: str
    by: str
    when: str


class TrackingAnswer(BaseModel):
    """Where a request stands, in the reader's language (dates as people write them)."""

    number: str
    service: str
    court: str
    received: str
    state: str
    finished: bool
    done: list[StepDone]
    in_hand: list[str]
    yours_now: list[str]
    yours_later: list[str]
    expected: str
    has_expected: bool
    late: bool
    standard: str | None
    complaint: str


@api.post("/api/lacak", summary="Lacak permohonan / track a request",
          dependencies=[SameSite],
          responses={200: {"model": TrackingAnswer},
                     404: {"description": "Nomor dan kode tidak cocok / no match"},
                     429: {"description": "Terlalu banyak percobaan / too many tries"}})
def track_json(request: Request, rt: Rt, asked: TrackingAsked) -> Response:
    """Nomor permohonan dan kode lacak dari tanda terima -> posisi permohonan; tanpa masuk /
    the request number and tracking code of a receipt -> where the request stands; no
    sign-in."""
    try:
        s = tracking.look_up(rt, asked.nomor, asked.kode, address=_address(request))
    except TooManyTries as waiting:
        return JSONResponse({"detail": str(waiting)}, status_code=429,
                            headers={"Retry-After": str(waiting.retry_after)})
    except tracking.TrackingRefused as refused:
        return JSONResponse({"detail": str(refused)}, status_code=404)
    body = TrackingAnswer(
        number=s.number, service=s.service, court=s.court, received=s.started, state=s.state,
        finished=s.finished, done=[StepDone(what=d.what, by=d.by, when=d.when) for d in s.done],
        in_hand=list(s.in_hand), yours_now=list(s.yours_now), yours_later=list(s.yours_later),
        expected=s.expected, has_expected=s.has_expected, late=s.late, standard=s.standard,
        complaint=s.complaint)
    return JSONResponse(body.model_dump(), headers=NO_STORE)
