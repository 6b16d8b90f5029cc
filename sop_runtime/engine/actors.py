"""Who may act: users hold roles; a Plh/Plt delegation lends a role for a period.

A :class:`Directory` is plain data handed to ``decide`` by the shell (loaded from the
store); the engine never looks anyone up by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class DelegationKind(StrEnum):
    PLH = "plh"  # pelaksana harian: acting while the holder is away for a short time
    PLT = "plt"  # pelaksana tugas: acting for a vacant or long-absent holder


@dataclass(frozen=True, slots=True)
class Delegation:
    """``delegate`` may act in ``role`` from ``start`` (inclusive) to ``end`` (exclusive)."""

    delegate: str
    role: str
    start: datetime
    end: datetime
    kind: DelegationKind = DelegationKind.PLH
    holder: str | None = None  # whose duties, if one person's
    reference: str | None = None  # the letter (surat perintah) that names the delegate

    def covers(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True, slots=True)
class Grant:
    """How a user holds a role at a moment: directly, or through a delegation."""

    role: str
    delegation: Delegation | None = None


@dataclass(frozen=True, slots=True)
class Directory:
    roles: Mapping[str, frozenset[str]] = field(default_factory=dict)  # username -> roles
    delegations: tuple[Delegation, ...] = ()
    supervisor_roles: frozenset[str] = frozenset()
    names: Mapping[str, str] = field(default_factory=dict)  # username -> the person's name

    def knows(self, username: str) -> bool:
        return username in self.roles

    def name(self, username: str) -> str:
        """The person's name for a sentence (the username only if the court gives none)."""
        return self.names.get(username, username)

    def grant(self, username: str, role: str, at: datetime) -> Grant | None:
        """How ``username`` holds ``role`` at ``at`` (own role first), or None."""
        if role in self.roles.get(username, frozenset()):
            return Grant(role)
        for d in self.delegations:
            if d.delegate == username and d.role == role and d.covers(at):
                return Grant(role, d)
        return None

    def grant_any(self, username: str, roles: tuple[str, ...], at: datetime) -> Grant | None:
        for role in roles:
            g = self.grant(username, role, at)
            if g is not None and g.delegation is None:
                return g
        for role in roles:
            g = self.grant(username, role, at)
            if g is not None:
                return g
        return None

    def is_supervisor(self, username: str, at: datetime) -> bool:
        return any(self.grant(username, r, at) for r in self.supervisor_roles)
