"""Which part of a person's file a user sees (issue #16, dated access).

Whoever keeps the person today — their cell or a post they hold today is in
the user's reach today, or, for someone with neither membership nor post,
the unit registering the file — sees the whole file, past included: it came
with them. Someone who reaches the person only through the past (the commune
they left, the board a commune moved away from) sees the records dated while
the person was in their subtree: the windows below, each period at a cell or
a post met with the times the user reached its unit. Nothing here queries:
the reach is the request's, the periods those the page read anyway.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from organizations.access import AnyUser, scope_reach

Day = datetime.date
Window = tuple[Day | None, Day | None]  # [from, to), None unbounded
# A unit and the period the person spent there: a cell period or a post.
Stay = tuple[int, Day, Day | None]


def file_windows(
    user: AnyUser, stays: Iterable[Stay], registered_unit_id: int | None
) -> list[Window] | None:
    """The windows of the file the user sees; None: the whole file."""
    reach = scope_reach(user)
    if reach is None:  # an administrator
        return None
    today = timezone.localdate()
    stays = list(stays)
    if any(end is None and reach.holds(unit, today) for unit, _start, end in stays):
        return None
    if (
        not stays
        and registered_unit_id is not None
        and reach.holds(registered_unit_id, today)
    ):
        return None
    windows: list[Window] = []
    for unit, start, end in stays:
        if unit in reach.whole_set:
            windows.append((start, end))
            continue
        for reached_from, reached_to in reach.spans.get(unit, ()):
            window = (_later(start, reached_from), _earlier(end, reached_to))
            if window[1] is None or window[0] is None or window[0] < window[1]:
                windows.append(window)
    return windows


def _later(a: Day | None, b: Day | None) -> Day | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: Day | None, b: Day | None) -> Day | None:
    return b if a is None else a if b is None else min(a, b)


def meets(windows: list[Window], start: Day | None, end: Day | None) -> bool:
    """Whether the period ``[start, end)`` meets one of the windows."""
    return any(
        (end is None or w_from is None or w_from < end)
        and (w_to is None or start is None or start < w_to)
        for w_from, w_to in windows
    )


def holds(windows: list[Window], day: Day, *, last_day: bool = False) -> bool:
    """Whether ``day`` lies in one of the windows; ``last_day``: the day a
    window ends counts too (the person left, or moved on, that day: the
    event is the record of the user's own organization)."""
    return any(
        (w_from is None or w_from <= day)
        and (w_to is None or day < w_to or (last_day and day == w_to))
        for w_from, w_to in windows
    )


def meets_year(windows: list[Window], year: int) -> bool:
    return meets(windows, datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))
