"""Deviations as a page lists them: each row's rule, evidence and actor in words, through
the one renderer (:mod:`sop_runtime.engine.deviation_text`) with the court's calendar and
the names of its people and roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sop_runtime.engine.deviation_text import describe, rule_text
from sop_runtime.service.runtime import Runtime


@dataclass(frozen=True)
class Explained:
    """A deviation as a page shows it: its rule, evidence and actor in words."""

    row: Any              # the deviation (store.projections.DeviationRow)
    rule: str
    evidence: tuple[str, ...]
    actor: str            # the person's name ("—" for nobody named)


def explain(rt: Runtime, rows: list[Any]) -> list[Explained]:
    """Deviations in words: instants in the court's time, lateness in working time, people
    and roles by name."""
    from sop_runtime.service import catalog
    from sop_runtime.service.letterhead import names

    with rt.engine.connect() as conn:
        _, calendar = catalog.court(rt, conn)
        who = names(conn)
    return [Explained(d, rule_text(d.rule),
                      describe({k: str(v) for k, v in d.evidence.items()}, calendar, who,
                               lambda node: node),
                      who.user(d.actor) if d.actor else "—")
            for d in rows]
