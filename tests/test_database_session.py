"""Every connection the app opens runs with JIT compilation off: the one
setting replaces the ``SET LOCAL jit = off`` that the tree's walks, the
audit log and the snapshots each issued before their statements."""

from __future__ import annotations

import pytest
from django.db import connection

from partyquality.settings import database_from_url


@pytest.mark.django_db
def test_the_app_s_connections_run_without_jit() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_a_database_url_carries_the_jit_option() -> None:
    settings = database_from_url("postgres://app:secret@db.example.vn:5433/pq")
    assert settings["OPTIONS"] == {"options": "-c jit=off"}
    assert (settings["HOST"], settings["PORT"], settings["NAME"]) == (
        "db.example.vn",
        "5433",
        "pq",
    )
