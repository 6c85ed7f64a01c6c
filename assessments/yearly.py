"""Computations of the related yearly records: cell meeting quality and
model criteria checklists (votes of confidence: ConfidenceVote properties)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, Count, F

from assessments.models import CellMeeting, CriteriaResult, MeetingRating
from organizations.models import Unit


def meeting_rating(total: Decimal | float | None) -> str | None:
    """Nghệ An QĐ 08-QĐ/TU (2021), QĐ 27-QĐ/TU (2023): good ≥ 80,
    fair 70–< 80, average 50–< 70, poor < 50."""
    if total is None:
        return None
    value = Decimal(str(total))
    if value >= 80:
        return MeetingRating.GOOD
    if value >= 70:
        return MeetingRating.FAIR
    if value >= 50:
        return MeetingRating.AVERAGE
    return MeetingRating.POOR


def cell_meeting_year(cell: Unit, year: int) -> tuple[Decimal | None, str | None, int]:
    """The cell's yearly roll-up: average of its meetings' totals, its rating,
    and how many meetings were scored."""
    agg = CellMeeting.objects.filter(cell=cell, date__year=year).aggregate(
        avg=Avg(
            F("preparation")
            + F("attendance")
            + F("conduct")
            + F("rules")
            + F("conclusions")
        ),
        n=Count("id"),
    )
    avg = agg["avg"]
    if avg is not None:
        avg = Decimal(avg).quantize(Decimal("0.01"))
    return avg, meeting_rating(avg), agg["n"]


def criteria_achieved(result: CriteriaResult) -> bool:
    """An organization reaches a model (e.g. "5 tốt, 4 không") when every item
    of the province's set is met."""
    required = set(result.criteria_set.items.values_list("pk", flat=True))
    met = set(result.met_items.values_list("pk", flat=True))
    return bool(required) and required <= met
