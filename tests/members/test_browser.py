"""In a real browser: typing a name filters the member list through htmx and
the address bar keeps a shareable URL."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from tests.members.factories import make_member

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# serialized_rollback: the flush after a transactional test would otherwise
# drop the reference data the migrations loaded (positions, scales).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_typing_a_name_filters_the_list_and_the_url_can_be_shared(
    live_server, tree, secretary
) -> None:
    make_member(tree.cell1, full_name="Nguyễn Văn An")
    make_member(tree.cell2, full_name="Trần Thị Bình")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        page.goto(f"{live_server.url}/dang-nhap/")
        page.fill("input[name=username]", "bithu_thanhphong")
        page.fill("input[name=password]", "matkhau-thu-nghiem")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/dang-vien/")
        assert page.locator("table.people tbody tr").count() == 2
        page.locator("input[name=q]").press_sequentially("nguyen van an", delay=30)
        page.wait_for_url("**/dang-vien/?q=nguyen+van+an")
        rows = page.locator("table.people tbody tr")
        rows.first.wait_for()
        page.wait_for_function(
            "document.querySelectorAll('table.people tbody tr').length === 1"
        )
        assert "Nguyễn Văn An" in rows.first.inner_text()
        shared = page.url
        page.goto(shared)
        assert page.locator("table.people tbody tr").count() == 1
        browser.close()
