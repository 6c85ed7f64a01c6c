"""Yearly snapshots (assessments/snapshots.py): commune-level posts against
their standards (Decree 33/2023), written with each approved year
(snapshot_writes.py) and read by the cadre report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from assessments import standards
from assessments.snapshots import (  # noqa: F401
    GAP_TABLE,
    INTERMEDIATE_RANK,
    POLITICAL_INTERMEDIATE_RANK,
    POST_TABLE,
    UNIVERSITY_RANK,
    year_span,
)
from members.models import PositionGroup, QualificationStatus  # noqa: F401

# --- Commune-level posts against their standards (Decree 33/2023) ----------

POST_FIGURES = [
    "posts",
    "university",
    "intermediate",
    "political",
    "political_elementary",
    "state_management",
    "studying",
    "studying_university",
    "studying_political",
    "standardized",
    *(f"missing_{d}" for d in standards.DIMENSIONS),
]

HOLDINGS_SQL = """
SELECT h.unit_id, h.person_id, p.full_name, h.position_id, pos.code, pos.group,
       u.is_difficult_area
FROM members_positionholding h
JOIN members_person p ON p.id = h.person_id
JOIN members_position pos ON pos.id = h.position_id
JOIN organizations_unit u ON u.id = h.unit_id
WHERE h.unit_id = ANY(%(units)s) AND h.valid_from <= %(end)s
  AND (h.valid_to IS NULL OR h.valid_to > %(end)s)
ORDER BY u.name, h.unit_id, pos.order, p.full_name, h.id
"""
QUALIFICATIONS_SQL = """
SELECT q.person_id, q.dimension, q.rank, q.status, q.expected_year, q.year, q.field
FROM members_qualification q
WHERE q.person_id = ANY(%(people)s) AND q.dimension = ANY(%(dimensions)s)
"""


@dataclass
class PostGroup:
    unit_id: int
    path: list[int]
    group: str
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(POST_FIGURES, 0)
    )


@dataclass
class Gap:
    unit_id: int
    path: list[int]
    person_id: int
    position_id: int
    dimension: str
    status: str
    expected_year: int | None


def posts_standing(
    cursor: Any, year: int, units: dict[int, list[int]]
) -> tuple[list[PostGroup], list[Gap]]:
    """The posts held on 31 December at the commune-level ``units`` (id →
    path), per position group, and who is below which standard; a person
    holding two posts counts in each."""
    if not units:
        return [], []
    _start, end = year_span(year)
    cursor.execute(HOLDINGS_SQL, {"units": list(units), "end": end})
    holdings = cursor.fetchall()
    people = sorted({row[1] for row in holdings})
    held: dict[int, list[standards.Held]] = defaultdict(list)
    if people:
        cursor.execute(
            QUALIFICATIONS_SQL,
            {"people": people, "dimensions": list(standards.DIMENSIONS)},
        )
        for person_id, dim, rank, status, expected, done, subject in cursor.fetchall():
            held[person_id].append(
                standards.Held(
                    dimension=dim,
                    rank=rank,
                    studying=status == QualificationStatus.STUDYING,
                    expected_year=expected,
                    year=done,
                    field=subject,
                )
            )
    requirements = standards.requirements_on(end)
    groups: dict[tuple[int, str], PostGroup] = {}
    gaps: list[Gap] = []
    for unit_id, person_id, _name, position_id, code, group, difficult in holdings:
        person_held = held.get(person_id, [])
        completed = [
            h
            for h in person_held
            if not h.studying and (h.year is None or h.year <= year)
        ]

        def best(dimension: str, completed: list = completed) -> int:
            return max(
                (h.rank for h in completed if h.dimension == dimension), default=-1
            )

        checks = standards.check(
            requirements.get(code), person_held, on=end, difficult_area=difficult
        )
        row = groups.setdefault(
            (unit_id, group), PostGroup(unit_id, units[unit_id], group)
        ).counts
        row["posts"] += 1
        row["university"] += best(standards.PROFESSIONAL) >= UNIVERSITY_RANK
        row["intermediate"] += best(standards.PROFESSIONAL) >= INTERMEDIATE_RANK
        row["political"] += best(standards.POLITICAL) >= POLITICAL_INTERMEDIATE_RANK
        row["political_elementary"] += best(standards.POLITICAL) == 1
        row["state_management"] += best(standards.STATE_MANAGEMENT) >= 1
        row["studying"] += any(
            h.studying and h.expected_year is not None and h.expected_year >= year
            for h in person_held
        )
        studying_now = [
            h
            for h in person_held
            if h.studying and h.expected_year is not None and h.expected_year >= year
        ]
        row["studying_university"] += any(
            h.dimension == standards.PROFESSIONAL and h.rank >= UNIVERSITY_RANK
            for h in studying_now
        )
        row["studying_political"] += any(
            h.dimension == standards.POLITICAL and h.rank >= POLITICAL_INTERMEDIATE_RANK
            for h in studying_now
        )
        row["standardized"] += all(
            c.status in (standards.MEETS, standards.NOT_REQUIRED)
            for c in checks.values()
        )
        for dimension, c in checks.items():
            if c.status in (standards.MISSING, standards.STUDYING):
                row[f"missing_{dimension}"] += 1
                gaps.append(
                    Gap(
                        unit_id,
                        units[unit_id],
                        person_id,
                        position_id,
                        dimension,
                        c.status,
                        c.expected_year,
                    )
                )
    return list(groups.values()), gaps


def _write_posts(cursor: Any, year: int, units: dict[int, list[int]]) -> None:
    from assessments.models import PostGroupYearSnapshot, StandardGapYearSnapshot

    groups, gaps = posts_standing(cursor, year, units)
    for model in (PostGroupYearSnapshot, StandardGapYearSnapshot):
        model.objects.filter(year=year, unit_id__in=list(units)).delete()
    PostGroupYearSnapshot.objects.bulk_create(
        PostGroupYearSnapshot(
            year=year,
            unit_id=g.unit_id,
            path=g.path,
            position_group=g.group,
            **g.counts,
        )
        for g in groups
    )
    StandardGapYearSnapshot.objects.bulk_create(
        StandardGapYearSnapshot(
            year=year,
            unit_id=g.unit_id,
            path=g.path,
            person_id=g.person_id,
            position_id=g.position_id,
            dimension=g.dimension,
            status=g.status,
            expected_year=g.expected_year,
        )
        for g in gaps
    )
