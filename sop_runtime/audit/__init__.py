"""Audit: read-only exports of the accountability log (CSV, JSON lines, IEEE XES).

Chain verification lives with the chain (:mod:`sop_runtime.store.chain`) and is offered by
:func:`sop_runtime.service.views.verify`.
"""

from sop_runtime.audit.export import Format, export
from sop_runtime.audit.rows import LogRow, log_rows

__all__ = ["Format", "LogRow", "export", "log_rows"]
