"""Benchmark: a year's classifications of a whole province from one workbook.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_tree \\
        python bench/import_classifications.py [--districts 30] [--communes 30] [--cells 10]

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_classify_bench \\
        python bench/import_classifications.py --root SYN1-P1 --year 2026

Needs a migrated database. With ``--root``, on a database holding a
province (``manage.py generate_synthetic --scale province --seed 1``): one
workbook of the year for every grassroots organization under the root, its
cells, its members (those disciplined that year one level lower, QĐ 132)
and itself, checked and imported, rolled back. Without it: loads the
synthetic province of
``bench/import_tree.py`` through the tree import, then classifies every
grassroots organization and cell in it for 2024 from one workbook through
the board's import (``assessments/board_import.py``, the imports page's
path): the dry run, then the import, rolled back with the tree so every run
starts from the same database. Prints the figures with the load average.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyquality.settings")

LEVELS = [
    "Hoàn thành xuất sắc nhiệm vụ",
    "Hoàn thành tốt nhiệm vụ",
    "Hoàn thành nhiệm vụ",
]


def write_file(path: Path, districts: int, communes: int, cells: int) -> int:
    from openpyxl import Workbook

    from assessments.board_import import SPEC

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SPEC.sheet_title)
    sheet.append(SPEC.headers)
    rows = 0
    for d in range(1, districts + 1):
        for c in range(1, communes + 1):
            org = f"BX-{d:02d}-{c:02d}"
            # Cells first, as the review does; the last cell of every third
            # commune closed in 2020 (bench/import_tree.py).
            open_cells = cells - 1 if c % 3 == 0 else cells
            for k in range(1, open_cells + 1):
                level = LEVELS[(k % 5 == 0) + (k % 7 == 0)]
                sheet.append([org, f"{org}-{k:02d}", None, 2024, level, None, None])
                rows += 1
            sheet.append([org, org, None, 2024, LEVELS[1], None, None])
            rows += 1
    workbook.save(path)
    return rows


def write_existing(path: Path, root: str, year: int) -> int:
    """The year's workbook of everything under ``root``, read from the sheets
    of its grassroots organizations (a file a board would send)."""
    from openpyxl import Workbook

    from assessments.board_import import SPEC
    from assessments.selectors import review_sheets
    from organizations.models import GRASSROOTS_LEVELS, Unit
    from organizations.tree import subtree_ids_sql

    top = Unit.objects.get(code=root)
    organizations = list(
        Unit.objects.filter(
            id__in=subtree_ids_sql([top.pk], datetime.date(year, 12, 31)),
            level__in=GRASSROOTS_LEVELS,
        ).order_by("code")
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SPEC.sheet_title)
    sheet.append(SPEC.headers)
    rows = 0
    sheets = review_sheets(organizations, year, in_page_order=False)
    for org in organizations:
        review = sheets[org.pk]
        for r in review.member_rows:
            if r.moved_out or not r.card_number:
                continue
            level = LEVELS[2] if r.disciplined else LEVELS[1]
            sheet.append([org.code, None, r.card_number, year, level, None, None])
            rows += 1
        for r in review.unit_rows:  # cells, then the organization
            sheet.append([org.code, r.code, None, year, LEVELS[1], None, None])
            rows += 1
    workbook.save(path)
    return rows


def existing(root: str, year: int) -> None:
    from django.db import connection, transaction

    from partyquality.importing import import_file

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "classifications.xlsx"
        started = time.perf_counter()
        rows = write_existing(path, root, year)
        print(
            f"file: {rows} rows, {path.stat().st_size // 1024} KB, "
            f"written in {time.perf_counter() - started:.1f} s"
        )
        run(path, rows, connection, transaction, import_file)


def run(path: Path, rows: int, connection, transaction, import_file) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = import_file("classifications", path, commit=False)
    print(
        f"dry run: {rows} rows {result.counts} in {time.perf_counter() - started:.1f} s"
    )
    for row in result.error_rows[:5]:
        print("  ", row.number, row.errors)
    with transaction.atomic():
        started = time.perf_counter()

        def stage(name: str, done: int, total: int) -> None:
            print(f"  {name} {done}/{total} at {time.perf_counter() - started:.1f} s")

        result = import_file("classifications", path, commit=True, progress=stage)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        print(
            f"import (checked, written, deferred checks, rolled back): "
            f"{result.counts} written={result.written} "
            f"in {time.perf_counter() - started:.1f} s"
        )
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", type=int, default=30)
    parser.add_argument("--communes", type=int, default=30)
    parser.add_argument("--cells", type=int, default=10)
    parser.add_argument("--root", help="an existing unit's code (see above)")
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a migrated database.")
    import django

    django.setup()
    from django.db import connection, transaction

    from bench import import_tree
    from partyquality.importing import import_file

    print(f"load average before: {os.getloadavg()}")
    if args.root:
        existing(args.root, args.year)
        print(f"load average after: {os.getloadavg()}")
        return
    with tempfile.TemporaryDirectory() as directory, transaction.atomic():
        tree = Path(directory) / "tree.xlsx"
        units = import_tree.write_file(tree, args.districts, args.communes, args.cells)
        started = time.perf_counter()
        loaded = import_file("tree", tree, commit=True)
        # The tree's deferred checks now, so the figures below are the
        # classifications' own (their foreign keys are checked at commit).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        print(
            f"tree: {units} units written={loaded.written} "
            f"in {time.perf_counter() - started:.1f} s"
        )
        path = Path(directory) / "classifications.xlsx"
        rows = write_file(path, args.districts, args.communes, args.cells)
        run(path, rows, connection, transaction, import_file)
        transaction.set_rollback(True)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
