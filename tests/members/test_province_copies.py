"""The member list of a province officer reads one province's index range
(members/migrations/0014, 0031): each unit is placed in its province,
memberships and holdings copy their unit's province — the one copy kept
(issue #17) — and a list narrowed by it still shows exactly what the user may
see."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import services
from members.models import Membership
from organizations.access import (
    reach_province,
    request_scope,
    scope_unit_ids,
    whole_province,
)
from organizations.models import Kind, Level, Role, Unit
from organizations.services import organization_merge, organization_move
from organizations.tree import place_in_provinces
from tests.factories import UserFactory, assign, make_unit
from tests.members.factories import make_member
from tests.members.import_files import member_row, xlsx

D = datetime.date
LIST = reverse("members:member_list")


def _copies(membership: Membership) -> int | None:
    membership.refresh_from_db()
    return membership.province_id


def names(response) -> list[str]:
    return [row.person.full_name for row in response.context["page"].object_list]


@pytest.fixture
def other_province(db) -> tuple[Unit, Unit]:
    """A second province with one cell, whose id is larger than the first's."""
    province = make_unit(
        None, code="HT", name="Tỉnh Hà Tĩnh", level=Level.PROVINCE, kind=Kind.PROVINCE
    )
    commune = make_unit(
        province, code="HT-1", name="Đảng bộ xã Kỳ Anh", level=Level.SUPERIOR
    )
    return province, make_unit(commune, code="HT-1-1", name="Chi bộ Kỳ Anh 1")


def test_a_membership_copies_its_cell_province(tree) -> None:
    assert (
        _copies(make_member(tree.cell1, full_name="Trần Thị Ánh")) == tree.province.pk
    )


def test_a_transfer_to_another_province_moves_the_copy(tree, other_province) -> None:
    province, cell = other_province
    member = make_member(tree.cell1, full_name="Lê Văn Bình")
    services.member_transfer(
        membership=member, to_cell=cell, date=D(2024, 5, 1), decision_number="5-QĐ"
    )
    assert _copies(member) == province.pk


def test_a_copy_written_by_hand_is_put_right(tree, other_province) -> None:
    member = make_member(tree.cell1, full_name="Lê Văn Bình")
    Membership.objects.filter(pk=member.pk).update(province=other_province[0])
    assert _copies(member) == tree.province.pk


def test_a_merger_of_provinces_places_every_unit_in_the_new_one(
    tree, other_province
) -> None:
    """The 2025 reform merged provinces (DOMAIN.md §1): the merged one closes,
    its units move to the other, and so do the memberships' copies."""
    member = make_member(tree.cell1, full_name="Lê Văn Bình")
    moved = make_member(other_province[1], full_name="Hồ Thị Lan")
    event = organization_merge(
        units=[other_province[0]],
        date=D(2025, 7, 1),
        decision_number="60-NQ/TW",
        into=tree.province,
    )
    assert event.successors.get() == tree.province
    assert _copies(member) == tree.province.pk
    assert _copies(moved) == tree.province.pk
    assert set(Unit.objects.values_list("province_id", flat=True)) == {tree.province.pk}
    assert place_in_provinces() == 0  # nothing left to change


def _holding_copies(holding) -> int | None:
    holding.refresh_from_db()
    return holding.province_id


def _holding(person_name: str, unit: Unit, code: str = "village_head"):
    from tests.members.factories import PersonFactory, position

    return services.holding_start(
        person=PersonFactory(full_name=person_name),
        unit=unit,
        position=position(code),
        valid_from=D(2022, 1, 1),
    )


def test_a_holding_copies_its_unit_province(tree) -> None:
    assert _holding_copies(_holding("Phan Văn Trưởng", tree.commune)) == (
        tree.province.pk
    )


def test_a_holdings_copy_written_by_hand_is_put_right(tree, other_province) -> None:
    from members.models import PositionHolding

    holding = _holding("Phan Văn Trưởng", tree.commune)
    PositionHolding.objects.filter(pk=holding.pk).update(province=other_province[0])
    assert _holding_copies(holding) == tree.province.pk


def test_a_merger_of_provinces_moves_the_holdings_copies(tree, other_province) -> None:
    """The merged province's units move to the other (DOMAIN.md §1), and
    their cadres with them: the new province's officer lists them."""
    moved = _holding("Hồ Văn Lực", other_province[0], "party_secretary")
    organization_merge(
        units=[other_province[0]],
        date=D(2025, 7, 1),
        decision_number="60-NQ/TW",
        into=tree.province,
    )
    assert _holding_copies(moved) == tree.province.pk


def _officer_of(unit: Unit) -> object:
    user = UserFactory()
    assign(user, unit, Role.OFFICER)
    return user


def _ids_query(client, url: str) -> str:
    """The SQL of the page's queries."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return "\n".join(q["sql"] for q in ctx.captured_queries)


def test_a_province_officer_list_keeps_to_the_province_range(
    client, tree, province_officer, admin_user
) -> None:
    make_member(tree.cell1, full_name="Nguyễn Văn An")
    make_member(tree.other_cell, full_name="Nguyễn Thị Bích")
    client.force_login(province_officer)
    sql = _ids_query(client, LIST + "?q=nguyen")
    assert '"members_membership"."province_id" =' in sql
    assert names(client.get(LIST + "?q=nguyen")) == ["Nguyễn Văn An", "Nguyễn Thị Bích"]
    client.force_login(admin_user)  # every province: nothing to narrow by
    assert '"members_membership"."province_id" =' not in _ids_query(client, LIST)


def test_a_commune_secretary_still_sees_only_the_commune(
    client, tree, secretary
) -> None:
    make_member(tree.cell1, full_name="Nguyễn Văn An")
    make_member(tree.other_cell, full_name="Nguyễn Thị Bích")
    client.force_login(secretary)
    with request_scope():
        assert reach_province(secretary) == tree.province.pk
    assert names(client.get(LIST + "?q=nguyen")) == ["Nguyễn Văn An"]
    assert names(client.get(LIST)) == ["Nguyễn Văn An"]


def test_a_cell_moved_between_provinces_stays_in_both_reaches(
    client, tree, other_province
) -> None:
    """A unit moved to another province is in the reach of both (the tree's
    history) but placed in one: the other province's officer, whose reach
    then spans two provinces, gets the list unnarrowed — and sees it too.
    Its current members are the new province's only (dated access, issue
    #16), even for the old province's officer read through its copies."""
    province, cell = other_province
    member = make_member(tree.cell1, full_name="Phan Văn Cường")
    stayed = make_member(cell, full_name="Phan Thị Dung")
    organization_move(
        unit=tree.commune,
        new_parent=cell.__class__.objects.get(code="HT-1"),
        date=D(2025, 3, 1),
        decision_number="7-QĐ",
    )
    assert tree.province.pk < province.pk
    assert _copies(member) == tree.province.pk  # the smaller id of the two
    assert place_in_provinces() == 0  # the move placed what placing all would
    new_officer, old_officer = _officer_of(province), _officer_of(tree.province)
    with request_scope():
        assert reach_province(new_officer) is None
        assert reach_province(old_officer) == tree.province.pk
    client.force_login(new_officer)
    assert names(client.get(LIST + "?q=phan")) == ["Phan Văn Cường", "Phan Thị Dung"]
    client.force_login(old_officer)
    assert names(client.get(LIST + "?q=phan")) == []
    assert stayed.current_cell == cell


def test_units_not_placed_leave_the_list_unnarrowed(
    client, tree, province_officer
) -> None:
    make_member(tree.cell1, full_name="Nguyễn Văn An")
    Unit.objects.filter(pk=tree.cell2.pk).update(province=None)
    with request_scope():
        assert reach_province(province_officer) is None
    client.force_login(province_officer)
    assert '"members_membership"."province_id" =' not in _ids_query(client, LIST)
    assert names(client.get(LIST)) == ["Nguyễn Văn An"]


def test_an_import_gives_its_members_the_province(tree, tmp_path) -> None:
    """The import writes with COPY; the row trigger fills the province as for
    any other writer."""
    path = tmp_path / "dang-vien.xlsx"
    rows = [member_row(n) for n in range(1, 4)]
    path.write_bytes(xlsx(rows))
    call_command("import_people", "members", str(path), stdout=StringIO())
    imported = list(Membership.objects.select_related("person"))
    assert len(imported) == 3
    for membership in imported:
        assert membership.province_id == tree.province.pk


def test_an_officer_of_a_whole_province_sees_its_memberships_by_their_copy(
    client, tree, province_officer, secretary, other_province
) -> None:
    """Assigned to the province itself, with every unit of the reach placed
    in it: the memberships visible are those whose copy names it — the same
    rows as the test of every cell of the reach (access.whole_province)."""
    here = make_member(tree.other_cell, full_name="Võ Thị Hà")
    elsewhere = make_member(other_province[1], full_name="Võ Văn Hải")
    with request_scope():
        assert whole_province(province_officer) == tree.province.pk
        assert whole_province(secretary) is None  # a commune: not the province
        visible = set(Membership.objects.visible_to(province_officer))
        in_reach = set(
            Membership.objects.filter(
                current_cell_id__in=scope_unit_ids(province_officer)
            )
        )
    assert visible == in_reach == {here}
    assert elsewhere not in visible
    client.force_login(province_officer)
    sql = _ids_query(client, LIST)
    assert '"members_membership"."current_cell_id" = ANY' not in sql
    assert names(client.get(LIST + "?q=vo")) == ["Võ Thị Hà"]


def test_an_officer_of_a_whole_province_sees_its_holdings_by_their_copy(
    client, tree, province_officer, other_province
) -> None:
    """The cadres of a whole province are the holdings at units placed in it
    (their copy of the province): the same rows as the test of every unit of
    the reach, without it."""
    from members.models import PositionHolding
    from tests.members.factories import PersonFactory, position

    here = services.holding_start(
        person=PersonFactory(full_name="Phan Văn Trưởng"),
        unit=tree.commune,
        position=position("village_head"),
        valid_from=D(2022, 1, 1),
    )
    services.holding_start(
        person=PersonFactory(full_name="Phan Văn Khác"),
        unit=other_province[0],
        position=position("party_secretary"),
        valid_from=D(2022, 1, 1),
    )
    with request_scope():
        visible = set(PositionHolding.objects.visible_to(province_officer))
        in_reach = set(
            PositionHolding.objects.filter(unit_id__in=scope_unit_ids(province_officer))
        )
    assert visible == in_reach == {here}
    client.force_login(province_officer)
    cadres = reverse("members:cadre_list")
    sql = _ids_query(client, cadres)
    assert '"members_positionholding"."unit_id" = ANY' not in sql
    assert names(client.get(cadres + "?q=phan")) == ["Phan Văn Trưởng"]


def test_a_link_corrected_in_the_admin_re_places_the_units_below(
    client, admin_user, tree, other_province
) -> None:
    """A correction of the tree in Django admin (the cell was never under
    this commune) moves the cell, its members' and its cadres' province
    copies to the right province, as the event services do."""
    from organizations.models import UnitLink

    member = make_member(tree.cell1, full_name="Lê Văn Bình")
    link = UnitLink.objects.get(child=tree.cell1, valid_to__isnull=True)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:organizations_unitlink_change", args=[link.pk]),
        {
            "child": tree.cell1.pk,
            "parent": other_province[1].parent_links.get().parent_id,
            "valid_from": link.valid_from.isoformat(),
            "valid_to": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    tree.cell1.refresh_from_db()
    assert tree.cell1.province_id == other_province[0].pk
    assert _copies(member) == other_province[0].pk
    officer = _officer_of(other_province[0])
    client.force_login(officer)
    assert names(client.get(LIST)) == ["Lê Văn Bình"]


def test_the_province_copy_is_kept_by_the_triggers_declared_with_the_models(
    db,
) -> None:
    """Issue #17 §3: pgtrigger installs the triggers the models declare
    (members.models.province_copy, province_to_rows); the hand-written ones
    of members/0014–0031 and organizations/0004 are gone, so one
    definition is live."""
    with connection.cursor() as cursor:
        # Without the history's triggers (pghistory: insert, update, delete)
        # and pgtrigger's hash at the end of a name.
        cursor.execute(
            "SELECT tgrelid::regclass::text, regexp_replace(tgname, '_[0-9a-f]{5}$', '') "
            "FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgname !~ '^pgtrigger_(insert|update|delete)_' "
            "AND tgrelid::regclass::text = ANY(%s)",
            [["members_membership", "members_positionholding", "organizations_unit"]],
        )
        found = set(cursor.fetchall())
    assert found == {
        ("members_membership", "pgtrigger_membership_province"),
        ("members_positionholding", "pgtrigger_holding_province"),
        ("organizations_unit", "pgtrigger_unit_province_to_memberships"),
        ("organizations_unit", "pgtrigger_unit_province_to_holdings"),
        ("organizations_unit", "pgtrigger_unit_tree_changed"),
    }
