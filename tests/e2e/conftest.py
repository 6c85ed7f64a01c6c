"""Browser tests run on a committed (transactional) database, which pytest
flushes after each test, taking with it what data migrations loaded (the
classification scales). With ``--reuse-db`` the next run would start without
them, so put them back once the session ends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connections


@pytest.fixture(scope="session", autouse=True)
def _restore_migrated_data_after_browser_tests(
    django_db_setup: None, django_db_blocker
) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
