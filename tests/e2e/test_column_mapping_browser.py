"""A secretary's own spreadsheet in a real browser (issue #19 §7): upload,
match its columns (a mistake first), dry run with the values as read,
confirm. Screenshots: /tmp/column_mapping_*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from members.import_jobs import import_job_run
from members.models import ColumnMapping, ImportJob, Membership
from tests.e2e.conftest import SHOTS, sign_in
from tests.imports.test_column_mapping import their_file, their_row


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_upload_map_columns_dry_run_and_confirm(
    live_server, browser_page, tree, secretary, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = tmp_path / "xuat-tu-he-thong.xlsx"
    upload.write_bytes(their_file([their_row(n) for n in (1, 2, 3)]))
    base = live_server.url
    page = browser_page
    sign_in(page, base, secretary.username)
    page.goto(f"{base}/dang-vien/nhap/")
    page.set_input_files("input[type=file]", str(upload))
    page.click("main form[enctype] button[type=submit]")

    main = page.locator("main")
    expect(main).to_contain_text("Ghép cột của tệp “xuat-tu-he-thong.xlsx”")
    cell = page.get_by_label("Mã chi bộ")
    expect(cell).to_have_value("Mã CB")  # suggested
    expect(page.get_by_label("Ngày sinh")).to_have_value("Ngay sinh")
    page.screenshot(path=SHOTS / "column_mapping_1_page.png", full_page=True)

    # A mistake: the cell's column left out.
    cell.select_option("")
    page.click("main form button.primary")
    expect(main).to_contain_text(
        "Cột “Mã chi bộ” là bắt buộc: hãy chọn cột của tệp chứa “Mã chi bộ”."
    )
    assert not ColumnMapping.objects.exists()
    page.get_by_label("Mã chi bộ").select_option("Mã CB")
    page.click("main form button.primary")

    # The dry run, with the values as read beside each row.
    expect(main).to_contain_text("Các cột được đọc theo cách ghép bạn vừa chọn")
    expect(main).to_contain_text("3 tháng 4 năm 1975")
    expect(main).to_contain_text("TC-TP-1 (Chi bộ thôn 1)")
    page.screenshot(path=SHOTS / "column_mapping_2_dry_run.png", full_page=True)
    confirm = page.locator("main form button.primary")
    assert confirm.inner_text() == "Xác nhận nhập 3 dòng"
    confirm.click()
    page.wait_for_url(f"{base}/dang-vien/nhap/ghi/*/")
    import_job_run.call(ImportJob.objects.get().pk)  # the worker
    page.locator("#job-status", has_text="Đã nhập").wait_for()
    expect(page.locator("#job-status")).to_contain_text("Đã nhập 3 dòng: 3 thêm mới")
    page.screenshot(path=SHOTS / "column_mapping_3_done.png", full_page=True)
    assert Membership.objects.count() == 3
    assert ColumnMapping.objects.get().columns["cell_code"] == "Mã CB"
