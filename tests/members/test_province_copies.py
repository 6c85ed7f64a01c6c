"""The member list of a province officer reads one province's index range
(members/migrations/0014): each unit is placed in its province, memberships
copy their cell's province and their person's folded name — and a list
narrowed by it still shows exactly what the user may see."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import services
from members.models import Membership, Person
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


def _copies(membership: Membership) -> tuple[int | None, str]:
    membership.refresh_from_db()
    return membership.province_id, membership.search_name


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


def test_a_membership_copies_its_cell_province_and_its_person_name(tree) -> None:
    member = make_member(tree.cell1, full_name="Trần Thị Ánh")
    assert _copies(member) == (tree.province.pk, "tran thi anh")
    assert member.search_given_name == "anh"


def test_a_rename_reaches_the_memberships(tree) -> None:
    member = make_member(tree.cell1, full_name="Trần Thị Ánh")
    services.person_update(person=member.person, full_name="Trần Thị Ánh Dương")
    assert _copies(member) == (tree.province.pk, "tran thi anh duong")


def test_a_transfer_to_another_province_moves_the_copy(tree, other_province) -> None:
    province, cell = other_province
    member = make_member(tree.cell1, full_name="Lê Văn Bình")
    services.member_transfer(
        membership=member, to_cell=cell, date=D(2024, 5, 1), decision_number="5-QĐ"
    )
    assert _copies(member) == (province.pk, "le van binh")


def test_a_copy_written_by_hand_is_put_right(tree, other_province) -> None:
    member = make_member(tree.cell1, full_name="Lê Văn Bình")
    Membership.objects.filter(pk=member.pk).update(
        province=other_province[0], search_name="sai"
    )
    assert _copies(member) == (tree.province.pk, "le van binh")


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
    assert _copies(member)[0] == tree.province.pk
    assert _copies(moved)[0] == tree.province.pk
    assert set(Unit.objects.values_list("province_id", flat=True)) == {tree.province.pk}
    assert place_in_provinces() == 0  # nothing left to change


def _holding_copies(holding) -> tuple[int | None, str, str]:
    holding.refresh_from_db()
    return holding.province_id, holding.search_name, holding.search_given_name


def _holding(person_name: str, unit: Unit, code: str = "village_head"):
    from tests.members.factories import PersonFactory, position

    return services.holding_start(
        person=PersonFactory(full_name=person_name),
        unit=unit,
        position=position(code),
        valid_from=D(2022, 1, 1),
    )


def test_a_holding_copies_its_unit_province_and_its_person_name(tree) -> None:
    """members/migrations/0015: the cadre list reads these copies."""
    holding = _holding("Phan Văn Trưởng", tree.commune)
    assert _holding_copies(holding) == (tree.province.pk, "phan van truong", "truong")
    services.person_update(person=holding.person, full_name="Phan Văn Trường Sơn")
    assert _holding_copies(holding)[1:] == ("phan van truong son", "son")


def test_a_holdings_copy_written_by_hand_is_put_right(tree, other_province) -> None:
    from members.models import PositionHolding

    holding = _holding("Phan Văn Trưởng", tree.commune)
    PositionHolding.objects.filter(pk=holding.pk).update(
        province=other_province[0], search_name="sai"
    )
    assert _holding_copies(holding)[:2] == (tree.province.pk, "phan van truong")


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
    assert _holding_copies(moved)[0] == tree.province.pk


def test_a_holding_copies_its_person_birth_gender_and_ethnicity(tree) -> None:
    """Written with the holding, followed when the person's change (by a
    service or any UPDATE), put right when written by hand (members/0023)."""
    from members.models import PositionHolding

    holding = _holding("Lò Thị Mai", tree.commune)
    services.person_update(
        person=holding.person, gender="F", ethnicity="03", date_of_birth=D(1990, 4, 5)
    )
    holding.refresh_from_db()
    assert (holding.date_of_birth, holding.gender, holding.ethnicity) == (
        D(1990, 4, 5),
        "F",
        "03",
    )
    Person.objects.filter(pk=holding.person_id).update(gender="M", ethnicity="01")
    PositionHolding.objects.filter(pk=holding.pk).update(date_of_birth=D(2000, 1, 1))
    holding.refresh_from_db()
    assert (holding.date_of_birth, holding.gender, holding.ethnicity) == (
        D(1990, 4, 5),
        "M",
        "01",
    )


def test_a_holding_knows_whether_its_holder_is_a_member_now(tree) -> None:
    """Set when the holding is written, and again by every statement that
    writes its holder's memberships: an admission, a leaving, a deletion,
    a raw UPDATE; a value written by hand is put right (members/0024)."""
    from members.models import PositionHolding

    def is_member(holding) -> bool:
        holding.refresh_from_db()
        return holding.holder_is_member

    holding = _holding("Hà Văn Trưởng", tree.commune)
    assert not is_member(holding)
    membership = services.member_admit(
        person=holding.person,
        cell=tree.cell1,
        admitted_on=D(2020, 3, 2),
        decision_number="12-QĐ/ĐU",
    )
    assert is_member(holding)
    PositionHolding.objects.filter(pk=holding.pk).update(holder_is_member=False)
    assert is_member(holding)
    services.member_leave(
        membership=membership,
        kind="resignation",
        date=D(2024, 1, 5),
        decision_number="3",
    )
    assert not is_member(holding)
    Membership.objects.filter(pk=membership.pk).update(ended_on=None)
    assert is_member(holding)
    other = _holding("Lò Văn Pọm", tree.commune, "party_secretary")
    member = make_member(tree.cell2, person=other.person)
    assert is_member(other)
    assert is_member(holding)
    Membership.objects.filter(pk__in=[member.pk, membership.pk]).delete()
    assert not is_member(other)
    assert not is_member(holding)


def _officer_of(unit: Unit) -> object:
    user = UserFactory()
    assign(user, unit, Role.OFFICER)
    return user


def _ids_query(client, url: str) -> str:
    """The SQL of the page's queries."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return "\n".join(q["sql"] for q in ctx.captured_queries)


def _person_copies(membership: Membership) -> tuple:
    membership.refresh_from_db()
    return membership.date_of_birth, membership.gender, membership.ethnicity


def test_a_membership_copies_its_person_birth_gender_and_ethnicity(tree) -> None:
    """Written with the membership, followed when the person's change (by a
    service or any UPDATE), put right when written by hand (members/0021)."""
    member = make_member(
        tree.cell1,
        full_name="Hà Thị Mai",
        gender="F",
        ethnicity="03",
        date_of_birth=D(1990, 4, 5),
    )
    assert _person_copies(member) == (D(1990, 4, 5), "F", "03")
    services.person_update(person=member.person, date_of_birth=D(1991, 6, 7))
    assert _person_copies(member) == (D(1991, 6, 7), "F", "03")
    Person.objects.filter(pk=member.person_id).update(gender="M", ethnicity="01")
    assert _person_copies(member) == (D(1991, 6, 7), "M", "01")
    Membership.objects.filter(pk=member.pk).update(
        date_of_birth=D(2000, 1, 1), gender="F", ethnicity="09"
    )
    assert _person_copies(member) == (D(1991, 6, 7), "M", "01")


def test_a_membership_copies_its_cell_name(tree) -> None:
    """Written with the membership, moved with a transfer, followed when the
    cell is renamed, put right when written by hand (members/0022)."""
    member = make_member(tree.cell1, full_name="Hà Văn Nam")
    member.refresh_from_db()
    assert member.cell_name == tree.cell1.name
    services.member_transfer(
        membership=member, to_cell=tree.cell2, date=D(2024, 5, 1), decision_number="9"
    )
    member.refresh_from_db()
    assert member.cell_name == tree.cell2.name
    Unit.objects.filter(pk=tree.cell2.pk).update(name="Chi bộ thôn Đông")
    member.refresh_from_db()
    assert member.cell_name == "Chi bộ thôn Đông"
    Membership.objects.filter(pk=member.pk).update(cell_name="Chi bộ khác")
    member.refresh_from_db()
    assert member.cell_name == "Chi bộ thôn Đông"


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
    then spans two provinces, gets the list unnarrowed — and sees it too."""
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
    assert _copies(member)[0] == tree.province.pk  # the smaller id of the two
    assert place_in_provinces() == 0  # the move placed what placing all would
    new_officer, old_officer = _officer_of(province), _officer_of(tree.province)
    with request_scope():
        assert reach_province(new_officer) is None
        assert reach_province(old_officer) == tree.province.pk
    client.force_login(new_officer)
    assert names(client.get(LIST + "?q=phan")) == ["Phan Văn Cường", "Phan Thị Dung"]
    client.force_login(old_officer)
    assert names(client.get(LIST + "?q=phan")) == ["Phan Văn Cường"]
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


def test_an_import_gives_its_members_the_copies(tree, tmp_path) -> None:
    """The import writes with COPY; the row trigger fills the copies as for
    any other writer, and a re-import that changes a name updates them."""
    path = tmp_path / "dang-vien.xlsx"
    rows = [member_row(n) for n in range(1, 4)]
    path.write_bytes(xlsx(rows))
    call_command("import_people", "members", str(path), stdout=StringIO())
    imported = list(Membership.objects.select_related("person"))
    assert len(imported) == 3
    for membership in imported:
        assert membership.province_id == tree.province.pk
        assert membership.search_name == membership.person.search_name != ""
    renamed = member_row(1, full_name="Đặng Thị Ngọc Ánh")
    path.write_bytes(xlsx([renamed, *rows[1:]]))
    call_command("import_people", "members", str(path), stdout=StringIO())
    names = set(Membership.objects.values_list("search_name", flat=True))
    assert "dang thi ngoc anh" in names


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
    assert _copies(member)[0] == other_province[0].pk
    officer = _officer_of(other_province[0])
    client.force_login(officer)
    assert names(client.get(LIST)) == ["Lê Văn Bình"]
