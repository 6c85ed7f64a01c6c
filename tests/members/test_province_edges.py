"""The whole-province fast path (access.whole_province) at its edges (issue
#16, dated access): it reads a province officer's memberships and posts by
the rows' copy of the province instead of testing every unit of the reach,
so it may only be taken when the units placed in the province are exactly
the reach. Each case compares what the officer sees with the plain test of
the reach, unit by unit and date by date."""

from __future__ import annotations

import datetime

import pytest

from members import career_services, services
from members.models import Membership, PositionHolding
from organizations.access import (
    request_scope,
    scope_last_day,
    whole_province,
)
from organizations.models import Kind, Level, Role, Unit
from organizations.services import NewUnit, organization_merge, organization_move
from tests.factories import UserFactory, assign, make_unit
from tests.members.factories import PersonFactory, make_member, position

D = datetime.date


def _officer_of(*units: Unit) -> object:
    user = UserFactory()
    for unit in units:
        assign(user, unit, Role.OFFICER)
    return user


def _by_reach(model, user, unit_field: str, end_field: str) -> set:  # type: ignore[no-untyped-def]
    """What the user sees by the dated test of each unit, no province copy."""
    return set(model.objects.filter(scope_last_day(user, unit_field, end_field)))


@pytest.fixture
def ha_tinh(db):  # type: ignore[no-untyped-def]
    """A second province, created after the first (a larger id), with a
    commune-level committee over two grassroots communes."""
    province = make_unit(
        None, code="HT", name="Tỉnh Hà Tĩnh", level=Level.PROVINCE, kind=Kind.PROVINCE
    )
    above = make_unit(province, code="HT-1", name="Huyện Kỳ Anh", level=Level.SUPERIOR)
    communes = [
        make_unit(
            above,
            code=f"HT-1-{n}",
            name=f"Đảng bộ xã Kỳ {n}",
            level=Level.GRASSROOTS_COMMITTEE,
            kind=Kind.COMMUNE,
        )
        for n in (1, 2)
    ]
    return province, above, communes


def test_a_commune_merged_before_its_successor_moved_in_is_not_the_new_province_s(
    tree, ha_tinh
) -> None:
    """Kỳ 1 and Kỳ 2 (Hà Tĩnh) merge into Kỳ Mới on 1 July 2025, which moves
    to Nghệ An on 1 January 2026. The merged communes are placed in Nghệ An
    (the smaller id of the provinces ever above them) but were never
    Nghệ An's: their past posts and members stay Hà Tĩnh's."""
    province, above, (first, second) = ha_tinh
    cell = make_unit(first, code="HT-1-1-1", name="Chi bộ thôn Kỳ 1")
    secretary = career_services.holding_start(
        person=PersonFactory(full_name="Phan Văn Bí Thư"),
        unit=first,
        position=position("party_secretary"),
        valid_from=D(2020, 1, 1),
    )
    career_services.holding_end(holding=secretary, valid_to=D(2025, 7, 1))
    left = make_member(cell, full_name="Võ Thị Đã Đi")
    services.member_leave(
        membership=left, kind="resignation", date=D(2024, 5, 1), decision_number="1"
    )
    organization_merge(
        units=[first, second],
        date=D(2025, 7, 1),
        decision_number="45-NQ/TU",
        new=NewUnit(
            code="HT-KM",
            name="Đảng bộ xã Kỳ Mới",
            level=Level.GRASSROOTS_COMMITTEE,
            kind=Kind.COMMUNE,
        ),
        parent=above,
    )
    merged = Unit.objects.get(code="HT-KM")
    organization_move(
        unit=merged, new_parent=tree.district, date=D(2026, 1, 1), decision_number="2"
    )
    first.refresh_from_db()
    assert first.province_id == tree.province.pk  # placed by its successor
    nghe_an, ha_tinh_officer = _officer_of(tree.province), _officer_of(province)
    with request_scope():
        assert whole_province(nghe_an) is None  # the placed units are not the reach
        holdings = set(PositionHolding.objects.visible_to(nghe_an))
        members = set(Membership.objects.visible_to(nghe_an))
        assert holdings == _by_reach(PositionHolding, nghe_an, "unit_id", "valid_to")
        assert members == _by_reach(Membership, nghe_an, "current_cell_id", "ended_on")
    assert secretary not in holdings
    assert left not in members
    with request_scope():
        assert secretary in set(PositionHolding.objects.visible_to(ha_tinh_officer))
        assert left in set(Membership.objects.visible_to(ha_tinh_officer))


def test_an_officer_of_two_provinces_sees_both_by_the_reach(tree, ha_tinh) -> None:
    province, _above, (commune, _second) = ha_tinh
    cell = make_unit(commune, code="HT-1-1-1", name="Chi bộ thôn Kỳ 1")
    here = make_member(tree.cell1, full_name="Nguyễn Văn Nghệ")
    there = make_member(cell, full_name="Nguyễn Văn Hà")
    officer = _officer_of(tree.province, province)
    with request_scope():
        assert whole_province(officer) is None
        members = set(Membership.objects.visible_to(officer))
    assert members == {here, there}


def test_a_cell_moved_between_provinces_is_each_one_s_for_its_time(
    tree, ha_tinh
) -> None:
    """Chi bộ thôn 2 moves from Nghệ An to Hà Tĩnh on 1 March 2025: placed in
    Nghệ An (the smaller id), so Nghệ An's officer keeps the fast path, less
    the cell's members of today; Hà Tĩnh's reach spans two provinces and is
    read unit by unit."""
    province, _above, (commune, _second) = ha_tinh
    left = make_member(tree.cell2, full_name="Lê Văn Trước")
    services.member_leave(
        membership=left, kind="resignation", date=D(2024, 5, 1), decision_number="1"
    )
    stayed = make_member(tree.cell2, full_name="Lê Văn Sau")
    organization_move(
        unit=tree.cell2, new_parent=commune, date=D(2025, 3, 1), decision_number="3"
    )
    nghe_an, ha_tinh_officer = _officer_of(tree.province), _officer_of(province)
    with request_scope():
        assert whole_province(nghe_an) == tree.province.pk
        assert whole_province(ha_tinh_officer) is None
        old = set(Membership.objects.visible_to(nghe_an))
        new = set(Membership.objects.visible_to(ha_tinh_officer))
        assert old == _by_reach(Membership, nghe_an, "current_cell_id", "ended_on")
    assert (left in old, stayed in old) == (True, False)
    assert (left in new, stayed in new) == (False, True)
