"""Roles mapped to permissions (staff, supervisors, examiners from the court file; a Plh
lends a supervisor's permissions while in force)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from sop_runtime.service import access, people
from sop_runtime.service.access import Group, Permission
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine


@pytest.fixture
def rt(demo_copy: Path) -> Runtime:
    return Runtime(make_engine(f"sqlite:///{demo_copy}"))


@pytest.mark.parametrize(("username", "expected"), [
    ("rina.ptsp", {Group.STAFF}),
    ("siti.kasir", {Group.STAFF}),
    ("bambang.panitera", {Group.STAFF, Group.SUPERVISOR}),
    ("hendra.kpn", {Group.STAFF, Group.SUPERVISOR}),
    ("fitri.hakim", {Group.STAFF, Group.EXAMINER}),
    ("tidak.ada", set()),
])
def test_groups_come_from_the_court_files_roles(rt: Runtime, username: str,
                                                 expected: set[Group]) -> None:
    assert access.groups(rt, username) == expected


def test_permissions_per_group(rt: Runtime) -> None:
    clerk = access.permissions(rt, "rina.ptsp")
    assert clerk == {Permission.WORK, Permission.VIEW_CASE, Permission.LIBRARY}
    examiner = access.permissions(rt, "fitri.hakim")
    assert Permission.AUDIT in examiner and Permission.SUPERVISE not in examiner
    assert access.permissions(rt, "bambang.panitera") == set(Permission)
    assert access.permissions(rt, "tidak.ada") == frozenset()
    assert access.describe(clerk) == "mengerjakan tugas, melihat perkara, pustaka SOP"


def test_a_plh_holds_a_supervisors_permissions_only_while_in_force(rt: Runtime) -> None:
    now = rt.now()
    people.delegate(rt, "hendra.kpn", "ahmad.panmudpdt", "panitera", start=now,
                    end=now + timedelta(days=2), reason="Panitera dinas luar")
    assert Permission.SUPERVISE in access.permissions(rt, "ahmad.panmudpdt")
    assert Permission.SUPERVISE not in access.permissions(rt, "ahmad.panmudpdt",
                                                         now + timedelta(days=3))

