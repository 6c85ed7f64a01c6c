"""``manage.py import_people <kind> <file> [--unit CODE] [--dry-run] [--user NAME]``.

The same import as the upload page (``partyquality/management/import_command.py``).
"""

from __future__ import annotations

from typing import Any

from members.spreadsheet_templates import SPECS
from organizations.models import Unit
from partyquality.management.import_command import ImportCommand


class Command(ImportCommand):
    help = "Nhập đảng viên, trình độ hoặc chức vụ từ tệp .xlsx (kiểm tra rồi ghi tất cả hoặc không ghi gì)."
    kinds = tuple(SPECS)

    def unit_by_code(self, code: str) -> Any | None:
        return Unit.objects.filter(code=code, closed_on__isnull=True).first()
