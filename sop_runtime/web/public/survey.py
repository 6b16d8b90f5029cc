"""``/survei``: the Survei Kepuasan Masyarakat form (Permenpan-RB 14/2017) for a completed
request, opened with its number and tracking code like ``/lacak`` and never with a case id
alone: every post proves access again through
:func:`sop_runtime.service.tracking.open_request` (the same answer for any wrong pair, the
same limit per address).

``GET /survei`` shows the form with the number and code to type; ``POST /survei`` (the
tracking page's button, carrying them) checks the pair and shows the nine questions;
``POST /survei/kirim`` checks it again and records the answers, then thanks. A field the
form does not have is refused, as is a value other than 1-4; a second response is refused
in a sentence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sop_runtime.audit import ikm
from sop_runtime.i18n import tr
from sop_runtime.service import survey
from sop_runtime.service.signin import TooManyTries
from sop_runtime.service.survey import SurveyRefused
from sop_runtime.service.tracking import TrackingRefused, open_request
from sop_runtime.service.tracking_code import normal_number
from sop_runtime.web.deps import Rt
from sop_runtime.web.forms import same_site
from sop_runtime.web.public.frame import public_page

router = APIRouter()

ACCESS = ("nomor", "kode")
PROFILE = tuple(p.key for p in ikm.PROFILE)
FIELDS = frozenset((*ACCESS, *ikm.KEYS, "saran", *PROFILE))
FIELD_MAX = ikm.SUGGESTION_MAX + 100


def _title() -> str:
    return tr("Survei Kepuasan Masyarakat", "Public Satisfaction Survey")


def _form(request: Request, *, status: int = 200, problems: tuple[str, ...] = (),
          given: Mapping[str, str] | None = None, opened: bool = False,
          closed: str | None = None) -> HTMLResponse:
    """The form page: ``opened`` once the number and code opened a request (they are then
    carried as hidden fields), ``closed`` a sentence instead of the questions."""
    return public_page(request, "public_survey.html", title=_title(), status=status,
                       problems=problems, given=given or {}, opened=opened, closed=closed,
                       unsur=ikm.UNSUR, profile=ikm.PROFILE, suggestion_max=ikm.SUGGESTION_MAX)


async def _fields(request: Request) -> tuple[dict[str, str], list[str]]:
    """The posted fields (one value each) and why they cannot be taken."""
    form = await request.form()
    given: dict[str, str] = {}
    problems: list[str] = []
    for key, value in form.multi_items():
        if key not in FIELDS:
            problems.append(tr("kolom '{k}' tidak ada pada formulir ini",
                               "the form has no field '{k}'", k=key[:40]))
        elif not isinstance(value, str) or len(value) > FIELD_MAX or key in given:
            problems.append(tr("kolom '{k}' tidak dapat dibaca", "field '{k}' cannot be read",
                               k=key))
        else:
            given[key] = value
    return given, problems


def _sentence(text: str) -> str:
    """A reason (a clause) as a sentence of its own on the page."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _address(request: Request) -> str:
    return request.client.host if request.client is not None else "-"


def _open(request: Request, rt: Rt, given: Mapping[str, str]) -> str | HTMLResponse:
    """The case the posted number and code open, or the page that says why not."""
    try:
        return open_request(rt, given.get("nomor", ""), given.get("kode", ""),
                            address=_address(request))
    except TrackingRefused as exc:
        return _form(request, status=403, problems=(str(exc),),
                     given={"nomor": given.get("nomor", "")})
    except TooManyTries as exc:
        page = _form(request, status=429, problems=(str(exc),))
        page.headers["Retry-After"] = str(exc.retry_after)
        return page


def _cross_site(request: Request) -> HTMLResponse:
    return _form(request, status=403, problems=(
        tr("Formulir ini dikirim dari situs lain dan tidak diterima.",
           "This form was sent from another site and is not accepted."),))


@router.get("/survei", response_class=HTMLResponse)
def survey_form(request: Request) -> HTMLResponse:
    return _form(request)


@router.post("/survei", response_class=HTMLResponse)
async def survey_opened(request: Request, rt: Rt) -> HTMLResponse:
    if not same_site(request):
        return _cross_site(request)
    given, problems = await _fields(request)
    if problems:
        return _form(request, status=422, problems=tuple(problems))
    case = _open(request, rt, given)
    if isinstance(case, HTMLResponse):
        return case
    access = {"nomor": normal_number(given["nomor"]), "kode": given["kode"]}
    state = survey.offer(rt, case)
    if state == "answered":
        return _form(request, status=409, closed=_sentence(survey.already_answered()),
                     given=access)
    if state == "not_completed":
        return _form(request, status=409, given=access, closed=tr(
            "Survei dapat diisi setelah permohonan Anda selesai.",
            "The survey opens once your request is completed."))
    return _form(request, given=access, opened=True)


@router.post("/survei/kirim", response_class=HTMLResponse)
async def survey_sent(request: Request, rt: Rt) -> HTMLResponse:
    if not same_site(request):
        return _cross_site(request)
    given, problems = await _fields(request)
    opened = given.get("nomor") and given.get("kode")
    if problems:
        return _form(request, status=422, problems=tuple(problems), given=given,
                     opened=bool(opened))
    case = _open(request, rt, given)
    if isinstance(case, HTMLResponse):
        return case
    answers: dict[str, Any] = {k: int(given[k]) if given.get(k, "") in ("1", "2", "3", "4")
                               else given.get(k, "") for k in ikm.KEYS if given.get(k, "")}
    try:
        survey.submit(rt, case, answers, saran=given.get("saran"),
                      profile={k: given[k] for k in PROFILE if given.get(k)})
    except SurveyRefused as exc:
        twice = survey.already_answered() in exc.reasons
        return _form(request, status=409 if twice else 422,
                     problems=() if twice else exc.reasons, given=given, opened=not twice,
                     closed=_sentence(survey.already_answered()) if twice else None)
    return public_page(request, "public_survey_thanks.html", title=tr(
        "Terima kasih", "Thank you"))
