"""Audit: read-only exports of the accountability log (CSV, JSON lines, IEEE XES).

The writers take a stream of :class:`LogRow`; :func:`sop_runtime.service.export.export`
feeds them from a court's database. Chain verification lives with the chain
(:mod:`sop_runtime.store.chain`) and is offered by :func:`sop_runtime.service.integrity.verify`.
"""

from sop_runtime.audit.rows import LogRow, log_rows
from sop_runtime.audit.tabular import write_csv, write_jsonl
from sop_runtime.audit.xes import write_xes

__all__ = ["LogRow", "log_rows", "write_csv", "write_jsonl", "write_xes"]
