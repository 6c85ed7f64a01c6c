"""The review entry page by keyboard alone (issue 18 item 5): Tab walks a
row's fields in order, the arrow keys choose a level, and leaving a row
saves it in one request, answered by the row and the checks out of band.
Nothing is saved while the secretary is still in the row, and submitting
waits for the last row's save."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assessments.models import MemberClassification, UnitClassification
from tests.e2e.conftest import SHOTS, sign_in

GOOD = "Hoàn thành tốt nhiệm vụ"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_levels_are_entered_by_keyboard_one_request_per_row(
    live_server, review_data, secretary, browser_page
) -> None:
    tree, members = review_data.tree, review_data.members
    page = browser_page
    sign_in(page, live_server.url, secretary.username)
    page.goto(f"{live_server.url}/danh-gia/{tree.commune.pk}/2024/")
    saves: list[str] = []
    page.on(
        "request",
        lambda r: saves.append(r.post_data or "") if "/dong/" in r.url else None,
    )
    keys = [
        f"unit-{tree.cell1.pk}",
        f"unit-{tree.cell2.pk}",
        f"unit-{tree.commune.pk}",
        f"person-{members[0].pk}",
        f"person-{members[1].pk}",
    ]
    page.focus(f"#{keys[0]}-level")
    for number, key in enumerate(keys[:-1], start=1):
        expect(page.locator(f"#{key}-level")).to_be_focused()
        # "—", then the first level, then the second: "good".
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        expect(page.locator(f"#{key}-level option:checked")).to_have_text(GOOD)
        page.keyboard.press("Tab")
        expect(page.locator(f"#{key}-remarks")).to_be_focused()
        page.keyboard.type("Gương mẫu")
        # Still in the row: nothing sent yet, whatever the keys pressed.
        assert len(saves) == number - 1
        old_row = page.locator(f"#row-{key}").element_handle()
        with page.expect_response(lambda r: "/dong/" in r.url):
            page.keyboard.press("Tab")
        old_row.wait_for_element_state("hidden")
        expect(page.locator(f"#row-{key} .saved")).to_be_visible()
        assert len(saves) == number, "one request per row"
        assert f"row={key}" in saves[-1]
    page.screenshot(path=SHOTS / "review_keyboard.png", full_page=True)
    # The last row: a level chosen, then straight to "submit" while still
    # in the row. The submission waits for the row's save, or it would be
    # refused for a member not yet classified.
    last = keys[-1]
    expect(page.locator(f"#{last}-level")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.fill(f"#{last}-remarks", "Gương mẫu")
    page.click("#submit-review")
    expect(page.locator("#review-state")).to_have_text("Đã trình")
    assert len(saves) == len(keys)
    assert (
        UnitClassification.objects.filter(
            level__label=GOOD, remarks="Gương mẫu"
        ).count()
        == 3
    )
    assert (
        MemberClassification.objects.filter(
            level__label=GOOD, remarks="Gương mẫu"
        ).count()
        == 2
    )
