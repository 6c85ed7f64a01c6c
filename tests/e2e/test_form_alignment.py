"""A form in a page's flow starts under the page's heading (issue 18 item 9,
seen at 1366×768 and 820×1180): the campaign, cell-meeting, vote and import
forms were centred in a 420-px column, their labels adrift in the middle of
the page under a left-aligned heading and table."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import LAPTOP, SHOTS, TABLET, scrolls_sideways, sign_in


def _left(page: Page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["x"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_campaign_form_starts_under_its_heading(
    live_server, tree, province_officer, browser_page
) -> None:
    page = browser_page
    sign_in(page, live_server.url, province_officer.username)
    page.goto(f"{live_server.url}/danh-gia/dot/mo/")
    for name, size in (("1366", LAPTOP), ("820", TABLET)):
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"campaign_form_{name}.png")
        # The unit picker's card (with its own search form inside) comes
        # first since c45be16; it and the campaign's form both start under
        # the heading.
        heading = _left(page, "main h1")
        assert abs(_left(page, "main section.unit-picker") - heading) < 2, name
        assert abs(_left(page, 'main form[method="post"]') - heading) < 2, name
        assert not scrolls_sideways(page), name


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_units_facts_stay_inside_their_card_on_a_tablet(
    live_server, tree, board_officer, browser_page
) -> None:
    """At 820 px the label "Trực thuộc (ngày …)" took the column's width and
    the dates beside it ran past the card's edge."""
    page = browser_page
    sign_in(page, live_server.url, board_officer.username)
    page.goto(f"{live_server.url}/to-chuc/{tree.commune.pk}/")
    for name, size in (("1366", LAPTOP), ("820", TABLET)):
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"unit_facts_{name}.png", full_page=True)
        card = page.locator("section.card:has(dl.facts)").bounding_box()
        for box in page.locator("dl.facts dd").all():
            edge = box.bounding_box()
            assert edge["x"] + edge["width"] <= card["x"] + card["width"], name
        assert not scrolls_sideways(page), name
