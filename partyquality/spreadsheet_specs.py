"""Import spreadsheets in general: a kind's columns (``Spec``), their coded
lists, and the blank template a user downloads (issue #3 §3).

Headers are Vietnamese and matched without regard to case or spacing. Coded
columns take the label a person reads ("Nữ", "Kinh", "Đại học"); the code is
accepted too, so a file exported by a program still imports. The lists for
those columns live on a hidden sheet and feed Excel's data validation.
Each app declares its own kinds (``members/spreadsheet_templates.py``,
``organizations/tree_spreadsheet.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from partyquality.xlsx import neutralise

# Rows a template's data validation covers.
VALIDATION_ROWS = 10_000
LISTS_SHEET = "Danh mục"


def labelled(choices: list[tuple[str, object]]) -> tuple[tuple[str, str], ...]:
    """(code, label) pairs of a model's choices, labels as text."""
    return tuple((str(code), str(label)) for code, label in choices)


def normalise_header(text: object) -> str:
    return " ".join(str(text or "").split()).casefold()


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | date | choice | year | bool | id
    required: bool = False
    example: object = None
    # label → code for coded columns (labels shown in the list).
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int | None = None
    width: int = 18
    # A text column's form (a card number's dots) and the message when a cell
    # misses it; for an "id" column (12 digits) the message alone.
    pattern: str = ""
    pattern_message: object = ""

    def lookup(self) -> dict[str, str]:
        """Normalised label or code → code."""
        table: dict[str, str] = {}
        for code, label in self.choices:
            table[normalise_header(code)] = code
            table[normalise_header(label)] = code
        return table


@dataclass(frozen=True)
class Spec:
    kind: str
    sheet_title: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def headers(self) -> list[str]:
        return [str(c.header) for c in self.columns]

    @property
    def example_row(self) -> list[object]:
        return [c.example for c in self.columns]

    @property
    def filename(self) -> str:
        return f"mau-nhap-{self.kind}.xlsx"


def build_template(spec: Spec) -> bytes:
    """A blank workbook: Vietnamese header, one example row, lists for codes."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = spec.sheet_title
    ws.append(spec.headers)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="EFEFF3")
    ws.append([neutralise(v) for v in spec.example_row])
    grey = Font(italic=True, color="777777")
    for cell in ws[2]:
        cell.font = grey
    ws.freeze_panes = "A2"

    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_col = 0
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        if column.kind == "date":
            for row in range(2, 3):
                ws.cell(row=row, column=index).number_format = "DD/MM/YYYY"
        if column.kind in ("id", "card"):
            # Keep leading zeros of CCCD and dotted card numbers as text.
            ws.column_dimensions[letter].number_format = "@"
            ws.cell(row=2, column=index).number_format = "@"
        if not column.choices:
            continue
        list_col += 1
        list_letter = get_column_letter(list_col)
        lists.cell(row=1, column=list_col, value=str(column.header))
        for offset, (_code, label) in enumerate(column.choices, start=2):
            lists.cell(row=offset, column=list_col, value=neutralise(label))
        end = len(column.choices) + 1
        validation = DataValidation(
            type="list",
            formula1=f"'{LISTS_SHEET}'!${list_letter}$2:${list_letter}${end}",
            allow_blank=not column.required,
            showErrorMessage=True,
            errorTitle=str(_("Giá trị không có trong danh mục")),
            error=str(_("Chọn một giá trị trong danh sách.")),
        )
        validation.add(f"{letter}2:{letter}{VALIDATION_ROWS + 1}")
        ws.add_data_validation(validation)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
