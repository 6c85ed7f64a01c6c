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

# A job still queued or running this long after it was asked for has lost
# its worker (stopped, or killed half-way: its transaction was rolled back,
# nothing of it is written). The longest jobs measured take under a minute
# (bench/RESULTS.md: 100,000 rows written in ~20 s).
STALE_AFTER = datetime.timedelta(hours=1)
LIVE_STATUSES = ("queued", "running")
FAILED = "failed"
ERR_STALE = f"no worker finished the job within {STALE_AFTER}"


def fail_stale(jobs: QuerySet) -> int:
    """Mark the jobs among ``jobs`` that lost their worker as failed, so their
    pages stop waiting and the same upload can be confirmed again."""
    now = timezone.now()
    return jobs.filter(
        status__in=LIVE_STATUSES, created_at__lt=now - STALE_AFTER
    ).update(status=FAILED, error=ERR_STALE, finished_at=now)


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
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="%(class)s_progress_0_100"
            ),
        ]
