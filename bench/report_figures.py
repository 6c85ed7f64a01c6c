"""Report data from the yearly snapshots: the country, a province, a commune.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_bench_national \\
        .venv/bin/python bench/report_figures.py --country BENCH-VN \\
        --province SYN1-P7 --commune SYN1-P7-X45 [--runs 5] [--plans]

(BENCH-VN: bench/national_root.py, then ``rebuild_snapshots``.)

Times each report's ``build()`` (the data the page waits for, no rendering)
as official figures at each scope, then the approval lines the page loads
after it (``views.approvals``; the files print them), once "tạm tính" for
the province, the snapshot of single grassroots organizations' years
(``year_snapshot_write``), and with ``--plans`` prints the plan of each
report's slowest data statement at country scope. Prints medians and the load average; never part of the test run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyquality.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from assessments import snapshot_writes  # noqa: E402
from assessments.models import OrganizationReview  # noqa: E402
from assessments.reports.common import Scope  # noqa: E402
from assessments.reports.registry import REPORTS  # noqa: E402
from organizations.models import Unit  # noqa: E402


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def unit(code: str) -> Unit:
    return Unit.objects.filter(code=code, closed_on__isnull=True).get()


def build(slug: str, root: Unit, year: int, compare: int | None, **kw):  # type: ignore[no-untyped-def]
    module = REPORTS[slug]
    return module.build(
        root=root,
        year=year,
        compare_year=compare if "compare" in module.YEAR_OPTIONS else None,
        base_year=year - 1 if slug == "trends" else None,
        **kw,
    )


def timed(fn, runs: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        queries = len(captured)
    return statistics.median(times) * 1000, queries


def approval_lines(slug: str, root: Unit, args) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """The approval lines alone, as ``views.approvals`` computes them (the
    counts and nothing else, on a fresh scope each run)."""
    module = REPORTS[slug]

    def lines() -> None:
        found = module.approvals(
            Scope(root),
            year=args.year,
            compare_year=args.compare if "compare" in module.YEAR_OPTIONS else None,
            base_year=args.year - 1 if slug == "trends" else None,
        )
        for line in found.values():
            str(line)

    return timed(lines, args.runs)


def slowest_plan(slug: str, root: Unit, year: int, compare: int | None) -> str:
    """Re-run the build's statements one by one under EXPLAIN ANALYZE and
    return the plan of the slowest."""
    with CaptureQueriesContext(connection) as captured:
        build(slug, root, year, compare)
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]
    best: tuple[float, str] = (-1.0, "")
    with connection.cursor() as cursor:
        for sql in statements:
            start = time.perf_counter()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            spent = time.perf_counter() - start
            if spent > best[0]:
                best = (spent, plan)
    return best[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--country", required=True)
    parser.add_argument("--province", required=True)
    parser.add_argument("--commune", required=True)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--compare", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--snapshots", type=int, default=30)
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--provisional", action="store_true")
    args = parser.parse_args()
    scopes = [
        ("country", unit(args.country)),
        ("province", unit(args.province)),
        ("commune", unit(args.commune)),
    ]
    print(f"load average before: {load()}")
    print(
        "| report | scope | data ms (median) | queries | approval lines ms | queries |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for slug in REPORTS:
        for scope, root in scopes:
            build(slug, root, args.year, args.compare)  # warm the cache
            ms, queries = timed(
                lambda s=slug, r=root: build(s, r, args.year, args.compare),
                args.runs,
            )
            later_ms, later_queries = approval_lines(slug, root, args)
            print(
                f"| {slug} | {scope} | {ms:,.0f} | {queries} "
                f"| {later_ms:,.0f} | {later_queries} |",
                flush=True,
            )
    if args.provisional:
        print("\n'tạm tính' (one run each, province):")
        for slug in REPORTS:
            ms, queries = timed(
                lambda s=slug: build(
                    s, scopes[1][1], args.year, args.compare, provisional=True
                ),
                1,
            )
            print(
                f"| {slug} | province, tạm tính | {ms:,.0f} | {queries} |", flush=True
            )

    # One organization's approved year, written again (the same rows).
    organizations = list(
        OrganizationReview.objects.filter(year=args.year, state="approved")
        .order_by("id")
        .values_list("organization_id", flat=True)[:200_000]
    )
    sample = random.Random(1).sample(organizations, args.snapshots)
    times = []
    for organization_id in sample:
        start = time.perf_counter()
        snapshot_writes.year_snapshot_write(
            organization_id=organization_id, year=args.year
        )
        times.append((time.perf_counter() - start) * 1000)
        print(
            f"  snapshot of organization {organization_id}: {times[-1]:,.0f} ms",
            flush=True,
        )
    times.sort()
    if times:
        print(
            f"\nsnapshot of one organization's year ({len(times)} organizations): "
            f"median {statistics.median(times):.0f} ms, "
            f"p95 {times[max(int(len(times) * 0.95) - 1, 0)]:.0f} ms, max {times[-1]:.0f} ms"
        )
    print(f"load average after: {load()}")
    if args.plans:
        for slug in REPORTS:
            print(f"\n### {slug}, country: the slowest statement\n")
            print("```")
            print(slowest_plan(slug, scopes[0][1], args.year, args.compare))
            print("```")


if __name__ == "__main__":
    main()
