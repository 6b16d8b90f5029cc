"""``/layanan/ikm``: the results of the Survei Kepuasan Masyarakat (Permenpan-RB 14/2017) as
the court publishes them, per service and over every service, for a year, a semester, a
triwulan or any days (``?periode=2026-T4``, ``?periode=2026-S1``, ``?periode=2026``,
``?dari=2026-01-01&sampai=2026-06-30``);
``/api/layanan/ikm`` is its JSON twin. Counts and indexes only: never a suggestion, a
request or an applicant."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from sop_runtime.audit import ikm
from sop_runtime.i18n import tr
from sop_runtime.service import survey
from sop_runtime.service.ready import court_zone
from sop_runtime.web.deps import ApiError, Rt
from sop_runtime.web.public.frame import public_page
from sop_runtime.wording import day_text

router = APIRouter()
api = APIRouter(tags=["publik"])

ROMAN = ("I", "II", "III", "IV")
Param = Annotated[str | None, Query(max_length=12)]


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime
    label: str
    key: str | None = None  # ``2026``, ``2026-S1``, ``2026-T4``; None for days


PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>[ST])(?P<n>\d))?$")


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError(422, tr("{n} '{v}' bukan tanggal; tulis TTTT-BB-HH (mis. 2026-01-31)",
                               "{n} '{v}' is not a date; write YYYY-MM-DD (e.g. 2026-01-31)",
                               n=name, v=text)) from None


def period(tz: tzinfo, today: date, *, periode: str | None = None, dari: str | None = None,
           sampai: str | None = None) -> Period:
    """The period the query asks for: ``periode`` a year (``2026``), a semester
    (``2026-S1``) or a triwulan (``2026-T4``), or the days ``dari`` to ``sampai``; this year
    by default. :class:`ApiError` 422 says what is wrong."""
    if dari or sampai:
        if not (dari and sampai):
            raise ApiError(422, tr("Isi dari dan sampai, atau pilih periode",
                                   "Give both dari and sampai, or pick a period"))
        first, last = _day(dari, "dari"), _day(sampai, "sampai")
        if last < first:
            raise ApiError(422, tr("Tanggal sampai sebelum tanggal dari",
                                   "sampai is before dari"))
        start = datetime.combine(first, time(), tz)
        end = datetime.combine(last + timedelta(days=1), time(), tz)
        return Period(start, end, f"{day_text(first)} – {day_text(last)}")
    key = periode or str(today.year)
    found = PERIOD.match(key)
    year = int(found["year"]) if found else 0
    n = int(found["n"]) if found and found["n"] else 1
    count = {"S": 2, "T": 4, None: 1}[found["kind"]] if found else 0
    if found is None or not 2000 <= year <= 2100 or not 1 <= n <= count:
        raise ApiError(422, tr("Periode '{v}' tidak dikenal; tulis tahun (2026), semester "
                               "(2026-S1) atau triwulan (2026-T4)",
                               "Period '{v}' is not known; write a year (2026), a half-year "
                               "(2026-S1) or a quarter (2026-T4)", v=key))
    if found["kind"] == "T":
        start, end = survey.named_period("triwulan", year, n, tz)
        label = tr("Triwulan {r} Tahun {y}", "Quarter {r} of {y}", r=ROMAN[n - 1], y=year)
    elif found["kind"] == "S":
        start, end = survey.named_period("semester", year, n, tz)
        label = tr("Semester {r} Tahun {y}", "Half-year {r} of {y}", r=ROMAN[n - 1], y=year)
    else:
        start, end = survey.named_period("tahun", year, 1, tz)
        label = tr("Tahun {y}", "Year {y}", y=year)
    return Period(start, end, label, key)


def choices(today: date) -> list[tuple[str, list[tuple[str, str]]]]:
    """The periods offered, this year's and last year's: (year, [(label, periode)])."""
    out = []
    for year in (today.year, today.year - 1):
        links = [(tr("Tahun {y}", "Year {y}", y=year), str(year))]
        links += [(tr("Semester {r} {y}", "Half-year {r} {y}", r=ROMAN[n - 1], y=year),
                   f"{year}-S{n}") for n in (1, 2)]
        links += [(tr("Triwulan {r} {y}", "Quarter {r} {y}", r=ROMAN[n - 1], y=year),
                   f"{year}-T{n}") for n in (1, 2, 3, 4)]
        out.append((str(year), links))
    return out


@router.get("/layanan/ikm", response_class=HTMLResponse)
def results_page(request: Request, rt: Rt, periode: Param = None, dari: Param = None,
                 sampai: Param = None) -> HTMLResponse:
    tz = court_zone(rt)
    today = rt.now().astimezone(tz).date()
    title = tr("Hasil Survei Kepuasan Masyarakat", "Public Satisfaction Survey Results")
    try:
        asked = period(tz, today, periode=periode, dari=dari, sampai=sampai)
    except ApiError as exc:
        return public_page(request, "public_ikm.html", title=title, status=422,
                           problem=str(exc), choices=choices(today), found=None, period=None,
                           number=ikm.number_text, grades=ikm.GRADES)
    found = survey.results(rt, asked.start, asked.end)
    return public_page(request, "public_ikm.html", title=title, problem=None, period=asked,
                       choices=choices(today), found=found, number=ikm.number_text,
                       rounded=ikm.rounded, grades=ikm.GRADES,
                       regulation=survey.REGULATION)


@api.get("/api/layanan/ikm", summary="Hasil Survei Kepuasan Masyarakat / survey results")
def results_json(rt: Rt, periode: Param = None, dari: Param = None,
                 sampai: Param = None) -> dict[str, Any]:
    """The IKM (Permenpan-RB 14/2017) per service and over every service for a period
    (default: this year): respondents, per unsur the NRR, the IKM unit, mutu and kinerja.
    No suggestion, request or applicant."""
    tz = court_zone(rt)
    asked = period(tz, rt.now().astimezone(tz).date(), periode=periode, dari=dari,
                   sampai=sampai)
    return {"period": asked.label,
            **survey.results_json(survey.results(rt, asked.start, asked.end), tz)}
