"""A dry run is written once, by whoever checked the file (the worker for a
large one), and its review pages and error workbook are read from those
files (issue #16: not unpickled whole, not built, in each web request)."""

from __future__ import annotations

import datetime
import re
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.urls import reverse
from openpyxl import load_workbook

from members.import_jobs import upload_check_run
from members.models import Membership, UploadCheck
from partyquality import dry_runs
from tests.members.import_files import member_row, xlsx


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_CHECK_IN_REQUEST_BYTES = 0  # the worker checks every upload


def _rows(count: int) -> list[list[object]]:
    born = datetime.date(1960, 1, 1)
    rows = [
        member_row(n, date_of_birth=born + datetime.timedelta(days=10 * n))
        for n in range(1, count + 1)
    ]
    for n in range(0, count, 3):  # a third of them with no such date
        rows[n][2] = "31/02/1980"
    return rows


def test_the_worker_writes_the_review_and_the_error_workbook_once(
    client, secretary, tree, tmp_path, django_assert_num_queries
) -> None:
    client.force_login(secretary)
    url = client.post(
        reverse("imports:upload"),
        {"kind": "members", "file": SimpleUploadedFile("a.xlsx", xlsx(_rows(450)))},
    ).url
    token = re.search(r"/([0-9a-f]{32})/", url).group(1)
    client.get(url)
    upload_check_run.call(UploadCheck.objects.get().pk)
    kept = tmp_path / "imports"
    assert sorted(p.name.removeprefix(token) for p in kept.glob(f"{token}*")) == [
        "-errors.xlsx",
        ".dryrun",
        ".errors.jsonl",
        ".json",
        ".rows.jsonl",
        ".xlsx",
    ]
    # Page 3 of the review: rows 402–451 of the sheet, from the kept files.
    with django_assert_num_queries(3):  # session, user, the writer's assignments
        page = client.get(url + "?page=3").content.decode()
    assert "Dòng 404, cột “Ngày sinh”" in page
    assert "Nguyễn Văn Thử 450" in page
    assert "Nguyễn Văn Thử 400" not in page
    assert "Có 150 dòng lỗi" in page
    errors_only = client.get(url + "?chi_loi=1").content.decode()
    assert "Nguyễn Văn Thử 4<" in errors_only  # row 5: the second row in error
    assert "Nguyễn Văn Thử 2<" not in errors_only
    # The error workbook is the file the worker wrote, served as it is.
    written = (kept / f"{token}-errors.xlsx").read_bytes()
    response = client.get(reverse("imports:errors", args=[token]))
    assert isinstance(response, FileResponse)
    assert b"".join(response.streaming_content) == written
    sheet = load_workbook(BytesIO(written)).worksheets[0]
    assert sheet.max_row == 151
    assert sheet.freeze_panes == "A2"
    assert sheet["L2"].value.startswith("Dòng 2 — Ngày sinh: Cần một ngày")
    assert UploadCheck.objects.count() == 1  # nothing was checked again
    assert not Membership.objects.exists()


class _Row:
    def __init__(self, n: int) -> None:
        self.number, self.label, self.outcome = n + 1, f"Người {n}", "new"
        self.outcome_label, self.errors = "Thêm mới", []


def test_a_page_of_the_review_reads_only_that_page(tmp_path) -> None:
    base = tmp_path / "upload.xlsx"
    dry_runs.keep(base, rows=[_Row(n) for n in range(1000)], counts={"new": 1000})
    rows_file = base.with_suffix(".rows.jsonl")
    lines = rows_file.read_bytes().splitlines(keepends=True)
    # Every row but those of page 4 damaged: page 4 still reads.
    damaged = [
        line if 600 <= n < 800 else b"x" * (len(line) - 1) + b"\n"
        for n, line in enumerate(lines)
    ]
    rows_file.write_bytes(b"".join(damaged))
    kept = dry_runs.read(base)
    assert kept is not None
    assert len(kept.rows) == 1000
    page = kept.rows[600:800]
    assert [r.label for r in (page[0], page[-1])] == ["Người 600", "Người 799"]
    assert kept.rows[650].number == 651
    with pytest.raises(ValueError, match="Expecting value"):
        kept.rows[0:200]  # the damaged first page, not read above


def test_a_file_error_is_kept_without_rows(tmp_path) -> None:
    base = tmp_path / "upload.xlsx"
    dry_runs.keep(base, file_error="Tệp không có dòng dữ liệu nào.")
    kept = dry_runs.read(base)
    assert (kept.file_error, kept.rows, kept.error_workbook) == (
        "Tệp không có dòng dữ liệu nào.",
        None,
        None,
    )
    dry_runs.forget(base)
    assert dry_runs.read(base) is None
    assert not any(Path(tmp_path).iterdir())
