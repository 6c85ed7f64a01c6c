"""Qualifications and positions of a person (DOMAIN.md §4–5), each a
validated, atomic service; split from members/services.py, which re-exports
them (callers use ``services.holding_start`` …)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from members import highest_levels
from members.models import (
    CellPeriod,
    Origin,
    Person,
    Position,
    PositionHolding,
    Qualification,
    QualificationStatus,
)
from members.qualifications import LEVEL_DIMENSION, LEVEL_RANK
from members.service_checks import (
    ERR_UNIT_CLOSED,
    fmt_day,
    require_alive,
    require_past,
)
from organizations.closed_years import (
    ClosedYear,
    assert_open,
    closed_message,
    closed_years,
)
from organizations.models import Unit

ERR_QUALIFICATION_LEVEL = "Trình độ này không thuộc lĩnh vực đã chọn."
ERR_HOLDING_ENDED = "Chức vụ này đã thôi giữ từ ngày {date}."
ERR_HOLDING_END_ORDER = "Ngày thôi giữ chức vụ phải sau ngày bắt đầu ({date})."
ERR_HOLDING_OVERLAP = "Người này đã giữ chức vụ này trong khoảng thời gian đó."


# Qualifications ---------------------------------------------------------------


def _qualification_clean(values: dict[str, Any]) -> None:
    if LEVEL_DIMENSION.get(values["level"]) != values["dimension"]:
        raise ValidationError({"level": ERR_QUALIFICATION_LEVEL})
    if values.get("status") == QualificationStatus.COMPLETED:
        values["expected_year"] = None


# A completed qualification counts from its year on in the figures of the
# places the person was each year — their cells and posts — (the yearly
# snapshot's levels and the cadre report): adding one, or changing its level,
# status or year, changes the sheets of those years. Refused where such a
# year is submitted or approved (organizations/closed_years.py, issue #16).
QUALIFICATION_FIGURES = ("dimension", "level", "status", "year")


def qualification_closed_years(
    years: Mapping[int, int],
) -> dict[int, ClosedYear]:
    """For each person id, the first closed year a qualification of
    ``years[person]`` (its completion year) would change: a year, from that
    one on, closed at a cell or a unit where the person was during it."""
    if not years:
        return {}
    since = min(years.values())
    start = datetime.date(since, 1, 1)
    places: dict[int, list[tuple[int, datetime.date, datetime.date | None]]]
    places = defaultdict(list)
    later = Q(valid_to__isnull=True) | Q(valid_to__gt=start)
    for person, unit, begin, end in (
        CellPeriod.objects.filter(later, membership__person_id__in=list(years))
        .values_list("membership__person_id", "cell_id", "valid_from", "valid_to")
        .union(
            PositionHolding.objects.filter(
                later, person_id__in=list(years)
            ).values_list("person_id", "unit_id", "valid_from", "valid_to")
        )
    ):
        places[person].append((unit, begin, end))
    closed = closed_years({u for p in places.values() for u, _b, _e in p}, since=since)
    found: dict[int, ClosedYear] = {}
    for person, year in years.items():
        for unit, begin, end in places[person]:
            for c in closed.get(unit, []):
                during = begin < datetime.date(c.year + 1, 1, 1) and (
                    end is None or end > datetime.date(c.year, 1, 1)
                )
                earlier = person not in found or c.year < found[person].year
                if c.year >= year and during and earlier:
                    found[person] = c
    return found


def _assert_qualification_open(person: Person, *years: int | None) -> None:
    counted = [year for year in years if year is not None]
    if not counted:
        return
    closed = qualification_closed_years({person.pk: min(counted)}).get(person.pk)
    if closed is not None:
        day = datetime.date(min(counted), 12, 31)
        raise ValidationError({"year": closed_message(closed, day)}, code="closed_year")


def _counted_year(status: str, year: int | None) -> int | None:
    return year if status == QualificationStatus.COMPLETED else None


@transaction.atomic
def qualification_add(
    *,
    person: Person,
    dimension: str,
    level: str,
    status: str = QualificationStatus.COMPLETED,
    expected_year: int | None = None,
    field: str = "",
    institution: str = "",
    year: int | None = None,
) -> Qualification:
    values: dict[str, Any] = {
        "dimension": dimension,
        "level": level,
        "status": status,
        "expected_year": expected_year,
        "field": field.strip(),
        "institution": institution.strip(),
        "year": year,
    }
    _qualification_clean(values)
    _assert_qualification_open(person, _counted_year(values["status"], year))
    qualification = Qualification(person=person, **values)
    qualification.rank = LEVEL_RANK[level]
    qualification.full_clean(exclude=["rank"])
    qualification.save()
    highest_levels.refresh([person.pk])
    return qualification


@transaction.atomic
def qualification_update(
    *, qualification: Qualification, **changes: Any
) -> Qualification:
    allowed = {
        "dimension",
        "level",
        "status",
        "expected_year",
        "field",
        "institution",
        "year",
    }
    if set(changes) - allowed:
        raise TypeError(f"qualification_update got {sorted(set(changes) - allowed)}")
    values = {name: getattr(qualification, name) for name in allowed} | changes
    _qualification_clean(values)
    if any(values[f] != getattr(qualification, f) for f in QUALIFICATION_FIGURES):
        _assert_qualification_open(
            qualification.person,
            _counted_year(qualification.status, qualification.year),
            _counted_year(values["status"], values["year"]),
        )
    for name, value in values.items():
        setattr(qualification, name, value)
    qualification.full_clean(exclude=["rank"])
    qualification.save()
    highest_levels.refresh([qualification.person_id])
    return qualification


@transaction.atomic
def qualification_delete(*, qualification: Qualification) -> None:
    """Delete a qualification recorded in error; refused, as a change is,
    where it counted in a closed year's figures."""
    _assert_qualification_open(
        qualification.person,
        _counted_year(qualification.status, qualification.year),
    )
    person_id = qualification.person_id
    qualification.delete()
    highest_levels.refresh([person_id])


# Positions ------------------------------------------------------------------


@transaction.atomic
def holding_start(
    *,
    person: Person,
    unit: Unit,
    position: Position,
    valid_from: datetime.date,
    origin: str = Origin.LOCAL,
    is_concurrent: bool = False,
) -> PositionHolding:
    """Start holding a position; several may run at once (kiêm nhiệm)."""
    require_past(valid_from, "valid_from")
    require_alive(person, valid_from)
    if not unit.is_open_on(valid_from):
        raise ValidationError(
            {"unit": ERR_UNIT_CLOSED.format(unit=unit, date=fmt_day(valid_from))}
        )
    overlapping = PositionHolding.objects.filter(
        person=person, unit=unit, position=position
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from))
    if overlapping.exists():
        raise ValidationError(ERR_HOLDING_OVERLAP)
    # A post held from that day shows in the posts of that year's sheet and
    # every later one (assessments/snapshot_posts.py): refused while one of
    # them is submitted or approved (organizations/closed_years.py, #16).
    assert_open([unit.pk], valid_from, field="valid_from")
    holding = PositionHolding(
        person=person,
        unit=unit,
        position=position,
        valid_from=valid_from,
        origin=origin,
        is_concurrent=is_concurrent,
    )
    holding.full_clean()
    holding.save()
    return holding


@transaction.atomic
def holding_end(
    *, holding: PositionHolding, valid_to: datetime.date
) -> PositionHolding:
    require_past(valid_to, "valid_to")
    if holding.valid_to is not None:
        raise ValidationError(ERR_HOLDING_ENDED.format(date=fmt_day(holding.valid_to)))
    if valid_to <= holding.valid_from:
        raise ValidationError(
            {"valid_to": ERR_HOLDING_END_ORDER.format(date=fmt_day(holding.valid_from))}
        )
    assert_open([holding.unit_id], valid_to, field="valid_to")
    holding.valid_to = valid_to
    holding.full_clean()
    holding.save(update_fields=["valid_to"])
    return holding
