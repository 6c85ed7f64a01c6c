"""Reads for the report pages: the units one may report on, the user's files."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from assessments.models import ReportJob
from organizations.models import Level, Unit
from partyquality.access import AnyUser, active_assignments

REPORTABLE_LEVELS = (
    Level.PROVINCE,
    Level.SUPERIOR,
    Level.GRASSROOTS_COMMITTEE,
    Level.GRASSROOTS_CELL,
)
# Above this many units the PDF is rendered by the worker, not in the request.
LARGE_REPORT_UNITS = 400


def reportable_units(*, user: AnyUser, day: datetime.date) -> QuerySet[Unit]:
    return (
        Unit.objects.visible_to(user)
        .open_on(day)
        .filter(level__in=REPORTABLE_LEVELS)
        .order_by("level", "name", "id")
        .only("id", "name", "level")
    )


def default_root(*, user: AnyUser) -> Unit | None:
    assignment = active_assignments(user).select_related("unit").first()
    if assignment is not None:
        return assignment.unit
    return Unit.objects.filter(level=Level.PROVINCE).order_by("name", "id").first()


def is_large(root: Unit, day: datetime.date) -> bool:
    return Unit.objects.subtree_of(root.pk, on=day).count() > LARGE_REPORT_UNITS


def report_jobs_of(*, user: AnyUser) -> QuerySet[ReportJob]:
    """A user's own files: nobody else's, whatever their role."""
    return ReportJob.objects.filter(user_id=user.pk).select_related("root")
