"""Real ``manage.py db_worker`` processes against the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE = Path(settings.BASE_DIR)


def suite_database_url() -> str:
    db = settings.DATABASES["default"]
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = db["HOST"] or ""
    if host.startswith("/"):  # the embedded server's socket directory
        return f"postgres://{user}{password}@/{db['NAME']}?host={host}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


def start_worker(worker_id: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": suite_database_url(),
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_DEAD_AFTER_SECONDS": "30",
    }
    return subprocess.Popen(  # noqa: S603 — our own command
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "--worker-id",
            worker_id,
        ],
        cwd=BASE,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(condition: Callable[[], object], seconds: float = 30) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        connection.close()  # see other processes' commits afresh
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {condition}")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> int:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        return process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()
