"""One organization's year of classifications from a workbook, sent from its
review page (``/danh-gia/<org>/<year>/nhap/``).

The board's import (``assessments/board_import.py``) with the organization
given by the page instead of a column: the same checks (the level in the
year's scale, cells before their organization, the review rules, a locked
year refused whole), and the imports pages' steps — the column mapping for a
workbook of the secretary's own, the dry run with the values as read, the
rows in error as a workbook, all or nothing (issue #19 §7). Columns: "Mã chi
bộ" or "Số thẻ đảng viên", "Năm", "Mức", "Điểm", "Nhận xét".
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from assessments.board_import import SPEC, ClassificationImporter
from organizations.models import Unit
from partyquality.importing import ImportFileError, RowResult
from partyquality.spreadsheet_specs import Column, Spec

REVIEW_CLASSIFICATIONS = "org_classifications"
LABEL = _("Xếp loại cả năm của một tổ chức cơ sở")
NO_ORGANIZATION = _("Hãy tải tệp lên từ trang đánh giá của tổ chức cơ sở.")

# The board's columns but the organization's code: the page names it.
ORGANIZATION_SPEC = Spec(
    REVIEW_CLASSIFICATIONS,
    SPEC.sheet_title,
    tuple(c for c in SPEC.columns if c.key != "org_code"),
)


class OrganizationClassificationImporter(ClassificationImporter):
    """``within``: the organization's id (its page checked the user may
    write there; the board's checks look again, as for any file)."""

    spec = ORGANIZATION_SPEC

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        units = Unit.objects.filter(pk=self.within)
        code = units.values_list("code", flat=True).first()
        if code is None:  # only sent from an organization's page
            raise ImportFileError(str(NO_ORGANIZATION))
        for _row, values in parsed:
            values["org_code"] = code
        super().resolve(parsed)

    def column(self, key: str) -> Column:
        # The organization not open in the file's year is the year's fault.
        return super().column("year" if key == "org_code" else key)
