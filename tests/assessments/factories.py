"""Helpers for review tests: members placed in cells by dated periods."""

from __future__ import annotations

import datetime
import itertools

from assessments.models import ScaleLevel
from assessments.scales import scale_for
from members.models import CellPeriod, Discipline, Membership, MembershipStatus, Person
from organizations.models import Unit

_seq = itertools.count(1)


def make_member(
    cell: Unit,
    name: str | None = None,
    *,
    since: datetime.date = datetime.date(2010, 1, 1),
    until: datetime.date | None = None,
    ended_on: datetime.date | None = None,
) -> Person:
    n = next(_seq)
    person = Person.objects.create(
        full_name=name or f"Nguyễn Văn {n}",
        gender="M",
        date_of_birth=datetime.date(1980, 1, 1),
    )
    membership = Membership.objects.create(
        person=person,
        card_number=f"47.{n:06d}",
        admitted_on=since - datetime.timedelta(days=400),
        full_member_on=since - datetime.timedelta(days=30),
        ended_on=ended_on,
        status=MembershipStatus.RESIGNED if ended_on else MembershipStatus.FULL,
        current_cell=None if ended_on else cell,
    )
    CellPeriod.objects.create(
        membership=membership, cell=cell, valid_from=since, valid_to=until or ended_on
    )
    return person


def discipline(person: Person, cell: Unit, day: datetime.date) -> Discipline:
    return Discipline.objects.create(
        person=person,
        unit=cell,
        form="reprimand",
        date=day,
        deciding_body="Đảng ủy",
        decision_number="01-QĐ/ĐU",
    )


def level(subject: str, year: int, code: str) -> ScaleLevel:
    return scale_for(subject, year).levels.get(code=code)


def classify_all_good(tree, year: int, user=None) -> None:  # type: ignore[no-untyped-def]
    """The conftest commune and its two cells classified "good" for ``year``
    through the service (cells first, as the review rules require)."""
    from assessments import services

    good = level("organization", year, "good")
    for cell in (tree.cell1, tree.cell2):
        services.unit_classification_set(user=user, unit=cell, year=year, level=good)
    services.unit_classification_set(
        user=user, unit=tree.commune, year=year, level=good
    )
