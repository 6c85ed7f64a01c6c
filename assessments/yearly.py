"""Computations of the related yearly records: cell meeting quality and
model criteria checklists (votes of confidence: ConfidenceVote properties)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from assessments.models import (
    CellMeeting,
    CriteriaItem,
    CriteriaResult,
    CriteriaSet,
    MeetingRating,
)
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


@dataclass(frozen=True)
class MeetingYear:
    """A cell's meetings of a year: how many, their average total, its band."""

    count: int
    average: Decimal | None
    rating: str | None

    @property
    def rating_label(self) -> str:
        return str(MeetingRating(self.rating).label) if self.rating else ""


def cell_meeting_years(cell_ids: Iterable[int], year: int) -> dict[int, MeetingYear]:
    """The roll-up of many cells at once (one query), for the review page."""
    rows = (
        CellMeeting.objects.filter(cell_id__in=list(cell_ids), date__year=year)
        .values("cell_id")
        .annotate(
            avg=Avg(
                F("preparation")
                + F("attendance")
                + F("conduct")
                + F("rules")
                + F("conclusions")
            ),
            n=Count("id"),
        )
    )
    result = {}
    for row in rows:
        avg = Decimal(row["avg"]).quantize(Decimal("0.01"))
        result[row["cell_id"]] = MeetingYear(row["n"], avg, meeting_rating(avg))
    return result


def cell_meeting_year(cell: Unit, year: int) -> tuple[Decimal | None, str | None, int]:
    """The cell's yearly roll-up: average of its meetings' totals, its rating,
    and how many meetings were scored."""
    found = cell_meeting_years([cell.pk], year).get(cell.pk)
    if found is None:
        return None, None, 0
    return found.average, found.rating, found.count


def criteria_achieved(result: CriteriaResult) -> bool:
    """An organization reaches a model (e.g. "5 tốt, 4 không") when every item
    of the province's set is met."""
    required = set(result.criteria_set.items.values_list("pk", flat=True))
    met = set(result.met_items.values_list("pk", flat=True))
    return bool(required) and required <= met


def criteria_sets_for(unit: Unit, year: int):  # type: ignore[no-untyped-def]
    """The model-criteria sets in force for the unit's province in the year
    (DOMAIN.md §3: set by each province, kept as data); a set with no
    province applies everywhere."""
    return (
        CriteriaSet.objects.filter(valid_from_year__lte=year)
        .filter(Q(valid_to_year__isnull=True) | Q(valid_to_year__gte=year))
        .filter(Q(province__isnull=True) | Q(province_id=unit.province_id))
        .prefetch_related("items")
        .order_by("name", "id")
    )


@dataclass(frozen=True)
class CriteriaYear:
    """One unit's checklist of a year: how many items met of how many."""

    name: str
    met: int
    total: int

    @property
    def achieved(self) -> bool:
        # The same test as ``criteria_achieved``, on counts read at once.
        return self.total > 0 and self.met >= self.total


def criteria_years(unit_ids: Iterable[int], year: int) -> dict[int, list[CriteriaYear]]:
    """The checklists of many units at once (one query), for the review page."""
    items = (
        CriteriaItem.objects.filter(criteria_set=OuterRef("criteria_set"))
        .values("criteria_set")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = (
        CriteriaResult.objects.filter(unit_id__in=list(unit_ids), year=year)
        .annotate(
            met=Count("met_items"),
            total=Coalesce(Subquery(items), 0),
        )
        .values_list("unit_id", "criteria_set__name", "met", "total")
        .order_by("criteria_set__name", "id")
    )
    result: dict[int, list[CriteriaYear]] = {}
    for unit_id, name, met, total in rows:
        result.setdefault(unit_id, []).append(CriteriaYear(name, met, total))
    return result
