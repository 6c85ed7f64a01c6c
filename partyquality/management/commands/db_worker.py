"""``manage.py db_worker``: django-tasks-db's worker with a heartbeat.

On start it records itself (``WorkerHeartbeat``), fails the jobs of workers
that died and puts their claimed tasks back in the queue; while it runs a
thread writes its heartbeat; on a clean stop (SIGTERM, Ctrl-C) it removes its
row. See partyquality/worker.py.
"""

from __future__ import annotations

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as TasksDbWorker

from partyquality.worker import Heartbeat


class Command(TasksDbWorker):
    help = (
        "Run the background worker (reports, checks of large uploads, confirmed "
        "imports) with a heartbeat the health check reads."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # With --reload (the default while DEBUG) this process only restarts
        # a child that runs the tasks: the child beats, not this one.
        if options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            super().handle(*args, **options)
            return
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
