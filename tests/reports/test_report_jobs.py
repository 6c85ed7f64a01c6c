"""Large reports render in the background and stay with their requester."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from assessments.models import ReportJob, ReportJobStatus
from assessments.reports.tasks import report_job_render
from tests.factories import UserFactory, assign


def test_background_pdf_is_kept_for_its_requester_only(
    client,
    tree,
    province_officer,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(province_officer)
    url = (
        reverse("reports:job_create", args=["coverage"])
        + f"?unit={tree.province.pk}&year=2025"
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"format": "pdf"})
    job = ReportJob.objects.get()
    assert response.url == reverse("reports:job_detail", args=[job.pk])
    assert len(callbacks) == 1  # queued once committed
    assert (job.status, job.progress, job.root, job.year) == (
        ReportJobStatus.QUEUED,
        0,
        tree.province,
        2025,
    )
    page = client.get(response.url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in page.content.decode()

    report_job_render.call(job.pk)  # what the db_worker runs
    job.refresh_from_db()
    assert (job.status, job.progress) == (ReportJobStatus.DONE, 100)
    assert (tmp_path / job.file_path).read_bytes().startswith(b"%PDF")
    page = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "every 2s" not in page
    assert "Tải tệp" in page
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    colleague = UserFactory(username="dongnghiep")
    assign(colleague, tree.province, "officer")
    client.force_login(colleague)
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:job_detail", args=[job.pk])).status_code == 404


def test_failed_job_says_so(tree, province_officer, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    job = ReportJob.objects.create(
        user=province_officer,
        report="nonexistent",
        root=tree.province,
        year=2025,
        format="pdf",
    )
    report_job_render.call(job.pk)
    job.refresh_from_db()
    assert job.status == ReportJobStatus.FAILED


def test_a_job_whose_worker_stopped_says_it_failed(
    client, tree, province_officer
) -> None:
    job = ReportJob.objects.create(
        user=province_officer,
        report="coverage",
        root=tree.province,
        year=2025,
        format="pdf",
        status=ReportJobStatus.RUNNING,
    )
    client.force_login(province_officer)
    url = reverse("reports:job_detail", args=[job.pk])
    assert "every 2s" in client.get(url).content.decode()
    ReportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    page = client.get(url).content.decode()
    assert "every 2s" not in page
    assert "Không tạo được tệp." in page
    job.refresh_from_db()
    assert (job.status, job.finished_at is not None) == (ReportJobStatus.FAILED, True)


def test_report_files_older_than_the_kept_days_are_deleted_with_their_jobs(
    client, tree, province_officer, settings, tmp_path
) -> None:
    """Report files name members (DOMAIN.md §7): a new report forgets the
    finished ones older than ``JOBS_KEEP_DAYS``, files included; younger or
    still running ones stay."""
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_KEEP_DAYS = 7

    def job_with_file(days_ago: int, status: str = ReportJobStatus.DONE) -> ReportJob:
        job = ReportJob.objects.create(
            user=province_officer,
            report="coverage",
            root=tree.province,
            year=2025,
            format="pdf",
            status=status,
            file_path=f"reports/{province_officer.pk}/coverage-{days_ago}.pdf",
        )
        (tmp_path / job.file_path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / job.file_path).write_bytes(b"%PDF-1.7")
        ReportJob.objects.filter(pk=job.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
        return job

    old, young = job_with_file(8), job_with_file(6)
    running = job_with_file(9, ReportJobStatus.RUNNING)
    client.force_login(province_officer)
    url = (
        reverse("reports:job_create", args=["coverage"])
        + f"?unit={tree.province.pk}&year=2025"
    )
    assert client.post(url, {"format": "pdf"}).status_code == 302
    assert not ReportJob.objects.filter(pk=old.pk).exists()
    assert not (tmp_path / old.file_path).exists()
    assert (tmp_path / young.file_path).exists()
    assert set(ReportJob.objects.values_list("pk", flat=True)) >= {young.pk, running.pk}
    assert client.get(reverse("reports:job_download", args=[old.pk])).status_code == 404


def test_render_report_command_writes_each_format(tree, tmp_path) -> None:
    from django.core.management import call_command

    for fmt, magic in (
        ("pdf", b"%PDF"),
        ("xlsx", b"PK"),
        ("docx", b"PK"),
        ("html", b"<!doctype html>"),
    ):
        out = tmp_path / f"r.{fmt}"
        call_command(
            "render_report",
            "organization_quality",
            "--unit",
            "TC",
            "--year",
            "2025",
            "--compare",
            "2024",
            "--format",
            fmt,
            "-o",
            str(out),
        )
        assert out.read_bytes().startswith(magic)


def test_a_background_word_copy_keeps_the_provisional_mark(
    client, tree, province_officer, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(province_officer)
    url = (
        reverse("reports:job_create", args=["organization_quality"])
        + f"?unit={tree.province.pk}&year=2025&provisional=1"
    )
    client.post(url, {"format": "docx"})
    job = ReportJob.objects.get()
    assert (job.format, job.provisional) == ("docx", True)
    report_job_render.call(job.pk)
    job.refresh_from_db()
    assert job.status == ReportJobStatus.DONE, job.error
    assert job.file_path.endswith(".docx")
    assert "-tam-tinh-" in job.file_path
    assert (tmp_path / job.file_path).read_bytes().startswith(b"PK")
