"""Excel workbooks: one sheet per table, real numbers, frozen headers, dates
as dd/mm/yyyy (DOMAIN.md §8), and text that cannot run as a formula.

``build_report_workbook`` lays a report out as a report: title, unit, year
and source lines above each table, a sheet index with the tables' full
names, percentages as real fractions in a percent format, column widths
from their contents.

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
from pathlib import Path

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
# Number formats of report cells (Excel shows them with the reader's own
# separators): counts grouped, years never, shares as per cent with one
# decimal — two under 1 % (DOMAIN.md §8) — and changes in points signed.
INTEGER = "#,##0"
YEAR = "0"
DECIMAL = "#,##0.0"
PERCENT = "0.0%"
SMALL_PERCENT = "0.00%"
POINTS = "+0.0;-0.0;0.0"
MAX_NAME = 31  # Excel's limit on a sheet's name


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


def _date_formats(ws: Worksheet, first_row: int) -> None:
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, datetime.date):
                cell.number_format = DATE_FORMAT


def build_workbook(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EFEFF3")
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet.title[:MAX_NAME])
        ws.append([str(h) for h in sheet.header])
        for cell in ws[1]:
            cell.font = bold
            cell.fill = fill
        for row in sheet.rows:
            ws.append([_cell_value(v) for v in row])
        _date_formats(ws, 2)
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


@dataclass
class ReportColumn:
    label: str
    # An Excel number format, or None for text.
    number_format: str | None = None


@dataclass
class ReportSheet:
    """One table of a report: its full title, the lines that say what it
    counts, its columns, rows and total row."""

    title: str
    lines: Sequence[str]
    columns: Sequence[ReportColumn]
    rows: Sequence[Sequence[object]]
    total: Sequence[object] | None = None
    note: str = ""
    # Lines printed in red above the table (a provisional copy says so).
    warning: str = ""


def sheet_name(number: int, title: str, used: set[str]) -> str:
    """ "3. Danh sách tổ chức không…": numbered, cut at a word within Excel's
    31 characters; the full title stays on the sheet and in the index."""
    name = f"{number}. {title}"
    if len(name) > MAX_NAME:
        cut = name[: MAX_NAME - 1].rsplit(" ", 1)[0]
        name = cut + "…"
    name = "".join("-" if ch in "[]:*?/\\" else ch for ch in name)
    while name in used:
        name = name[: MAX_NAME - 3] + f"~{len(used)}"
    used.add(name)
    return name


def _width(value: object, number_format: str | None) -> int:
    if value is None:
        return 2
    if isinstance(value, float) and number_format in (PERCENT, SMALL_PERCENT):
        return 8
    if isinstance(value, int | float):
        return len(f"{value:,.1f}")
    return len(str(value))


def build_report_workbook(
    *, index_title: str, index_lines: Sequence[str], sheets: Sequence[ReportSheet]
) -> bytes:
    """An index sheet (the report's lines and every table's full name, each
    a link to its sheet), then one sheet per table."""
    workbook = Workbook()
    index = workbook.active
    index.title = "Mục lục"
    big, bold = Font(bold=True, size=14), Font(bold=True)
    red = Font(bold=True, color="B3261E")
    head_fill = PatternFill("solid", fgColor="EFEFF3")
    index.append([neutralise(index_title)])
    index["A1"].font = big
    for line in index_lines:
        index.append([neutralise(line)])
    index.append([])
    index.append(["Bảng", "Tên bảng", "Trang tính"])
    for cell in index[index.max_row]:
        cell.font = bold
        cell.fill = head_fill
    used: set[str] = {index.title}
    names = []
    for number, sheet in enumerate(sheets, start=1):
        name = sheet_name(number, sheet.title, used)
        names.append(name)
        index.append([number, neutralise(sheet.title), name])
        link = index.cell(row=index.max_row, column=3)
        link.hyperlink = f"#'{name}'!A1"
        link.style = "Hyperlink"
    index.column_dimensions["A"].width = 8
    index.column_dimensions["B"].width = 70
    index.column_dimensions["C"].width = 34

    for name, sheet in zip(names, sheets, strict=True):
        ws = workbook.create_sheet(title=name)
        for line in sheet.lines:
            ws.append([neutralise(line)])
        ws["A1"].font = big
        if sheet.warning:
            ws.append([neutralise(sheet.warning)])
            ws.cell(row=ws.max_row, column=1).font = red
        ws.append([neutralise(sheet.title)])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=12)
        ws.append([neutralise(c.label) for c in sheet.columns])
        header = ws.max_row
        for cell in ws[header]:
            cell.font = bold
            cell.fill = head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths = [min(14, len(c.label)) for c in sheet.columns]
        body = [*sheet.rows, *([sheet.total] if sheet.total is not None else [])]
        for values in body:
            ws.append([_cell_value(v) for v in values])
            for column, (cell, spec) in enumerate(
                zip(ws[ws.max_row], sheet.columns, strict=False)
            ):
                fmt = spec.number_format
                if (
                    fmt == PERCENT
                    and isinstance(cell.value, float)
                    and 0 < abs(cell.value) < 0.01
                ):
                    fmt = SMALL_PERCENT
                if fmt and isinstance(cell.value, int | float):
                    cell.number_format = fmt
                widths[column] = max(widths[column], _width(cell.value, fmt))
        if sheet.total is not None:
            for cell in ws[ws.max_row]:
                cell.font = bold
        _date_formats(ws, header + 1)
        if sheet.note:
            ws.append([])
            ws.append([neutralise(sheet.note)])
            ws.cell(row=ws.max_row, column=1).font = Font(italic=True)
        ws.freeze_panes = ws.cell(row=header + 1, column=2)
        for column, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = max(
                8, min(60, width + 2)
            )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_response(sheets: Sequence[Sheet], filename: str) -> HttpResponse:
    response = HttpResponse(build_workbook(sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> None:
    """``build_workbook`` streamed to a file (openpyxl's write-only mode): for
    sheets of hundreds of thousands of rows, which the in-memory workbook
    holds as millions of cell objects (the 200,000-row error workbook took
    ~730 MB and over 120 s that way, issue #16)."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EFEFF3")
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet.title[:31])
        for index, header in enumerate(sheet.header, start=1):
            width = (
                sheet.widths[index - 1]
                if sheet.widths
                else max(12, min(45, len(str(header)) + 4))
            )
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        header_cells = []
        for header in sheet.header:
            cell = WriteOnlyCell(ws, value=str(header))
            cell.font, cell.fill = bold, fill
            header_cells.append(cell)
        ws.append(header_cells)
        for row in sheet.rows:
            ws.append([_write_only_cell(ws, v) for v in row])
    workbook.save(path)


def _write_only_cell(ws: object, value: object) -> object:
    """A value as ``build_workbook`` writes it, dates as dd/mm/yyyy."""
    value = _cell_value(value)
    if not isinstance(value, datetime.date):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = (
        DATETIME_FORMAT if isinstance(value, datetime.datetime) else DATE_FORMAT
    )
    return cell
