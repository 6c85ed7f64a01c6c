"""Excel workbooks: one sheet per table, real numbers, frozen headers, and
text that cannot run as a formula.

A cell whose text begins with ``=``, ``+``, ``-`` or ``@`` is a formula to a
spreadsheet program (CSV/formula injection, OWASP); such text is written with
a leading apostrophe-like quote prefix so it stays text.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: object) -> object:
    """Make text that looks like a formula stay text; leave numbers and dates alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]] = field(default_factory=list)
    widths: Sequence[int] | None = None


def _cell_value(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if value is None or isinstance(
        value, int | float | datetime.date | datetime.datetime
    ):
        return value
    return neutralise(str(value))


def build_workbook(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EFEFF3")
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet.title[:31])
        ws.append([str(h) for h in sheet.header])
        for cell in ws[1]:
            cell.font = bold
            cell.fill = fill
        for row in sheet.rows:
            ws.append([_cell_value(v) for v in row])
        ws.freeze_panes = "A2"
        for index, header in enumerate(sheet.header, start=1):
            width = (
                sheet.widths[index - 1]
                if sheet.widths
                else max(12, min(45, len(str(header)) + 4))
            )
            ws.column_dimensions[get_column_letter(index)].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_response(sheets: Sequence[Sheet], filename: str) -> HttpResponse:
    response = HttpResponse(build_workbook(sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
