"""Dated access on the review side's lists (issue #16 item 5): Đảng bộ xã
Thanh Phong moves from Huyện Thanh Chương (A) to Huyện Tân Kỳ (B) on
1 January 2026. Its 2025 year belongs to A, its 2026 year to B — on the
completion board (rows, drill-down, bulk approval), the officer's home and
inbox, and the reader's latest approved results."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from assessments.models import OrganizationReview, ReviewCampaign
from organizations.access import Reach
from organizations.models import Role
from organizations.services import organization_move
from partyquality.lookups import IdArray
from tests.factories import UserFactory, assign

MOVED = datetime.date(2026, 1, 1)


@pytest.fixture
def moved(tree):  # type: ignore[no-untyped-def]
    organization_move(
        unit=tree.commune,
        new_parent=tree.other_district,
        date=MOVED,
        decision_number="15-QĐ/TU",
    )
    tree.campaigns = {}
    for year in (2025, 2026):
        tree.campaigns[year] = ReviewCampaign.objects.create(
            unit=tree.province,
            year=year,
            entry_deadline=datetime.date(year + 1, 1, 31),
            decision_deadline=datetime.date(year + 1, 3, 31),
        )
    tree.reviews = {
        year: OrganizationReview.objects.create(organization=tree.commune, year=year)
        for year in (2025, 2026)
    }
    return tree


def _user(name: str, unit, role: str):  # type: ignore[no-untyped-def]
    user = UserFactory(username=name)
    assign(user, unit, role)
    return user


@pytest.fixture
def officer_a(moved):  # type: ignore[no-untyped-def]
    return _user("bantochuc_thanhchuong", moved.district, Role.OFFICER)


@pytest.fixture
def officer_b(moved):  # type: ignore[no-untyped-def]
    return _user("bantochuc_tanky", moved.other_district, Role.OFFICER)


def _submit_both(tree) -> None:  # type: ignore[no-untyped-def]
    OrganizationReview.objects.filter(organization=tree.commune).update(
        state="submitted"
    )


def _text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def _board_rows(client, tree, year: int, query: str = "") -> str:  # type: ignore[no-untyped-def]
    url = reverse("assessments:completion_board", args=[tree.campaigns[year].pk])
    body = _text(client.get(url + query))
    return re.search(r'id="board-rows".*?</table>', body).group(0)


def test_the_board_counts_each_year_under_the_parent_of_that_year(
    client, moved, officer_a, officer_b, django_assert_max_num_queries
) -> None:
    _submit_both(moved)
    client.force_login(officer_a)
    with django_assert_max_num_queries(12):
        rows = _board_rows(client, moved, 2025)
    assert "Đảng bộ xã Thanh Phong" in rows
    assert 'type="checkbox"' in rows  # A decides its 2025 year
    assert "Thanh Phong" not in _board_rows(client, moved, 2026)
    client.force_login(officer_b)
    assert "Thanh Phong" not in _board_rows(client, moved, 2025)
    rows = _board_rows(client, moved, 2026)
    assert "Đảng bộ xã Thanh Phong" in rows
    assert "Đảng bộ xã Hương Sơn" in rows
    assert 'type="checkbox"' in rows


def test_the_drill_down_reaches_a_unit_only_in_the_years_it_was_below(
    client, moved, officer_a, officer_b
) -> None:
    """The commune as the board's root: its former parent for 2025, its new
    one for 2026; the other year is not theirs (404, as an outsider)."""
    drill = f"?unit={moved.commune.pk}"
    client.force_login(officer_a)
    assert "Đảng bộ xã Thanh Phong" in _board_rows(client, moved, 2025, drill)
    url = reverse("assessments:completion_board", args=[moved.campaigns[2026].pk])
    assert client.get(url + drill).status_code == 404
    client.force_login(officer_b)
    assert "Đảng bộ xã Thanh Phong" in _board_rows(client, moved, 2026, drill)
    url = reverse("assessments:completion_board", args=[moved.campaigns[2025].pk])
    assert client.get(url + drill).status_code == 404


def test_bulk_approval_takes_only_the_years_the_officer_decides(
    client, moved, officer_a, officer_b
) -> None:
    _submit_both(moved)
    reviews = moved.reviews
    client.force_login(officer_a)
    for year in (2025, 2026):
        url = reverse("assessments:bulk_approve", args=[moved.campaigns[year].pk])
        client.post(url, {"review": [reviews[year].pk]})
    states = dict(
        OrganizationReview.objects.filter(organization=moved.commune).values_list(
            "year", "state"
        )
    )
    assert states == {2025: "approved", 2026: "submitted"}
    client.force_login(officer_b)
    url = reverse("assessments:bulk_approve", args=[moved.campaigns[2026].pk])
    client.post(url, {"review": [reviews[2026].pk]})
    assert OrganizationReview.objects.get(pk=reviews[2026].pk).state == "approved"


def test_the_officer_home_and_inbox_wait_only_for_their_years(
    client, moved, officer_a, officer_b, django_assert_max_num_queries
) -> None:
    _submit_both(moved)
    entry = {
        year: reverse("assessments:review_entry", args=[moved.commune.pk, year])
        for year in (2025, 2026)
    }
    for officer, mine, theirs in ((officer_a, 2025, 2026), (officer_b, 2026, 2025)):
        client.force_login(officer)
        with django_assert_max_num_queries(14):
            home = _text(client.get(reverse("home")))
        assert "Chờ duyệt (1)" in home, officer
        inbox = _text(client.get(reverse("assessments:inbox")))
        assert "Chờ duyệt (1)" in inbox
        assert entry[mine] in inbox
        assert entry[theirs] not in inbox
    # The home's progress is of the latest campaign, 2026: Thanh Phong is
    # B's (with Hương Sơn), no longer A's.
    client.force_login(officer_a)
    counts = re.search(
        rf'id="counts-{moved.district.pk}".*?</p>', _text(client.get(reverse("home")))
    ).group(0)
    assert "đã duyệt 0/0" in counts
    client.force_login(officer_b)
    counts = re.search(
        rf'id="counts-{moved.other_district.pk}".*?</p>',
        _text(client.get(reverse("home"))),
    ).group(0)
    assert "Đã trình: 1" in counts
    assert "đã duyệt 0/2" in counts


def test_the_reader_home_lists_approved_years_under_the_parent_of_that_year(
    client, moved
) -> None:
    OrganizationReview.objects.filter(organization=moved.commune).update(
        state="approved"
    )
    entry = {
        year: reverse("assessments:review_entry", args=[moved.commune.pk, year])
        for year in (2025, 2026)
    }
    for name, unit, mine, theirs in (
        ("doc_thanhchuong", moved.district, 2025, 2026),
        ("doc_tanky", moved.other_district, 2026, 2025),
    ):
        client.force_login(_user(name, unit, Role.READER))
        body = _text(client.get(reverse("home")))
        section = re.search(r'id="home-reader".*?</section>', body).group(0)
        assert entry[mine] in section, name
        assert entry[theirs] not in section, name
    # The province, above both, every year.
    client.force_login(_user("thuongvu_tinh", moved.province, Role.READER))
    section = re.search(
        r'id="home-reader".*?</section>', _text(client.get(reverse("home")))
    ).group(0)
    assert entry[2025] in section
    assert entry[2026] in section


def test_a_year_belongs_to_the_tree_of_its_last_day() -> None:
    """``Reach.years``: moved on 1 July 2025, the unit's 2025 is its new
    parent's (the tree of 31 December); a period lasting to the unit's
    closing on 1 March 2027 holds 2027 too (its tree is 28 February)."""
    july = datetime.date(2025, 7, 1)
    closed = datetime.date(2027, 3, 1)
    former = Reach(IdArray([7]), IdArray([]), {7: [(None, july)]}, {7: closed})
    new = Reach(IdArray([7]), IdArray([]), {7: [(july, closed)]}, {7: closed})
    assert former.years(7) == [(None, 2025)]
    assert new.years(7) == [(2025, None)]
    # Reached only between two moves inside one year: none of its years.
    brief = Reach(IdArray([7]), IdArray([]), {7: [(july, datetime.date(2025, 10, 1))]})
    assert brief.years(7) == []
