"""Dated access (issue #16): the reach with its dates and the filters that
follow it. A record belongs to the units above its unit on its own date, so
a unit that moved stays with its former parent only for what happened while
it was there (docs/access.md). ``organizations.access`` reads the reach and
re-exports these; they take the user's assignments from it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from organizations.tree import Span
from partyquality.lookups import IdArray

if TYPE_CHECKING:
    from organizations.access import AnyUser


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
    from organizations.access import (
        WRITE_ROLES,
        assignment_rows,
        scope_reach,
        whole_province,
    )

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
        return _spans_on(reach, unit_field, day_field)

    return _dated_filter(
        user, unit_field, partial, write=write, province_field=province_field
    )


def _spans_on(reach: Reach, unit_field: str, day_field: str) -> list[Q]:
    return [
        Q(**{unit_field: unit}) & _period(day_field, None, start, end)
        for unit, periods in reach.spans.items()
        for start, end in periods
    ]


def under_on(reach: Reach, unit_field: str, day_field: str) -> Q:
    """Rows whose unit was in ``reach`` (the dated subtree of some units,
    ``access.units_reach``) on the row's day: the audit log's unit filter,
    so a district's log holds a commune that moved away for its days there
    only, whoever reads it."""
    whole = [Q(**{f"{unit_field}__any_of": reach.whole})] if reach.whole else []
    return _any([*whole, *_spans_on(reach, unit_field, day_field)])


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


def scope_now(user: AnyUser, unit_field: str, *, write: bool = True) -> Q:
    """Rows whose unit the user's writing roles (any role, ``write=False``)
    reach today, or on its last day if it closed (``Reach.now``): a unit that
    moved away is written by its new parent only, and today's pages (the unit
    list, its search, the pickers) list it to the new parent only; the former
    one still opens its past (issue #16)."""

    def partial(reach: Reach) -> list[Q]:
        ids = [unit for unit in reach.spans if reach.now(unit, timezone.localdate())]
        return [Q(**{f"{unit_field}__any_of": IdArray(ids)})] if ids else []

    return _dated_filter(user, unit_field, partial, write=write)


def reached_until(user: AnyUser, unit_id: int) -> datetime.date | None:
    """None when the user reaches the unit today (``Reach.now``; an
    administrator always); else the last day they reached it — a unit that
    moved away: its page shows its former parent nothing dated after that
    day. No query once the reach is read."""
    from organizations.access import scope_reach

    reach = scope_reach(user)
    today = timezone.localdate()
    if reach is None or reach.now(unit_id, today):
        return None
    ends = [end for _s, end in reach.spans.get(unit_id, ()) if end and end <= today]
    return max(ends) - datetime.timedelta(days=1) if ends else None


def last_year_reached(user: AnyUser, unit_id: int, year: int) -> int | None:
    """The latest year up to ``year`` whose tree reaches the unit
    (``Reach.in_year``), or None: the year a page about a moved unit offers
    its former parent."""
    from organizations.access import scope_reach

    reach = scope_reach(user)
    if reach is None or unit_id in reach.whole_set:
        return year
    if unit_id not in reach.spans:
        return None
    years = []
    for first, last in reach.years(unit_id):
        latest = year if last is None else min(year, last - 1)
        if first is None or first <= latest:
            years.append(latest)
    return max(years) if years else None


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
    from organizations.access import scope_reach

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
