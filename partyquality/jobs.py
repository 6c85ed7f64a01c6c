"""What the background jobs share (a report file, a spreadsheet import):
the worker records how far it is, what went wrong and when it finished, and
the page that follows the job asks for it again until then."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A job still queued this long after it was asked for, or running without
# the id of the worker that claimed it, has lost its worker. The longest jobs
# measured take under a minute (bench/RESULTS.md: 100,000 rows written in
# ~20 s). A job claimed by a worker is judged by that worker's heartbeat
# (partyquality/worker.py), not by its age.
STALE_AFTER = datetime.timedelta(hours=1)
LIVE_STATUSES = ("queued", "running")
QUEUED, RUNNING, FAILED = "queued", "running", "failed"
ERR_STALE = f"no worker finished the job within {STALE_AFTER}"
# A killed job wrote nothing: an import is one transaction, a report file is
# written once at the end.
ERR_WORKER_DIED = "the worker stopped before finishing the job"

# The worker running in this process (set by ``manage.py db_worker``); empty
# where tasks run in the request (tests' immediate backend).
_current_worker = ""


def set_current_worker(worker_id: str) -> None:
    global _current_worker  # one worker per process
    _current_worker = worker_id


def claim(jobs: QuerySet) -> int:
    """Move the queued job among ``jobs`` to "running" for this worker.

    Returns 0 when it is no longer queued (run already, or failed because a
    worker died): a task run twice writes once."""
    return jobs.filter(status=QUEUED).update(status=RUNNING, worker_id=_current_worker)


def fail_stale(jobs: QuerySet) -> int:
    """Mark the jobs among ``jobs`` that lost their worker as failed, so their
    pages stop waiting and the same upload can be confirmed again."""
    from partyquality.worker import live_worker_ids

    now = timezone.now()
    died = (
        jobs.filter(status=RUNNING)
        .exclude(worker_id="")
        .exclude(worker_id__in=live_worker_ids())
        .update(status=FAILED, error=ERR_WORKER_DIED, finished_at=now)
    )
    lost = jobs.filter(
        Q(status=QUEUED) | Q(status=RUNNING, worker_id=""),
        created_at__lt=now - STALE_AFTER,
    ).update(status=FAILED, error=ERR_STALE, finished_at=now)
    return died + lost


def forget_old(jobs: QuerySet) -> QuerySet:
    """The finished jobs among ``jobs`` older than ``JOBS_KEEP_DAYS``: their
    rows (and files) are deleted when a new job of their kind starts. Report
    files name members (DOMAIN.md §7): they are not kept for ever on the
    server, whose disk would also fill."""
    limit = timezone.now() - datetime.timedelta(days=settings.JOBS_KEEP_DAYS)
    return jobs.filter(created_at__lt=limit).exclude(status__in=LIVE_STATUSES)


class BackgroundJob(models.Model):
    progress = models.PositiveSmallIntegerField(_("tiến độ %"), default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The worker that claimed the job (partyquality/worker.py).
    worker_id = models.CharField(max_length=64, blank=True, default="")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="%(class)s_progress_0_100"
            ),
        ]
