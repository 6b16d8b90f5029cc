"""The shell's handle on a court's database: the SQLAlchemy engine, the clock, and caches
of what never changes (compiled workflows by version, the court's calendar).

Nothing here decides anything: use cases live in :mod:`sop_runtime.service.cases`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from sop_runtime.compiler.workflow import Workflow
    from sop_runtime.definition.court import CourtFile
    from sop_runtime.engine.actors import Directory
    from sop_runtime.engine.state import CaseState
    from sop_runtime.service.groupcommit import Committer
    from sop_runtime.store.documents import DocumentStore
    from sop_runtime.worktime import CourtCalendar

Clock = Callable[[], datetime]

STATES_KEPT = 10_000  # cases whose folded state a long-running process keeps
_COMMITTER_MADE = threading.Lock()


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    engine: Engine
    clock: Clock = system_clock
    _workflows: dict[str, Workflow] = field(default_factory=dict)
    _court: tuple[CourtFile, CourtCalendar] | None = None
    _ready: bool = False
    _directory: tuple[str, Directory] | None = None
    # recently acted-on cases: case id -> ((seq, hash) of the newest event, state after it)
    _states: OrderedDict[str, tuple[tuple[int, str], CaseState]] = field(
        default_factory=OrderedDict)
    # derived figures worth keeping while the log stands still: key -> (the log's newest
    # event id and the minute they were computed for, the figures)
    _figures: dict[str, tuple[object, object]] = field(default_factory=dict)
    # the folder of uploaded and generated documents (None: SOP_DOCUMENTS, or beside the
    # database; see sop_runtime.store.documents)
    documents_root: Path | None = None
    _committer: Committer | None = None

    @classmethod
    def open(cls, url: str | None = None, clock: Clock | None = None) -> Runtime:
        from sop_runtime.store.db import database_url, make_engine

        return cls(make_engine(url or database_url()), clock or system_clock)

    @property
    def documents(self) -> DocumentStore:
        """The court's document store."""
        from sop_runtime.store.documents import DocumentStore, documents_root

        if self.documents_root is None:
            url = self.engine.url.render_as_string(hide_password=False)
            self.documents_root = documents_root(url)
        return DocumentStore(self.documents_root)

    @property
    def committer(self) -> Committer:
        """The group committer of this runtime's writes on cases (one per runtime)."""
        if self._committer is None:
            from sop_runtime.service.groupcommit import Committer

            with _COMMITTER_MADE:
                if self._committer is None:
                    self._committer = Committer(self.engine)
        return self._committer

    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("clock must be timezone-aware")
        return moment

    def remember(self, case_id: str, head: tuple[int, str], state: CaseState) -> None:
        """Keep a case's state after an action (the next action on it checks the head)."""
        self._states[case_id] = (head, state)
        self._states.move_to_end(case_id)
        while len(self._states) > STATES_KEPT:
            self._states.popitem(last=False)

    def recalled(self, case_id: str) -> tuple[tuple[int, str], CaseState] | None:
        return self._states.get(case_id)

    def forget_case(self, case_id: str) -> None:
        """Drop the state kept for ``case_id`` (the log has moved on without this process)."""
        self._states.pop(case_id, None)

    def forget(self) -> None:
        """Drop the caches (after ``init`` loaded new definitions or a new court file)."""
        self._workflows.clear()
        self._court = None
        self._ready = False
        self._directory = None
        self._states.clear()
        self._figures.clear()
