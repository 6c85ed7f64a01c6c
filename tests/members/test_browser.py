"""In a real browser: typing a name filters the member list through htmx and
the address bar keeps a shareable URL."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import launch
from tests.members.factories import make_member


def _logged_in_page(browser, base: str, username: str):  # type: ignore[no-untyped-def]
    """A new page logged in as ``username`` (the factories' password)."""
    page = browser.new_page()
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "matkhau-thu-nghiem")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _secretary_page(browser, base: str):  # type: ignore[no-untyped-def]
    """A new page logged in as the commune's secretary."""
    return _logged_in_page(browser, base, "bithu_thanhphong")


# serialized_rollback: the flush after a transactional test would otherwise
# drop the reference data the migrations loaded (positions, scales).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_typing_a_name_filters_the_list_and_the_url_can_be_shared(
    live_server, tree, secretary
) -> None:
    make_member(tree.cell1, full_name="Nguyễn Văn An")
    make_member(tree.cell2, full_name="Trần Thị Bình")
    with sync_playwright() as p:
        browser = launch(p)
        page = _secretary_page(browser, live_server.url)
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
        # The count arrives after the rows, in its own fragment.
        page.locator(".list-count", has_text="1 đảng viên").wait_for()
        shared = page.url
        page.goto(shared)
        assert page.locator("table.people tbody tr").count() == 1
        browser.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_secretary_imports_members_and_follows_the_writing(
    live_server, tree, secretary, settings, tmp_path
) -> None:
    """Confirming sends the secretary to a page that follows the writing
    (queued, then its progress) and says what was written once it is done."""
    from members.import_jobs import import_job_run
    from members.models import ImportJob, Membership
    from tests.members.import_files import member_row, xlsx

    settings.MEDIA_ROOT = tmp_path
    upload = tmp_path / "dang-vien.xlsx"
    upload.write_bytes(xlsx([member_row(n) for n in range(1, 4)]))
    with sync_playwright() as p:
        browser = launch(p)
        page = _secretary_page(browser, live_server.url)
        page.goto(f"{live_server.url}/dang-vien/nhap/")
        page.set_input_files("input[type=file]", str(upload))
        page.click("main form[enctype] button[type=submit]")
        confirm = page.locator("main form button.primary")
        assert confirm.inner_text() == "Xác nhận nhập 3 dòng"
        confirm.click()
        page.wait_for_url(f"{live_server.url}/dang-vien/nhap/ghi/*/")
        status = page.locator("#job-status")
        assert "Đang chờ — 3 dòng" in status.inner_text()
        assert Membership.objects.count() == 0
        # The worker (manage.py db_worker) takes the job; the page, asking
        # every second, shows the outcome without being reloaded.
        import_job_run.call(ImportJob.objects.get().pk)
        page.locator("#job-status", has_text="Đã nhập").wait_for()
        assert "Đã nhập 3 dòng: 3 thêm mới" in status.inner_text()
        page.screenshot(path="/tmp/member_import_done.png")  # noqa: S108
        browser.close()
    assert Membership.objects.count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_choosing_a_unit_offers_its_children_next(
    live_server, tree, board_officer
) -> None:
    """The unit select shows the tree down to the chosen unit: after choosing
    the commune (through htmx, without reloading the page) its cells are
    offered, and choosing a cell filters the list."""
    make_member(tree.cell1, full_name="Nguyễn Văn An")
    make_member(tree.cell2, full_name="Trần Thị Bình")
    with sync_playwright() as p:
        browser = launch(p)
        page = _logged_in_page(browser, live_server.url, "bantochuc_huyen")
        page.goto(f"{live_server.url}/dang-vien/")
        options = page.locator("#id_unit option")
        assert options.all_inner_texts() == [
            "Tất cả đơn vị",
            "Huyện Thanh Chương",
            "\u2003Đảng bộ xã Thanh Phong",
        ]
        page.select_option("#id_unit", str(tree.commune.pk))
        page.wait_for_url(f"**/dang-vien/?unit={tree.commune.pk}")
        page.wait_for_function(
            "document.querySelectorAll('#id_unit option').length === 5"
        )
        assert options.all_inner_texts()[3:] == [
            "\u2003\u2003Chi bộ thôn 1",
            "\u2003\u2003Chi bộ thôn 2",
        ]
        page.select_option("#id_unit", str(tree.cell2.pk))
        page.wait_for_url(f"**/dang-vien/?unit={tree.cell2.pk}")
        page.wait_for_function(
            "document.querySelectorAll('table.people tbody tr').length === 1"
        )
        assert "Trần Thị Bình" in page.locator("table.people tbody tr").inner_text()
        assert page.locator("#id_unit option:checked").inner_text().strip() == (
            "Chi bộ thôn 2"
        )
        browser.close()
