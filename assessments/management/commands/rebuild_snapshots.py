"""``manage.py rebuild_snapshots [--year 2024 ...] [--verify-only]``

Rewrites the yearly snapshots of every approved organization's year from the
detailed tables, then proves they agree: the stored rows are compared with
what the detailed tables give now, row by row (assessments/snapshots.py).
``--verify-only`` compares without rewriting (a check to run after a bulk
load, a restore or a correction of the tree).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments import snapshot_rebuild


class Command(BaseCommand):
    help = "Ghi lại số liệu chốt năm từ dữ liệu chi tiết và kiểm tra chúng khớp nhau."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            help="năm cần ghi lại (mặc định: mọi năm có tổ chức đã được duyệt)",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="chỉ so sánh số liệu chốt với dữ liệu chi tiết, không ghi lại",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["year"] or snapshot_rebuild.years_with_approvals()
        if not years:
            self.stdout.write("Chưa có năm nào được duyệt.")
            return
        differences = 0
        for year in years:
            started = time.perf_counter()
            if not options["verify_only"]:
                rows = snapshot_rebuild.year_snapshots_rebuild(
                    year, say=self.stderr.write
                )
                self.stdout.write(
                    f"Năm {year}: đã ghi {rows} dòng số liệu chốt "
                    f"trong {time.perf_counter() - started:.1f} s."
                )
            started = time.perf_counter()
            found = snapshot_rebuild.year_snapshots_verify(year)
            for difference in found:
                self.stdout.write(f"  đơn vị {difference.unit_id}: {difference.what}")
            differences += len(found)
            verdict = "khớp" if not found else f"{len(found)} chỗ khác"
            self.stdout.write(
                f"Năm {year}: số liệu chốt {verdict} với dữ liệu chi tiết "
                f"(kiểm tra {time.perf_counter() - started:.1f} s)."
            )
        if differences:
            raise CommandError(
                f"Số liệu chốt khác dữ liệu chi tiết ở {differences} chỗ; "
                "chạy lại lệnh không có --verify-only để ghi lại."
            )
