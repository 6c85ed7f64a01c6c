"""A board officer opens a report in a real browser, changes the year and downloads."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

from tests.browser import launch
from tests.e2e.conftest import LAPTOP, SHOTS, TABLET, scrolls_sideways, sign_in
from tests.reports.data import approve, classify_unit


@pytest.fixture(scope="session", autouse=True)
def _restore_reference_data_after_report_browser_test(
    django_db_setup: None, django_db_blocker
) -> Iterator[None]:
    """The transactional test flushes what data migrations loaded (scales,
    position standards); put it back for ``--reuse-db`` runs (same as
    tests/e2e/test_tree_browser.py)."""
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_board_officer_compares_years_and_downloads_excel(
    live_server, tree, board_officer, tmp_path
) -> None:
    classify_unit(tree.commune, 2024, "excellent")
    classify_unit(tree.commune, 2025, "good")
    approve(tree.commune, year=2024)
    approve(tree.commune, year=2025)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(accept_downloads=True)
        page.goto(live_server.url + "/dang-nhap/")
        page.fill("input[name=username]", "bantochuc_huyen")
        page.fill("input[name=password]", "matkhau-thu-nghiem")
        page.click("form button[type=submit].primary")
        page.wait_for_url(lambda url: "dang-nhap" not in url)
        page.goto(live_server.url + "/bao-cao/")
        page.click("text=Báo cáo chất lượng tổ chức cơ sở đảng và chi bộ")
        page.fill("input[name=year]", "2025")
        page.fill("input[name=compare]", "2024")
        page.click("text=Xem báo cáo")
        page.wait_for_selector("svg.chart")
        assert (
            page.locator("h1").inner_text()
            == "Báo cáo chất lượng tổ chức cơ sở đảng và chi bộ"
        )
        table = page.locator("#table-change").inner_text()
        assert "± 2024" in table
        assert "-100,0" in table  # from 1/1 excellent in 2024 to 0/1 in 2025
        # The approval line arrives after the figures, beside each table.
        page.wait_for_selector("#approval-levels:not(.pending)")
        assert (
            page.locator("#approval-levels").inner_text()
            == "1/1 tổ chức cơ sở đảng đã được duyệt"
        )
        assert page.locator("#approval-change").inner_text() == (
            "Năm 2025: 1/1 tổ chức cơ sở đảng đã được duyệt; "
            "Năm 2024: 1/1 tổ chức cơ sở đảng đã được duyệt"
        )
        page.screenshot(
            path=os.environ.get("PQ_SCREENSHOT", str(tmp_path / "report.png")),
            full_page=True,
        )
        with page.expect_download() as download:
            page.click("text=Tải Excel")
        assert download.value.suggested_filename.endswith(".xlsx")
        browser.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_officer_moves_between_units_with_the_picker(
    live_server, tree, province_officer
) -> None:
    """From the home page to a report, one level down by a click, then a
    commune found by its name typed without accents: no list of every unit."""
    classify_unit(tree.other_commune, 2025, "good")
    approve(tree.other_commune, year=2025)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport=LAPTOP)
        sign_in(page, live_server.url, "bantochuc_tinh")
        page.click("nav >> text=Báo cáo")
        page.click("text=Báo cáo chất lượng tổ chức cơ sở đảng và chi bộ")
        page.fill("input[name=year]", "2025")
        page.fill("input[name=compare]", "2024")
        page.click("text=Xem báo cáo")
        page.wait_for_selector("svg.chart")
        assert page.locator("select[name=unit]").count() == 0
        assert page.locator(".unit-path strong").inner_text() == "Tỉnh Nghệ An"
        page.click(".unit-children >> text=Huyện Tân Kỳ")
        page.wait_for_selector(".unit-path strong:has-text('Huyện Tân Kỳ')")
        assert page.locator(".unit-path a").all_inner_texts() == ["Tỉnh Nghệ An"]
        assert page.locator("#f-compare").input_value() == "2024"
        page.fill("#unit-q", "huong son")
        page.wait_for_selector("#unit-matches a")
        assert page.locator("#unit-matches a").all_inner_texts() == [
            "Đảng bộ xã Hương Sơn"
        ]
        page.click("#unit-matches >> text=Đảng bộ xã Hương Sơn")
        page.wait_for_selector(".unit-path strong:has-text('Đảng bộ xã Hương Sơn')")
        assert page.locator(".subtitle").inner_text() == (
            "Đảng bộ xã Hương Sơn — năm 2025"
        )
        assert page.locator("#f-compare").input_value() == "2024"
        assert page.locator(".unit-path a").all_inner_texts() == [
            "Tỉnh Nghệ An",
            "Huyện Tân Kỳ",
        ]
        page.wait_for_selector("#approval-levels:not(.pending)")
        assert (
            page.locator("#approval-levels").inner_text()
            == "1/1 tổ chức cơ sở đảng đã được duyệt"
        )
        for name, size in (("1366", LAPTOP), ("820", TABLET)):
            page.set_viewport_size(size)
            page.goto(
                page.url.replace(
                    f"unit={tree.other_commune.pk}", f"unit={tree.province.pk}"
                )
            )
            assert not scrolls_sideways(page), name
            page.screenshot(
                path=str(SHOTS / f"report-picker-{name}.png"), full_page=True
            )
        browser.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_province_officer_opens_a_campaign_on_a_district_chosen_by_click(
    live_server, tree, province_officer
) -> None:
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport=TABLET)
        sign_in(page, live_server.url, "bantochuc_tinh")
        page.goto(live_server.url + "/danh-gia/dot/mo/")
        assert page.locator("#campaign-unit strong").inner_text() == "Tỉnh Nghệ An"
        page.click(".unit-children >> text=Huyện Thanh Chương")
        page.wait_for_selector("#campaign-unit strong:has-text('Huyện Thanh Chương')")
        assert not scrolls_sideways(page)
        page.screenshot(path=str(SHOTS / "campaign-picker-820.png"), full_page=True)
        page.fill("input[name=year]", "2025")
        page.fill("input[name=entry_deadline]", "15/01/2026")
        page.fill("input[name=decision_deadline]", "15/02/2026")
        page.click("form.narrow button.primary")
        page.wait_for_url(lambda url: "/dot/mo/" not in url)
        assert "Huyện Thanh Chương" in page.locator("h1").inner_text()
        browser.close()
