"""Benchmark: subtree queries on the dated tree (issue #2 §3).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_bench_national \\
        python bench/tree.py [--runs 7]

Measures, on whatever tree the database holds (``generate_synthetic --scale
national`` gives ~34 provinces, ~52,000 grassroots organizations, ~300,000
cells): the units under one province on a date, under the whole country, the
same for the "ever" reach used by access scoping, and the ancestors of a
cell. Each is one recursive SQL query; prints the median and the row count.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyquality.settings")


def _median_ms(fn, runs: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    times, result = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the benchmark database.")
    import django

    django.setup()
    from django.db.models import Count

    from organizations.models import Level, Unit
    from organizations.tree import ancestor_ids, subtree_ever_ids_sql

    day = datetime.date(2025, 12, 31)
    provinces = list(Unit.objects.filter(level=Level.PROVINCE).open_on(day))
    print(f"{len(provinces)} provinces, {Unit.objects.count():,} units in all")
    levels = dict(
        Unit.objects.open_on(day).values_list("level").annotate(n=Count("id"))
    )
    print("open units by level:", levels)
    if not provinces:
        return
    province = max(provinces, key=lambda p: p.pk)
    cell = Unit.objects.filter(level=Level.CELL).open_on(day).last()
    cases = {
        "subtree of one province on a date": lambda: Unit.objects.subtree_of(
            province.pk, on=day
        ).count(),
        "subtree of every province (the country) on a date": lambda: (
            Unit.objects.subtree_of([p.pk for p in provinces], on=day).count()
        ),
        "units ever under one province (access scope)": lambda: Unit.objects.filter(
            id__in=subtree_ever_ids_sql([province.pk])
        ).count(),
        "ancestors of a cell": lambda: len(ancestor_ids(cell.pk, day)) if cell else 0,
    }
    for label, fn in cases.items():
        median, rows = _median_ms(fn, args.runs)
        print(f"{label:<55} {median:8.1f} ms  ({rows:,} rows)")


if __name__ == "__main__":
    main()
