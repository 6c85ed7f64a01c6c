"""The demo people: built on whatever tree exists, consistent, idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone

from members import demo, selectors
from members.models import (
    CellPeriod,
    MemberEvent,
    Membership,
    Person,
    PositionHolding,
    Qualification,
)
from organizations.models import Kind, Level
from organizations.services import NewUnit, organization_merge
from tests.factories import make_unit
from tests.members.factories import highest_levels_kept, highest_levels_reference

D = datetime.date


def test_members_follow_a_merged_cell_into_its_successor(tree) -> None:
    old_a = make_unit(
        tree.commune, code="TC-TP-3", name="Chi bộ xóm 3", since=D(2010, 1, 1)
    )
    old_b = make_unit(
        tree.commune, code="TC-TP-4", name="Chi bộ xóm 4", since=D(2010, 1, 1)
    )
    organization_merge(
        units=[old_a, old_b],
        new=NewUnit(
            code="TC-TP-34", name="Chi bộ thôn 3-4", level=Level.CELL, kind=Kind.VILLAGE
        ),
        date=D(2025, 7, 1),
        decision_number="3798-QĐ/TU",
    )
    demo.seed()
    moved = MemberEvent.objects.filter(
        kind="transfer_official",
        date=D(2025, 7, 1),
        from_cell=old_a,
        membership__admitted_on__lt=D(2024, 6, 1),
    )
    assert moved.exists()
    assert moved.first().note == "Chuyển theo sắp xếp tổ chức đảng."
    membership = moved.first().membership
    assert selectors.membership_cell_on(membership, D(2024, 6, 1)) == old_a
    assert membership.current_cell.code == "TC-TP-34"


def test_demo_people_are_consistent_and_idempotent(tree) -> None:
    demo.seed()
    today = timezone.localdate()
    memberships = list(Membership.objects.select_related("current_cell"))
    cells = {tree.cell1.pk, tree.cell2.pk, tree.other_cell.pk}
    per_cell = {}
    for m in memberships:
        if m.ended_on is None:
            per_cell[m.current_cell_id] = per_cell.get(m.current_cell_id, 0) + 1
        assert m.status == selectors.membership_status_on(m, today), m
        expected = selectors.membership_cell_on(
            m, today
        ) or selectors.membership_current_cell(m)
        assert m.current_cell == expected
    assert set(per_cell) <= cells
    assert all(5 <= n <= 20 for n in per_cell.values())
    years = {m.admitted_on.year for m in memberships}
    assert {2024, 2026} <= years
    assert MemberEvent.objects.filter(
        kind="transfer_official", date__year=2024
    ).exists()
    assert Membership.objects.filter(ended_on__isnull=False).exists()
    assert Qualification.objects.filter(status="studying").exists()
    holdings = PositionHolding.objects.filter(unit__kind=Kind.COMMUNE)
    assert holdings.filter(position__code="party_secretary").count() == 2
    assert holdings.exclude(origin="local").exists()
    assert PositionHolding.objects.filter(position__code="village_head").exists()
    assert highest_levels_kept() == highest_levels_reference()
    assert len(highest_levels_kept()) == Person.objects.count()
    counts = (Person.objects.count(), CellPeriod.objects.count())
    demo.seed()
    assert (Person.objects.count(), CellPeriod.objects.count()) == counts


def test_demo_names_are_vietnamese_and_invented(tree) -> None:
    demo.seed()
    names = list(Person.objects.values_list("full_name", flat=True))
    families = {f for f, _w in demo.FAMILY}
    assert all(name.split()[0] in families for name in names)
    assert all(len(name.split()) >= 3 for name in names)
