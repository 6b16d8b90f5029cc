"""Every event type has its fold and every command its decision: both dispatch on the type
through a table, and a type missing from its table would only show when it first happened."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from sop_runtime.engine import decision, state
from sop_runtime.engine.commands import COMMAND_NAMES, Command
from sop_runtime.engine.events import EVENT_TYPES, CaseStarted, Event
from sop_runtime.engine.state import CaseState, InvalidTransition


def _subclasses(cls: type) -> set[str]:
    """The names of ``cls``'s subclasses in the package (by name: a slotted dataclass is a
    new class, and the one it replaced can linger among the subclasses)."""
    found: set[str] = set()
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("sop_runtime."):  # not a test's own stray type
            found |= {sub.__name__, *_subclasses(sub)}
    return found


def _names(types: Iterable[type]) -> set[str]:
    return {cls.__name__ for cls in types}


def test_every_stored_event_type_has_a_fold() -> None:
    missing = [name for name, cls in EVENT_TYPES.items() if cls not in state._FOLD]
    assert not missing


def test_every_event_class_is_stored_and_folded() -> None:
    # an Event subclass outside EVENT_TYPES could be decided but never read back
    assert _subclasses(Event) == _names(EVENT_TYPES.values()) == _names(state._FOLD)


def test_every_command_has_a_decision() -> None:
    assert set(COMMAND_NAMES) == set(decision._DECIDE)
    assert _subclasses(Command) == _names(COMMAND_NAMES)


def test_a_handler_takes_its_own_type() -> None:
    # the handlers are named after what they handle: a swapped row would fold one event
    # as another
    for cls, (handler, _needs) in state._FOLD.items():
        assert handler.__annotations__["event"] == cls.__name__, cls
    for cls, handler in decision._DECIDE.items():
        assert handler.__annotations__["cmd"] == cls.__name__, cls


def test_an_event_without_a_fold_is_an_invalid_log() -> None:
    @dataclass(frozen=True, kw_only=True)
    class Stray(Event):
        TYPE = "stray"

    at = datetime(2026, 1, 6, 9, tzinfo=UTC)
    stray = Stray(occurred_at=at, recorded_at=at, actor=None)
    with pytest.raises(InvalidTransition, match="stray before case_started"):
        state.apply(CaseState(case_id="x"), stray)
    started = state.apply(CaseState(case_id="x"), CaseStarted(
        occurred_at=at, recorded_at=at, actor="rina", sop_id="s", version="v", fields={}))
    with pytest.raises(InvalidTransition, match="unknown event Stray"):
        state.apply(started, stray)


def test_every_event_type_has_its_words_in_a_case_history() -> None:
    from sop_runtime.cli import event_text

    assert _names(event_text._DESCRIBE) == _names(EVENT_TYPES.values())
    for cls, said in event_text._DESCRIBE.items():
        assert said.__annotations__["e"] == cls.__name__, cls


def test_every_event_type_has_its_entry_in_the_case_report() -> None:
    from sop_runtime.service import casereport

    assert _names(casereport._WORDS) == _names(EVENT_TYPES.values())
    for cls, said in casereport._WORDS.items():
        assert said.__annotations__["e"] == cls.__name__, cls
