"""``manage.py generate_synthetic --scale tiny|district|province|national [--seed N]``."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.synthetic import SCALES, Generator, LoadFailed


class Command(BaseCommand):
    help = "Sinh dữ liệu tổng hợp (cây tổ chức SYN<n>-…, đảng viên, cán bộ, xếp loại) để đo hiệu năng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="district")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--rebuild-indexes",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Drop and rebuild indexes around the load (default: from 50,000 members).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = Generator(
                scale=options["scale"],
                seed=options["seed"],
                rebuild_indexes=options["rebuild_indexes"],
                progress=self.stderr.write,
            ).run()
        except LoadFailed as failed:
            raise CommandError(str(failed)) from failed
        self.stdout.write(
            f"SYN{summary.run}: {summary.units} tổ chức, {summary.cells} chi bộ, "
            f"{summary.members} đảng viên trong {summary.seconds:.1f} s. "
            "Số liệu chốt năm của các năm đã duyệt: manage.py rebuild_snapshots."
        )
