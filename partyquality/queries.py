"""Query settings for pages that read a handful of rows out of millions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import QuerySet
from psycopg.errors import QueryCanceled

# One statement, so that a list page's query count stays what it was.
LIST_PAGE_SETTINGS = (
    "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off"
)


@contextmanager
def list_page_settings() -> Iterator[None]:
    """Run the enclosed queries with settings for a page of a list, inside a
    transaction (``SET LOCAL`` ends with it, so pooled connections and the
    reports keep the server's settings). Measured at national scale
    (bench/RESULTS.md):

    - no parallel workers: a list page reads 50 rows by walking an index;
      PostgreSQL often plans such a walk with workers, and starting them costs
      about 30 ms, more than the walk itself;
    - no JIT: a name search of a common word is costed above the JIT threshold
      and spent 8-30 ms compiling a query that runs once.

    More work memory than the default 4 MB was tried and left out: PostgreSQL
    underestimates how many names start with a word ('van:*': 100,000
    estimated, 1.1 million found), and with more memory it hashes them all
    (a province's "van": 170 ms -> 800 ms).
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(LIST_PAGE_SETTINGS)
        yield


@contextmanager
def walking_in_order() -> Iterator[None]:
    """Run the enclosed query with sorting priced out (``enable_sort``), so
    that PostgreSQL walks the index that has the rows in order and stops at
    the page's cap.

    For a walk through the common words of a name search: PostgreSQL cannot
    estimate how many names hold a word, takes it for a handful of rows,
    and would rather collect and sort them all — a province officer's "thi":
    14,000 of 150,000 rows matched after checking every one, 280 ms, where
    the walk stops after ~6,000 (bench/RESULTS.md). Outside a transaction
    ``SET LOCAL`` does nothing, and the query is planned as usual.
    """
    with _set_locally(enable_sort="off"):
        yield


@contextmanager
def _set_locally(**values: str) -> Iterator[None]:
    """``SET LOCAL`` each setting for the enclosed queries, then back to the
    server's value; one statement each way, so a page's query count grows
    by two whatever the settings."""
    with connection.cursor() as cursor:
        cursor.execute(_set_sql(values))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(_reset_sql(values))


def _set_sql(values: dict[str, str]) -> str:
    return "; ".join(f"SET LOCAL {name} = {value}" for name, value in values.items())


def _reset_sql(values: dict[str, str]) -> str:
    return "; ".join(f"SET LOCAL {name} TO DEFAULT" for name in values)


# Enough for the bitmap of a word index holding every row of a common word
# (the 2 million "nguyen" of the country) page by page, not lossily.
EXACT_BITMAPS_WORK_MEM = "64MB"


@contextmanager
def exact_bitmaps() -> Iterator[None]:
    """Run the enclosed query with the work memory a word index needs to
    combine common words row by row (see ``walking_with_exact_bitmaps``),
    sorting allowed: a search's matches found, then sorted."""
    with _set_locally(work_mem=f"'{EXACT_BITMAPS_WORK_MEM}'"):
        yield


@contextmanager
def walking_with_exact_bitmaps() -> Iterator[None]:
    """Run the enclosed query as ``walking_in_order`` does, and with the work
    memory its word indexes need to combine common words row by row.

    A half-typed word (``le:*``) is read from a GIN index into a bitmap of
    every row holding a word that starts with it; with the default 4 MB the
    bitmap of the 500,000 "le" keeps pages, not rows, and combined with
    "nguyen" PostgreSQL re-checks 650,000 names for none (1.3 s) where an
    exact bitmap finds none in 80 ms (bench/RESULTS.md). Only for queries
    whose parts either walk an index in order or read few rows through word
    indexes (``NameSearch._ids_by_word_places``): with more memory and
    sorting allowed, a walk may be planned as a hash of every match
    (``list_page_settings``). Outside a transaction it does nothing.
    """
    with _set_locally(enable_sort="off", work_mem=f"'{EXACT_BITMAPS_WORK_MEM}'"):
        yield


def walking_for_at_most(milliseconds: int, queryset: QuerySet, limit: int) -> Any:
    """The ids of the first ``limit`` rows of ``queryset``, read by walking
    an index in order (``walking_in_order``) for at most ``milliseconds``;
    None if that was not enough. The walk runs in a savepoint, so a walk cut
    short leaves the page's transaction as it was. Which way the rows are
    read then depends on the machine's speed, never what they are."""
    return _for_at_most(milliseconds, queryset, limit, enable_sort="off")


def found_for_at_most(milliseconds: int, queryset: QuerySet, limit: int) -> Any:
    """The ids of the first ``limit`` rows of ``queryset``, found through
    word indexes (``exact_bitmaps``) then sorted, for at most
    ``milliseconds``; None if that was not enough (as ``walking_for_at_most``)."""
    return _for_at_most(
        milliseconds, queryset, limit, work_mem=f"'{EXACT_BITMAPS_WORK_MEM}'"
    )


def _for_at_most(
    milliseconds: int, queryset: QuerySet, limit: int, **settings: str
) -> Any:
    values = {"statement_timeout": str(int(milliseconds)), **settings}
    try:
        # Reset by hand, after the query: once it is cancelled, the
        # savepoint's rollback undoes the settings (no statement can run
        # in the aborted savepoint).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_set_sql(values))
            ids = list(queryset.values_list("pk", flat=True)[:limit])
            cursor.execute(_reset_sql(values))
            return ids
    except OperationalError as error:
        if isinstance(error.__cause__, QueryCanceled):
            return None
        raise
