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


def test_a_walk_cut_short_returns_none_and_leaves_the_transaction_usable(
    db, tree
) -> None:
    """``walking_for_at_most`` and ``found_for_at_most`` give up past their
    time (a statement timeout inside a savepoint); the page's transaction
    goes on, with its settings as they were."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    from organizations.models import Unit
    from partyquality.queries import found_for_at_most, walking_for_at_most

    slow = Unit.objects.alias(
        slept=RawSQL("pg_sleep(0.3) IS NOT NULL", [], output_field=BooleanField())
    ).filter(slept=True)
    with list_page_settings():
        assert walking_for_at_most(50, slow.order_by("id"), 5) is None
        assert found_for_at_most(50, slow.order_by("id"), 5) is None
        found = found_for_at_most(5_000, Unit.objects.order_by("-id"), 2)
        assert found == list(
            Unit.objects.order_by("-id").values_list("pk", flat=True)[:2]
        )
        fast = walking_for_at_most(5_000, Unit.objects.order_by("id"), 3)
        assert fast == list(
            Unit.objects.order_by("id").values_list("pk", flat=True)[:3]
        )
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "0"
            cursor.execute("SHOW enable_sort")
            assert cursor.fetchone()[0] == "on"
            cursor.execute("SHOW work_mem")
            assert cursor.fetchone()[0] == "4MB"
