"""Which years are closed for a unit: the finder behind
``organizations.closed_years`` (registered in ``AssessmentsConfig.ready``).

A year is closed for a unit when the grassroots organization the unit
belonged to that year (the unit itself, for an organization) has its review
of that year submitted or approved. Three queries whatever the number of
units (an import names thousands of cells): the organizations ever above the
units, their closed reviews from the year on, and for each such year the
tree of that year (``selectors.day_in_year``) walked up from the units.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import connection
from django.utils.translation import gettext

from assessments.models import ReviewState
from organizations.closed_years import ClosedYear
from organizations.models import GRASSROOTS_LEVELS

CLOSED_STATES = (ReviewState.SUBMITTED, ReviewState.APPROVED)

# The grassroots organizations ever above the units (the units included),
# whatever the date: only they have reviews. Inside a transaction their rows
# are share-locked, in this statement, before the reviews are read in the
# next: a submission locks its organization's row first (services.
# _lock_organization), so a review it creates in the same transaction — a
# row this check could not see, let alone lock — is in the next statement's
# view once the submission commits, and the submission, if it came second,
# reads a sheet with the event in (issue #16).
EVER_ABOVE_SQL = """
WITH RECURSIVE up(id) AS (
    SELECT unnest(%(units)s::bigint[])
  UNION
    SELECT l.parent_id FROM organizations_unitlink l JOIN up ON l.child_id = up.id
)
SELECT o.id FROM organizations_unit o
WHERE o.id IN (SELECT id FROM up) AND o.level = ANY(%(levels)s::text[])
ORDER BY o.id
"""

# For one year: each unit's ancestors on the last day of the year it existed
# (day_in_year), kept where one of ``orgs`` is met, with that organization's
# name and the name of the unit above it that day.
YEAR_ABOVE_SQL = """
WITH RECURSIVE up(unit_id, id, day, depth) AS (
    SELECT u.id, u.id,
           LEAST(%(end)s::date, COALESCE(u.closed_on - 1, %(end)s::date)), 0
    FROM organizations_unit u WHERE u.id = ANY(%(units)s::bigint[])
  UNION ALL
    SELECT up.unit_id, l.parent_id, up.day, up.depth + 1
    FROM organizations_unitlink l JOIN up ON l.child_id = up.id
    WHERE l.valid_from <= up.day AND (l.valid_to IS NULL OR l.valid_to > up.day)
      AND up.depth < 50
)
SELECT up.unit_id, up.id, o.name, p.name
FROM up
JOIN organizations_unit o ON o.id = up.id
LEFT JOIN organizations_unitlink pl ON pl.child_id = up.id AND pl.valid_from <= up.day
  AND (pl.valid_to IS NULL OR pl.valid_to > up.day)
LEFT JOIN organizations_unit p ON p.id = pl.parent_id
WHERE up.id = ANY(%(orgs)s::bigint[])
"""


# The reviews of those organizations from the year on, whatever their state,
# share-locked inside a transaction: a transition locks its review row for
# update before it reads the state (services._locked), so an event checked
# here and a submission or approval of the same year wait for each other —
# the event sees the year closed, or the year is closed after the event is in
# (issue #16: a concurrent approve and a backdated event both committed).
REVIEWS_SQL = """
SELECT r.organization_id, r.year, r.state
FROM assessments_organizationreview r
WHERE r.organization_id = ANY(%(orgs)s::bigint[]) AND r.year >= %(since)s
ORDER BY r.id
"""


def find_closed(unit_ids: Collection[int], since: int) -> dict[int, list[ClosedYear]]:
    units = sorted(unit_ids)
    levels = list(GRASSROOTS_LEVELS)
    lock = " FOR SHARE OF o" if connection.in_atomic_block else ""
    with connection.cursor() as cursor:
        cursor.execute(EVER_ABOVE_SQL + lock, {"units": units, "levels": levels})
        above = [row[0] for row in cursor.fetchall()]
    with connection.cursor() as cursor:
        cursor.execute(
            REVIEWS_SQL + (" FOR SHARE OF r" if connection.in_atomic_block else ""),
            {"orgs": above, "since": since},
        )
        reviews = cursor.fetchall()
    by_year: dict[int, dict[int, str]] = {}
    for organization_id, year, state in reviews:
        if state in CLOSED_STATES:
            by_year.setdefault(year, {})[organization_id] = state
    found: dict[int, list[ClosedYear]] = {}
    for year in sorted(by_year):
        states = by_year[year]
        with connection.cursor() as cursor:
            cursor.execute(
                YEAR_ABOVE_SQL,
                {"end": f"{year}-12-31", "units": units, "orgs": sorted(states)},
            )
            rows = cursor.fetchall()
        for unit_id, organization_id, name, above_name in rows:
            found.setdefault(unit_id, []).append(
                ClosedYear(
                    year=year,
                    organization=name,
                    approved=states[organization_id] == ReviewState.APPROVED,
                    above=above_name or gettext("cấp trên"),
                )
            )
    return found
