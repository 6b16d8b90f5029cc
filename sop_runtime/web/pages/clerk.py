"""The clerk's worklist, "Tugas saya": the open steps the signed-in person may do, soonest
due first, overdue ones marked (in red and in words)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sop_runtime.i18n import tr
from sop_runtime.service import views
from sop_runtime.service.access import Permission
from sop_runtime.web.deps import Caller, Rt, signed_in
from sop_runtime.web.render import page
from sop_runtime.web.sops import sop_names

router = APIRouter()


@router.get("/tugas", response_class=HTMLResponse)
def worklist(request: Request, rt: Rt,
             caller: Annotated[Caller, signed_in(Permission.WORK)]) -> HTMLResponse:
    tasks = views.tasks(rt, caller.username, limit=200)
    return page(request, "tasks.html", caller=caller, title=tr("Tugas saya", "My tasks"),
                tasks=tasks, names=sop_names(rt), late=sum(t.overdue for t in tasks))
