"""The one table of the project package: which background workers are alive."""

from __future__ import annotations

from django.db import models


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
