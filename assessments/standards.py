"""Standardization (chuẩn hóa) of cadres against their position's standard.

A cadre meets the standard of a dimension when their highest completed
qualification in it reaches the minimum the position requires *on that date*
(DOMAIN.md §4). Each dimension is judged separately: a cadre can meet the
professional standard and miss the political one. Someone who lacks a level
but is studying for it now is "studying" with the year they expect to finish.

The standards are rows (``PositionStandard``, shipped for Decree 33/2023 in
fixtures/position_standards.json); this module only reads them.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partyquality.search import fold

STANDARDS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "position_standards.json"

# The dimensions the standards and the reports judge, in display order.
GENERAL = "general"
PROFESSIONAL = "professional"
POLITICAL = "political"
STATE_MANAGEMENT = "state_management"
DIMENSIONS = (GENERAL, PROFESSIONAL, POLITICAL, STATE_MANAGEMENT)
DIMENSION_LABELS = {
    GENERAL: _("Giáo dục phổ thông"),
    PROFESSIONAL: _("Chuyên môn"),
    POLITICAL: _("Lý luận chính trị"),
    STATE_MANAGEMENT: _("Quản lý nhà nước"),
}

MEETS = "meets"
MISSING = "missing"
STUDYING = "studying"
NOT_REQUIRED = "not_required"
STATUS_LABELS = {
    MEETS: _("Đạt chuẩn"),
    MISSING: _("Chưa đạt chuẩn"),
    STUDYING: _("Đang học"),
    NOT_REQUIRED: _("Không yêu cầu"),
}


@dataclass(frozen=True)
class Requirement:
    """A position's minimums, as plain data (from a ``PositionStandard`` row)."""

    general: int | None = None
    professional: int | None = None
    professional_difficult: int | None = None
    field_required: bool = False
    fields: tuple[str, ...] = ()
    political: int | None = None
    state_management: int | None = None

    def minimum(self, dimension: str, *, difficult_area: bool) -> int | None:
        if dimension == PROFESSIONAL:
            if difficult_area and self.professional_difficult is not None:
                return self.professional_difficult
            return self.professional
        return {
            GENERAL: self.general,
            POLITICAL: self.political,
            STATE_MANAGEMENT: self.state_management,
        }[dimension]


@dataclass(frozen=True)
class Held:
    """One qualification of a person, as plain data."""

    dimension: str
    rank: int
    studying: bool = False
    expected_year: int | None = None
    year: int | None = None
    field: str = ""


@dataclass(frozen=True)
class Check:
    status: str
    expected_year: int | None = None


def _field_fits(field: str, fields: tuple[str, ...]) -> bool:
    # Most registers do not record the field; an unrecorded field is accepted
    # rather than counting every such cadre as unqualified.
    if not fields or not field.strip():
        return True
    folded = fold(field)
    return any(fold(word) in folded for word in fields)


def check(
    requirement: Requirement | None,
    held: Iterable[Held],
    *,
    on: datetime.date,
    difficult_area: bool = False,
) -> dict[str, Check]:
    """Each dimension's standing on ``on``: meets, missing, studying or not required."""
    held = list(held)
    result: dict[str, Check] = {}
    for dimension in DIMENSIONS:
        minimum = (
            requirement.minimum(dimension, difficult_area=difficult_area)
            if requirement
            else None
        )
        if minimum is None:
            result[dimension] = Check(NOT_REQUIRED)
            continue
        relevant = [
            h
            for h in held
            if h.dimension == dimension
            and h.rank >= minimum
            and (
                dimension != PROFESSIONAL
                or not requirement.field_required  # type: ignore[union-attr]
                or _field_fits(h.field, requirement.fields)  # type: ignore[union-attr]
            )
        ]
        if any(
            not h.studying and (h.year is None or h.year <= on.year) for h in relevant
        ):
            result[dimension] = Check(MEETS)
            continue
        studying = [
            h.expected_year
            for h in relevant
            if h.studying and h.expected_year is not None and h.expected_year >= on.year
        ]
        result[dimension] = (
            Check(STUDYING, min(studying)) if studying else Check(MISSING)
        )
    return result


def requirement_of(standard: Any) -> Requirement:
    return Requirement(
        general=standard.min_general_rank,
        professional=standard.min_professional_rank,
        professional_difficult=standard.min_professional_rank_difficult,
        field_required=standard.professional_field_required,
        fields=tuple(
            w.strip() for w in standard.professional_fields.split(",") if w.strip()
        ),
        political=standard.min_political_rank,
        state_management=standard.min_state_management_rank,
    )


def requirements_on(day: datetime.date) -> dict[str, Requirement]:
    """Position code → requirement in force on ``day`` (one query)."""
    from assessments.models import PositionStandard

    rows = PositionStandard.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gt=day), effective_from__lte=day
    ).order_by("position_code", "effective_from")
    return {row.position_code: requirement_of(row) for row in rows}


def load_position_standards(standard_model: Any) -> int:
    """Create or update the shipped standards; takes the model so migrations can call it."""
    data = json.loads(STANDARDS_FIXTURE.read_text(encoding="utf-8"))
    for row in data["standards"]:
        standard_model.objects.update_or_create(
            position_code=row["position_code"],
            effective_from=row["effective_from"],
            defaults={k: v for k, v in row.items() if k not in ("position_code",)},
        )
    return len(data["standards"])
