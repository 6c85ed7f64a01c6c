"""Last year's levels as a starting point for this year's entry.

Most cells and members keep their level from one year to the next; a
secretary of a large organization starts from last year's and changes the
few that moved. Only rows still empty are filled, with the level alone: a
score and remarks are this year's judgement, never copied.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from assessments import services
from assessments.models import (
    MemberClassification,
    ScaleLevel,
    UnitClassification,
)
from assessments.selectors import review_sheet
from members.models import Person
from organizations.models import Unit


def _same_level(level: ScaleLevel, levels: list[ScaleLevel]) -> ScaleLevel | None:
    """This year's level for last year's: the same code, else the same tier
    (the scales of 2024 and 2025 name the same four levels, QĐ 124 → QĐ 366)."""
    by_code = next((lv for lv in levels if lv.code == level.code), None)
    return by_code or next((lv for lv in levels if lv.tier == level.tier), None)


@transaction.atomic
def levels_copy_from_last_year(
    *, user: User | None, organization: Unit, year: int
) -> int:
    """Fill the empty rows of ``year`` with the levels of ``year - 1``;
    returns how many rows were filled. Cells first, then members, the
    organization last (QĐ 124/366 order), each through the same service as
    a row typed by hand, so every rule and the lock apply."""
    sheet = review_sheet(organization, year)
    empty = [r for r in sheet.rows if r.classification is None and not r.moved_out]
    before_units = {
        c.unit_id: c.level
        for c in UnitClassification.objects.filter(
            unit_id__in=[r.unit_id for r in empty if r.unit_id], year=year - 1
        ).select_related("level")
    }
    before_people = {
        c.person_id: c.level
        for c in MemberClassification.objects.filter(
            person_id__in=[r.person_id for r in empty if r.person_id], year=year - 1
        ).select_related("level")
    }
    cells = [r for r in empty if r.unit_id and not r.is_organization]
    people = [r for r in empty if r.person_id]
    own = [r for r in empty if r.is_organization]
    copied = 0
    cells_left = False
    for row in [*cells, *people, *own]:
        if row.is_organization and cells_left:
            # QĐ 124/366: a cell still empty keeps its organization empty too.
            continue
        if row.unit_id:
            last = before_units.get(row.unit_id)
            level = last and _same_level(last, sheet.org_levels)
            if level is None:
                cells_left = cells_left or not row.is_organization
                continue
            services.unit_classification_set(
                user=user, unit=Unit.objects.get(pk=row.unit_id), year=year, level=level
            )
        else:
            last = before_people.get(row.person_id)
            level = last and _same_level(last, sheet.member_levels)
            if level is None:
                continue
            services.member_classification_set(
                user=user,
                person=Person.objects.get(pk=row.person_id),
                cell=Unit.objects.get(pk=row.cell_id),
                year=year,
                level=level,
            )
        copied += 1
    return copied
