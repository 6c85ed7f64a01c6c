"""Benchmark: importing a province's tree (~10,000 units) from one workbook.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pq_tree \\
        python bench/import_tree.py [--districts 30] [--communes 30] [--cells 10]

Needs a migrated database. Writes a workbook of one province, its districts,
their communes and the communes' cells (some closed into a neighbour in 2020
with a merger), then imports it through the same code path as the upload
page and ``manage.py import_tree`` (``partyquality.importing.import_file``):
the dry run, then the import with its writes and the deferred checks a commit
would run, rolled back so every run starts from the same database. Prints the
figures with the load average (the machine is shared).
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


def write_file(path: Path, districts: int, communes: int, cells: int) -> int:
    from openpyxl import Workbook

    from organizations.tree_spreadsheet import TREE_SPEC

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(TREE_SPEC.sheet_title)
    sheet.append(TREE_SPEC.headers)
    opened = datetime.date(1990, 1, 1)
    rows = 1
    sheet.append(
        [
            "BX",
            "Đảng bộ tỉnh Bench",
            "Đảng bộ tỉnh/thành phố",
            "Tỉnh",
            "",
            opened,
            "1-QĐ/TW",
            None,
            None,
            None,
            "Không",
        ]
    )
    for d in range(1, districts + 1):
        dc = f"BX-{d:02d}"
        sheet.append(
            [
                dc,
                f"Đảng bộ huyện {d}",
                "Cấp trên trực tiếp cơ sở",
                "Huyện",
                "BX",
                opened,
                f"{d}-QĐ/TU",
                None,
                None,
                None,
                "Không",
            ]
        )
        rows += 1
        for c in range(1, communes + 1):
            cc = f"{dc}-{c:02d}"
            sheet.append(
                [
                    cc,
                    f"Đảng bộ xã {d}.{c}",
                    "Đảng bộ cơ sở",
                    "Xã",
                    dc,
                    opened,
                    f"{c}-QĐ/HU",
                    None,
                    None,
                    None,
                    "Có" if c % 7 == 0 else "Không",
                ]
            )
            rows += 1
            for k in range(1, cells + 1):
                closed = k == cells and c % 3 == 0  # merged into cell 1 in 2020
                sheet.append(
                    [f"{cc}-{k:02d}", f"Chi bộ thôn {k}", "Chi bộ trực thuộc"]
                    + ["Thôn, bản, ấp", cc, opened, f"{k}-QĐ/ĐU"]
                    + (
                        [datetime.date(2020, 7, 1), "9-QĐ/ĐU", f"{cc}-01", "Không"]
                        if closed
                        else [None, None, None, "Không"]
                    )
                )
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

    from partyquality.importing import import_file

    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "tree.xlsx"
        started = time.perf_counter()
        units = write_file(path, args.districts, args.communes, args.cells)
        print(
            f"workbook: {units} units, {path.stat().st_size / 1e6:.1f} MB, "
            f"written in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        result = import_file("tree", path, commit=False)
        print(f"dry run: {result.counts} in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with transaction.atomic():
            result = import_file("tree", path, commit=True)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            written = time.perf_counter() - started
            transaction.set_rollback(True)
        print(
            f"import (checked, written, checks run, rolled back): "
            f"{result.counts} written={result.written} in {written:.1f} s"
        )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
