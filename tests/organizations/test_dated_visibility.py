"""Today's pages follow today's tree (issue #16, dated access): Đảng bộ xã
Thanh Phong moved from Huyện Thanh Chương to Huyện Tân Kỳ on 1 July 2025
(``commune_moved``). Thanh Chương's officer (the former parent) no longer
finds it in the unit list, its search, the pickers, today's tree or the
tree export; its page opens as it was on 30 June 2025 with nothing dated
after — no later event or parent, no link to today's lists, the years of its
pages those it was theirs. Tân Kỳ's officer (the new parent) has it like
Hương Sơn, which never moved. A unit that will move under a user later is
none of theirs before the day (docs/access.md)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import CellPeriod, Person
from organizations.access import Reach, scope_during
from organizations.models import Role, Unit
from organizations.services import organization_move
from tests.factories import UserFactory, assign
from tests.members.factories import make_member

LIST = reverse("organizations:unit_list")
TREE = reverse("organizations:tree")


def _page(client, user, url: str) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _between(body: str, start: str, end: str) -> str:
    return body[body.index(start) : body.index(end, body.index(start))]


def test_the_unit_list_and_its_search_are_todays_tree(
    client, commune_moved, board_officer, new_officer
) -> None:
    former = _page(client, board_officer, LIST)
    assert "Huyện Thanh Chương" in former
    assert "Đảng bộ xã Thanh Phong" not in former
    assert "Chi bộ thôn 1" not in former
    assert "Đảng bộ xã Thanh Phong" not in _page(
        client, board_officer, LIST + "?q=Thanh+Phong"
    )
    new = _page(client, new_officer, LIST)
    for name in ("Đảng bộ xã Thanh Phong", "Chi bộ thôn 1", "Đảng bộ xã Hương Sơn"):
        assert name in new
    assert "Đảng bộ xã Thanh Phong" in _page(
        client, new_officer, LIST + "?q=Thanh+Phong"
    )
    assert "Huyện Thanh Chương" not in new


def test_the_tree_is_the_days_tree(
    client, commune_moved, board_officer, new_officer
) -> None:
    """Each branch opened lists the units of the day shown."""

    def branch(user, unit: Unit, day: str = "") -> str:  # type: ignore[no-untyped-def]
        url = reverse("organizations:tree_children", args=[unit.pk])
        return _page(client, user, url + (f"?as_of={day}" if day else ""))

    district, other = commune_moved.district, commune_moved.other_district
    assert "Đảng bộ xã Thanh Phong" not in branch(board_officer, district)
    assert "Đảng bộ xã Thanh Phong" in branch(board_officer, district, "2025-06-30")
    today = branch(new_officer, other)
    assert "Đảng bộ xã Thanh Phong" in today
    assert "Đảng bộ xã Hương Sơn" in today
    then = branch(new_officer, other, "2025-06-30")
    assert "Đảng bộ xã Thanh Phong" not in then
    assert "Đảng bộ xã Hương Sơn" in then
    # Today's tree of each: its roots.
    assert "Huyện Thanh Chương" in _page(client, board_officer, TREE)
    assert "Huyện Tân Kỳ" in _page(client, new_officer, TREE)


def test_the_former_parent_opens_the_unit_as_it_was_with_them(
    client, commune_moved, board_officer, django_assert_num_queries
) -> None:
    url = reverse("organizations:unit_detail", args=[commune_moved.commune.pk])
    body = _page(client, board_officer, url)
    assert "Trực thuộc (ngày 30/06/2025)" in body
    assert "Huyện Thanh Chương" in body
    history = _between(body, "Quá trình trực thuộc", "Sự kiện")
    assert "Huyện Tân Kỳ" not in history  # the parent it has since the move
    assert "15-QĐ/TU" not in body  # the move's decision, dated 01/07/2025
    assert "Huyện Tân Kỳ" not in body
    # No way into today's lists or today's tree from here.
    assert 'id="unit-related"' not in body
    assert (
        reverse("organizations:unit_tree_export", args=[commune_moved.commune.pk])
        not in body
    )
    # Its year pages offered are the last year it was theirs: 2024.
    votes = reverse(
        "assessments:confidence_votes", args=[commune_moved.commune.pk, 2024]
    )
    assert votes in body
    assert f"unit={commune_moved.commune.pk}&amp;year=2024" in body
    assert "/2025/" not in _between(body, 'id="unit-reviews"', "</section>")
    assert "/2026/" not in _between(body, 'id="unit-reviews"', "</section>")
    client.force_login(board_officer)
    with django_assert_num_queries(15):
        client.get(url)


def test_the_new_parent_opens_the_unit_as_its_own(
    client, commune_moved, new_officer, django_assert_num_queries
) -> None:
    url = reverse("organizations:unit_detail", args=[commune_moved.commune.pk])
    body = _page(client, new_officer, url)
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Trực thuộc (ngày {today})" in body
    assert "Huyện Tân Kỳ" in _between(body, "Quá trình trực thuộc", "Sự kiện")
    assert "15-QĐ/TU" in body
    assert 'id="unit-related"' in body
    year = timezone.localdate().year
    votes = reverse(
        "assessments:confidence_votes", args=[commune_moved.commune.pk, year]
    )
    assert votes in body
    assert f"unit={commune_moved.commune.pk}&amp;year={year - 1}" in body
    client.force_login(new_officer)
    with django_assert_num_queries(17):
        client.get(url)


def test_a_unit_that_never_moved_is_shown_whole(
    client, commune_moved, new_officer
) -> None:
    unit = commune_moved.other_commune
    body = _page(
        client, new_officer, reverse("organizations:unit_detail", args=[unit.pk])
    )
    assert 'id="unit-related"' in body
    assert reverse("organizations:unit_tree_export", args=[unit.pk]) in body


def test_the_tree_export_is_todays(
    client, commune_moved, board_officer, new_officer, province_officer
) -> None:
    url = reverse("organizations:unit_tree_export", args=[commune_moved.commune.pk])
    client.force_login(board_officer)
    assert client.get(url).status_code == 404
    for user in (new_officer, province_officer):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_the_member_lists_unit_picker_is_todays_tree(
    client, commune_moved, board_officer, new_officer
) -> None:
    url = reverse("members:member_list") + f"?unit={commune_moved.commune.pk}"
    option = f'<option value="{commune_moved.commune.pk}" selected>'
    assert option not in _page(client, board_officer, url)
    assert option in _page(client, new_officer, url)


def test_the_reports_units_are_the_years_tree(
    client, commune_moved, board_officer, new_officer
) -> None:
    """The year's reports (the picker's search, 44164eb): 2024 offers the
    commune to its former board, 2025 (its tree of 31/12/2025) to the new
    one."""

    def found(user, year: int) -> bool:  # type: ignore[no-untyped-def]
        url = reverse("reports:units") + f"?q=Thanh+Phong&year={year}"
        return "Đảng bộ xã Thanh Phong" in _page(client, user, url)

    assert found(board_officer, 2024)
    assert not found(board_officer, 2025)
    assert not found(new_officer, 2024)
    assert found(new_officer, 2025)


@pytest.fixture
def moves_later(tree):  # type: ignore[no-untyped-def]
    """Thanh Phong, with a member, moves to Tân Kỳ in a month."""
    make_member(tree.cell1, full_name="Trần Thị Sau")
    organization_move(
        unit=tree.commune,
        new_parent=tree.other_district,
        date=timezone.localdate() + datetime.timedelta(days=30),
        decision_number="20-QĐ/TU",
    )
    return tree


def test_a_unit_moving_in_later_is_not_reached_before_the_day(
    client, moves_later, board_officer
) -> None:
    """Before, ``scope_during`` took the period from the move on as reach:
    Tân Kỳ's officer found the member now."""
    from organizations.access import scope_reach

    new_officer = UserFactory(username="cb_tanky")
    assign(new_officer, moves_later.other_district, Role.OFFICER)
    reach: Reach | None = scope_reach(new_officer)
    assert reach is not None
    assert moves_later.commune.pk not in reach.ids.ids
    person = Person.objects.get(full_name="Trần Thị Sau")
    periods = CellPeriod.objects.filter(
        scope_during(new_officer, "cell_id", "valid_from", "valid_to")
    )
    assert not periods.exists()
    assert not Person.objects.visible_to(new_officer).exists()
    assert person in Person.objects.visible_to(board_officer)
    client.force_login(new_officer)
    detail = reverse("members:person_detail", args=[person.pk])
    assert client.get(detail).status_code == 404
    unit = reverse("organizations:unit_detail", args=[moves_later.commune.pk])
    assert client.get(unit).status_code == 404
    assert "Đảng bộ xã Thanh Phong" not in _page(client, new_officer, LIST)
    assert moves_later.commune not in Unit.objects.visible_to(new_officer)
    client.force_login(board_officer)
    assert client.get(detail).status_code == 200
    assert "Đảng bộ xã Thanh Phong" in _page(client, board_officer, LIST)
