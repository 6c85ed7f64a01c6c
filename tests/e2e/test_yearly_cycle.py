"""Issue 18 "Done when": each role starts from its home page and only clicks.

The secretary finds the open year on the home page, enters it and submits;
the officer of the level above finds it in the inbox and returns it with a
reason; the secretary reads the reason on the home page, fixes and
resubmits; the officer approves; the reader finds the approved result and
the unit's report. Every page is photographed at 1366×768 and 820×1180
(/tmp/cycle_*.png), and the entry page must not scroll sideways at 820 px.
"""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from assessments.models import OrganizationReview, ReviewCampaign
from tests.e2e.conftest import (
    LAPTOP,
    SHOTS,
    TABLET,
    choose,
    remark,
    scrolls_sideways,
    sign_in,
)

YEAR = 2024


def _shots(page: Page, name: str) -> None:
    """The page at both sizes; the laptop size is left in place."""
    page.set_viewport_size(TABLET)
    page.screenshot(path=SHOTS / f"cycle_{name}_820.png", full_page=True)
    page.set_viewport_size(LAPTOP)
    page.screenshot(path=SHOTS / f"cycle_{name}_1366.png", full_page=True)


def _home(page: Page, base: str, username: str) -> None:
    sign_in(page, base, username)
    expect(page.locator("h1")).to_have_text("Việc hôm nay")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_role_goes_through_the_year_from_its_home_page_by_clicking(
    live_server, review_data, secretary, board_officer, reader, browser_page
) -> None:
    tree, members = review_data.tree, review_data.members
    page = browser_page
    base = live_server.url
    # The province opened the year; its deadline is ahead.
    deadline = datetime.date.today() + datetime.timedelta(days=20)  # noqa: DTZ011
    ReviewCampaign.objects.create(
        unit=tree.province,
        year=YEAR,
        entry_deadline=deadline,
        decision_deadline=deadline + datetime.timedelta(days=30),
    )
    good = "Hoàn thành tốt nhiệm vụ"
    year_row = f"#year-{tree.commune.pk}-{YEAR}"

    # The secretary: the open year on the home page, with its deadline.
    _home(page, base, secretary.username)
    expect(page.locator(year_row)).to_contain_text("Chưa bắt đầu")
    expect(page.locator(year_row)).to_contain_text("còn 20 ngày")
    _shots(page, "1_secretary_home")
    page.locator(year_row).get_by_role("link", name=f"Nhập năm {YEAR}").click()
    expect(page.locator("h1")).to_contain_text("Đảng bộ xã Thanh Phong")
    page.set_viewport_size(TABLET)
    assert not scrolls_sideways(page), "the entry page scrolls sideways at 820 px"
    page.set_viewport_size(LAPTOP)
    assert not scrolls_sideways(page)
    for key in (
        f"unit-{tree.cell1.pk}",
        f"unit-{tree.cell2.pk}",
        f"unit-{tree.commune.pk}",
        f"person-{members[0].pk}",
        f"person-{members[1].pk}",
    ):
        choose(page, key, good)
    expect(page.locator("#rule-checks")).to_contain_text("có thể trình")
    _shots(page, "2_entry_filled")
    page.set_viewport_size(TABLET)
    assert not scrolls_sideways(page), "the filled entry page scrolls at 820 px"
    page.set_viewport_size(LAPTOP)
    page.click("#submit-review")
    expect(page.locator("#review-state")).to_have_text("Đã trình")

    # The officer of the level above: the inbox, then the review, returned.
    _home(page, base, board_officer.username)
    expect(page.locator("#inbox-link")).to_have_text("Chờ duyệt (1)")
    _shots(page, "3_officer_home")
    page.click("#inbox-link")
    expect(page.locator("#inbox")).to_contain_text("Đảng bộ xã Thanh Phong")
    _shots(page, "4_inbox")
    page.get_by_role("link", name="Mở để duyệt").click()
    expect(page.locator("#review-state")).to_have_text("Đã trình")
    _shots(page, "5_officer_review")
    page.fill("#return-reason-input", "Bổ sung nhận xét cho đồng chí Hoa")
    page.click("#return-review")
    expect(page.locator("#review-state")).to_have_text("Bị trả lại")

    # The secretary reads the reason on the home page, fixes, resubmits.
    _home(page, base, secretary.username)
    expect(page.locator(f"{year_row} .reason")).to_have_text(
        "Bổ sung nhận xét cho đồng chí Hoa"
    )
    _shots(page, "6_secretary_returned")
    page.locator(year_row).get_by_role("link", name=f"Nhập năm {YEAR}").click()
    expect(page.locator("#return-reason")).to_have_text(
        "Bổ sung nhận xét cho đồng chí Hoa"
    )
    remark(page, f"person-{members[0].pk}", "Đã bổ sung nhận xét")
    page.click("#submit-review")
    expect(page.locator("#review-state")).to_have_text("Đã trình")

    # The officer approves from the inbox.
    _home(page, base, board_officer.username)
    page.click("#inbox-link")
    page.get_by_role("link", name="Mở để duyệt").click()
    page.click("#approve-review")
    expect(page.locator("#review-state")).to_have_text("Đã duyệt")
    _shots(page, "7_approved")
    page.get_by_role("link", name="Hộp chờ duyệt").click()
    expect(page.locator("#inbox")).to_contain_text("Không có hồ sơ nào chờ duyệt.")

    # The reader finds the approved result and the unit's report.
    _home(page, base, reader.username)
    section = page.locator("#home-reader")
    expect(section).to_contain_text("Đảng bộ xã Thanh Phong")
    _shots(page, "8_reader_home")
    section.get_by_role("link", name="Đảng bộ xã Thanh Phong").click()
    expect(page.locator("#review-state")).to_have_text("Đã duyệt")
    expect(page.locator("#locked-note")).to_be_visible()
    expect(page.locator("select")).to_have_count(0)
    _shots(page, "9_reader_review")
    page.go_back()
    page.locator("#home-reader").get_by_role(
        "link", name="Báo cáo chất lượng tổ chức cơ sở đảng và chi bộ"
    ).click()
    expect(page.locator("main")).to_contain_text(f"Tỉnh Nghệ An — năm {YEAR}")
    # The approved year counts in the official figures.
    expect(page.locator("main")).to_contain_text("Số liệu chính thức")
    _shots(page, "10_reader_report")
    assert OrganizationReview.objects.get().state == "approved"
