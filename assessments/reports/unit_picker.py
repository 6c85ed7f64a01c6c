"""The unit picker of the report pages: a path, one level down and a search.

A country has ~57,000 units one may report on (369,000 in all): listing them
in a drop-down made a country's report page 4–10 MB of HTML and 3–12 s to
serve, while its figures took under a second (bench/RESULTS-reports.md). The
picker shows the chosen unit with its ancestors up to the user's own unit,
its children (at most ``CHILDREN_SHOWN``; the rest are found by the search)
and a search returning at most ``MATCHES_SHOWN`` units, so the page stays the
same size at any scale.

Reach (docs/access.md): a report of a year follows that year's tree
(``reports.views._parse``, ``reaches_on``), so the picker offers only units
the user reached in the tree of the report's year: ancestors and matches
are kept by the user's dated reach (``Reach.holds``) on the year's day;
children are reached through the chosen unit on that same day.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from assessments.reports.selectors import REPORTABLE_LEVELS
from organizations.access import AnyUser, scope_reach
from organizations.models import Unit
from organizations.tree import LINK
from partyquality.search import search_filter

# Children listed under the chosen unit; a commune-level board's hundreds of
# cells are not reportable, but a province's superiors or a large district's
# communes can number a few hundred: the rest are reached by the search.
CHILDREN_SHOWN = 40
MATCHES_SHOWN = 20
# Read a few more rows than shown: rows of units reached only part of the
# time (moved in or away) are dropped after the query.
MATCHES_READ = MATCHES_SHOWN * 2


@dataclass(frozen=True)
class PickedUnit:
    pk: int
    name: str
    level: str


@dataclass(frozen=True)
class Picker:
    # From the user's top unit down to the chosen unit's parent.
    path: list[PickedUnit]
    children: list[PickedUnit]
    more_children: bool


def picker_day(unit: Unit, year: int) -> datetime.date:
    """The day whose tree a report of ``year`` follows for ``unit``: its last
    day of the year (``assessments.selectors.day_in_year``)."""
    day = datetime.date(year, 12, 31)
    if unit.closed_on is not None and unit.closed_on <= day:
        day = unit.closed_on - datetime.timedelta(days=1)
    return day


# The chosen unit's ancestors on the day (nearest last), then its children
# on the day that one may report on, by name, one row more than shown: one
# statement.
PICKER_SQL = f"""
WITH RECURSIVE up(id, depth) AS (
    SELECT %(unit)s::bigint, 0
  UNION ALL
    SELECT l.parent_id, up.depth + 1 FROM {LINK} l JOIN up ON l.child_id = up.id
    WHERE l.valid_from <= %(day)s AND (l.valid_to IS NULL OR l.valid_to > %(day)s)
      AND up.depth < 50
)
(SELECT 'up' AS side, u.id, u.name, u.level, -up.depth AS position
 FROM up JOIN organizations_unit u ON u.id = up.id WHERE up.depth > 0)
UNION ALL
(SELECT 'down', u.id, u.name, u.level, row_number() OVER (ORDER BY u.sort_name, u.id)
 FROM {LINK} l JOIN organizations_unit u ON u.id = l.child_id
 WHERE l.parent_id = %(unit)s
   AND l.valid_from <= %(day)s AND (l.valid_to IS NULL OR l.valid_to > %(day)s)
   AND u.opened_on <= %(day)s AND (u.closed_on IS NULL OR u.closed_on > %(day)s)
   AND u.level = ANY(%(levels)s)
 ORDER BY u.sort_name, u.id LIMIT %(limit)s)
ORDER BY side DESC, position
"""  # noqa: S608 -- table names are constants of organizations.tree


def picker_for(*, user: AnyUser, unit: Unit, year: int) -> Picker:
    """The path to ``unit`` and its children in the tree of ``year`` (one
    query once the user's reach is read; the report page has read it)."""
    day = picker_day(unit, year)
    reach = scope_reach(user)
    return tree_picker(
        unit=unit,
        day=day,
        levels=REPORTABLE_LEVELS,
        shown=None if reach is None else (lambda pk: reach.holds(pk, day)),
    )


def tree_picker(
    *,
    unit: Unit,
    day: datetime.date,
    levels: tuple[str, ...],
    shown: Callable[[int], bool] | None,
) -> Picker:
    """The path to ``unit`` on ``day`` from the topmost unit ``shown`` holds
    (None: every unit), and its children of ``levels`` on that day, by name."""
    with connection.cursor() as cursor:
        cursor.execute(
            PICKER_SQL,
            {
                "unit": unit.pk,
                "day": day,
                "levels": list(levels),
                "limit": CHILDREN_SHOWN + 1,
            },
        )
        rows = cursor.fetchall()
    path: list[PickedUnit] = []
    children: list[PickedUnit] = []
    for side, pk, name, level, _position in rows:
        if shown is not None and not shown(pk):
            # Above the user's own unit: the path starts at it.
            if side == "up":
                path.clear()
            continue
        (path if side == "up" else children).append(PickedUnit(pk, name, level))
    return Picker(
        path=path,
        children=children[:CHILDREN_SHOWN],
        more_children=len(children) > CHILDREN_SHOWN,
    )


def units_matching(*, user: AnyUser, text: str, year: int) -> list[PickedUnit]:
    """At most ``MATCHES_SHOWN`` units one may report on whose folded name
    contains every word of ``text`` (or an open one whose code is ``text``),
    in the tree of ``year`` (its 31 December, as the report page checks:
    ``views._root``) and reached by the user in it, by name. A unit closed
    during the year has no place in that tree (its months count under its
    successor), so it is offered for the years it ended open."""
    last = datetime.date(year, 12, 31)
    units = (
        Unit.objects.visible_to(user)
        .filter(level__in=REPORTABLE_LEVELS, opened_on__lte=last)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=last))
    )
    reach = scope_reach(user)

    def shown(pk: int, closed_on: datetime.date | None) -> bool:
        return reach is None or reach.holds(pk, last)

    return units_named(units, text, shown)


def units_named(
    units: QuerySet[Unit],
    text: str,
    shown: Callable[[int, datetime.date | None], bool],
) -> list[PickedUnit]:
    """At most ``MATCHES_SHOWN`` of ``units`` whose folded name contains every
    word of ``text`` (or an open one whose code is ``text``), by name, kept
    by ``shown(id, closed_on)``."""
    text = text.strip()
    if not text:
        return []
    rows = (
        # A code as written or in capitals, among the open units: the
        # index of codes (unique among open units) serves that branch of
        # the OR; a case-insensitive match would read every unit.
        units.filter(
            search_filter("search_name", text)
            | Q(code__in=sorted({text, text.upper()}), closed_on__isnull=True)
        )
        .order_by("sort_name", "id")
        .values_list("id", "name", "level", "closed_on")[:MATCHES_READ]
    )
    found = [
        PickedUnit(pk, name, level)
        for pk, name, level, closed_on in rows
        if shown(pk, closed_on)
    ]
    return found[:MATCHES_SHOWN]
