"""The tree's pages for every role: tree, list and unit page show exactly the
user's subtree; search ignores accents; query counts stay flat."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Kind, Level
from tests.factories import make_unit

ALL = {"NA", "TC", "TC-TP", "TC-TP-1", "TC-TP-2", "TK", "TK-HS", "TK-HS-1"}
EXPECTED = {
    "admin_user": ALL,
    "province_officer": ALL,
    "reader": ALL,
    "board_officer": {"TC", "TC-TP", "TC-TP-1", "TC-TP-2"},
    "secretary": {"TC-TP", "TC-TP-1", "TC-TP-2"},
    "outsider": {"TK-HS", "TK-HS-1"},
    "unassigned": set(),
}
# The top of each role's tree page.
ROOTS = {
    "admin_user": "Tỉnh Nghệ An",
    "province_officer": "Tỉnh Nghệ An",
    "reader": "Tỉnh Nghệ An",
    "board_officer": "Huyện Thanh Chương",
    "secretary": "Đảng bộ xã Thanh Phong",
    "outsider": "Đảng bộ xã Hương Sơn",
}


def listed_codes(client, query: str = "") -> set[str]:
    page = client.get(reverse("organizations:unit_list") + query).content.decode()
    return set(re.findall(r'<td class="code">([^<]+)</td>', page))


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_exactly_its_subtree_on_every_page(
    request, client, tree, role
) -> None:
    user = request.getfixturevalue(role)
    client.force_login(user)
    expected = EXPECTED[role]
    assert listed_codes(client) == expected
    units = [getattr(tree, f) for f in tree.__dataclass_fields__]
    for unit in units:
        detail = client.get(reverse("organizations:unit_detail", args=[unit.pk]))
        children = client.get(reverse("organizations:tree_children", args=[unit.pk]))
        want = 200 if unit.code in expected else 404
        assert (detail.status_code, children.status_code) == (want, want), unit.code
    tree_page = client.get(reverse("organizations:tree")).content.decode()
    if role in ROOTS:
        assert f">{ROOTS[role]}</a>" in tree_page
    else:
        assert "Không có tổ chức nào bạn được xem vào ngày này." in tree_page
    for unit in units:
        if unit.code not in expected:
            assert f">{unit.name}</a>" not in tree_page


def test_secretary_expands_their_organization_and_sees_its_cells(
    client, tree, secretary
) -> None:
    client.force_login(secretary)
    response = client.get(
        reverse("organizations:tree_children", args=[tree.commune.pk]),
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "<html" not in body, "an htmx partial, not a page"
    assert ">Chi bộ thôn 1</a>" in body
    assert ">Chi bộ thôn 2</a>" in body


def test_tree_children_of_a_past_date_follow_the_dated_links(
    client, tree, admin_user
) -> None:
    import datetime

    from organizations import services

    services.organization_move(
        unit=tree.cell2,
        new_parent=tree.other_commune,
        date=datetime.date(2020, 1, 1),
        decision_number="1",
    )
    client.force_login(admin_user)
    url = reverse("organizations:tree_children", args=[tree.commune.pk])
    assert (
        ">Chi bộ thôn 2</a>" in client.get(url + "?as_of=2019-12-31").content.decode()
    )
    assert (
        ">Chi bộ thôn 2</a>"
        not in client.get(url + "?as_of=2020-01-01").content.decode()
    )


def test_search_ignores_accents_and_case(client, tree, admin_user) -> None:
    make_unit(
        tree.other_district,
        code="QH-CC",
        name="Đảng bộ xã Châu Cường",
        level=Level.GRASSROOTS_COMMITTEE,
        kind=Kind.COMMUNE,
    )
    client.force_login(admin_user)
    assert listed_codes(client, "?q=chau+cuong") == {"QH-CC"}
    assert listed_codes(client, "?q=CHÂU+cường") == {"QH-CC"}
    assert listed_codes(client, "?q=cuong+chau") == {"QH-CC"}
    assert listed_codes(client, "?q=dang+bo+xa+thanh") == {"TC-TP"}
    assert listed_codes(client, "?q=chau+cuongx") == set()


def test_search_stays_inside_the_subtree(client, tree, secretary) -> None:
    client.force_login(secretary)
    assert listed_codes(client, "?q=huong+son") == set()
    assert listed_codes(client, "?q=thon+1") == {"TC-TP-1"}


def test_list_filters_by_level_state_and_date(client, tree, admin_user) -> None:
    import datetime

    from organizations import services

    services.organization_dissolve(
        unit=tree.cell2, date=datetime.date(2020, 1, 1), decision_number="1"
    )
    client.force_login(admin_user)
    assert listed_codes(client, "?level=superior") == {"TC", "TK"}
    assert listed_codes(client, "?state=closed") == {"TC-TP-2"}
    assert "TC-TP-2" not in listed_codes(client, "?state=open")
    assert "TC-TP-2" in listed_codes(client, "?as_of=2019-06-01")
    assert "TC-TP-2" not in listed_codes(client, "?as_of=2021-06-01")
    assert listed_codes(client, "?kind=commune&level=grassroots_committee") == {
        "TC-TP",
        "TK-HS",
    }


def test_list_partial_for_htmx(client, tree, admin_user) -> None:
    client.force_login(admin_user)
    response = client.get(
        reverse("organizations:unit_list") + "?q=thanh", headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Đảng bộ xã Thanh Phong" in body


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["admin_user", "board_officer"])
def test_unit_list_and_tree_children_queries_stay_flat_as_data_grows(
    request, client, tree, role, django_assert_max_num_queries
) -> None:
    client.force_login(request.getfixturevalue(role))
    list_url = reverse("organizations:unit_list")
    children_url = reverse("organizations:tree_children", args=[tree.commune.pk])
    detail_url = reverse("organizations:unit_detail", args=[tree.commune.pk])
    tree_url = reverse("organizations:tree")
    urls = (list_url, children_url, detail_url, tree_url)
    before = [_count_queries(client, u) for u in urls]
    for n in range(40):
        cell = make_unit(tree.commune, code=f"TC-TP-X{n}", name=f"Chi bộ X{n}")
        make_unit(cell, code=f"TC-TP-X{n}-A", name=f"Tổ đảng X{n}")
    after = [_count_queries(client, u) for u in urls]
    assert after == before
    with django_assert_max_num_queries(8):
        client.get(list_url)
    with django_assert_max_num_queries(8):
        client.get(children_url)
    with django_assert_max_num_queries(18):
        client.get(detail_url)
    with django_assert_max_num_queries(8):
        client.get(tree_url)
