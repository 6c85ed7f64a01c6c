"""Benchmark: a year's classifications of a whole province from one workbook.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_tree \\
        python bench/import_classifications.py [--districts 30] [--communes 30] [--cells 10]

Needs a migrated database. Loads the synthetic province of
``bench/import_tree.py`` through the tree import, then classifies every
grassroots organization and cell in it for 2024 from one workbook through
the board's import (``assessments/board_import.py``, the imports page's
path): the dry run, then the import, rolled back with the tree so every run
starts from the same database. Prints the figures with the load average.
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", type=int, default=30)
    parser.add_argument("--communes", type=int, default=30)
    parser.add_argument("--cells", type=int, default=10)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a migrated database.")
    import django

    django.setup()
    from django.db import connection, transaction

    from bench import import_tree
    from partyquality.importing import import_file

    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as directory, transaction.atomic():
        tree = Path(directory) / "tree.xlsx"
        units = import_tree.write_file(tree, args.districts, args.communes, args.cells)
        started = time.perf_counter()
        loaded = import_file("tree", tree, commit=True)
        print(
            f"tree: {units} units written={loaded.written} "
            f"in {time.perf_counter() - started:.1f} s"
        )
        path = Path(directory) / "classifications.xlsx"
        rows = write_file(path, args.districts, args.communes, args.cells)
        started = time.perf_counter()
        result = import_file("classifications", path, commit=False)
        print(
            f"dry run: {rows} rows {result.counts} "
            f"in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        result = import_file("classifications", path, commit=True)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        print(
            f"import (checked, written, rolled back): {result.counts} "
            f"written={result.written} in {time.perf_counter() - started:.1f} s"
        )
        transaction.set_rollback(True)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
