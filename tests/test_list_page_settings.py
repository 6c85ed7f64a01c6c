"""The settings a list page's queries run with end with its transaction."""

from __future__ import annotations

import pytest
from django.db import connection

from partyquality.queries import list_page_settings


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


# serialized_rollback: the flush after a transactional test would otherwise
# drop (and re-create under new ids) the reference data the migrations loaded.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_list_page_settings_hold_inside_and_end_with_the_transaction() -> None:
    server = setting("jit"), setting("max_parallel_workers_per_gather")
    with list_page_settings():
        assert setting("jit") == "off"
        assert setting("max_parallel_workers_per_gather") == "0"
    assert (setting("jit"), setting("max_parallel_workers_per_gather")) == server
