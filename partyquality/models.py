"""The project package's tables: which background workers are alive, and who
viewed or exported member records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A running ``manage.py db_worker`` (partyquality/worker.py).

    The worker writes ``beat_at`` every ``WORKER_HEARTBEAT_SECONDS`` and
    deletes its row when it stops. A row not written for
    ``WORKER_DEAD_AFTER_SECONDS``, or whose process is gone from this host,
    is a worker that died: the jobs it was running are failed and the health
    check turns red.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    # The process's start time (clock ticks since boot, /proc/<pid>/stat):
    # a pid reused by another process, or a restarted container's pid 1,
    # is not this worker.
    process_start = models.BigIntegerField(default=0)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


# --- Who viewed or exported member records --------------------------------


class AccessAction(models.TextChoices):
    VIEW = "view", _("Xem")
    EXPORT = "export", _("Xuất")


class RecordAccess(models.Model):
    """Member files are confidential (DOMAIN.md §7): every view and export is
    logged with who, when, which records and from which page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(_("thao tác"), max_length=8, choices=AccessAction.choices)
    model = models.CharField(_("loại hồ sơ"), max_length=80)
    object_ids = models.JSONField(_("mã hồ sơ"), default=list, blank=True)
    count = models.PositiveIntegerField(_("số hồ sơ"), default=0)
    path = models.CharField(_("trang"), max_length=500, blank=True)

    class Meta:
        # Moved from assessments (issue 17): the table keeps its name.
        db_table = "assessments_recordaccess"
        verbose_name = _("truy cập hồ sơ")
        verbose_name_plural = _("truy cập hồ sơ")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.model} ({self.count})"
