"""The embedded database's start-up survives a process killed mid-write."""

from __future__ import annotations

from partyquality.embedded_db import repair_pid_list


def test_an_unreadable_pid_list_is_reset_and_a_good_one_kept(tmp_path) -> None:
    pid_list = tmp_path / ".handle_pids.json"
    assert repair_pid_list(tmp_path) is False  # no list yet: nothing to do
    pid_list.write_text("")  # truncated by a process killed while writing
    assert repair_pid_list(tmp_path) is True
    assert pid_list.read_text() == "[]"
    pid_list.write_text("[12, 34]")
    assert repair_pid_list(tmp_path) is False
    assert pid_list.read_text() == "[12, 34]"
