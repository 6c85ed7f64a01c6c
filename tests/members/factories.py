"""Factories for people; memberships go through the services so the cached
status and cell are what the application would write."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from members import selectors, services
from members.models import (
    Gender,
    HighestLevels,
    Membership,
    Person,
    Position,
    Qualification,
)
from members.positions import load_positions
from members.qualifications import Dimension
from organizations.models import Unit


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    gender = Gender.MALE
    date_of_birth = datetime.date(1980, 5, 17)


def make_member(
    cell: Unit,
    *,
    person: Person | None = None,
    admitted_on: datetime.date = datetime.date(2010, 3, 2),
    full: bool = True,
    card_number: str | None = None,
    **person_fields: object,
) -> Membership:
    person = person or PersonFactory(**person_fields)
    membership = services.member_admit(
        person=person,
        cell=cell,
        admitted_on=admitted_on,
        decision_number="01-QĐ/ĐU",
        card_number=card_number,
    )
    if full:
        membership = services.member_make_full(
            membership=membership,
            full_member_on=services.probation_ends(admitted_on),
            decision_number="02-QĐ/ĐU",
        )
    return membership


def position(code: str) -> Position:
    # A transactional (browser) test flushes what the migrations loaded.
    if not Position.objects.exists():
        load_positions(Position)
    return Position.objects.get(code=code)


def assert_cache_matches_events(membership: Membership) -> None:
    membership.refresh_from_db()
    today = timezone.localdate()
    assert membership.status == selectors.membership_status_on(membership, today)
    expected_cell = selectors.membership_cell_on(membership, today)
    if expected_cell is None:  # left: the last cell keeps the file
        expected_cell = selectors.membership_current_cell(membership)
    assert membership.current_cell == expected_cell


def highest_levels_reference() -> dict[int, dict[str, object]]:
    """Every person's highest levels computed in Python from their
    qualifications: per dimension the completed one of greatest rank, then
    latest year (none counts as earliest), then last recorded; studying if
    one is being studied. People without qualifications are absent."""
    rows: dict[int, dict[str, object]] = {}
    best: dict[tuple[int, str], Qualification] = {}
    for q in Qualification.objects.all():
        row = rows.setdefault(q.person_id, {"studying": False})
        row.setdefault(q.dimension, None)
        if q.status == "studying":
            row["studying"] = True
            continue
        current = best.get((q.person_id, q.dimension))
        key = (q.rank, q.year or 0, q.pk)
        if current is None or key > (current.rank, current.year or 0, current.pk):
            best[(q.person_id, q.dimension)] = q
            row[q.dimension] = q.level
    return {
        person: {d: row.get(d) for d in [*Dimension.values, "studying"]}
        for person, row in rows.items()
    }


def highest_levels_kept() -> dict[int, dict[str, object]]:
    """The rows of ``HighestLevels`` as the reference has them."""
    columns = [*Dimension.values, "studying"]
    return {
        row["person_id"]: {c: row[c] for c in columns}
        for row in HighestLevels.objects.values("person_id", *columns)
    }
