"""Exports of the whole event log (read-only): CSV, JSON lines, IEEE XES."""

from __future__ import annotations

from enum import StrEnum
from typing import TextIO

from sqlalchemy import select

from sop_runtime.audit.rows import log_rows
from sop_runtime.audit.tabular import write_csv, write_jsonl
from sop_runtime.audit.xes import write_xes
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.errors import SopRuntimeError
from sop_runtime.service import catalog
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.directory import list_users
from sop_runtime.store.schema import cases


class Format(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    xes = "xes"


def export(rt: Runtime, fmt: Format, out: TextIO, *, case: str | None = None) -> int:
    """Write the log (of ``case``, if given) to ``out`` in ``fmt``; returns the number of
    events (XES: of ``<event>`` elements) written."""
    with rt.engine.connect() as conn:
        _, calendar = catalog.court(rt, conn)
        if fmt is Format.csv:
            return write_csv(log_rows(conn, case=case), out)
        if fmt is Format.jsonl:
            return write_jsonl(log_rows(conn, case=case), out)
        roles = {u.username: frozenset(u.roles) for u in list_users(conn)}
        # every version the cases run on, compiled before the log is streamed
        workflows: dict[str, Workflow | None] = {}
        for version in conn.execute(select(cases.c.version).distinct()).scalars():
            try:
                workflows[version] = catalog.workflow(rt, conn, version)
            except SopRuntimeError:
                workflows[version] = None  # no longer compiles: steps named by number
        return write_xes(log_rows(conn, case=case), out, tz=calendar.tz,
                         workflow=workflows.get, roles=roles)
