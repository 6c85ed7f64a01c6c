"""An administrator's name search over the whole country that more people
match than ``MEMBER_LIST_SEARCH_CAP`` lists no one and asks for a unit or
another word (docs/member_list.md); below the cap, with a unit chosen, and
for every other user the list is the plain search."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.members.factories import make_member

LIST = reverse("members:member_list")
COUNT = reverse("members:member_count")
ASKS = "Hơn 2 người trên cả nước có tên chứa các từ này"


def listed(response) -> list[str]:
    return [row.person.full_name for row in response.context["page"].object_list]


@pytest.fixture
def three_huong(tree, settings):
    settings.MEMBER_LIST_SEARCH_CAP = 2
    for cell, name in [
        (tree.cell1, "Nguyễn Thị Hương"),
        (tree.cell2, "Lê Thị Hương"),
        (tree.other_cell, "Võ Thị Hương"),
        (tree.cell1, "Trần Văn Bình"),
        (tree.cell2, "Phạm Văn Bình"),
    ]:
        make_member(cell, full_name=name)


def test_a_search_matching_more_people_than_the_cap_asks_the_administrator_to_narrow(
    client, admin_user, three_huong, django_assert_num_queries
) -> None:
    client.force_login(admin_user)
    # Session, user, assignments, the unit select's outline (two queries),
    # the words' count in place of the rows.
    with django_assert_num_queries(6):
        response = client.get(LIST, {"q": "huong"})
    assert listed(response) == []
    assert ASKS in response.content.decode()
    count = client.get(COUNT, {"q": "huong"}).content.decode().strip()
    assert count == "Quá nhiều người trùng tên"


def test_a_search_at_the_cap_lists_its_people(client, admin_user, three_huong) -> None:
    client.force_login(admin_user)
    response = client.get(LIST, {"q": "binh"})
    assert listed(response) == ["Phạm Văn Bình", "Trần Văn Bình"]
    assert client.get(COUNT, {"q": "binh"}).content.decode().strip() == "2 đảng viên"


def test_a_unit_chosen_lists_a_broad_search_in_it(
    client, admin_user, tree, three_huong
) -> None:
    client.force_login(admin_user)
    response = client.get(LIST, {"q": "huong", "unit": tree.commune.pk})
    assert listed(response) == ["Lê Thị Hương", "Nguyễn Thị Hương"]


@pytest.mark.parametrize("user", ["secretary", "province_officer"])
def test_other_users_search_their_own_rows_without_the_cap(
    client, request, user, three_huong
) -> None:
    """Their reach is the narrowing: a province at most."""
    client.force_login(request.getfixturevalue(user))
    assert "Nguyễn Thị Hương" in listed(client.get(LIST, {"q": "huong"}))


def test_the_cadre_list_keeps_its_search(client, admin_user, three_huong) -> None:
    """A hundred thousand posts in the country: found and sorted at once."""
    client.force_login(admin_user)
    body = client.get(reverse("members:cadre_list"), {"q": "huong"}).content.decode()
    assert ASKS not in body


def test_a_search_no_one_in_the_country_matches_runs_no_row_query(
    client, admin_user, three_huong, django_assert_num_queries
) -> None:
    client.force_login(admin_user)
    # The page's five queries and the words' count, which found no one.
    with django_assert_num_queries(6):
        response = client.get(LIST, {"q": "nguyen le"})
    assert listed(response) == []
    assert "Không có đảng viên nào khớp bộ lọc." in response.content.decode()
    assert client.get(COUNT, {"q": "nguyen le"}).content.decode().strip() == (
        "0 đảng viên"
    )
