"""A worker killed mid-job: its jobs never stay "running" (issue 16).

The worker's heartbeat (partyquality/worker.py) tells a live worker from a
dead one; a dead worker's running jobs are failed at once — when their page
asks, when the same upload is confirmed again, when a worker starts — and
the tasks it had claimed go back to the queue.
"""

from __future__ import annotations

import datetime
import signal
import socket
import subprocess
import sys

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from assessments.models import ReportJob, ReportJobStatus
from assessments.reports.tasks import report_job_render
from members.models import ImportJob, ImportJobStatus
from partyquality.jobs import ERR_WORKER_DIED
from partyquality.models import WorkerHeartbeat
from partyquality.worker import live_worker_ids, process_start
from tests.members.import_files import member_row, xlsx
from tests.production.workers import start_worker, stop, suite_database_url, wait_for


def _dead_pid() -> int:
    """The pid of a process of this host that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _beat(worker_id: str, *, pid: int, host: str | None = None, ago: int = 0):
    now = timezone.now() - datetime.timedelta(seconds=ago)
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        host=host or socket.gethostname(),
        pid=pid,
        process_start=process_start(pid) or 0,
        started_at=now,
        beat_at=now,
    )


def _report_job(user, tree, **fields) -> ReportJob:  # type: ignore[no-untyped-def]
    return ReportJob.objects.create(
        user=user,
        report="coverage",
        root=tree.province,
        year=2025,
        format="pdf",
        **fields,
    )


def test_a_worker_is_alive_while_it_beats_and_its_process_runs(db, settings) -> None:
    settings.WORKER_DEAD_AFTER_SECONDS = 60
    import os

    _beat("here", pid=os.getpid())
    _beat("gone", pid=_dead_pid())  # fresh beat, but its process ended
    _beat("elsewhere", pid=1, host="worker-2")  # another host: by its beats
    _beat("silent", pid=1, host="worker-3", ago=61)
    assert live_worker_ids() == {"here", "elsewhere"}


def test_the_job_of_a_killed_worker_fails_at_once_and_the_upload_can_be_confirmed_again(
    client, secretary, tree
) -> None:
    from tests.members.test_import_members import _token, _upload

    client.force_login(secretary)
    url, _page = _upload(client, xlsx([member_row(1)]))
    confirm = reverse("imports:confirm", args=[_token(url)])
    client.post(confirm)
    stuck = ImportJob.objects.get()
    _beat("killed", pid=_dead_pid())
    ImportJob.objects.filter(pk=stuck.pk).update(
        status=ImportJobStatus.RUNNING, progress=43, worker_id="killed"
    )
    page = client.get(reverse("imports:job", args=[stuck.pk])).content.decode()
    assert "every 1s" not in page  # no waiting for an hour
    assert "Không ghi được tệp; không dòng nào được ghi." in page
    stuck.refresh_from_db()
    assert (stuck.status, stuck.error) == (ImportJobStatus.FAILED, ERR_WORKER_DIED)

    again = client.post(confirm)
    job = ImportJob.objects.exclude(pk=stuck.pk).get()
    assert again.url == reverse("imports:job", args=[job.pk])
    assert job.status == ImportJobStatus.QUEUED


def test_confirming_again_while_the_dead_job_was_never_polled_starts_a_new_job(
    client, secretary, tree
) -> None:
    from tests.members.test_import_members import _token, _upload

    client.force_login(secretary)
    url, _page = _upload(client, xlsx([member_row(1)]))
    confirm = reverse("imports:confirm", args=[_token(url)])
    client.post(confirm)
    stuck = ImportJob.objects.get()
    _beat("silent", pid=1, host="worker-2", ago=3600)
    ImportJob.objects.filter(pk=stuck.pk).update(
        status=ImportJobStatus.RUNNING, worker_id="silent"
    )
    again = client.post(confirm)
    assert again.url != reverse("imports:job", args=[stuck.pk])
    assert ImportJob.objects.get(pk=stuck.pk).status == ImportJobStatus.FAILED


def test_the_job_of_a_live_worker_keeps_running(client, tree, province_officer) -> None:
    _beat("busy", pid=1, host="worker-2")
    job = _report_job(
        province_officer, tree, status=ReportJobStatus.RUNNING, worker_id="busy"
    )
    client.force_login(province_officer)
    page = client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()
    assert "every 2s" in page
    job.refresh_from_db()
    assert job.status == ReportJobStatus.RUNNING


# serialized_rollback: the flush after a transactional test would otherwise
# drop the reference data and content types the migrations loaded, which
# later serialized tests (the browser tests) restore.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_killed_mid_job_leaves_nothing_running_once_a_worker_starts(
    client, tree, province_officer, tmp_path, settings
) -> None:
    """Two real ``db_worker`` processes: the first is killed (SIGKILL) with
    one job claimed and running and one task claimed whose job had not yet
    started; the second, on start, fails the first job and runs the second;
    the health check follows."""
    settings.MEDIA_ROOT = tmp_path
    log = tmp_path / "worker.log"
    health = reverse("health")
    assert client.get(health).status_code == 503  # no worker yet

    first = start_worker("first-worker", log)
    try:
        wait_for(lambda: "first-worker" in live_worker_ids())
        assert client.get(health).json() == {
            "status": "ok",
            "database": "ok",
            "worker": "ok",
        }
        # A job the first worker is running (claimed, 43 %)...
        running = _report_job(
            province_officer,
            tree,
            status=ReportJobStatus.RUNNING,
            progress=43,
            worker_id="first-worker",
        )
        # ...and one whose task it took but whose row it could not yet
        # claim: this test holds the row's lock, so the worker waits on it.
        waiting = _report_job(province_officer, tree)
        with psycopg.connect(suite_database_url(), autocommit=False) as blocker:
            blocker.execute(
                "SELECT 1 FROM assessments_reportjob WHERE id = %s FOR UPDATE",
                [waiting.pk],
            )
            report_job_render.enqueue(waiting.pk)
            wait_for(
                lambda: DBTaskResult.objects.filter(
                    status=TaskResultStatus.RUNNING, worker_ids=["first-worker"]
                ).exists()
            )
            stop(first, signal.SIGKILL)
            # Its connection goes with it (a crashed host): the UPDATE it was
            # waiting on would otherwise still claim the job once unlocked.
            blocker.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                " AND query LIKE 'UPDATE \"assessments_reportjob\"%%'"
            )
        # Killed: nothing removed its heartbeat, its process is gone.
        assert WorkerHeartbeat.objects.filter(worker_id="first-worker").exists()
        assert client.get(health).status_code == 503
        running.refresh_from_db()
        assert running.status == ReportJobStatus.RUNNING  # nobody asked yet

        second = start_worker("second-worker", log)
        try:
            wait_for(lambda: "second-worker" in live_worker_ids())
            # Its recovery runs right after it records itself.
            wait_for(
                lambda: (
                    ReportJob.objects.get(pk=running.pk).status
                    != ReportJobStatus.RUNNING
                )
            )
            running.refresh_from_db()
            assert (running.status, running.error) == (
                ReportJobStatus.FAILED,
                ERR_WORKER_DIED,
            )
            assert not WorkerHeartbeat.objects.filter(worker_id="first-worker").exists()
            # The task claimed by the dead worker ran again, on the second.
            wait_for(
                lambda: (
                    ReportJob.objects.get(pk=waiting.pk).status == ReportJobStatus.DONE
                )
            )
            task = DBTaskResult.objects.get()
            assert task.status == TaskResultStatus.SUCCESSFUL
            assert task.worker_ids == ["first-worker", "second-worker"]
            assert client.get(health).status_code == 200
        finally:
            assert stop(second) == 0  # SIGTERM: a clean stop...
        connection.close()
        # ...that removes its heartbeat: no worker, the health check says so.
        assert not WorkerHeartbeat.objects.exists()
        assert client.get(health).json()["worker"] == "no live worker"
    finally:
        stop(first, signal.SIGKILL)
