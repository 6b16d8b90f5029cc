"""A revision's life on SQLite and PostgreSQL: loaded as a draft with its revision fields
checked, approved by the Ketua (or a Plh named for the role) and no one else, in force for new
requests from its tanggal efektif; cases keep the version they started on, and the journal
holds who approved what and when."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from sop_runtime.errors import DefinitionError, SopRuntimeError
from sop_runtime.service import cases, journals, library, people, revisions, setup
from sop_runtime.service.people import NotAllowed
from sop_runtime.service.revisions import Status
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import workflows
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import cases as cases_table
from tests.clock import Clock
from tests.conftest import DEFINITIONS
from tests.revisions import as_revision
from tests.storefixtures import init_court

WIT = ZoneInfo("Asia/Jayapura")
SOP = "salinan-putusan"


def revised(folder: Path, *, nomor: int = 1, efektif: str = "2026-12-02",
            limit: str = "5 hari kerja") -> Path:
    """The library with the SOP's step 5 given a time limit, as revision ``nomor``."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(DEFINITIONS, folder)
    path = folder / f"{SOP}.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("waktu: tidak ditentukan", text.index("  - no: 5\n"))
    text = text[:at] + f"waktu: {limit}" + text[at + len("waktu: tidak ditentukan"):]
    path.write_text(as_revision(text, nomor=nomor, efektif=efektif), encoding="utf-8")
    return folder


@pytest.fixture
def court(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Runtime, Clock]]:
    monkeypatch.setenv("SOP_DATABASE_URL", store_url)
    clock = Clock(datetime(2026, 11, 30, 10, 0, tzinfo=WIT))  # a Monday
    rt = Runtime(make_engine(store_url), clock)
    init_court(rt)
    yield rt, clock
    rt.engine.dispose()


def version_of(rt: Runtime, case_id: str) -> str:
    with rt.engine.connect() as conn:
        found = conn.execute(select(cases_table.c.version)
                             .where(cases_table.c.case_id == case_id)).scalar()
    assert found is not None
    return found


def status(rt: Runtime) -> dict[str, Status]:
    return {v.version: v.status for v in revisions.versions(rt, SOP)}


def test_a_revision_is_a_draft_until_the_ketua_approves_it(
        court: tuple[Runtime, Clock], tmp_path: Path) -> None:
    rt, clock = court
    with rt.engine.connect() as conn:
        old = workflows.current_version(conn, SOP)
    report = setup.init(rt, revised(tmp_path / "rev"))
    assert report.drafts == [SOP] and SOP in report.new_versions
    new = next(v for v in status(rt) if v != old)
    assert status(rt) == {old: Status.IN_FORCE, new: Status.DRAFT}
    before = cases.start_case(rt, SOP, "rina.ptsp").case_id
    assert version_of(rt, before) == old  # a draft is not used

    with pytest.raises(NotAllowed, match="Ketua Pengadilan Negeri"):
        revisions.approve(rt, SOP, new[:8], by="bambang.panitera")
    clock.tick(minutes=30)
    done = revisions.approve(rt, SOP, new[:8], by="hendra.kpn")
    assert done.status is Status.COMING and done.in_force_from == datetime(2026, 12, 2).date()
    assert done.approved_by == "Hendra Wijaya Saputra" and done.acting is None
    with pytest.raises(SopRuntimeError, match="sudah disahkan"):
        revisions.approve(rt, SOP, new[:8], by="hendra.kpn")

    still_old = cases.start_case(rt, SOP, "rina.ptsp").case_id  # Monday: not yet in force
    assert version_of(rt, still_old) == old
    listed = {e.sop_id: e.current_version for e in library.sops(rt)}
    assert listed[SOP] == old  # the library lists what new requests use
    clock.now = datetime(2026, 12, 2, 8, 0, tzinfo=WIT)  # Wednesday, the tanggal efektif
    after = cases.start_case(rt, SOP, "rina.ptsp").case_id
    assert version_of(rt, after) == new
    assert {e.sop_id: e.current_version for e in library.sops(rt)}[SOP] == new
    # a request made on Monday and entered now starts on the version in force on Monday
    late = cases.start_case(rt, SOP, "rina.ptsp", at=clock.now - timedelta(days=2),
                            reason="dicatat dari buku register").case_id
    assert version_of(rt, late) == old
    assert status(rt) == {old: Status.SUPERSEDED, new: Status.IN_FORCE}
    assert version_of(rt, before) == old  # a case keeps its version
    cases.complete(rt, before, "1", "rina.ptsp", values={
        "surat_permohonan_salinan_putusan_kepada_ketua_pengadilan_negeri": "Surat 1",
        "fotokopi_ktp": "ada", "surat_permohonan_salinan_putusan_diterima": "Diterima"})

    with rt.engine.connect() as conn:
        assert journals.check(conn) == []
    entry = journals.entries(rt, "definisi")[-1]
    assert entry.type == "sop_version_approved" and entry.actor == "hendra.kpn"
    assert entry.occurred_at == datetime(2026, 11, 30, 10, 30, tzinfo=WIT)
    text = journals.describe(entry, str)
    assert "(revisi ke-1) disahkan (tanggal efektif 2 Desember 2026)" in text


def test_a_plh_for_the_ketua_may_approve(court: tuple[Runtime, Clock], tmp_path: Path) -> None:
    rt, clock = court
    setup.init(rt, revised(tmp_path / "rev", efektif="2026-11-30"))
    new = next(v for v, s in status(rt).items() if s is Status.DRAFT)
    people.delegate(rt, "bambang.panitera", "sri.wkpn", "ketua", start=clock.now,
                    end=clock.now + timedelta(days=3), reason="Ketua cuti")
    done = revisions.approve(rt, SOP, new[:10], by="sri.wkpn")
    assert done.acting == "plh" and done.status is Status.IN_FORCE
    assert version_of(rt, cases.start_case(rt, SOP, "rina.ptsp").case_id) == new
    with rt.engine.connect() as conn:
        assert journals.check(conn) == []


def test_revision_fields_are_checked_and_nothing_is_written(
        court: tuple[Runtime, Clock], tmp_path: Path) -> None:
    rt, _ = court
    folder = revised(tmp_path / "rev")
    path = folder / f"{SOP}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  nomor_revisi: 1\n", "").replace(
        "  tanggal_revisi: 2026-11-20\n", ""), encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        setup.init(rt, folder)
    found = {p.code: p for p in raised.value.problems}
    assert set(found) == {"E140", "E141"}
    assert found["E141"].file.endswith(f"{SOP}.yaml") and found["E141"].line > 1
    assert "5 Januari 2026" in found["E141"].message
    assert len(status(rt)) == 1  # the draft was not stored

    # two drafts: the later approved first, the earlier can no longer replace it
    setup.init(rt, revised(tmp_path / "rev", nomor=1, efektif="2026-11-30"))
    first = next(v for v, s in status(rt).items() if s is Status.DRAFT)
    setup.init(rt, revised(tmp_path / "rev", nomor=2, efektif="2026-11-30",
                           limit="4 hari kerja"))
    second = next(v for v, s in status(rt).items() if s is Status.DRAFT and v != first)
    revisions.approve(rt, SOP, second[:10], by="hendra.kpn")
    with pytest.raises(SopRuntimeError, match="tidak lebih baru"):
        revisions.approve(rt, SOP, first[:10], by="hendra.kpn")
    # and a new draft must come after the approved revision
    with pytest.raises(DefinitionError) as again:
        setup.init(rt, revised(tmp_path / "rev", nomor=2, limit="3 hari kerja"))
    assert [p.code for p in again.value.problems] == ["E140"]
