"""Exports of the whole event log (read-only): CSV, JSON lines, IEEE XES."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import TextIO

from sqlalchemy import Connection, select

from sop_runtime.audit.rows import LogRow, log_rows
from sop_runtime.audit.tabular import write_csv, write_jsonl
from sop_runtime.audit.xes import write_xes
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.errors import SopRuntimeError
from sop_runtime.service import catalog
from sop_runtime.service.confidential import (
    Reader,
    confidential_sops,
    hidden_sops,
    record,
    require_visible,
)
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.directory import list_users
from sop_runtime.store.schema import cases
from sop_runtime.store.supervision import sop_versions


class Format(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    xes = "xes"


def export(rt: Runtime, fmt: Format, out: TextIO, *, reader: Reader,
           case: str | None = None) -> int:
    """Write the log (of ``case``, if given) to ``out`` in ``fmt`` for ``reader``; returns
    the number of events (XES: of ``<event>`` elements) written. Confidential cases the
    reader may not read are left out (one asked for by name is refused as unknown); the
    confidential cases written are journaled as read."""
    if case is not None:
        require_visible(rt, case, reader)
    hide = hidden_sops(rt, reader)
    with rt.engine.connect() as conn:
        secret = set(confidential_sops(rt, conn)) - hide
    read: set[str] = set()

    def rows(conn: Connection) -> Iterator[LogRow]:
        for row in log_rows(conn, case=case, hide=hide):
            if row.sop_id in secret:
                read.add(row.case_id)
            yield row

    try:
        return _write(rt, fmt, out, rows)
    finally:
        record(rt, sorted(read), Reader(reader.username, "ekspor"))


def _write(rt: Runtime, fmt: Format, out: TextIO,
           rows: Callable[[Connection], Iterator[LogRow]]) -> int:
    with rt.engine.connect() as conn:
        _, calendar = catalog.court(rt, conn)
        if fmt is Format.csv:
            return write_csv(rows(conn), out)
        if fmt is Format.jsonl:
            return write_jsonl(rows(conn), out)
        roles = {u.username: frozenset(u.roles) for u in list_users(conn)}
        # every version the cases run or ran on (a case moved to another version names its
        # earlier steps by the earlier one), compiled before the log is streamed
        workflows: dict[str, Workflow | None] = {}
        versions = set(conn.execute(select(cases.c.version).distinct()).scalars())
        versions |= {row.version for row in sop_versions(conn)}
        for version in sorted(versions):
            try:
                workflows[version] = catalog.workflow(rt, conn, version)
            except SopRuntimeError:
                workflows[version] = None  # no longer compiles: steps named by number
        return write_xes(rows(conn), out, tz=calendar.tz, workflow=workflows.get, roles=roles)
