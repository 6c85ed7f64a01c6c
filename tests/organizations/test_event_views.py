"""The administrators' event forms: who may open them and what they record."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from organizations import services
from organizations.models import EventKind, Level, Unit, UnitEvent
from tests.factories import make_unit

DAY = "2025-07-01"
D2025 = datetime.date(2025, 7, 1)


def url(name: str, unit: Unit) -> str:
    return reverse(f"organizations:{name}", kwargs={"pk": unit.pk})


def subtree(unit: Unit, day: datetime.date) -> set[str]:
    return set(Unit.objects.subtree_of(unit.pk, on=day).values_list("code", flat=True))


@pytest.mark.parametrize(
    "name",
    [
        "unit_establish",
        "unit_rename",
        "unit_move",
        "unit_merge",
        "unit_split",
        "unit_dissolve",
    ],
)
def test_only_administrators_open_the_event_forms(
    client, tree, admin_user, province_officer, secretary, name
) -> None:
    client.force_login(province_officer)
    assert client.get(url(name, tree.commune)).status_code == 403
    client.force_login(secretary)
    assert client.get(url(name, tree.commune)).status_code == 403
    assert client.get(url(name, tree.other_commune)).status_code == 404
    client.force_login(admin_user)
    response = client.get(url(name, tree.other_commune))
    assert response.status_code == 200
    assert "Số quyết định" in response.content.decode()


def test_unit_page_shows_event_links_to_administrators_only(
    client, tree, admin_user, province_officer
) -> None:
    client.force_login(province_officer)
    page = client.get(url("unit_detail", tree.commune)).content.decode()
    assert url("unit_merge", tree.commune) not in page
    client.force_login(admin_user)
    page = client.get(url("unit_detail", tree.commune)).content.decode()
    assert url("unit_merge", tree.commune) in page
    assert url("unit_dissolve", tree.commune) in page


def test_administrator_establishes_a_cell(client, tree, admin_user) -> None:
    client.force_login(admin_user)
    response = client.post(
        url("unit_establish", tree.commune),
        {
            "code": "TC-TP-3",
            "name": "Chi bộ thôn 3",
            "level": Level.CELL,
            "kind": "village",
            "date": DAY,
            "decision_number": "15-QĐ/ĐU",
        },
        follow=True,
    )
    cell = Unit.objects.get(code="TC-TP-3")
    assert response.redirect_chain[-1][0] == url("unit_detail", cell)
    assert "Đã thành lập tổ chức mới." in response.content.decode()
    assert "TC-TP-3" in subtree(tree.commune, D2025)
    assert UnitEvent.objects.get(successors=cell).created_by == admin_user


def test_administrator_renames_and_sees_the_former_name(
    client, tree, admin_user
) -> None:
    client.force_login(admin_user)
    response = client.post(
        url("unit_rename", tree.cell1),
        {"new_name": "Chi bộ thôn Yên Lạc", "date": DAY, "decision_number": "7"},
        follow=True,
    )
    page = response.content.decode()
    assert "Đã đổi tên." in page
    assert "Chi bộ thôn Yên Lạc" in page
    assert "Chi bộ thôn 1 (01/01/2000–01/07/2025)" in page


def test_move_refusal_is_shown_on_the_form(client, tree, admin_user) -> None:
    client.force_login(admin_user)
    response = client.post(
        url("unit_move", tree.district),
        {"new_parent": "TC-TP-1", "date": DAY, "decision_number": "1"},
    )
    assert response.status_code == 200
    assert (
        services.ERR_CYCLE.format(unit=tree.district, parent=tree.cell1)
        in response.content.decode()
    )


def test_move_to_an_unknown_code_is_refused(client, tree, admin_user) -> None:
    client.force_login(admin_user)
    response = client.post(
        url("unit_move", tree.commune),
        {"new_parent": "KHONG-CO", "date": DAY, "decision_number": "1"},
    )
    assert "Không có tổ chức đang hoạt động mang mã KHONG-CO." in (
        response.content.decode()
    )


def test_administrator_moves_a_commune_to_another_district(
    client, tree, admin_user
) -> None:
    client.force_login(admin_user)
    client.post(
        url("unit_move", tree.commune),
        {"new_parent": "TK", "date": DAY, "decision_number": "12-QĐ/TU"},
    )
    assert "TC-TP-1" in subtree(tree.other_district, D2025)
    assert "TC-TP-1" in subtree(tree.district, datetime.date(2025, 6, 30))


def test_administrator_merges_two_communes_into_a_new_one(
    client, tree, admin_user
) -> None:
    client.force_login(admin_user)
    response = client.post(
        url("unit_merge", tree.commune),
        {
            "others": "TK-HS",
            "new_code": "X-MOI",
            "new_name": "Đảng bộ xã Mới",
            "new_level": Level.SUPERIOR,
            "new_kind": "commune",
            "parent": "NA",
            "date": DAY,
            "decision_number": "3812-QĐ/TU",
        },
    )
    new = Unit.objects.get(code="X-MOI")
    assert response.url == url("unit_detail", new)
    assert subtree(new, D2025) == {"X-MOI", "TC-TP-1", "TC-TP-2", "TK-HS-1"}
    event = UnitEvent.objects.get(kind=EventKind.MERGE)
    assert set(event.predecessors.values_list("code", flat=True)) == {"TC-TP", "TK-HS"}


def test_merge_needs_either_an_existing_or_a_new_successor(
    client, tree, admin_user
) -> None:
    client.force_login(admin_user)
    response = client.post(
        url("unit_merge", tree.cell2),
        {"date": DAY, "decision_number": "1"},
    )
    assert "Chọn hoặc tổ chức nhận sáp nhập" in response.content.decode()
    client.post(
        url("unit_merge", tree.cell2),
        {"into": "TC-TP-1", "date": DAY, "decision_number": "1"},
    )
    tree.cell2.refresh_from_db()
    assert tree.cell2.closed_on == D2025


def test_administrator_splits_a_commune_giving_each_cell_a_part(
    client, tree, admin_user
) -> None:
    client.force_login(admin_user)
    form_page = client.get(url("unit_split", tree.commune)).content.decode()
    assert f'name="child_{tree.cell1.pk}"' in form_page
    data = {
        "parts": "TP-A|Đảng bộ xã Thanh Phong A\nTP-B|Đảng bộ xã Thanh Phong B",
        "level": Level.GRASSROOTS_COMMITTEE,
        "kind": "commune",
        "date": DAY,
        "decision_number": "5",
        f"child_{tree.cell1.pk}": "1",
        f"child_{tree.cell2.pk}": "3",
    }
    response = client.post(url("unit_split", tree.commune), data)
    assert "Chỉ có 2 tổ chức mới; không có phần số 3." in response.content.decode()
    data[f"child_{tree.cell2.pk}"] = "2"
    response = client.post(url("unit_split", tree.commune), data)
    assert response.status_code == 302
    assert subtree(Unit.objects.get(code="TP-B"), D2025) == {"TP-B", "TC-TP-2"}
    assert subtree(tree.district, D2025) == {"TC", "TP-A", "TP-B", "TC-TP-1", "TC-TP-2"}


def test_dissolve_refusal_and_success(client, tree, admin_user) -> None:
    client.force_login(admin_user)
    response = client.post(
        url("unit_dissolve", tree.commune), {"date": DAY, "decision_number": "9"}
    )
    assert (
        services.ERR_HAS_CHILDREN.format(unit=tree.commune, count=2)
        in response.content.decode()
    )
    response = client.post(
        url("unit_dissolve", tree.cell2),
        {"date": DAY, "decision_number": ""},
    )
    assert "Trường này là bắt buộc." in response.content.decode()
    client.post(url("unit_dissolve", tree.cell2), {"date": DAY, "decision_number": "9"})
    assert subtree(tree.commune, D2025) == {"TC-TP", "TC-TP-1"}


def test_a_closed_unit_is_no_longer_offered_as_new_parent(
    client, tree, admin_user
) -> None:
    closed = make_unit(tree.province, code="OLD", opened_on=datetime.date(2000, 1, 1))
    closed.closed_on = datetime.date(2010, 1, 1)
    closed.save()
    client.force_login(admin_user)
    response = client.post(
        url("unit_move", tree.commune),
        {"new_parent": "OLD", "date": DAY, "decision_number": "1"},
    )
    assert "Không có tổ chức đang hoạt động mang mã OLD." in response.content.decode()
