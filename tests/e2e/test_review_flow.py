"""A secretary fills and submits a year (htmx saves), the officer returns it
with a reason, the secretary fixes and resubmits, the officer approves, and
the page then refuses edits. Screenshots go to /tmp/review_*.png."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from assessments.models import MemberClassification, OrganizationReview, ReviewCampaign
from tests.e2e.conftest import SHOTS, choose, remark, sign_in


# serialized_rollback (as in test_tree_browser.py): the flush after the test
# then leaves content types for the next test to restore with their own ids.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_secretary_submits_officer_returns_then_approves_and_the_year_locks(
    live_server, review_data, secretary, board_officer, browser_page
) -> None:
    tree, members = review_data.tree, review_data.members
    page = browser_page
    base = live_server.url
    url = f"{base}/danh-gia/{tree.commune.pk}/2024/"

    sign_in(page, base, secretary.username)
    page.goto(url)
    page.screenshot(path=SHOTS / "review_0_start.png", full_page=True)
    choose(page, f"unit-{tree.cell1.pk}", "Hoàn thành tốt nhiệm vụ")
    choose(page, f"unit-{tree.cell2.pk}", "Hoàn thành tốt nhiệm vụ")
    choose(page, f"unit-{tree.commune.pk}", "Hoàn thành tốt nhiệm vụ")
    choose(page, f"person-{members[0].pk}", "Hoàn thành tốt nhiệm vụ")
    # Breaking the 20% quota shows why, live, in the checks panel.
    choose(page, f"person-{members[1].pk}", "Hoàn thành xuất sắc nhiệm vụ")
    expect(page.locator("#rule-checks")).to_contain_text("vượt quá 20%")
    page.screenshot(path=SHOTS / "review_1_quota.png", full_page=True)
    choose(page, f"person-{members[1].pk}", "Hoàn thành tốt nhiệm vụ")
    remark(page, f"person-{members[1].pk}", "Gương mẫu")
    expect(page.locator("#rule-checks")).to_contain_text("có thể trình")
    page.click("#submit-review")
    expect(page.locator("#review-state")).to_have_text("Đã trình")

    sign_in(page, base, board_officer.username)
    page.goto(url)
    page.fill("#return-reason-input", "Bổ sung nhận xét cho đồng chí Hoa")
    page.click("#return-review")
    expect(page.locator("#review-state")).to_have_text("Bị trả lại")

    sign_in(page, base, secretary.username)
    page.goto(url)
    expect(page.locator("#return-reason")).to_have_text(
        "Bổ sung nhận xét cho đồng chí Hoa"
    )
    page.screenshot(path=SHOTS / "review_2_returned.png", full_page=True)
    remark(page, f"person-{members[0].pk}", "Đã bổ sung nhận xét")
    page.click("#submit-review")
    expect(page.locator("#review-state")).to_have_text("Đã trình")

    sign_in(page, base, board_officer.username)
    campaign = ReviewCampaign.objects.create(
        unit=tree.district,
        year=2024,
        entry_deadline=datetime.date(2025, 1, 15),
        decision_deadline=datetime.date(2025, 2, 15),
        opened_by=board_officer,
    )
    page.goto(f"{base}/danh-gia/dot/{campaign.pk}/")
    expect(page.locator("#board-counts [data-state=submitted]")).to_have_text("1")
    page.screenshot(path=SHOTS / "review_5_board.png", full_page=True)
    page.get_by_role("link", name="Xem").first.click()
    page.click("#approve-review")
    expect(page.locator("#review-state")).to_have_text("Đã duyệt")
    page.screenshot(path=SHOTS / "review_3_approved.png", full_page=True)
    page.goto(f"{base}/danh-gia/dot/{campaign.pk}/")
    expect(page.locator("#board-counts [data-state=approved]")).to_have_text("1")
    page.goto(f"{url}lich-su/")
    expect(page.locator(".history-list")).to_contain_text("Gương mẫu")
    page.screenshot(path=SHOTS / "review_6_history.png", full_page=True)

    sign_in(page, base, secretary.username)
    page.goto(url)
    expect(page.locator("#locked-note")).to_be_visible()
    expect(page.locator("select")).to_have_count(0)
    page.screenshot(path=SHOTS / "review_4_locked.png", full_page=True)
    assert OrganizationReview.objects.get().state == "approved"
    assert MemberClassification.objects.get(person=members[0]).remarks == (
        "Đã bổ sung nhận xét"
    )
    assert MemberClassification.objects.get(person=members[1]).remarks == "Gương mẫu"
