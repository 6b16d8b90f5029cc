"""The clerk's worklist, "Tugas saya": the open steps the signed-in person may do, soonest
due first, each with how late it is or how long is left, in words and in its limit's unit
(``terlambat 1 hari kerja``, ``sisa 2 jam kerja``); overdue ones marked by a word and
a bar, not by colour alone."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sop_runtime.i18n import tr
from sop_runtime.service import views
from sop_runtime.service.access import Permission
from sop_runtime.service.due import due_words
from sop_runtime.web.deps import Caller, Rt, signed_in
from sop_runtime.web.render import page
from sop_runtime.web.sops import sop_names

router = APIRouter()
TASKS_SHOWN = 200  # open steps on a page of the worklist


@router.get("/tugas", response_class=HTMLResponse)
def worklist(request: Request, rt: Rt,
             caller: Annotated[Caller, signed_in(Permission.WORK)],
             lanjut: str = "") -> HTMLResponse:
    """A page of the person's open steps (``TASKS_SHOWN``), soonest due first; the next
    page after the last step shown (``lanjut``)."""
    now = rt.now()
    found = views.task_page(rt, caller.username, per_page=TASKS_SHOWN,
                            cursor=lanjut.strip() or None)
    tasks = list(found.rows)
    return page(request, "tasks.html", caller=caller, title=tr("Tugas saya", "My tasks"),
                rows=list(zip(tasks, due_words(rt, tasks, now), strict=True)),
                names=sop_names(rt), late=sum(t.overdue for t in tasks),
                later=bool(lanjut.strip()), next_page=None if found.next is None
                else "/tugas?" + urlencode({"lanjut": found.next}))
