"""Background rendering of large reports (a province with its named lists).

``report_job_render`` runs in the database-backed worker (``manage.py
db_worker``, started by ``make run``); it records its progress on the
``ReportJob`` row, which the page polls, and keeps the file under MEDIA_ROOT
for the requester to download.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from assessments.models import ReportJob, ReportJobStatus
from partyquality.jobs import claim, forget_old

log = logging.getLogger(__name__)


def _progress(
    job: ReportJob, value: int, status: str = ReportJobStatus.RUNNING
) -> None:
    job.progress = value
    job.status = status
    job.save(update_fields=["progress", "status"])


@task()
def report_job_render(job_id: int) -> None:
    from assessments.reports import rendering
    from assessments.reports.registry import REPORTS

    # Run once: a task queued again after its worker died finds its job
    # failed (partyquality/worker.py) and leaves it so.
    if not claim(ReportJob.objects.filter(pk=job_id)):
        return
    job = ReportJob.objects.select_related("root", "user").get(pk=job_id)
    try:
        _progress(job, 10)
        report = REPORTS[job.report].build(
            root=job.root,
            year=job.year,
            compare_year=job.compare_year,
            base_year=job.base_year,
            user=job.user,
            provisional=job.provisional,
        )
        _progress(job, 50)
        content, _type, ext = rendering.render(report, job.format)
        _progress(job, 90)
        relative = (
            Path("reports")
            / str(job.user_id)
            / f"{job.report}-{job.year}{'-tam-tinh' if job.provisional else ''}"
            f"-{job.pk}.{ext}"
        )
        path = Path(settings.MEDIA_ROOT) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        job.file_path = str(relative)
        job.progress = 100
        job.status = ReportJobStatus.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["file_path", "progress", "status", "finished_at"])
    except Exception as exc:  # the page must show failure instead of spinning
        log.exception("report job %s failed", job_id)
        job.status = ReportJobStatus.FAILED
        job.error = str(exc)[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])


def report_job_start(
    *,
    user,
    report: str,
    root,
    year: int,
    compare_year: int | None,
    base_year: int | None,
    fmt: str,
    provisional: bool = False,
) -> ReportJob:  # type: ignore[no-untyped-def]
    """Record the job, then queue it once the row is committed; forget the
    old ones and their files."""
    _forget_old_reports()
    job = ReportJob.objects.create(
        user=user,
        report=report,
        root=root,
        year=year,
        compare_year=compare_year,
        base_year=base_year,
        provisional=provisional,
        format=fmt,
    )
    transaction.on_commit(lambda: report_job_render.enqueue(job.pk))
    return job


def _forget_old_reports() -> int:
    """Delete the files of old finished report jobs, then their rows."""
    media = Path(settings.MEDIA_ROOT).resolve()
    old = forget_old(ReportJob.objects.all())
    for relative in old.exclude(file_path="").values_list("file_path", flat=True):
        path = (media / relative).resolve()
        if path.is_relative_to(media):
            path.unlink(missing_ok=True)
    return old.delete()[0]
