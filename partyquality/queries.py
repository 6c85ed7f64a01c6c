"""Query settings for pages that read a handful of rows out of millions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def without_parallel_workers() -> Iterator[None]:
    """Run the enclosed queries on one process, inside a transaction.

    A list page reads 50 rows by walking an index. PostgreSQL often plans
    such a walk with parallel workers, and starting them costs about 30 ms,
    more than the walk itself (measured at national scale, bench/RESULTS.md).
    ``SET LOCAL`` ends with the transaction, so pooled connections and the
    reports, which do profit from workers, keep the server's setting.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield
