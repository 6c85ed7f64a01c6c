"""The spreadsheet import as a secretary sees it (dry run with an error by row
and column, then the import), the officer's home and change log.
Screenshots: /tmp/review_import_*.png, /tmp/review_audit.png."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from assessments.models import (
    ClassificationRule,
    ReviewCampaign,
    Scale,
    ScaleLevel,
    UnitClassification,
)
from assessments.rules import load_rules
from assessments.scales import load_scales
from members.import_jobs import import_job_run
from members.models import ImportJob
from tests.e2e.conftest import SHOTS, sign_in


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã chi bộ", "Số thẻ đảng viên", "Năm", "Mức", "Điểm", "Nhận xét"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return path


# serialized_rollback (as in test_tree_browser.py): the flush after the test
# then leaves content types for the next test to restore with their own ids.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_secretary_imports_after_a_dry_run_and_the_officer_sees_the_change_log(
    live_server, browser_page, tree, secretary, board_officer, tmp_path
) -> None:
    load_scales(Scale, ScaleLevel)
    load_rules(Scale, ClassificationRule)
    ReviewCampaign.objects.create(
        unit=tree.district,
        year=2024,
        entry_deadline=datetime.date(2025, 1, 15),
        decision_deadline=datetime.date(2025, 2, 15),
    )
    good = [
        ["TC-TP-1", None, 2024, "HTTNV", None, "Tốt"],
        ["TC-TP-2", None, 2024, "HTTNV", None, ""],
    ]
    bad = _xlsx(
        tmp_path / "loi.xlsx", [*good, ["TC-TP-9", None, 2024, "HTTNV", None, ""]]
    )
    ok = _xlsx(tmp_path / "dung.xlsx", good)
    base = live_server.url
    page = browser_page
    sign_in(page, base, secretary.username)
    page.goto(f"{base}/danh-gia/")
    page.screenshot(path=SHOTS / "review_import_0_home.png", full_page=True)
    own_page = f"/danh-gia/{tree.commune.pk}/2024/nhap/"
    page.goto(f"{base}{own_page}")
    # The organization's page sends the file to the imports pages' check.
    page.set_input_files("input[type=file]", str(bad))
    page.click("main form button.primary")
    expect(page.locator("main")).to_contain_text("Không có chi bộ mã “tc-tp-9”")
    expect(page.locator("main form button.primary")).to_have_count(0)
    page.screenshot(path=SHOTS / "review_import_1_errors.png", full_page=True)
    assert not UnitClassification.objects.exists()  # all or nothing
    # A corrected file goes in from the organization's page again.
    page.locator(f'main a[href="{own_page}"]').first.click()
    page.set_input_files("input[type=file]", str(ok))
    page.click("main form button.primary")
    confirm = page.locator("main form button.primary")
    expect(confirm).to_have_text("Xác nhận nhập 2 dòng")
    confirm.click()
    page.wait_for_url(f"{base}/dang-vien/nhap/ghi/*/")
    import_job_run.call(ImportJob.objects.latest("pk").pk)  # the worker
    page.locator("#job-status", has_text="Đã nhập").wait_for()
    expect(page.locator("#job-status")).to_contain_text("Đã nhập 2 dòng")
    assert UnitClassification.objects.filter(year=2024).count() == 2

    sign_in(page, base, board_officer.username)
    page.goto(f"{base}/danh-gia/nhat-ky/")
    expect(page.locator(".history-list")).to_contain_text("Chi bộ thôn 2 2024")
    page.screenshot(path=SHOTS / "review_audit.png", full_page=True)
