"""What the browser tests share: Chromium (the system's, never a downloaded
one), the two screen sizes issue 18 asks pages to fit, signing in, the
review data, and waiting for an htmx row save."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from assessments.models import ClassificationRule, Scale, ScaleLevel
from assessments.rules import load_rules
from assessments.scales import load_scales
from members.models import Person
from tests.assessments.factories import make_member
from tests.browser import launch
from tests.conftest import Tree

# Screenshots go to /tmp, to look at after the run.
SHOTS = Path("/tmp")  # noqa: S108
PASSWORD = "matkhau-thu-nghiem"
LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 820, "height": 1180}


@pytest.fixture
def browser_page():  # type: ignore[no-untyped-def]
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport=LAPTOP)
        yield page
        browser.close()


@dataclass
class ReviewData:
    tree: Tree
    members: list[Person]


@pytest.fixture
def review_data(tree: Tree) -> ReviewData:
    """The conftest tree with the scales and rules, and one member in each
    cell. Transactional tests flush the tables: the reference data that
    migrations 0002/0004 ship is loaded again."""
    load_scales(Scale, ScaleLevel)
    load_rules(Scale, ClassificationRule)
    members = [
        make_member(tree.cell1, "Nguyễn Thị Hoa"),
        make_member(tree.cell2, "Trần Văn Bình"),
    ]
    return ReviewData(tree, members)


def sign_in(page: Page, base: str, username: str) -> None:
    """Sign in; the login leads to the home page."""
    page.context.clear_cookies()
    page.goto(f"{base}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def scrolls_sideways(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def saved(page: Page, key: str, action) -> None:  # type: ignore[no-untyped-def]
    """Do ``action`` on a row and wait until htmx has swapped in the saved row.

    The old row may show "saved" from an earlier change: waiting for that
    alone let the next step type into the row about to be replaced (a flaky
    timeout in CI), so wait for the old row to leave first.
    """
    old_row = page.locator(f"#row-{key}").element_handle()
    with page.expect_response(lambda r: "/dong/" in r.url):
        action()
    old_row.wait_for_element_state("hidden")
    expect(page.locator(f"#row-{key} .saved")).to_be_visible()


def choose(page: Page, key: str, label: str) -> None:
    """Choose a level with the pointer, then leave the row: one save."""

    def pick() -> None:
        select = page.locator(f"#row-{key} select")
        select.focus()
        select.select_option(label=label)
        page.locator("h1").click()

    saved(page, key, pick)


def remark(page: Page, key: str, text: str) -> None:
    page.fill(f"input[name='{key}-remarks']", text)
    saved(page, key, lambda: page.keyboard.press("Tab"))
