"""Small hand-built data for the report tests: every number is countable by eye."""

from __future__ import annotations

import datetime

from assessments.models import MemberClassification, UnitClassification
from assessments.scales import scale_for
from members.ethnicities import KINH
from members.models import (
    CellPeriod,
    Gender,
    Membership,
    MembershipStatus,
    Person,
    Position,
    PositionHolding,
    Qualification,
    QualificationStatus,
)
from organizations.models import Unit

D = datetime.date
ADMITTED = D(2010, 5, 19)
BORN = D(1980, 1, 1)
HELD_SINCE = D(2021, 1, 1)


def level(subject: str, year: int, code: str):  # type: ignore[no-untyped-def]
    return scale_for(subject, year).levels.get(code=code)


def classify_unit(unit: Unit, year: int, code: str, remarks: str = "") -> None:
    UnitClassification.objects.create(
        unit=unit, year=year, level=level("organization", year, code), remarks=remarks
    )


def member(
    cell: Unit,
    name: str,
    *,
    admitted: datetime.date = ADMITTED,
    gender: str = Gender.MALE,
    born: datetime.date = BORN,
    ethnicity: str = KINH,
    ended: datetime.date | None = None,
    status: str = MembershipStatus.FULL,
    since: datetime.date | None = None,
) -> Membership:
    person = Person.objects.create(
        full_name=name, gender=gender, date_of_birth=born, ethnicity=ethnicity
    )
    membership = Membership.objects.create(
        person=person,
        admitted_on=admitted,
        ended_on=ended,
        status=status,
        current_cell=cell,
    )
    CellPeriod.objects.create(
        membership=membership, cell=cell, valid_from=since or admitted, valid_to=ended
    )
    return membership


def transfer(membership: Membership, to: Unit, on: datetime.date) -> None:
    period = membership.cell_periods.get(valid_to__isnull=True)
    period.valid_to = on
    period.save()
    CellPeriod.objects.create(membership=membership, cell=to, valid_from=on)
    membership.current_cell = to
    membership.save()


def classify_member(membership: Membership, year: int, cell: Unit, code: str) -> None:
    MemberClassification.objects.create(
        person=membership.person,
        year=year,
        cell=cell,
        level=level("member", year, code),
    )


def position(code: str, group: str, name: str | None = None) -> Position:
    return Position.objects.get_or_create(
        code=code, defaults={"name": name or code, "group": group}
    )[0]


def cadre(
    name: str,
    unit: Unit,
    post: Position,
    *,
    since: datetime.date = HELD_SINCE,
    origin: str = "local",
    quals: list[tuple] = (),  # type: ignore[assignment]
) -> Person:
    person = Person.objects.create(
        full_name=name, gender=Gender.MALE, date_of_birth=D(1980, 1, 1)
    )
    PositionHolding.objects.create(
        person=person, unit=unit, position=post, valid_from=since, origin=origin
    )
    for q in quals:
        dimension, lvl, *rest = q
        expected = rest[0] if rest else None
        Qualification.objects.create(
            person=person,
            dimension=dimension,
            level=lvl,
            status=QualificationStatus.STUDYING
            if expected
            else QualificationStatus.COMPLETED,
            expected_year=expected,
            field=rest[1] if len(rest) > 1 else "",
        )
    return person


def approve(*organizations: Unit, year: int) -> None:
    """The level above approves the organizations' year: the review is
    approved and the year's snapshot written, as ``review_approve`` does."""
    from assessments.models import OrganizationReview, ReviewState
    from assessments.snapshot_writes import year_snapshot_write

    for organization in organizations:
        OrganizationReview.objects.update_or_create(
            organization=organization,
            year=year,
            defaults={"state": ReviewState.APPROVED},
        )
        year_snapshot_write(organization_id=organization.pk, year=year)


def reopen(*organizations: Unit, year: int) -> None:
    """The level above reopens the organizations' approved year (returned to
    the secretary, the snapshot removed), as ``review_reopen`` does, so that
    events dated in it can be recorded again (closed years, issue #16)."""
    from assessments.models import OrganizationReview, ReviewState
    from assessments.snapshot_writes import year_snapshot_remove

    for organization in organizations:
        OrganizationReview.objects.filter(organization=organization, year=year).update(
            state=ReviewState.RETURNED, return_reason="Bổ sung thôn, bản"
        )
        year_snapshot_remove(organization_id=organization.pk, year=year)
