"""``manage.py import_tree <file> [--unit CODE] [--dry-run] [--user NAME]``.

The same import as the page reached from a unit (``organizations/tree_import.py``):
with ``--unit`` every row must lie under that unit; without it (the
operator) a province committee may be a root.
"""

from __future__ import annotations

from typing import Any

from organizations.models import Unit
from organizations.tree_spreadsheet import TREE
from partyquality.management.import_command import ImportCommand


class Command(ImportCommand):
    help = "Nhập hệ thống tổ chức đảng từ tệp .xlsx (kiểm tra cả tệp rồi ghi tất cả hoặc không ghi gì)."
    kinds = (TREE,)

    def unit_by_code(self, code: str) -> Any | None:
        return Unit.objects.filter(code=code, closed_on__isnull=True).first()
