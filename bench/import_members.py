"""Benchmark: importing 100,000 member rows from .xlsx, ours against django-import-export.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_bench \\
        python bench/import_members.py [--rows 100000] [--runs 3] [--baseline-rows 5000]

Needs a migrated database with a synthetic tree (``manage.py generate_synthetic
--scale province``): the rows go into its cells. Each run is a separate
process (so its peak memory is its own) that imports the whole file with
validation, writes it, runs the deferred foreign-key checks a commit would
run, and rolls back, so every run starts from the same database. django-import-export's default row-by-row import is timed on the
first ``--baseline-rows`` rows of the same data (it is too slow for the whole
file in a benchmark) and its time extrapolated linearly to the full file;
the output says so.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyquality.settings")


def _setup() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the benchmark database (e.g. pq_bench).")
    import django

    django.setup()


def make_rows(rows: int, seed: int) -> list[list[object]]:
    """Member rows in the template's columns, into synthetic cells."""
    from organizations.models import Level, Unit

    cells = list(
        Unit.objects.filter(
            code__startswith="SYN", level=Level.CELL, closed_on__isnull=True
        )
        .order_by("id")
        .values_list("code", flat=True)[:5000]
    )
    if not cells:
        sys.exit("No synthetic cells: run manage.py generate_synthetic first.")
    rnd = random.Random(seed)
    surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
    given = ["An", "Bình", "Cường", "Hà", "Hương", "Lan", "Minh", "Sơn", "Thảo"]
    ethnicities = ["Kinh"] * 9 + ["Tày", "Thái", "Mường"]
    stamp = int(time.time()) % 100000
    data = []
    for i in range(rows):
        gender = "Nữ" if rnd.random() < 0.33 else "Nam"
        born = datetime.date(1945, 1, 1) + datetime.timedelta(
            days=rnd.randint(0, 20000)
        )
        admitted = born + datetime.timedelta(days=365 * 18 + rnd.randint(30, 5000))
        admitted = min(admitted, datetime.date(2024, 6, 1))
        full = admitted + datetime.timedelta(days=365) if rnd.random() < 0.95 else None
        data.append(
            [
                f"{rnd.choice(surnames)} {'Thị' if gender == 'Nữ' else 'Văn'} {rnd.choice(given)}",
                gender,
                born,
                rnd.choice(ethnicities),
                "Không",
                "Nghệ An",
                f"8{stamp:05d}{i:06d}",
                f"8{stamp:05d}.{i:06d}",
                admitted,
                full,
                cells[i % len(cells)],
            ]
        )
    return data


def write_file(path: Path, rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    from members.spreadsheet_templates import SPECS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Đảng viên")
    sheet.append(SPECS["members"].headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def _check_deferred() -> None:
    """Run the deferred foreign-key checks a commit would run, before rolling back."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def run_ours(path: Path) -> dict[str, float]:
    from django.db import transaction

    from partyquality.importing import import_file

    # The importer reports each step it finishes; the writes report at fixed
    # points: after the persons, memberships, cell periods, events and updates.
    write_steps = iter(["persons", "memberships", "cell periods", "events", "updates"])
    stages: dict[str, float] = {}
    last = started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last
        if stage == "read" and done != total:
            return  # every 10,000 rows while reading
        if stage == "write" and done == 0:
            name = "row checks"  # and the persons' ids reserved: COPY starts
        elif stage == "write":
            name = next(write_steps)
        else:
            name = {"read": "read and parse", "check": "lookups"}.get(stage, stage)
        now = time.perf_counter()
        stages[name] = stages.get(name, 0) + now - last
        last = now

    with transaction.atomic():
        result = import_file("members", path, commit=True, progress=progress)
        assert result.written, result.counts
        _check_deferred()
        transaction.set_rollback(True)
    finished = time.perf_counter()
    stages["deferred FK checks"] = finished - last
    return {"seconds": finished - started, "rows": len(result.rows), "stages": stages}


def run_baseline(path: Path) -> dict[str, float]:
    import tablib
    from django.db import transaction
    from member_resource import MemberResource

    started = time.perf_counter()
    with transaction.atomic():
        dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
        result = MemberResource().import_data(dataset, dry_run=False)
        assert not result.has_errors(), result.row_errors()[:3]
        rows = result.totals["new"]
        _check_deferred()
        transaction.set_rollback(True)
    return {"seconds": time.perf_counter() - started, "rows": rows}


def child(mode: str, path: Path) -> None:
    _setup()
    figures = run_ours(path) if mode == "ours" else run_baseline(path)
    figures["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def spawn(mode: str, path: Path) -> dict[str, float]:
    out = subprocess.run(  # noqa: S603 - our own script, our own arguments
        [sys.executable, __file__, "--child", mode, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-rows", type=int, default=5_000)
    parser.add_argument("--baseline-runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    _setup()
    workdir = ROOT / "var" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    full, part = workdir / "members-full.xlsx", workdir / "members-slice.xlsx"
    started = time.perf_counter()
    rows = make_rows(args.rows, args.seed)
    write_file(full, rows)
    write_file(part, rows[: args.baseline_rows])  # the same rows, the first N
    size_mb = full.stat().st_size / 1024 / 1024
    print(
        f"file: {args.rows} rows, {size_mb:.1f} MB (made in {time.perf_counter() - started:.1f} s)"
    )

    ours = [spawn("ours", full) for _ in range(args.runs)]
    times = [r["seconds"] for r in ours]
    ours_median = statistics.median(times)
    print(
        f"ours: median {ours_median:.1f} s over {args.runs} runs "
        f"({', '.join(f'{t:.1f}' for t in times)}), {args.rows / ours_median:,.0f} rows/s, "
        f"peak memory {max(r['max_rss_mb'] for r in ours):.0f} MB"
    )
    median_run = sorted(ours, key=lambda r: r["seconds"])[len(ours) // 2]
    print(
        "  stages of the median run: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in median_run["stages"].items() if v)
    )

    base = [spawn("baseline", part) for _ in range(args.baseline_runs)]
    base_median = statistics.median(r["seconds"] for r in base)
    base_rows = base[0]["rows"]
    rate = base_rows / base_median
    extrapolated = args.rows / rate
    print(
        f"django-import-export default import: {base_rows} rows in {base_median:.1f} s "
        f"({rate:,.0f} rows/s, peak memory {max(r['max_rss_mb'] for r in base):.0f} MB); "
        f"measured on the first {base_rows} rows of the same data and extrapolated "
        f"linearly to {args.rows} rows: {extrapolated:.0f} s"
    )
    print(f"speed-up: {extrapolated / ours_median:.1f}x")
    target = ours_median <= 60 and extrapolated / ours_median >= 5
    print(f"targets (<= 60 s, >= 5x, < 1 GB): {'met' if target else 'NOT met'}")


if __name__ == "__main__":
    main()
