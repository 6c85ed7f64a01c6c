"""Reads for the report pages: the levels one may report on, the user's files."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import QuerySet

from assessments.models import ReportJob
from organizations.access import AnyUser, active_assignments
from organizations.models import Level, Unit
from organizations.tree import SUBTREE_ON_DAY_SQL

REPORTABLE_LEVELS = (
    Level.PROVINCE,
    Level.SUPERIOR,
    Level.GRASSROOTS_COMMITTEE,
    Level.GRASSROOTS_CELL,
)
# Above this many units the PDF is rendered by the worker, not in the request.
LARGE_REPORT_UNITS = 400


def default_root(*, user: AnyUser) -> Unit | None:
    assignment = active_assignments(user).select_related("unit").first()
    if assignment is not None:
        return assignment.unit
    return Unit.objects.filter(level=Level.PROVINCE).order_by("sort_name", "id").first()


# The walk stops at the first unit past the limit: counting a whole
# country's 369,000 units to learn that it is "large" took seconds.
LARGE_SQL = f"""
SELECT count(*) FROM ({SUBTREE_ON_DAY_SQL} LIMIT %s) AS first_units
"""  # noqa: S608 -- a constant of organizations.tree


def is_large(root: Unit, day: datetime.date) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(LARGE_SQL, [[root.pk], day, day, LARGE_REPORT_UNITS + 1])
        return cursor.fetchone()[0] > LARGE_REPORT_UNITS


def report_jobs_of(*, user: AnyUser) -> QuerySet[ReportJob]:
    """A user's own files: nobody else's, whatever their role."""
    return ReportJob.objects.filter(user_id=user.pk).select_related("root")
