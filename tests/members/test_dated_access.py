"""Dated access on the lists and record pages (issue #16 item 5): Đảng bộ xã
Thanh Phong moves from Huyện Thanh Chương (A) to Huyện Tân Kỳ (B) on
1 January 2026. A's reader keeps what happened there before the move — a
member who left in 2025, its past events — and no longer sees its current
members, cadres or today's page; B's reader the opposite. The province,
above both, sees everything."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import services as assessment_services
from assessments.audit_models import UnitClassificationHistory
from members import career_services, services
from organizations.models import Role
from organizations.services import organization_move
from tests.assessments.factories import level
from tests.factories import UserFactory, assign
from tests.members.factories import make_member, position

MOVED = datetime.date(2026, 1, 1)
LIST = reverse("members:member_list")


@pytest.fixture
def moved(tree):  # type: ignore[no-untyped-def]
    """Three members of Chi bộ thôn 1: one who left before the move, one
    there before and after it (secretary of the cell), one admitted after."""
    left = make_member(tree.cell1, full_name="Nguyễn Văn Cũ")
    services.member_leave(
        membership=left,
        kind="resignation",
        date=datetime.date(2025, 6, 1),
        decision_number="3-QĐ/ĐU",
    )
    stayed = make_member(tree.cell1, full_name="Trần Thị Ở Lại")
    career_services.holding_start(
        person=stayed.person,
        unit=tree.cell1,
        position=position("party_secretary"),
        valid_from=datetime.date(2020, 1, 1),
    )
    organization_move(
        unit=tree.commune,
        new_parent=tree.other_district,
        date=MOVED,
        decision_number="15-QĐ/TU",
    )
    later = make_member(
        tree.cell1,
        full_name="Lê Văn Đến Sau",
        admitted_on=datetime.date(2026, 3, 2),
        full=False,
    )
    tree.people = {
        "left": left.person,
        "stayed": stayed.person,
        "later": later.person,
    }
    return tree


def _reader(name: str, unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username=name)
    assign(user, unit, Role.READER)
    return user


@pytest.fixture
def former(moved):  # type: ignore[no-untyped-def]
    return _reader("doc_thanhchuong", moved.district)


@pytest.fixture
def new(moved):  # type: ignore[no-untyped-def]
    return _reader("doc_tanky", moved.other_district)


NAMES = ("Nguyễn Văn Cũ", "Trần Thị Ở Lại", "Lê Văn Đến Sau")


def _names_in(body: str) -> set[str]:
    return {name for name in NAMES if name in body}


def test_the_member_list_follows_each_membership_s_last_day(
    client, moved, former, new, province_officer
) -> None:
    """Today's members by today's tree; a member who left, by the tree of
    their last day. The name search and the export are the same list."""
    everyone = LIST + "?status=all"
    client.force_login(former)
    assert _names_in(client.get(everyone).content.decode()) == {"Nguyễn Văn Cũ"}
    assert _names_in(client.get(LIST).content.decode()) == set()
    assert _names_in(client.get(everyone + "&q=Cũ").content.decode()) == {
        "Nguyễn Văn Cũ"
    }
    assert _names_in(client.get(everyone + "&q=Lại").content.decode()) == set()
    client.force_login(new)
    assert _names_in(client.get(everyone).content.decode()) == {
        "Trần Thị Ở Lại",
        "Lê Văn Đến Sau",
    }
    assert _names_in(client.get(everyone + "&q=Lại").content.decode()) == {
        "Trần Thị Ở Lại"
    }
    client.force_login(province_officer)
    assert _names_in(client.get(everyone).content.decode()) == set(NAMES)


def _exported(client, url: str) -> set[str]:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = " ".join(str(v) for row in book.active.values for v in row if v)
    return _names_in(cells)


def test_the_member_export_is_the_list(client, moved, former, new) -> None:
    url = reverse("members:member_export") + "?status=all"
    client.force_login(former)
    assert _exported(client, url) == {"Nguyễn Văn Cũ"}
    client.force_login(new)
    assert _exported(client, url) == {"Trần Thị Ở Lại", "Lê Văn Đến Sau"}


def test_the_cadre_list_shows_today_s_posts_by_today_s_tree(
    client, moved, former, new
) -> None:
    client.force_login(former)
    assert (
        "Trần Thị Ở Lại"
        not in client.get(reverse("members:cadre_list")).content.decode()
    )
    export = reverse("members:cadre_export")
    assert _exported(client, export) == set()
    client.force_login(new)
    assert (
        "Trần Thị Ở Lại" in client.get(reverse("members:cadre_list")).content.decode()
    )
    assert _exported(client, export) == {"Trần Thị Ở Lại"}


def _person(client, tree, key: str) -> int:  # type: ignore[no-untyped-def]
    url = reverse("members:person_detail", args=[tree.people[key].pk])
    return client.get(url).status_code


def test_a_person_page_is_seen_by_whoever_saw_one_of_their_periods(
    client, moved, former, new
) -> None:
    """A's reader opens the files of the members who were in the commune
    while it was under A; B's those who were there since."""
    client.force_login(former)
    assert _person(client, moved, "left") == 200
    assert _person(client, moved, "stayed") == 200
    assert _person(client, moved, "later") == 404
    client.force_login(new)
    assert _person(client, moved, "left") == 404
    assert _person(client, moved, "stayed") == 200
    assert _person(client, moved, "later") == 200


def _shown_on(client, url: str) -> str:  # type: ignore[no-untyped-def]
    """The day the unit page shows the unit as of ("Trực thuộc (ngày …)")."""
    body = client.get(url).content.decode()
    return body.split("Trực thuộc (ngày ", 1)[1][:10]


def test_the_unit_page_shows_the_former_parent_the_commune_as_it_left(
    client, moved, former, new
) -> None:
    url = reverse("organizations:unit_detail", args=[moved.commune.pk])
    client.force_login(former)
    assert _shown_on(client, url) == "31/12/2025"
    # Asked for a day after the move, the page still stops at the move; its
    # cells are those of that day.
    assert _shown_on(client, url + "?as_of=2026-06-01") == "31/12/2025"
    assert _shown_on(client, url + "?as_of=2024-06-01") == "01/06/2024"
    cell = reverse("organizations:unit_detail", args=[moved.cell1.pk])
    assert _shown_on(client, cell) == "31/12/2025"
    client.force_login(new)
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert _shown_on(client, url) == today
    # B's reader asking for 2024 sees the commune's first day with B.
    assert _shown_on(client, url + "?as_of=2024-06-01") == "01/01/2026"


def test_the_tree_of_a_day_holds_the_units_reached_that_day(
    client, moved, former, new
) -> None:
    """The tree page opens each unit's children on demand: A's district
    has the commune until the move, B's from it."""

    def children(unit, day: str = "") -> str:  # type: ignore[no-untyped-def]
        url = reverse("organizations:tree_children", args=[unit.pk])
        return client.get(url + (f"?as_of={day}" if day else "")).content.decode()

    client.force_login(former)
    assert "Đảng bộ xã Thanh Phong" not in children(moved.district)
    assert "Đảng bộ xã Thanh Phong" in children(moved.district, "2024-06-01")
    client.force_login(new)
    assert "Đảng bộ xã Thanh Phong" in children(moved.other_district)
    assert "Đảng bộ xã Thanh Phong" not in children(moved.other_district, "2024-06-01")
    # Nor is it a root of B's tree of 2024 (its parent then not B's).
    tree_2024 = client.get(reverse("organizations:tree") + "?as_of=2024-06-01")
    assert "Đảng bộ xã Thanh Phong" not in tree_2024.content.decode()


def test_the_audit_log_follows_the_tree_of_the_day_an_event_was_recorded(
    client, moved, former, new
) -> None:
    good = level("organization", 2024, "good")
    for remarks in ("ghi trước khi chuyển", "ghi sau khi chuyển"):
        assessment_services.unit_classification_set(
            user=None, unit=moved.cell1, year=2024, level=good, remarks=remarks
        )
    UnitClassificationHistory.objects.filter(remarks="ghi trước khi chuyển").update(
        pgh_created_at=datetime.datetime(2025, 5, 1, 3, tzinfo=datetime.UTC)
    )
    url = reverse("assessments:audit_list") + "?start=01/01/2025"
    client.force_login(former)
    body = client.get(url).content.decode()
    assert "ghi trước khi chuyển" in body
    assert "ghi sau khi chuyển" not in body
    client.force_login(new)
    body = client.get(url).content.decode()
    assert "ghi trước khi chuyển" not in body
    assert "ghi sau khi chuyển" in body
