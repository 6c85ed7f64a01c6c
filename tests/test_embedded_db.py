"""The embedded database's start-up survives a process killed mid-write and
a server still shutting down; no test leaves a server running."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest

from partyquality.embedded_db import (
    repair_pid_list,
    server_state,
    start,
    stop,
    wait_until_settled,
)
from tests.conftest import postmasters_under


def test_an_unreadable_pid_list_is_reset_and_a_good_one_kept(tmp_path) -> None:
    pid_list = tmp_path / ".handle_pids.json"
    assert repair_pid_list(tmp_path) is False  # no list yet: nothing to do
    pid_list.write_text("")  # truncated by a process killed while writing
    assert repair_pid_list(tmp_path) is True
    assert pid_list.read_text() == "[]"
    pid_list.write_text("[12, 34]")
    assert repair_pid_list(tmp_path) is False
    assert pid_list.read_text() == "[12, 34]"


@pytest.fixture
def server_dir():  # type: ignore[no-untyped-def]
    """A directory for a throw-away embedded server. The server runs as its
    own user, so it must not sit under pytest's /tmp/pytest-of-<user>: that
    tree is 0700, and another pytest session on the machine resets its mode
    while the server starts (initdb: Permission denied), as in
    tests/test_collation.py."""
    parent = Path(tempfile.mkdtemp(prefix="pq-embedded-"))
    parent.chmod(0o777)
    yield parent
    shutil.rmtree(parent, ignore_errors=True)


def test_a_start_waits_for_a_server_that_is_shutting_down(server_dir) -> None:
    """``make run`` right after ``make stop``: the old server is still
    stopping. The wheel alone took it for running and failed its assertion
    that it was ready; the start now waits, then starts a new one."""
    pgdata = server_dir / "pgdata"
    try:
        server = start(pgdata)
        url = server.get_uri(database="postgres")
        client = psycopg.connect(url)  # holds a "smart" shutdown open
        os.kill(server.get_pid(), signal.SIGTERM)
        for _ in range(50):  # the postmaster marks its pid file
            if server_state(pgdata) == "stopping":
                break
            time.sleep(0.1)
        assert server_state(pgdata) == "stopping"
        assert wait_until_settled(pgdata, seconds=1) == "stopping"  # gave up
        threading.Timer(2.0, client.close).start()  # then it can stop
        again = start(pgdata)
        assert again.get_pid() != server.get_pid()  # a new server...
        assert server_state(pgdata) == "ready"
        with psycopg.connect(again.get_uri(database="postgres")) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)  # ...that answers
    finally:
        stop(pgdata)
    assert server_state(pgdata) is None
    assert postmasters_under(server_dir) == []  # nothing left running
