"""Access by subtree: the one place that decides who sees and changes what.

Deny by default. A user sees the units under the units they are assigned to
(today's assignments), across the tree's history, and the records attached
to those units while they were under them (dated access, issue #16:
``Reach`` and the ``scope_*`` filters below). Every queryset that reaches a user goes through
``scope_filter`` (via ``.visible_to(user)``) and every single-record view
through ``get_for_user``, which answers 404 outside the subtree and 403 to a
read-only role asking to write.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from organizations.models import Assignment, Level, Role
from organizations.tree import Span
from partyquality.lookups import IdArray

AnyUser = AbstractBaseUser | AnonymousUser


# Roles that may change data in their subtree. Officers approve (assessments)
# and readers only read; the tree itself is changed by administrators.
WRITE_ROLES = (Role.ADMIN, Role.SECRETARY)
APPROVE_ROLES = (Role.ADMIN, Role.OFFICER)


def active_assignments(user: AnyUser) -> QuerySet[Assignment]:
    if not user.is_authenticated:
        return Assignment.objects.none()
    today = timezone.localdate()
    return Assignment.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=today),
        user=user,
        valid_from__lte=today,
    )


# Today's assignments as (role, unit id, unit level), read once per request:
# a list page asks "is this an administrator? which roots?" for every scoped
# queryset, and each question was a query. Outside a request (services,
# commands, tests calling functions directly) nothing is cached, so a change
# of assignments is seen at once.
_request_cache: ContextVar[dict[Any, Any] | None] = ContextVar(
    "partyquality_access_cache", default=None
)


@contextmanager
def request_scope() -> Iterator[None]:
    """Cache each user's assignments for the duration of one request."""
    token = _request_cache.set({})
    try:
        yield
    finally:
        _request_cache.reset(token)


# The tree's version (organizations/0004, bumped by the ``tree_changed``
# triggers of organizations/models.py), read with the
# assignments, so that a request can take a reach kept by an earlier one.
TREE_VERSION = "tree_version"
TREE_VERSION_SQL = "SELECT version FROM organizations_tree_version"


def assignment_rows(user: AnyUser) -> list[tuple[str, int, str]]:
    """Today's (role, unit id, unit level) of the user."""
    if not user.is_authenticated:
        return []
    cache = _request_cache.get()
    if cache is not None and user.pk in cache:
        return cache[user.pk]
    read = active_assignments(user).annotate(
        tree_version=RawSQL(TREE_VERSION_SQL, [])  # noqa: S611 (no input)
    )
    rows = []
    for role, unit, level, version in read.values_list(
        "role", "unit_id", "unit__level", "tree_version"
    ):
        rows.append((role, unit, level))
        if cache is not None:
            cache[TREE_VERSION] = version
    if cache is not None:
        cache[user.pk] = rows
    return rows


# Reaches and their provinces kept between requests, by the roots and the
# tree's version: recomputing a province's reach (12,000 units, a recursive
# query) took ~40 ms of every page of a province officer. A change of the
# tree gives a new version, so an entry is never used for a tree it was not
# read from; the oldest entries go first.
KEPT_REACHES = 256
_kept: OrderedDict[tuple[Any, ...], Any] = OrderedDict()


def _kept_or_read(key: tuple[Any, ...], read: Callable[[], Any]) -> Any:
    """``read()``, once per request, and once per tree version when the
    request knows the version."""
    cache = _request_cache.get()
    if cache is not None and key in cache:
        return cache[key]
    version = cache.get(TREE_VERSION) if cache is not None else None
    kept_key = (*key, version)
    value = _kept.get(kept_key) if version is not None else None
    if value is None:
        value = read()
        if version is not None:
            _kept[kept_key] = value
            while len(_kept) > KEPT_REACHES:
                _kept.popitem(last=False)
    if cache is not None:
        cache[key] = value
    return value


Rows = list[tuple[str, int, str]]


def is_admin(user: AnyUser, rows: Rows | None = None) -> bool:
    """``rows``: the user's assignment rows when the caller has them already."""
    if not user.is_authenticated or not user.is_active:
        return False
    rows = assignment_rows(user) if rows is None else rows
    return bool(user.is_superuser) or any(role == Role.ADMIN for role, _u, _l in rows)


def root_unit_ids(user: AnyUser) -> list[int]:
    """Ids of the units the user is assigned to today (any role)."""
    return _root_ids(user)


def _root_ids(
    user: AnyUser, roles: tuple[str, ...] | None = None, rows: Rows | None = None
) -> list[int]:
    rows = assignment_rows(user) if rows is None else rows
    return sorted({unit for role, unit, _l in rows if roles is None or role in roles})


@dataclass(frozen=True)
class Reach:
    """The units under some roots across the tree's history, with dates
    (``organizations.tree.dated_reach``). ``ids``: every unit ever reached;
    ``whole``: those reached every day they existed (all their records);
    ``spans``: for the others — a unit moved in or away — the periods it was
    reached, ``[from, to)``, None unbounded (issue #16, dated access)."""

    ids: IdArray
    whole: IdArray
    spans: dict[int, list[Span]] = field(default_factory=dict)
    # The closing day of those of ``spans`` that closed.
    closed: dict[int, datetime.date] = field(default_factory=dict)

    def on(self, day: datetime.date) -> list[int]:
        """The units of ``spans`` reached on ``day``."""
        return [
            unit
            for unit, periods in self.spans.items()
            if any(_holds(period, day) for period in periods)
        ]

    @cached_property
    def whole_set(self) -> frozenset[int]:
        return frozenset(self.whole.ids)

    def holds(self, unit: int, day: datetime.date) -> bool:
        """Whether ``unit`` is reached on ``day``."""
        if unit in self.whole_set:
            return True
        return any(_holds(period, day) for period in self.spans.get(unit, ()))

    def last_day(self, unit: int, today: datetime.date) -> datetime.date:
        """The day a write today is about: today, or the day before ``unit``
        closed (a merged commune's records are kept by the commune it became,
        whose reach holds its predecessors until the merger)."""
        closed = self.closed.get(unit)
        if closed is not None and closed <= today:
            return closed - datetime.timedelta(days=1)
        return today

    def now(self, unit: int, today: datetime.date) -> bool:
        """Whether ``unit`` is reached today, or on its last day if it closed:
        what the imports write to (a unit reached only in the past, or only
        from a later day, is out of reach)."""
        return self.holds(unit, self.last_day(unit, today))

    def now_ids(self, today: datetime.date) -> set[int]:
        """The units reached today, or on their last day (``now``)."""
        return set(self.whole_set) | {
            unit for unit in self.spans if self.now(unit, today)
        }

    def in_year(self, unit: int, year: int) -> bool:
        """Whether ``unit`` is reached in the tree of ``year`` (``years``)."""
        if unit in self.whole_set:
            return True
        if unit not in self.spans:
            return False
        return any(
            (first is None or first <= year) and (last is None or year < last)
            for first, last in self.years(unit)
        )

    def years(self, unit: int) -> list[tuple[int | None, int | None]]:
        """The years ``[from, to)`` (None unbounded) whose tree reached
        ``unit``, one of ``spans``. A year's tree is that of its last day, or
        of the day before the unit closed (``assessments.selectors.day_in_year``):
        a unit moved on 1 July 2025 belongs for 2025 to its new parent."""
        closed = self.closed.get(unit)
        years = []
        for start, end in self.spans[unit]:
            first = None if start is None else start.year
            # A period lasting to the unit's closing holds its last year too.
            last = (
                None
                if end is None or (closed is not None and end >= closed)
                else end.year
            )
            if first is None or last is None or first < last:
                years.append((first, last))
        return years


def _holds(period: Span, day: datetime.date) -> bool:
    start, end = period
    return (start is None or start <= day) and (end is None or day < end)


def _reach_of(roots: list[int]) -> Reach:
    """The dated reach of the roots (``_kept_or_read``)."""
    from organizations.tree import dated_reach

    def read() -> Reach:
        whole, spans, closed = dated_reach(roots)
        return Reach(IdArray([*whole, *spans]), IdArray(whole), spans, closed)

    return _kept_or_read(("reach", tuple(roots)), read)


def _reach(roots: list[int]) -> IdArray:
    """Ids of every unit ever under the roots."""
    return _reach_of(roots).ids


def scope_unit_ids(
    user: AnyUser, *, roles: tuple[str, ...] | None = None, rows: Rows | None = None
) -> IdArray:
    """Ids of every unit under the user's assignments (in ``roles``, if given).

    For administrators check ``is_admin`` first: they reach everything.
    """
    return _reach(_root_ids(user, roles, rows))


def scope_reach(
    user: AnyUser, *, roles: tuple[str, ...] | None = None, rows: Rows | None = None
) -> Reach | None:
    """The user's dated reach (in ``roles``, if given); None: an
    administrator, who reaches everything."""
    rows = assignment_rows(user) if rows is None else rows
    if is_admin(user, rows):
        return None
    return _reach_of(_root_ids(user, roles, rows))


# The provinces of the reach, each with how many units are placed in it.
REACH_PROVINCES_SQL = """
SELECT p.province_id, (
    SELECT count(*) FROM organizations_unit placed
    WHERE placed.province_id = p.province_id
)
FROM (
    SELECT DISTINCT province_id FROM organizations_unit WHERE id = ANY(%s::bigint[])
) p
"""


def _reach_provinces(user: AnyUser, rows: Rows) -> tuple[int | None, int]:
    """The one province of every unit the user reaches (or None) and how
    many units are placed in it, once per request and tree version."""
    reach = scope_unit_ids(user, rows=rows)

    def read() -> tuple[int | None, int]:
        with connection.cursor() as cursor:
            cursor.execute(REACH_PROVINCES_SQL, [reach.text])
            provinces = cursor.fetchall()
        return provinces[0] if len(provinces) == 1 else (None, 0)

    key = ("province", tuple(_root_ids(user, rows=rows)))
    return _kept_or_read(key, read)


def reach_province(user: AnyUser) -> int | None:
    """The one province (``Unit.province``) of every unit the user reaches,
    or None: administrators, reaches across provinces or with units not
    placed. A list may then keep to that province's rows (their copy of it
    is kept by triggers) without leaving out anything the user may see."""
    rows = assignment_rows(user)
    if not rows or is_admin(user, rows):
        return None
    return _reach_provinces(user, rows)[0]


def whole_province(user: AnyUser) -> int | None:
    """The province whose every membership and cadre the user sees, or None.

    When the user is assigned to a province, every unit of the reach is
    placed in it (``reach_province``) and as many units are placed in it as
    the reach holds, the reach is exactly the units placed in that province.
    Its memberships are then those whose copy of the province is it — one
    range of an index instead of a test against 12,000 cells — and its
    holdings those at units placed in it (members.querysets). Users assigned
    to no province are answered without a query.

    The count is needed: a unit is placed in the smallest province ever
    above it, through mergers too, while the dated reach follows a merger
    only when the successor was reached on its day (issue #16). A commune
    merged in another province into one that moved here later is placed
    here but was never this province's: its past posts and members would
    have been read through the copy (tests/members/test_province_edges.py).
    """
    rows = assignment_rows(user)
    if not any(level == Level.PROVINCE for _role, _unit, level in rows):
        return None
    if is_admin(user, rows):
        return None
    province, placed = _reach_provinces(user, rows)
    if province is None or province not in _root_ids(user, rows=rows):
        return None
    return province if placed == len(scope_unit_ids(user, rows=rows)) else None


def scope_filter(user: AnyUser, unit_field: str) -> Q:
    """A Q limiting rows to those whose ``unit_field`` was ever in the user's
    reach (what they may read; writes follow today's tree, ``scope_now``).

    The reach is read once (per request) as a list of ids and passed as one
    array: a subquery would re-walk the tree in every scoped query of a page,
    and hides from the planner how many units the scope holds.
    """
    rows = assignment_rows(user)  # one query outside a request, not two
    if is_admin(user, rows):
        return Q()
    ids = scope_unit_ids(user, rows=rows)
    if not ids:
        return Q(pk__in=[])
    return Q(**{f"{unit_field}__any_of": ids})


# Dated scopes (issue #16): a record belongs to the units above its unit on
# its own date, so a unit that moved stays with its former parent only for
# what happened while it was there. The units reached on every day of their
# life (``Reach.whole``, nearly all) are tested by id as before — the same
# SQL, as fast — and only the few that moved carry their dates.


def _dated_filter(
    user: AnyUser,
    unit_field: str,
    partial: Callable[[Reach], list[Q]],
    *,
    write: bool = False,
    roles: tuple[str, ...] | None = None,
    province_field: str | None = None,
) -> Q:
    roles = WRITE_ROLES if write else roles
    rows = assignment_rows(user)
    reach = scope_reach(user, roles=roles, rows=rows)
    if reach is None:
        return Q()
    if not reach.ids:
        return Q(pk__in=[])
    moved = partial(reach) if reach.spans else []
    province = None if roles or province_field is None else whole_province(user)
    if province is not None:
        # access.whole_province: the rows of the province by their copy of it,
        # less those of the units reached only part of the time, outside it.
        q = Q(**{province_field: province})
        if reach.spans:
            q &= _any([~Q(**{f"{unit_field}__any_of": IdArray(reach.spans)}), *moved])
        return q
    whole = [Q(**{f"{unit_field}__any_of": reach.whole})] if reach.whole else []
    return _any([*whole, *moved])


def _any(conditions: list[Q]) -> Q:
    if not conditions:
        return Q(pk__in=[])
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def _period(field_from: str, field_to: str | None, start: Any, end: Any) -> Q:
    """Rows whose ``[field_from, field_to)`` meets ``[start, end)``."""
    q = Q()
    if end is not None:
        q &= Q(**{f"{field_from}__lt": end})
    if start is not None:
        reaches = Q(**{f"{field_to or field_from}__gte": start})
        if field_to is not None:
            reaches = Q(**{f"{field_to}__isnull": True}) | Q(
                **{f"{field_to}__gt": start}
            )
        q &= reaches
    return q


def scope_on(
    user: AnyUser,
    unit_field: str,
    day_field: str,
    *,
    write: bool = False,
    province_field: str | None = None,
) -> Q:
    """Rows whose unit the user reached on the row's day (``day_field``).
    With ``province_field`` (the unit's province, e.g. ``unit__province``),
    an officer of a whole province is answered by it, as the lists are: a
    unit placed elsewhere today is then not searched, even for the days it
    was in the province."""

    def partial(reach: Reach) -> list[Q]:
        return [
            Q(**{unit_field: unit}) & _period(day_field, None, start, end)
            for unit, periods in reach.spans.items()
            for start, end in periods
        ]

    return _dated_filter(
        user, unit_field, partial, write=write, province_field=province_field
    )


def scope_during(user: AnyUser, unit_field: str, from_field: str, to_field: str) -> Q:
    """Rows whose period at the unit (``[from_field, to_field)``) meets a
    time the user reached the unit: a person's file follows any period of
    theirs the user saw."""

    def partial(reach: Reach) -> list[Q]:
        return [
            Q(**{unit_field: unit}) & _period(from_field, to_field, start, end)
            for unit, periods in reach.spans.items()
            for start, end in periods
        ]

    return _dated_filter(user, unit_field, partial)


def scope_last_day(
    user: AnyUser,
    unit_field: str,
    end_field: str,
    *,
    write: bool = False,
    province_field: str | None = None,
) -> Q:
    """Rows (a membership, a post held) whose unit the user reached on the
    row's last day: today for one still open, the day before ``end_field``
    for one that ended. Lists show where a record stands now, or stood when
    it ended: a unit that moved away leaves its current members with its new
    parent and its past ones with the old."""

    def partial(reach: Reach) -> list[Q]:
        today = reach.on(timezone.localdate())
        open_now = Q(**{f"{end_field}__isnull": True, f"{unit_field}__any_of": today})
        ended = [
            Q(**{unit_field: unit, f"{end_field}__isnull": False})
            & Q(**({f"{end_field}__gt": start} if start else {}))
            & Q(**({f"{end_field}__lte": end} if end else {}))
            for unit, periods in reach.spans.items()
            for start, end in periods
        ]
        return [open_now, *ended] if today else ended

    return _dated_filter(
        user, unit_field, partial, write=write, province_field=province_field
    )


def scope_on_day(
    user: AnyUser,
    unit_field: str,
    day: datetime.date,
    *,
    write: bool = False,
    roles: tuple[str, ...] | None = None,
) -> Q:
    """Rows whose unit the user's assignments (in ``roles``, if given)
    reached on ``day`` (the tree of that day)."""

    def partial(reach: Reach) -> list[Q]:
        ids = reach.on(day)
        return [Q(**{f"{unit_field}__any_of": ids})] if ids else []

    return _dated_filter(user, unit_field, partial, write=write, roles=roles)


def scope_now(user: AnyUser, unit_field: str) -> Q:
    """Rows whose unit the user's writing roles reach today, or on its last
    day if it closed (``Reach.now``): a unit that moved away is written by its
    new parent only, its past still read by the former one (issue #16)."""

    def partial(reach: Reach) -> list[Q]:
        ids = [unit for unit in reach.spans if reach.now(unit, timezone.localdate())]
        return [Q(**{f"{unit_field}__any_of": IdArray(ids)})] if ids else []

    return _dated_filter(user, unit_field, partial, write=True)


def scope_in_year(
    user: AnyUser,
    unit_field: str,
    year_field: str,
    *,
    roles: tuple[str, ...] | None = None,
) -> Q:
    """Rows of a year (a review, its approval) whose unit the user's
    assignments (in ``roles``, if given) reached in the tree of that year:
    the lists' form of ``reaches_on`` (``Reach.years``)."""

    def partial(reach: Reach) -> list[Q]:
        moved = []
        for unit in reach.spans:
            for first, last in reach.years(unit):
                q = Q(**{unit_field: unit})
                if first is not None:
                    q &= Q(**{f"{year_field}__gte": first})
                if last is not None:
                    q &= Q(**{f"{year_field}__lt": last})
                moved.append(q)
        return moved

    return _dated_filter(user, unit_field, partial, roles=roles)


def day_reached(
    user: AnyUser, unit_id: int, day: datetime.date
) -> datetime.date | None:
    """``day`` if the user reaches the unit on it, else the nearest day they
    did (a unit that moved away is shown as it was on its last day with
    them), or None. No query once the reach is read."""
    reach = scope_reach(user)
    if reach is None or unit_id in reach.whole.ids:
        return day
    periods = reach.spans.get(unit_id)
    if not periods:
        return None
    if any(_holds(period, day) for period in periods):
        return day
    before = [end for _start, end in periods if end is not None and end <= day]
    if before:
        return max(before) - datetime.timedelta(days=1)
    return min(start for start, _end in periods if start is not None)


def reaches_on(
    user: AnyUser, unit_id: int, day: Any, *, roles: tuple[str, ...] | None = None
) -> bool:
    """Whether the user's assignments (in ``roles``, if given) reach the unit
    as the tree stood on ``day``: a record dated ``day`` of a unit that moved
    belongs to the parent it had then (issue #16). One query; administrators
    reach everything."""
    from organizations.tree import reached_on

    rows = assignment_rows(user)
    if is_admin(user, rows):
        return True
    return reached_on(_root_ids(user, roles, rows), unit_id, day)


def can_write(user: AnyUser) -> bool:
    return is_admin(user) or bool(_root_ids(user, WRITE_ROLES))


def can_approve(user: AnyUser) -> bool:
    return is_admin(user) or bool(_root_ids(user, APPROVE_ROLES))


# Roles that may set work going (a background report file): every role but
# the read-only one (issue #16: a reader could queue report jobs).
ACT_ROLES = (Role.ADMIN, Role.SECRETARY, Role.OFFICER)


def can_act_on(user: AnyUser, unit_id: int) -> bool:
    """Whether the user holds a role other than reader over the unit."""
    rows = assignment_rows(user)
    if is_admin(user, rows):
        return True
    return unit_id in scope_unit_ids(user, roles=ACT_ROLES, rows=rows).ids


def get_for_user[M: Model](
    queryset: QuerySet[M], *, user: AnyUser, pk: object, write: bool = False
) -> M:
    """Fetch one visible record; 404 outside the subtree, 403 to read-only writers."""
    visible = getattr(queryset, "visible_to", None)
    if visible is None:
        raise TypeError(
            f"{queryset.model.__name__} has no visible_to(); scope it first"
        )
    try:
        obj = visible(user).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        writable = getattr(queryset, "writable_by", None)
        if writable is None or not writable(user).filter(pk=obj.pk).exists():
            raise PermissionDenied
    return obj
