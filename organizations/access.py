"""Access by subtree: the one place that decides who sees and changes what.

Deny by default. A user sees the units under the units they are assigned to
(today's assignments), across the tree's history, and the records attached
to those units while they were under them (dated access, issue #16:
``Reach`` and the ``scope_*`` filters of ``organizations.dated_scope``). Every queryset that reaches a user goes through
``scope_filter`` (via ``.visible_to(user)``) and every single-record view
through ``get_for_user``, which answers 404 outside the subtree and 403 to a
read-only role asking to write.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

# The dated reach and its filters live in organizations.dated_scope; they are
# re-exported here, the one place views import access from.
from organizations.dated_scope import (  # noqa: F401 (re-exported)
    Reach,
    day_reached,
    last_year_reached,
    reached_until,
    scope_during,
    scope_in_year,
    scope_last_day,
    scope_now,
    scope_on,
    scope_on_day,
    under_on,
)
from organizations.models import Assignment, Level, Role
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


def _reach_of(roots: list[int]) -> Reach:
    """The dated reach of the roots (``_kept_or_read``)."""
    from organizations.tree import dated_reach

    today = timezone.localdate()

    def read() -> Reach:
        whole, spans, closed = dated_reach(roots)
        # A period that has not started is no reach yet: a unit that will
        # move under the user later shows them nothing of it before the day
        # (issue #16). The kept reach is therefore today's (its key).
        spans = {
            unit: started
            for unit, periods in spans.items()
            if (started := [p for p in periods if p[0] is None or p[0] <= today])
        }
        return Reach(IdArray([*whole, *spans]), IdArray(whole), spans, closed)

    return _kept_or_read(("reach", tuple(roots), today), read)


def _reach(roots: list[int]) -> IdArray:
    """Ids of every unit ever under the roots."""
    return _reach_of(roots).ids


def units_reach(unit_ids: list[int]) -> Reach:
    """The dated subtree of some units, whoever asks: each unit ever under
    them with the days it was (a filter by a unit, ``under_on``)."""
    return _reach_of(sorted(unit_ids))


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
