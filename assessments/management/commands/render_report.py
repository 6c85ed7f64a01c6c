"""Render a report to a file, for scheduled runs.

    manage.py render_report organization_quality --unit NA --year 2025 \
        --compare 2024 --format docx -o bao-cao.docx [--provisional]
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.reports import rendering
from assessments.reports.registry import REPORTS
from organizations.models import Unit


class Command(BaseCommand):
    help = "Xuất một báo cáo ra tệp HTML, XLSX, PDF hoặc DOCX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=sorted(REPORTS))
        parser.add_argument(
            "--unit", required=True, help="Mã đơn vị (đang hoạt động hoặc đã đóng)"
        )
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--compare", type=int)
        parser.add_argument("--base", type=int)
        parser.add_argument("--format", choices=rendering.FORMATS, default="pdf")
        parser.add_argument(
            "--provisional",
            action="store_true",
            help="tạm tính: gồm cả các năm chưa được duyệt",
        )
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args: object, **options: object) -> None:
        units = Unit.objects.filter(code=options["unit"]).order_by("closed_on")
        # An open unit wins over closed ones that once had the same code.
        root = units.filter(closed_on__isnull=True).first() or units.last()
        if root is None:
            raise CommandError(f"Không có đơn vị mã {options['unit']}.")
        report = REPORTS[str(options["report"])].build(
            root=root,
            year=int(options["year"]),  # type: ignore[call-overload]
            compare_year=options["compare"],  # type: ignore[arg-type]
            base_year=options["base"],  # type: ignore[arg-type]
            user=None,
            provisional=bool(options["provisional"]),
        )
        content, _type, _ext = rendering.render(report, str(options["format"]))
        Path(str(options["output"])).write_bytes(content)
        self.stdout.write(f"{options['output']}: {len(content)} bytes")
