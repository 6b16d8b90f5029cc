"""Generated log rows (``synthetic_log.Row``) written as a plain IEEE XES log, streamed: one
``<trace>`` per case (``concept:name`` the case), one ``<event>`` per row with the activity
(``concept:name``), the person (``org:resource``), the time with its offset
(``time:timestamp``) and ``lifecycle:transition`` ``complete``; the decision, when the row
has one, as ``sop:keputusan``. The same header as the audit export's
(``sop_runtime.audit.xes``). Not a bench itself (``make bench`` skips ``_*.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO
from xml.sax.saxutils import quoteattr

from sop_runtime.audit.xes import HEADER
from sop_runtime.conformance.synthetic_log import Row


def write_xes(out: TextIO, rows: Iterable[Row]) -> tuple[int, int]:
    """Write ``rows`` (each case's rows together, in order) to ``out``; (traces, events)."""
    out.write(HEADER)
    case: str | None = None
    traces = events = 0
    lines: list[str] = []
    for r in rows:
        if r.case != case:
            if case is not None:
                lines.append("  </trace>\n")
            case = r.case
            traces += 1
            lines.append(f'  <trace>\n    <string key="concept:name" value={quoteattr(case)}/>\n')
        decision = (f'      <string key="sop:keputusan" value={quoteattr(r.decision)}/>\n'
                    if r.decision else "")
        at = r.at.isoformat(timespec="milliseconds")
        lines.append(
            "    <event>\n"
            f'      <string key="concept:name" value={quoteattr(r.activity)}/>\n'
            f'      <string key="org:resource" value={quoteattr(r.person)}/>\n'
            f'      <date key="time:timestamp" value="{at}"/>\n'
            '      <string key="lifecycle:transition" value="complete"/>\n'
            f"{decision}    </event>\n")
        events += 1
        if len(lines) >= 4096:
            out.write("".join(lines))
            lines.clear()
    if case is not None:
        lines.append("  </trace>\n")
    lines.append("</log>\n")
    out.write("".join(lines))
    return traces, events
