"""A long-running process keeps the states of the cases it acted on; it must notice when
another process has moved a case on since."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sop_runtime.engine.rejections import StaleAction
from sop_runtime.service import cases, catalog, setup
from sop_runtime.service.ready import DIRECTORY_KEY
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import settings
from sop_runtime.store.db import begin_write, make_engine
from sop_runtime.store.events import head, load
from tests.conftest import DEFINITIONS
from tests.e2e.court import GUGATAN_1, GUGATAN_2


def test_a_case_moved_on_by_another_process_is_read_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sop.db'}"
    clock = [datetime(2026, 12, 1, 0, 5, tzinfo=UTC)]  # 09:05 WIT, a Tuesday

    def now() -> datetime:
        clock[0] += timedelta(minutes=1)
        return clock[0]

    desk = Runtime(make_engine(url), now)     # the PTSP desk's process
    other = Runtime(make_engine(url), now)    # another process (a second web worker)
    setup.init(desk, DEFINITIONS)
    case = cases.start_case(desk, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    cases.complete(desk, case, "1", "rina.ptsp", values=GUGATAN_1)
    assert desk.recalled(case) is not None
    cases.complete(other, case, "2", "ahmad.panmudpdt", decision="Lengkap", values=GUGATAN_2)
    out = cases.complete(desk, case, "3", "siti.kasir",
                         values={"taksiran_panjar": "Rp 1.450.000", "slip_setoran": "S-1"})
    assert out.state.current("2") is not None and out.state.current("3") is not None
    assert [s.node for s in out.state.open_steps] == ["4"]
    assert out.state.deviations == 0  # step 3 was active: the desk saw step 2 done
    kept = desk.recalled(case)
    assert kept is not None and kept[0][0] == out.state.seq and kept[1] == out.state


def _two_processes_one_case(tmp_path: Path) -> tuple[Runtime, Runtime, str]:
    """Two runtimes (the desk, another process) over one court on one moving clock, and a
    claim the desk started (so the desk keeps its state)."""
    url = f"sqlite:///{tmp_path / 'sop.db'}"
    clock = [datetime(2026, 12, 1, 0, 5, tzinfo=UTC)]

    def now() -> datetime:
        clock[0] += timedelta(minutes=1)
        return clock[0]

    desk = Runtime(make_engine(url), now)
    other = Runtime(make_engine(url), now)
    setup.init(desk, DEFINITIONS)
    return desk, other, cases.start_case(desk, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id


def test_a_kept_state_that_would_refuse_is_read_again_before_answering(tmp_path: Path) -> None:
    """The desk's kept state says step 1 is open; another process completed it. The desk's
    second completion is answered from the log (step closed, as for any process), not from
    its copy, and nothing is written."""
    desk, other, case = _two_processes_one_case(tmp_path)
    kept = desk.recalled(case)
    assert kept is not None
    cases.complete(other, case, "1", "rina.ptsp", values=GUGATAN_1)
    with pytest.raises(StaleAction) as stale:
        cases.complete(desk, case, "1", "rina.ptsp", values=GUGATAN_1)
    assert stale.value.code == "step_closed"
    with desk.engine.connect() as conn:
        assert head(conn, case) == other.recalled(case)[0]  # type: ignore[index]
    # the desk goes on from the log
    cases.complete(desk, case, "2", "ahmad.panmudpdt", decision="Lengkap", values=GUGATAN_2)
    with desk.engine.connect() as conn:
        seqs = [e.seq for e in load(conn, case)]
        assert head(conn, case) == desk.recalled(case)[0]  # type: ignore[index]
    assert seqs == list(range(1, len(seqs) + 1))


def test_a_directory_changed_by_another_process_is_read_again(tmp_path: Path) -> None:
    """Acting on a kept case state, the desk takes the directory version it knows on trust;
    when another process has marked a change (a delegation, ``sop init``), the append
    refuses it and the action is decided again with the new directory."""
    desk, other, case = _two_processes_one_case(tmp_path)
    cases.complete(desk, case, "1", "rina.ptsp", values=GUGATAN_1)
    before = desk._directory
    assert before is not None and desk.recalled(case) is not None
    with begin_write(other.engine) as conn:
        catalog.directory_changed(conn)
    cases.complete(desk, case, "2", "ahmad.panmudpdt", decision="Lengkap", values=GUGATAN_2)
    with desk.engine.connect() as conn:
        stored = settings.get(conn, DIRECTORY_KEY)
        assert head(conn, case) == desk.recalled(case)[0]  # type: ignore[index]
    assert desk._directory is not None and desk._directory[0] == stored != before[0]
