"""Votes of confidence, checklists and cell meetings reached by clicking
(issue 18 item 8): the officer goes from the home page to a commune's votes
and records one; the secretary goes from the home page to the year's review,
on to the checklists, ticks them and sees the result beside the level, and
deletes a meeting; the officer reads the commune's log from its page. Each
page is photographed at 1366×768 and 820×1180 (/tmp/related_*.png) and must
not scroll sideways."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from assessments.models import (
    CellMeeting,
    ConfidenceVote,
    CriteriaItem,
    CriteriaSet,
    ReviewCampaign,
)
from members.cadre_models import PositionHolding
from tests.e2e.conftest import LAPTOP, SHOTS, TABLET, scrolls_sideways, sign_in
from tests.reports.data import position

YEAR = 2024


def _look(page: Page, name: str) -> None:
    for size, label in ((TABLET, "820"), (LAPTOP, "1366")):
        page.set_viewport_size(size)
        assert not scrolls_sideways(page), f"{name} scrolls sideways at {label} px"
        page.screenshot(path=SHOTS / f"related_{name}_{label}.png", full_page=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_votes_checklists_and_meetings_are_reached_by_clicking(
    live_server, review_data, secretary, board_officer, browser_page
) -> None:
    tree, members = review_data.tree, review_data.members
    page, base = browser_page, live_server.url
    deadline = datetime.date.today() + datetime.timedelta(days=20)  # noqa: DTZ011
    ReviewCampaign.objects.create(
        unit=tree.province,
        year=YEAR,
        entry_deadline=deadline,
        decision_deadline=deadline + datetime.timedelta(days=30),
    )
    PositionHolding.objects.create(
        person=members[0],
        unit=tree.commune,
        position=position("PBT", "elected", "Phó Bí thư Đảng ủy"),
        valid_from=datetime.date(2020, 6, 1),
    )
    four_good = CriteriaSet.objects.create(
        code="4T", name="Chi bộ 4 tốt", province=tree.province, valid_from_year=2020
    )
    for i, text in enumerate(
        [
            "Chính trị tư tưởng tốt",
            "Đoàn kết nội bộ tốt",
            "Sinh hoạt nền nếp tốt",
            "Lãnh đạo thực hiện nhiệm vụ tốt",
        ],
        start=1,
    ):
        CriteriaItem.objects.create(criteria_set=four_good, order=i, text=text)
    CellMeeting.objects.create(
        cell=tree.cell1,
        date=datetime.date(YEAR, 3, 12),
        preparation=18,
        attendance=9,
        conduct=40,
        rules=14,
        conclusions=8,
    )
    CellMeeting.objects.create(
        cell=tree.cell1,
        date=datetime.date(YEAR, 4, 9),
        preparation=10,
        attendance=5,
        conduct=20,
        rules=8,
        conclusions=4,
    )

    # The officer: home → the commune's votes → one recorded.
    sign_in(page, base, board_officer.username)
    page.click(f"#votes-link-{tree.district.pk}")
    page.get_by_role("link", name=tree.commune.name).click()
    expect(page.locator("h1")).to_contain_text("Lấy phiếu tín nhiệm")
    page.select_option("#id_holding", label="Nguyễn Thị Hoa — Phó Bí thư Đảng ủy")
    page.fill("#id_voters", "30")
    page.fill("#id_high", "4")
    page.fill("#id_confidence", "6")
    page.fill("#id_low", "20")
    page.locator("#vote-form button[type=submit]").click()
    expect(page.locator("#votes")).to_contain_text("xem xét cho thôi giữ chức vụ")
    _look(page, "1_votes")
    assert ConfidenceVote.objects.get().low == 20

    # The secretary: home → the year → checklists → back to the review.
    sign_in(page, base, secretary.username)
    page.locator(f"#year-{tree.commune.pk}-{YEAR}").get_by_role(
        "link", name=f"Nhập năm {YEAR}"
    ).click()
    page.click("#checklists-link")
    page.get_by_role("link", name=tree.cell1.name).click()
    for text in (
        "Chính trị tư tưởng tốt",
        "Đoàn kết nội bộ tốt",
        "Sinh hoạt nền nếp tốt",
    ):
        page.get_by_label(text).check()
    page.locator("#checklist-form button[type=submit]").click()
    expect(page.locator("#checklist-summary")).to_contain_text(
        "Chi bộ 4 tốt: chưa đạt (3/4 tiêu chí)"
    )
    _look(page, "2_checklists")
    page.get_by_role("link", name="← Trang đánh giá").click()
    row = page.locator(f"#row-unit-{tree.cell1.pk}")
    expect(row).to_contain_text("Chi bộ 4 tốt: chưa đạt (3/4 tiêu chí)")
    expect(row).to_contain_text("Sinh hoạt: 2 buổi")
    expect(page.locator(f"#row-person-{members[0].pk}")).to_contain_text(
        "Tín nhiệm thấp 20/30"
    )
    _look(page, "3_entry")

    # A meeting recorded by mistake is deleted.
    page.get_by_role("link", name="Sinh hoạt chi bộ").first.click()
    page.get_by_role("link", name="Xóa buổi ngày 09/04/2024 của Chi bộ thôn 1").click()
    expect(page.locator("#delete-what")).to_contain_text("09/04/2024")
    page.get_by_role("button", name="Xóa buổi sinh hoạt").click()
    expect(page.locator("#meetings")).not_to_contain_text("09/04/2024")
    _look(page, "4_meetings")

    # The officer reads the commune's log from the commune's page.
    sign_in(page, base, board_officer.username)
    page.goto(f"{base}/to-chuc/{tree.commune.pk}/")
    page.click("#hub-audit")
    expect(page.locator("#audit-named")).to_contain_text(tree.commune.name)
    expect(page.locator(".history-list")).to_contain_text("xóa chất lượng sinh hoạt")
    _look(page, "5_audit")
