"""Report benchmarks: data per report, PDFs, the 1,500-row named annex.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_bench_reports \
        .venv/bin/python bench/reports.py [--runs 5] [--unit CODE]

Without ``--unit`` it builds (once) a province-sized dataset by bulk inserts
(bench/reports_data.py) and measures on it. Prints medians; never part of
the test run.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyquality.settings")
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pq_bench_reports"
)

import django

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from assessments.reports import rendering  # noqa: E402
from assessments.reports.registry import REPORTS  # noqa: E402
from organizations.models import Unit  # noqa: E402

ANNEX_ROWS = 1500


def timed(fn, runs: int):  # type: ignore[no-untyped-def]
    """Median wall time and median CPU time of this process (the CPU time
    shows what WeasyPrint costs when the machine is not shared)."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    timed.cpu = statistics.median(cpu)  # type: ignore[attr-defined]
    return statistics.median(times), result


def pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        # poppler's pdfinfo from the system; the argument is our own temp file.
        command = ["pdfinfo", f.name]
        info = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return int(
        next(
            line.split()[-1]
            for line in info.stdout.splitlines()
            if line.startswith("Pages:")
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--unit")
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    if args.unit:
        root = Unit.objects.filter(code=args.unit, closed_on__isnull=True).get()
    else:
        from bench.reports_data import ensure_province

        start = time.perf_counter()
        root = ensure_province()
        print(f"dataset ready in {time.perf_counter() - start:.1f} s")
    day = f"{args.year}-12-31"
    size = Unit.objects.subtree_of(
        root.pk, on=__import__("datetime").date.fromisoformat(day)
    ).count()
    print(
        f"# {root.name} ({root.code}), {size} units, year {args.year}; {platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    )
    print(f"load average: {os.getloadavg()[0]:.1f}")
    print(
        f"{'report':28} {'data ms':>8} {'py cpu':>7} {'queries':>7} "
        f"{'pdf s':>7} {'cpu s':>6} {'pages':>5} {'xlsx s':>7}"
    )
    built = {}
    for slug, module in REPORTS.items():

        def build(module=module):  # type: ignore[no-untyped-def]
            return module.build(
                root=root,
                year=args.year,
                compare_year=args.year - 1,
                base_year=args.year - 1,
                user=None,
            )

        build()  # warm caches
        with CaptureQueriesContext(connection) as queries:
            build()
        data_s, report = timed(build, args.runs)
        built[slug] = report
        data_cpu = timed.cpu  # type: ignore[attr-defined]
        pdf_s, pdf = timed(
            lambda report=report: rendering.pdf(report), max(1, args.runs // 2)
        )
        pdf_cpu = timed.cpu  # type: ignore[attr-defined]
        xlsx_s, _x = timed(
            lambda report=report: rendering.workbook(report), max(1, args.runs // 2)
        )
        print(
            f"{slug:28} {data_s * 1000:8.0f} {data_cpu * 1000:7.0f} {len(queries):7d} "
            f"{pdf_s:7.2f} {pdf_cpu:6.2f} {pages(pdf):5d} {xlsx_s:7.2f}"
        )
        reset_queries()
    # The named annex alone: the standardization report's list of who lacks
    # what, repeated up to 1,500 rows, without the per-commune table.
    report = built["cadre_standardization"]
    gaps = report.gaps
    if gaps:
        report.gaps = (gaps * (ANNEX_ROWS // len(gaps) + 1))[:ANNEX_ROWS]
        report.communes = []
        annex_s, pdf = timed(lambda: rendering.pdf(report), max(1, args.runs // 2))
        annex_cpu = timed.cpu  # type: ignore[attr-defined]
        label = f"named annex {ANNEX_ROWS} rows"
        print(
            f"{label:28} {'':8} {'':7} {'':7} "
            f"{annex_s:7.2f} {annex_cpu:6.2f} {pages(pdf):5d}"
        )
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
