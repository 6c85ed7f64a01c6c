"""``manage.py export_tree <unit code> <file>``: the unit's subtree in the
tree workbook's format (``organizations/tree_export.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organizations.models import Unit
from organizations.tree_export import tree_workbook


class Command(BaseCommand):
    help = "Xuất hệ thống tổ chức dưới một tổ chức ra tệp .xlsx (định dạng nhập được)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("unit")
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = Unit.objects.filter(code=options["unit"], closed_on__isnull=True).first()
        if unit is None:
            raise CommandError(
                f"Không có đơn vị đang hoạt động với mã “{options['unit']}”."
            )
        Path(options["file"]).write_bytes(tree_workbook(unit))
        self.stdout.write(f"Đã xuất {unit.name} vào {options['file']}.")
