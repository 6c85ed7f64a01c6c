"""The background worker's heartbeat, and what happens to the jobs of a
worker that died.

A worker (``manage.py db_worker``, partyquality/management/commands) records
itself in ``WorkerHeartbeat`` and writes the time there every
``WORKER_HEARTBEAT_SECONDS`` from a thread of its own, even while a long job
runs. A worker is dead when its row was not written for
``WORKER_DEAD_AFTER_SECONDS``, or at once when the row names a process of this
host that is gone (killed by the kernel for memory, ``kill -9``, a crash in a
parser): a restarted worker, a polled job page and the health check then know
without waiting.

The jobs a dead worker had claimed (status "running" with its id) are failed,
never left running: when a worker starts, when their page asks again, and
when the same upload is confirmed again (partyquality/jobs.py
``fail_stale``). Its claimed task results go back to the queue: a task whose
job row was failed does nothing when run again (``jobs.claim`` only moves a
queued job), one that had not yet claimed its job runs it.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from partyquality import jobs
from partyquality.models import WorkerHeartbeat

log = logging.getLogger("partyquality.worker")


def process_start(pid: int) -> int | None:
    """The process's start time in clock ticks since boot, or None if there
    is no such process (Linux /proc; 0 where /proc is missing)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None if Path("/proc/self/stat").exists() else 0
    except OSError:
        return 0
    # Field 22; the command name (field 2) may hold spaces, so count from
    # its closing parenthesis.
    return int(stat.rsplit(")", 1)[1].split()[19])


def _gone(beat: WorkerHeartbeat, host: str) -> bool:
    """Whether a worker of this host is known to be gone."""
    if beat.host != host:
        return False
    started = process_start(beat.pid)
    return started is None or (
        bool(started and beat.process_start) and started != beat.process_start
    )


def live_worker_ids() -> set[str]:
    """The workers that wrote lately and are not known to be gone."""
    since = timezone.now() - datetime.timedelta(
        seconds=settings.WORKER_DEAD_AFTER_SECONDS
    )
    host = socket.gethostname()
    return {
        beat.worker_id
        for beat in WorkerHeartbeat.objects.filter(beat_at__gte=since)
        if not _gone(beat, host)
    }


def background_job_models() -> list[type[jobs.BackgroundJob]]:
    # Found, not imported: the project package imports no app.
    return [m for m in apps.get_models() if issubclass(m, jobs.BackgroundJob)]


@transaction.atomic
def recover(*, keep: str = "") -> dict[str, int]:
    """Forget the dead workers, fail the jobs they were running and put
    their claimed tasks back in the queue. ``keep`` is the calling worker."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    live = live_worker_ids() | ({keep} if keep else set())
    dead = WorkerHeartbeat.objects.exclude(worker_id__in=live)
    forgotten = list(dead.values_list("worker_id", flat=True))
    dead.delete()
    failed = sum(
        jobs.fail_stale(model.objects.all()) for model in background_job_models()
    )
    requeued = 0
    for result in DBTaskResult.objects.select_for_update().filter(
        status=TaskResultStatus.RUNNING
    ):
        if result.worker_ids and result.worker_ids[-1] in live:
            continue
        result.status = TaskResultStatus.READY
        result.started_at = None
        result.save(update_fields=["status", "started_at"])
        requeued += 1
    if forgotten or failed or requeued:
        log.warning(
            "dead workers %s: %d jobs failed, %d tasks queued again",
            forgotten,
            failed,
            requeued,
        )
    return {"workers": len(forgotten), "jobs": failed, "tasks": requeued}


class Heartbeat:
    """This process's row in WorkerHeartbeat, written from a thread."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._run, name="worker-heartbeat", daemon=True
        )

    def start(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "process_start": process_start(os.getpid()) or 0,
                "started_at": now,
                "beat_at": now,
            },
        )
        jobs.set_current_worker(self.worker_id)
        recover(keep=self.worker_id)
        self.thread.start()
        log.info("worker %s started (pid %s)", self.worker_id, os.getpid())

    def beat(self) -> None:
        updated = WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(
            beat_at=timezone.now()
        )
        if not updated:  # taken for dead while the database was away
            WorkerHeartbeat.objects.create(
                worker_id=self.worker_id,
                host=socket.gethostname(),
                pid=os.getpid(),
                process_start=process_start(os.getpid()) or 0,
                started_at=timezone.now(),
                beat_at=timezone.now(),
            )

    def _run(self) -> None:
        try:
            while not self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
                try:
                    self.beat()
                except Exception:  # the database restarting: try again next time
                    log.exception("worker %s: heartbeat not written", self.worker_id)
                    connection.close()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        # On a connection of its own: the signal that stops the worker may
        # have interrupted a transaction of the main one.
        own = connections.create_connection("default")
        try:
            with own.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {WorkerHeartbeat._meta.db_table} WHERE worker_id = %s",  # noqa: S608 — a model's table
                    [self.worker_id],
                )
        finally:
            own.close()
        log.info("worker %s stopped", self.worker_id)
