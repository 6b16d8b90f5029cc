"""The overview's overdue counts and age buckets, read from the counts kept as the steps are
written (:mod:`sop_runtime.store.tallies`) rather than from every open step: the same
figures as the ``*_scanned`` counts of :mod:`sop_runtime.store.supervision`, whatever the
number of open steps.

What is kept does not depend on the instant asked about: each open step by the hour it was
activated and its deadline's class (none; recorded overdue by the sweep; any other), and
the steps recorded overdue by (SOP, node, assignee) and by (role, SOP). "Overdue at
``now``" is then the steps recorded overdue, less those whose deadline is still ahead of
``now`` (none, unless ``now`` is before the sweep), plus the steps not yet recorded whose
deadline has passed (what fell due since the sweep): two ranges of partial indexes
(``ix_open_steps_flagged_due``, ``ix_open_steps_unflagged_due``). An age bucket is a sum of
hours, and the rows of the hour each boundary falls in are read and put in their own
bucket. Each group's earliest deadline is one index seek (``ix_open_steps_flagged_group``,
``ix_open_steps_role_due``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Connection,
    String,
    and_,
    bindparam,
    case,
    column,
    func,
    literal,
    select,
    values,
)

from sop_runtime.store import tallies
from sop_runtime.store.schema import STEP_FLAGGED, STEP_UNFLAGGED, open_steps
from sop_runtime.store.supervision import (
    IN_TIME,
    NO_LIMIT,
    OVERDUE,
    LateGroup,
    OpenCounts,
    RoleCount,
    SharedNodes,
    one_row_per_step,
)

__all__ = ["late_by_role", "late_groups", "open_counts"]

_o = open_steps.c
HOUR = timedelta(hours=1)
_LAST = HOUR - timedelta(microseconds=1)  # an hour's last instant, from its first
_STATUS = {tallies.NO_LIMIT: NO_LIMIT, tallies.FLAGGED: OVERDUE, tallies.TIMED: IN_TIME}
_Group = tuple[str, str, str | None]


def _fell_due(now: datetime) -> ColumnElement[bool]:
    """Steps not yet recorded overdue whose deadline has passed (the sweep's index)."""
    return and_(STEP_UNFLAGGED, _o.due_at < now)


def _still_ahead(now: datetime) -> ColumnElement[bool]:
    """Steps recorded overdue whose deadline is not yet past at ``now``."""
    return and_(STEP_FLAGGED, _o.due_at >= now)


_SEEK = select(func.min(_o.due_at)).where(_o.due_at < bindparam("now"))
_GROUP_SEEK = _SEEK.where(STEP_FLAGGED, _o.sop_id == bindparam("sop"),
                          _o.node == bindparam("node"))
_HELD_SEEK = _GROUP_SEEK.where(_o.assignee == bindparam("holder"))
_UNHELD_SEEK = _GROUP_SEEK.where(_o.assignee.is_(None))


def _groups_earliest(conn: Connection, now: datetime, groups: list[_Group]
                     ) -> dict[_Group, datetime]:
    """The earliest deadline past at ``now`` of each group's steps recorded overdue: an
    index seek per group (``ix_open_steps_flagged_group``); on PostgreSQL all in one
    statement (a round trip each would cost more than the seeks), on SQLite each a
    statement compiled once (it has no column names for a VALUES list)."""
    out: dict[_Group, datetime] = {}
    if conn.dialect.name == "sqlite":
        for sop_id, node, holder in groups:
            seek, params = _UNHELD_SEEK, {"now": now, "sop": sop_id, "node": node}
            if holder is not None:
                seek, params = _HELD_SEEK, {**params, "holder": holder}
            due = conn.execute(seek, params).scalar()
            if due is not None:
                out[(sop_id, node, holder)] = due
        return out
    held = [g for g in groups if g[2] is not None]
    unheld = [g[:2] for g in groups if g[2] is None]
    for rows, names in ((held, ("s", "n", "h")), (unheld, ("s", "n"))):
        if not rows:
            continue
        given = values(*(column(c, String) for c in names), name="g").data(rows)
        match: ColumnElement[bool] = (_o.assignee == given.c.h if len(names) == 3
                                      else _o.assignee.is_(None))
        earliest = (select(func.min(_o.due_at))
                    .where(STEP_FLAGGED, _o.sop_id == given.c.s, _o.node == given.c.n,
                           match, _o.due_at < now).scalar_subquery())
        for *key, due in conn.execute(select(*given.c, earliest)):
            if due is not None:
                out[(key[0], key[1], key[2] if len(key) == 3 else None)] = due
    return out


def late_groups(conn: Connection, now: datetime, lead: ColumnElement[bool]) -> list[LateGroup]:
    """What :func:`~sop_runtime.store.supervision.late_groups_scanned` counts: steps past
    their deadline at ``now`` by (SOP, node, holder), with each group's earliest deadline."""
    recorded: Counter[_Group] = Counter()
    for key, n in tallies.read(conn, tallies.LATE_STEP).items():
        sop_id, node, holder = tallies.split(key)
        recorded[(sop_id, node, holder or None)] += n
    group = (_o.sop_id, _o.node, _o.assignee)
    # rows, not a GROUP BY: the planner would walk a grouping index rather than the range
    for sop_id, node, holder in conn.execute(select(*group).where(_still_ahead(now), lead)):
        recorded[(sop_id, node, holder)] -= 1
    steps: Counter[_Group] = Counter({g: n for g, n in recorded.items() if n > 0})
    oldest: dict[_Group, datetime] = {}
    for sop_id, node, holder, due in conn.execute(
            select(*group, _o.due_at).where(_fell_due(now), lead)):
        steps[(sop_id, node, holder)] += 1
        g = (sop_id, node, holder)
        oldest[g] = min(due, oldest.get(g, due))
    for g, due in _groups_earliest(conn, now, [g for g, n in recorded.items() if n > 0]
                                   ).items():
        if g not in oldest or due < oldest[g]:
            oldest[g] = due
    return [LateGroup(g[0], g[1], g[2], n, oldest[g]) for g, n in steps.items() if n > 0]


def late_by_role(conn: Connection, now: datetime,
                 hide: Collection[str] = ()) -> list[RoleCount]:
    """What :func:`~sop_runtime.store.supervision.late_by_role_scanned` counts: overdue
    steps by each role that may act on them, none of the SOPs in ``hide``."""
    hidden = sorted(hide)
    steps: Counter[str] = Counter()
    for key, n in tallies.read(conn, tallies.LATE_ROLE).items():
        role, sop_id = tallies.split(key)
        if sop_id not in hide:
            steps[role] += n
    shown = [_o.sop_id.not_in(hidden)] if hidden else []
    for where, sign in ((_still_ahead(now), -1), (_fell_due(now), 1)):
        for (role,) in conn.execute(select(_o.role).where(where, *shown)):  # a range
            steps[role] += sign
    out = []
    for role in sorted(r for r, n in steps.items() if n > 0):
        seek = _SEEK.where(_o.role == bindparam("role"), *shown)  # ix_open_steps_role_due
        due = conn.execute(seek, {"now": now, "role": role}).scalar()
        if due is not None:
            out.append(RoleCount(role, steps[role], due))
    return out


def open_counts(conn: Connection, now: datetime, boundaries: Sequence[datetime],
                shared: SharedNodes) -> OpenCounts:
    """What :func:`~sop_runtime.store.supervision.open_counts_scanned` counts: every open
    step by (age bucket, deadline status at ``now``) and by holder."""
    lead = one_row_per_step(shared)

    def bucket_of(moment: datetime) -> int:
        return max((i for i, b in enumerate(boundaries, 1) if moment <= b), default=0)

    older = [(_o.activated_at <= b, i) for i, b in reversed(list(enumerate(boundaries, 1)))]
    bucket = (case(*older, else_=0) if older else literal(0)).label("bucket")
    by_bucket: ColumnClause[int] = column("bucket")
    classes: Counter[tuple[int, str]] = Counter()
    for key, n in tallies.read(conn, tallies.OPEN_AGE).items():
        at, cls = key.split("|")
        first = datetime.strptime(at, "%Y-%m-%dT%H").replace(tzinfo=UTC)
        classes[(bucket_of(first + _LAST), cls)] += n
    # the hours a boundary falls in: their steps moved to their own buckets
    cls_of = case((_o.due_at.is_(None), literal(tallies.NO_LIMIT)),
                  (STEP_FLAGGED, literal(tallies.FLAGGED)),
                  else_=literal(tallies.TIMED)).label("cls")
    for first in sorted({tallies.hour(b) for b in boundaries}):
        whole = bucket_of(first + _LAST)
        query = (select(bucket, cls_of, func.count())
                 .where(_o.activated_at >= first, _o.activated_at < first + HOUR, lead)
                 .group_by(by_bucket, column("cls")))
        for b, cls, n in conn.execute(query):
            classes[(whole, cls)] -= n
            classes[(b, cls)] += n
    ages: dict[tuple[int, str], int] = defaultdict(int)
    for (b, cls), n in classes.items():
        ages[(b, _STATUS[cls])] += n
    for where, into, out_of in ((_fell_due(now), OVERDUE, IN_TIME),
                                (_still_ahead(now), IN_TIME, OVERDUE)):
        for (at,) in conn.execute(select(_o.activated_at).where(where, lead)):  # a range
            ages[(bucket_of(at), into)] += 1
            ages[(bucket_of(at), out_of)] -= 1
    held: dict[str | None, int] = {(who or None): n for who, n in tallies.read(
        conn, tallies.OPEN_HOLDER).items()}
    return OpenCounts({k: n for k, n in ages.items() if n},
                      {h: n for h, n in held.items() if n})
