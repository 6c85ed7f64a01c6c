"""A large upload is checked in the background, its review page showing how
far the check is, then the outcome (issue #3 §3, "long work shows progress")."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.urls import reverse

from members.import_jobs import CHECK_STAGES, percent, upload_check_run
from members.models import Membership, UploadCheck, UploadCheckStatus
from partyquality import import_uploads
from tests.members.import_files import member_row, xlsx


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    # Every upload counts as large here.
    settings.IMPORT_CHECK_IN_REQUEST_BYTES = 0


def _upload(client, content: bytes) -> str:
    response = client.post(
        reverse("imports:upload"),
        {"kind": "members", "file": SimpleUploadedFile("dang-vien.xlsx", content)},
    )
    assert response.status_code == 302
    return response.url


def _token(url: str) -> str:
    return re.search(r"/([0-9a-f]{32})/", url).group(1)


def test_a_large_upload_is_checked_in_the_background_then_reviewed(
    client, secretary, tree
) -> None:
    client.force_login(secretary)
    rows = [member_row(n) for n in range(1, 31)]
    rows[6][2] = "31/02/1980"  # row 8: no such date
    url = _upload(client, xlsx(rows))

    page = client.get(url).content.decode()
    assert "đang kiểm tra từng dòng, chưa có gì được ghi" in page
    assert 'hx-trigger="every 1s"' in page
    assert "Dòng 8" not in page
    check = UploadCheck.objects.get()
    assert (check.status, check.token, check.user) == ("queued", _token(url), secretary)
    # Asking again (the page polls) follows the same check.
    polled = client.get(url, headers={"HX-Request": "true"})
    assert 'id="check-status"' in polled.content.decode()
    assert "<h1>" not in polled.content.decode()  # only the status
    assert UploadCheck.objects.count() == 1

    upload_check_run.call(check.pk)  # what the db_worker runs
    check.refresh_from_db()
    assert (check.status, check.progress) == ("done", 100)
    # The next poll reloads the page, which is now the review.
    polled = client.get(url, headers={"HX-Request": "true"})
    assert polled.headers["HX-Refresh"] == "true"
    review = client.get(url).content.decode()
    assert "Dòng 8, cột “Ngày sinh”" in review
    assert "Có 1 dòng lỗi. Chưa có gì được ghi" in review
    assert not Membership.objects.exists()
    errors = client.get(reverse("imports:errors", args=[_token(url)]))
    assert errors.status_code == 200
    assert UploadCheck.objects.count() == 1  # the outcome was kept, not re-checked


def test_a_file_that_is_no_spreadsheet_is_reported_after_its_check(
    client, secretary
) -> None:
    client.force_login(secretary)
    url = _upload(client, b"not a workbook at all " * 100)
    client.get(url)
    upload_check_run.call(UploadCheck.objects.get().pk)
    review = client.get(url).content.decode()
    assert "Tệp không phải bảng tính Excel (.xlsx)." in review


def test_a_check_that_failed_says_so_instead_of_waiting(client, secretary) -> None:
    client.force_login(secretary)
    url = _upload(client, xlsx([member_row(1)]))
    client.get(url)
    check = UploadCheck.objects.get()
    import_uploads.load_upload(user=secretary, token=check.token).discard()
    upload_check_run.call(check.pk)
    check.refresh_from_db()
    assert (check.status, check.error) == (UploadCheckStatus.FAILED, "upload gone")
    assert client.get(url).status_code == 404  # the upload itself is gone


def test_the_check_is_in_the_users_language(client, secretary) -> None:
    client.force_login(secretary)
    client.cookies["django_language"] = "en"
    rows = [member_row(1)]
    rows[0][2] = "31/02/1980"
    url = _upload(client, xlsx(rows))
    client.get(url)
    check = UploadCheck.objects.get()
    assert check.language == "en"
    upload_check_run.call(check.pk)
    review = client.get(url).content.decode()
    assert "Row 2, column" in review


def test_another_users_upload_starts_no_check(client, secretary, outsider) -> None:
    client.force_login(secretary)
    url = _upload(client, xlsx([member_row(1)]))
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert not UploadCheck.objects.exists()


def test_the_progress_of_a_check_is_mostly_reading() -> None:
    assert percent("read", 50, 100, CHECK_STAGES) == 30
    assert percent("check", 100, 100, CHECK_STAGES) == 99


# serialized_rollback: keeps the reference data the migrations loaded.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_checks_progress_is_seen_while_it_runs(secretary) -> None:
    """Written through its own connection, as an import's (a check is read
    in one long transaction too), so that the polling page sees it."""
    from members.import_jobs import ProgressWriter

    check = UploadCheck.objects.create(user=secretary, token="2" * 32)
    progress = ProgressWriter(check.pk, model=UploadCheck, stages=CHECK_STAGES)
    with transaction.atomic():
        progress("read", 50, 100)
        outside = connections.create_connection("default")
        try:
            with outside.cursor() as cursor:
                cursor.execute(
                    "SELECT stage, progress FROM members_uploadcheck WHERE id = %s",
                    [check.pk],
                )
                assert cursor.fetchone() == ("read", 30)
        finally:
            outside.close()
    progress.close()


def test_old_checks_and_import_jobs_are_forgotten_when_a_new_one_starts(
    client, secretary, settings
) -> None:
    import datetime

    from django.utils import timezone

    from members.models import ImportJob

    settings.JOBS_KEEP_DAYS = 7
    long_ago = timezone.now() - datetime.timedelta(days=8)
    UploadCheck.objects.create(user=secretary, token="3" * 32, status="done")
    ImportJob.objects.create(
        user=secretary, token="4" * 32, kind="members", file_name="a.xlsx", url="/"
    )
    ImportJob.objects.update(created_at=long_ago, status="done")
    UploadCheck.objects.update(created_at=long_ago)
    client.force_login(secretary)
    url = _upload(client, xlsx([member_row(1)]))
    client.get(url)  # starts this upload's check
    assert list(UploadCheck.objects.values_list("token", flat=True)) == [_token(url)]
    upload_check_run.call(UploadCheck.objects.get().pk)
    client.post(reverse("imports:confirm", args=[_token(url)]))
    assert list(ImportJob.objects.values_list("token", flat=True)) == [_token(url)]
