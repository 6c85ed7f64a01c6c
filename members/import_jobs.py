"""Spreadsheet imports in the background: the check of a large upload
and the writing of a confirmed one.

``upload_check_run`` and ``import_job_run`` run in the database-backed worker
(``manage.py db_worker``, started by ``make run``), as the large reports do.
The import itself is one transaction (all or nothing), so its progress is
written through a second connection, which commits each update at once: the
pages that follow a check (``imports:review``) or a writing (``imports:job``)
read it every second.
"""

from __future__ import annotations

import logging
from typing import Any

import pghistory
from django.db import IntegrityError, connections, transaction
from django.http import Http404
from django.tasks import task
from django.utils import timezone, translation

from members.models import (
    ColumnMapping,
    ImportJob,
    ImportJobStatus,
    UploadCheck,
    UploadCheckStatus,
)
from partyquality import import_uploads, importing
from partyquality.jobs import LIVE_STATUSES, claim, fail_stale, forget_old

log = logging.getLogger(__name__)

# Share of the bar for each stage of importing.import_file, from where it
# starts: reading and checking 100,000 rows take ~4 s, writing them ~12 s
# (bench/RESULTS.md).
STAGES = {"read": (0, 15), "check": (15, 10), "write": (25, 75)}
# A check alone: reading is most of it.
CHECK_STAGES = {"read": (0, 60), "check": (60, 40)}


def percent(
    stage: str, done: int, total: int, stages: dict[str, tuple[int, int]] = STAGES
) -> int:
    """How far the import is, 0–99, from the stage and its rows done."""
    start, share = stages.get(stage, (0, 0))
    fraction = done / total if total else 0
    return min(99, start + int(share * min(fraction, 1)))


class ProgressWriter:
    """Records a job's progress on a connection of its own (autocommit),
    only when the percentage changes."""

    def __init__(
        self,
        job_id: int,
        *,
        model: type[ImportJob | UploadCheck] = ImportJob,
        stages: dict[str, tuple[int, int]] = STAGES,
    ) -> None:
        self.job_id = job_id
        self.table = model._meta.db_table
        self.stages = stages
        self.connection = connections.create_connection("default")
        self.last: tuple[str, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = (stage, percent(stage, done, total, self.stages))
        if now == self.last:
            return
        self.last = now
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.table} SET stage = %s, progress = %s WHERE id = %s",  # noqa: S608 — a model's table
                [now[0], now[1], self.job_id],
            )

    def close(self) -> None:
        self.connection.close()


def _finish(job: ImportJob | UploadCheck, status: str, **fields: Any) -> None:
    job.status = status
    job.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "finished_at", *fields])


@task()
def import_job_run(job_id: int) -> None:
    # Run once, even if queued twice: only the call that moves the job out of
    # "queued" writes.
    if not claim(ImportJob.objects.filter(pk=job_id)):
        return
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    progress = ProgressWriter(job.pk)
    stored = None
    try:
        stored = import_uploads.load_upload(user=job.user, token=job.token)
        # The audit trail records who imported and from which page, as the
        # middleware does for a request; messages are in the user's language.
        with (
            pghistory.context(user=job.user_id, url=job.url),
            translation.override(job.language),
        ):
            result = importing.import_file(
                stored.kind,
                stored.path,
                commit=True,
                user=job.user,
                within=stored.within,
                progress=progress,
                mapping=stored.mapping,
            )
    except importing.ImportFileError as exc:
        # The review shows this file error, not its earlier clean check.
        with translation.override(job.language):
            message = str(exc.message)
        if stored is not None:
            stored.keep_dry_run(None, message)
        _finish(job, ImportJobStatus.REJECTED, error=message)
        return
    except Http404:  # the upload was discarded or has expired
        _finish(job, ImportJobStatus.FAILED, error="upload gone")
        return
    except Exception as exc:  # the page must show failure instead of waiting
        log.exception("import job %s failed", job_id)
        if stored is not None:  # the review checks the file again
            stored.forget_dry_run()
        _finish(job, ImportJobStatus.FAILED, error=str(exc)[:2000])
        return
    finally:
        progress.close()
    if not result.written:
        # The database changed since the review and rows now fail: the review
        # page shows them (nothing was written).
        stored.keep_dry_run(result)
        _finish(job, ImportJobStatus.REJECTED, progress=100)
        return
    counts = {k: result.counts[k] for k in ("new", "updated", "unchanged")}
    counts["total"] = len(result.rows)
    _finish(job, ImportJobStatus.DONE, progress=100, counts=counts)
    stored.discard()


def import_job_start(
    *, user: Any, stored: import_uploads.StoredUpload, url: str, language: str
) -> ImportJob:
    """Record the job, then queue it once the row is committed; or the
    upload's job already queued, running or done (confirmed twice)."""
    live = [ImportJobStatus.QUEUED, ImportJobStatus.RUNNING, ImportJobStatus.DONE]
    forget_old(ImportJob.objects.all()).delete()  # (their uploads are gone)
    fail_stale(ImportJob.objects.filter(token=stored.token))
    kept = stored.dry_run()
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                user=user,
                token=stored.token,
                kind=stored.kind,
                file_name=stored.name,
                url=url,
                language=language,
                rows=kept.total if kept and kept.file_error is None else None,
            )
    except IntegrityError:  # importjob_one_live_job_per_upload
        return ImportJob.objects.get(token=stored.token, status__in=live)
    transaction.on_commit(lambda: import_job_run.enqueue(job.pk))
    return job


@task()
def upload_check_run(check_id: int) -> None:
    """Check a stored upload as the review page would, and keep the outcome
    beside it for that page (``StoredUpload.keep_dry_run``)."""
    if not claim(UploadCheck.objects.filter(pk=check_id)):
        return
    check = UploadCheck.objects.select_related("user").get(pk=check_id)
    progress = ProgressWriter(check.pk, model=UploadCheck, stages=CHECK_STAGES)
    try:
        stored = import_uploads.load_upload(user=check.user, token=check.token)
        with translation.override(check.language):
            # The review's rows and error workbook are written here, once.
            import_uploads.check_upload(
                stored,
                user=check.user,
                progress=progress,
                saved=ColumnMapping.finder(check.user, stored.kind),
            )
    except Http404:  # the upload was discarded or has expired
        _finish(check, UploadCheckStatus.FAILED, error="upload gone")
        return
    except Exception as exc:  # the page must show failure instead of waiting
        log.exception("upload check %s failed", check_id)
        _finish(check, UploadCheckStatus.FAILED, error=str(exc)[:2000])
        return
    finally:
        progress.close()
    _finish(check, UploadCheckStatus.DONE, progress=100)


def upload_check_start(
    *, user: Any, stored: import_uploads.StoredUpload, language: str
) -> UploadCheck:
    """The upload's check: the one queued or running, the last one if it
    failed (the page says so rather than trying again for ever), or a new
    one, queued once its row is committed."""
    forget_old(UploadCheck.objects.all()).delete()
    checks = UploadCheck.objects.filter(token=stored.token)
    fail_stale(checks)
    latest = checks.order_by("-created_at", "-pk").first()
    if latest is not None and (
        latest.status in LIVE_STATUSES or latest.status == UploadCheckStatus.FAILED
    ):
        return latest
    try:
        with transaction.atomic():
            check = UploadCheck.objects.create(
                user=user, token=stored.token, language=language
            )
    except IntegrityError:  # uploadcheck_one_live_check_per_upload
        return checks.get(status__in=LIVE_STATUSES)
    transaction.on_commit(lambda: upload_check_run.enqueue(check.pk))
    return check
