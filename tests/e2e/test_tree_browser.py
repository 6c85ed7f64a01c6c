"""In a real browser: each role logs in through the form and sees only its
part of the tree, expanding nodes with htmx (Debian Chromium, Playwright)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

from tests.browser import CHROMIUM, launch

# Screenshots to look at after a run (/tmp/tree.png).
SHOTS = Path(tempfile.gettempdir())
PASSWORD = "matkhau-thu-nghiem"  # tests.factories.UserFactory

pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian Chromium is not installed at /usr/bin/chromium",
    ),
    # The live server needs committed data; restore what migrations loaded
    # (the classification scales) for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="session", autouse=True)
def _restore_migrated_data_after_browser_tests(
    django_db_setup: None, django_db_blocker
) -> Iterator[None]:
    """The committed (transactional) database these tests need is flushed after
    each test, taking what data migrations loaded (the classification scales)
    with it; with ``--reuse-db`` the next run would start without them. Put
    them back when the session ends. (Candidate for a shared tests/e2e/conftest.py.)"""
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def page(live_server) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1100, "height": 800}, locale="vi-VN")
        page.set_default_timeout(10_000)
        yield page
        browser.close()


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/to-chuc/cay/")
    assert "/dang-nhap/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/to-chuc/cay/")


def expand(page, name: str) -> None:
    """Click the disclosure triangle of the node (not its link)."""
    page.locator("summary", has_text=name).first.click(position={"x": 6, "y": 8})


def test_secretary_sees_only_their_organization_and_expands_it(
    page, live_server, tree, secretary
) -> None:
    log_in(page, live_server, secretary.username)
    body = page.locator("main")
    assert body.get_by_role("link", name="Đảng bộ xã Thanh Phong").is_visible()
    expand(page, "Đảng bộ xã Thanh Phong")
    page.get_by_role("link", name="Chi bộ thôn 1").wait_for()
    assert page.get_by_role("link", name="Chi bộ thôn 2").is_visible()
    text = body.inner_text()
    for foreign in ("Hương Sơn", "Tân Kỳ", "Huyện Thanh Chương", "Tỉnh Nghệ An"):
        assert foreign not in text
    page.screenshot(path=SHOTS / "tree.png", full_page=True)
    # Collapsing hides the cells again without another request.
    expand(page, "Đảng bộ xã Thanh Phong")
    assert not page.get_by_role("link", name="Chi bộ thôn 1").is_visible()


def test_board_officer_sees_their_district_down_to_the_cells(
    page, live_server, tree, board_officer
) -> None:
    log_in(page, live_server, board_officer.username)
    expand(page, "Huyện Thanh Chương")
    page.get_by_role("link", name="Đảng bộ xã Thanh Phong").wait_for()
    expand(page, "Đảng bộ xã Thanh Phong")
    page.get_by_role("link", name="Chi bộ thôn 2").wait_for()
    text = page.locator("main").inner_text()
    assert "Hương Sơn" not in text
    assert "Huyện Tân Kỳ" not in text
    page.screenshot(path=SHOTS / "tree_board.png", full_page=True)
