"""The yearly cycle as each role meets it: the home page per role, the
officer's approval inbox, campaigns seen from beneath, the grouped completion
board and the unit page's review buttons — and what an outsider sees of them."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import OrganizationReview, ReviewCampaign
from assessments.progress import progress
from tests.assessments.factories import level
from tests.factories import assign, make_unit

YEAR = 2024


def _fill(tree, user):  # type: ignore[no-untyped-def]
    good = level("organization", YEAR, "good")
    for cell in (tree.cell1, tree.cell2):
        services.unit_classification_set(user=user, unit=cell, year=YEAR, level=good)
    services.unit_classification_set(
        user=user, unit=tree.commune, year=YEAR, level=good
    )


def _campaign(unit, *, days_left: int = 10, year: int = YEAR) -> ReviewCampaign:  # type: ignore[no-untyped-def]
    deadline = timezone.localdate() + datetime.timedelta(days=days_left)
    return ReviewCampaign.objects.create(
        unit=unit,
        year=year,
        entry_deadline=deadline,
        decision_deadline=deadline + datetime.timedelta(days=30),
    )


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.content.decode())


def test_secretary_home_shows_the_year_deadline_and_days_left(
    client, tree, secretary, django_assert_max_num_queries
) -> None:
    _campaign(tree.province, days_left=12)
    client.force_login(secretary)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    body = _text(response)
    assert "Đảng bộ xã Thanh Phong" in body
    row = re.search(rf'id="year-{tree.commune.pk}-{YEAR}".*?</tr>', body).group(0)
    assert "Chưa bắt đầu" in row
    assert "còn 12 ngày" in row
    assert f"Nhập năm {YEAR}" in row
    assert reverse("assessments:review_entry", args=[tree.commune.pk, YEAR]) in row


def test_secretary_home_shows_a_return_and_its_reason(
    client, tree, secretary, board_officer
) -> None:
    _campaign(tree.district, days_left=-3)
    _fill(tree, secretary)
    review = services.review_submit(
        user=secretary, organization=tree.commune, year=YEAR
    )
    services.review_return(user=board_officer, review=review, reason="Thiếu chữ ký")
    client.force_login(secretary)
    body = _text(client.get(reverse("home")))
    row = re.search(rf'id="year-{tree.commune.pk}-{YEAR}".*?</tr>', body).group(0)
    # Returned and past the deadline: overdue, with the board's reason.
    assert "Quá hạn" in row
    assert "Thiếu chữ ký" in row
    assert "quá hạn 3 ngày" in row


def test_officer_home_counts_waiting_overdue_and_rate_per_unit_below(
    client, tree, secretary, province_officer, django_assert_max_num_queries
) -> None:
    _campaign(tree.province, days_left=-1)
    _fill(tree, secretary)
    services.review_submit(user=secretary, organization=tree.commune, year=YEAR)
    client.force_login(province_officer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("home"))
    body = _text(response)
    assert "Chờ duyệt (1)" in body
    # Grouped by the units directly below the province: each district's row.
    table = re.search(r'class="group-progress".*?</table>', body).group(0)
    assert "Huyện Thanh Chương" in table
    assert "Huyện Tân Kỳ" in table
    # Hương Sơn has not started and the deadline has passed.
    assert "Quá hạn (1)" in body
    assert "Đảng bộ xã Hương Sơn" in body.split("Quá hạn (1)")[1]


def test_reader_home_lists_the_latest_approved_reviews(
    client, tree, secretary, board_officer, reader
) -> None:
    _fill(tree, secretary)
    review = services.review_submit(
        user=secretary, organization=tree.commune, year=YEAR
    )
    services.review_approve(user=board_officer, review=review)
    client.force_login(reader)
    body = _text(client.get(reverse("home")))
    section = re.search(r'id="home-reader".*?</section>', body).group(0)
    assert "Đảng bộ xã Thanh Phong" in section
    assert f"Báo cáo của Tỉnh Nghệ An năm {YEAR}" in section


def test_outsider_home_shows_nothing_of_another_branch(
    client, tree, secretary, outsider
) -> None:
    _campaign(tree.district)
    _fill(tree, secretary)
    services.review_submit(user=secretary, organization=tree.commune, year=YEAR)
    client.force_login(outsider)
    body = _text(client.get(reverse("home")))
    assert "Thanh Phong" not in body
    assert "Huyện Thanh Chương" not in body


def test_inbox_lists_submitted_reviews_of_the_subtree_oldest_first(
    client, tree, secretary, board_officer, django_assert_max_num_queries
) -> None:
    second = make_unit(
        tree.district,
        code="TC-X",
        name="Đảng bộ xã An Sơn",
        level="grassroots_committee",
        kind="commune",
    )
    _fill(tree, secretary)
    services.review_submit(user=secretary, organization=tree.commune, year=YEAR)
    OrganizationReview.objects.create(organization=second, year=YEAR, state="draft")
    client.force_login(board_officer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("assessments:inbox"))
    body = _text(response)
    assert "Chờ duyệt (1)" in body
    assert "Đảng bộ xã Thanh Phong" in body
    assert "Đảng bộ xã An Sơn" not in body  # a draft is not waiting for the board
    entry = reverse("assessments:review_entry", args=[tree.commune.pk, YEAR])
    assert entry in body


def test_inbox_is_empty_for_a_secretary_and_hides_another_branch(
    client, tree, secretary, outsider
) -> None:
    _fill(tree, secretary)
    services.review_submit(user=secretary, organization=tree.commune, year=YEAR)
    client.force_login(secretary)
    # The secretary submitted it; only the board above decides.
    assert "Chờ duyệt (0)" in _text(client.get(reverse("assessments:inbox")))
    other_officer = outsider
    assign(other_officer, tree.other_district, "officer")
    client.force_login(other_officer)
    body = _text(client.get(reverse("assessments:inbox")))
    assert "Thanh Phong" not in body
    assert "Chờ duyệt (0)" in body


def test_campaign_opened_above_is_seen_read_only_beneath(
    client, tree, secretary, board_officer
) -> None:
    campaign = _campaign(tree.province)
    client.force_login(secretary)
    body = _text(client.get(reverse("assessments:review_home")))
    assert "Tỉnh Nghệ An" in body
    board = reverse("assessments:completion_board", args=[campaign.pk])
    response = client.get(board)
    assert response.status_code == 200
    rows = re.search(r'id="board-rows".*?</table>', _text(response)).group(0)
    assert "Đảng bộ xã Thanh Phong" in rows
    assert "Hương Sơn" not in rows
    assert 'type="checkbox"' not in rows
    client.force_login(board_officer)
    response = client.get(board)
    # The district officer's board starts at their district, whose
    # organizations sit directly below it: no groups, the organizations.
    assert 'id="board-groups"' not in _text(response)
    rows = re.search(r'id="board-rows".*?</table>', _text(response)).group(0)
    assert "Đảng bộ xã Thanh Phong" in rows
    assert "Hương Sơn" not in rows


def test_outsider_gets_404_on_a_campaign_and_a_drill_down_elsewhere(
    client, tree, outsider, board_officer
) -> None:
    campaign = _campaign(tree.district)
    client.force_login(outsider)
    url = reverse("assessments:completion_board", args=[campaign.pk])
    assert client.get(url).status_code == 404
    province_campaign = _campaign(tree.province, year=YEAR + 1)
    url = reverse("assessments:completion_board", args=[province_campaign.pk])
    client.force_login(board_officer)
    assert client.get(f"{url}?unit={tree.other_district.pk}").status_code == 404
    assert client.get(f"{url}?unit={tree.district.pk}").status_code == 200


def test_board_groups_by_the_level_below_with_rates_filter_and_drill_down(
    client,
    tree,
    secretary,
    board_officer,
    province_officer,
    django_assert_max_num_queries,
) -> None:
    campaign = _campaign(tree.province, days_left=-1)
    _fill(tree, secretary)
    review = services.review_submit(
        user=secretary, organization=tree.commune, year=YEAR
    )
    services.review_approve(user=board_officer, review=review)
    built = progress(
        roots=[tree.province],
        year=YEAR,
        deadline=campaign.entry_deadline,
        user=province_officer,
    )
    rates = {g.unit.name: (g.total, g.done, g.rate) for g in built.groups}
    assert rates == {
        "Huyện Tân Kỳ": (1, 0, 0.0),
        "Huyện Thanh Chương": (1, 1, 100.0),
    }
    assert [r.name for r in built.overdue] == ["Đảng bộ xã Hương Sơn"]
    client.force_login(province_officer)
    url = reverse("assessments:completion_board", args=[campaign.pk])
    with django_assert_max_num_queries(12):
        response = client.get(f"{url}?state=overdue")
    rows = re.search(r'id="board-rows".*?</table>', _text(response)).group(0)
    assert "Hương Sơn" in rows
    assert "Thanh Phong" not in rows
    response = client.get(url)
    groups = re.search(r'id="board-groups".*?</table>', _text(response)).group(0)
    drill = f"?unit={tree.district.pk}"
    assert drill in groups
    assert "100 %" in groups
    response = client.get(f"{url}{drill}")
    rows = re.search(r'id="board-rows".*?</table>', _text(response)).group(0)
    assert "Đảng bộ xã Thanh Phong" in rows
    assert "Đã duyệt" in rows
    assert "Hương Sơn" not in rows


def test_unit_page_links_each_years_review_with_its_state(
    client, tree, secretary, outsider
) -> None:
    _campaign(tree.province)
    client.force_login(secretary)
    response = client.get(reverse("organizations:unit_detail", args=[tree.commune.pk]))
    body = _text(response)
    hub = re.search(r'id="unit-reviews".*?</section>', body).group(0)
    assert reverse("assessments:review_entry", args=[tree.commune.pk, YEAR]) in hub
    assert "Chưa bắt đầu" in hub
    related = re.search(r'id="unit-related".*?</nav>', body).group(0)
    assert f"?unit={tree.commune.pk}" in related
    client.force_login(outsider)
    url = reverse("organizations:unit_detail", args=[tree.commune.pk])
    assert client.get(url).status_code == 404
