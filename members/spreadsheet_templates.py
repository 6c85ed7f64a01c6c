"""The three import spreadsheets: their columns, the coded lists, and the
blank template a user downloads (issue #3 §3).

Headers are Vietnamese and matched without regard to case or spacing. Coded
columns take the label a person reads ("Nữ", "Kinh", "Đại học"); the code is
accepted too, so a file exported by a program still imports. The lists for
those columns live on a hidden sheet and feed Excel's data validation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from io import BytesIO

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from members.ethnicities import ETHNICITIES
from members.models import Gender, Origin, QualificationStatus
from members.qualifications import LEVELS, Dimension
from partyquality.xlsx import neutralise

MEMBERS = "members"
QUALIFICATIONS = "qualifications"
HOLDINGS = "holdings"

KIND_LABELS = {
    MEMBERS: _("Đảng viên"),
    QUALIFICATIONS: _("Trình độ"),
    HOLDINGS: _("Chức vụ đảm nhiệm"),
}

# Rows a template's data validation covers.
VALIDATION_ROWS = 10_000
LISTS_SHEET = "Danh mục"


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


def _labelled(choices: list[tuple[str, object]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(code), str(label)) for code, label in choices)


GENDERS = _labelled(Gender.choices)
ETHNICITY_CHOICES = _labelled(ETHNICITIES)  # type: ignore[arg-type]
DIMENSIONS = _labelled(Dimension.choices)
LEVEL_CHOICES = tuple((code, str(label)) for _d, code, label, _r in LEVELS)
STATUSES = _labelled(QualificationStatus.choices)
ORIGINS = _labelled(Origin.choices)
YES_NO = (("1", "Có"), ("0", "Không"))

KEY_HEADER = _("Số thẻ đảng viên hoặc CCCD")

SPECS: dict[str, Spec] = {
    MEMBERS: Spec(
        MEMBERS,
        "Đảng viên",
        (
            Column(
                "full_name",
                _("Họ và tên"),
                required=True,
                max_length=120,
                example="Nguyễn Văn An",
                width=28,
            ),
            Column("gender", _("Giới tính"), "choice", True, "Nam", GENDERS, width=10),
            Column(
                "date_of_birth",
                _("Ngày sinh"),
                "date",
                True,
                datetime.date(1980, 5, 17),
                width=12,
            ),
            Column(
                "ethnicity", _("Dân tộc"), "choice", True, "Kinh", ETHNICITY_CHOICES
            ),
            Column("religion", _("Tôn giáo"), max_length=60, example="Không"),
            Column(
                "home_village",
                _("Quê quán"),
                max_length=200,
                example="Thanh Phong, Thanh Chương, Nghệ An",
                width=30,
            ),
            Column("national_id", _("Số CCCD"), "id", example="040080001234"),
            Column(
                "card_number",
                _("Số thẻ đảng viên"),
                "card",
                example="40.012345",
                max_length=20,
            ),
            Column(
                "admitted_on",
                _("Ngày vào Đảng"),
                "date",
                True,
                datetime.date(2005, 3, 3),
                width=14,
            ),
            Column(
                "full_member_on",
                _("Ngày chính thức"),
                "date",
                example=datetime.date(2006, 3, 3),
                width=14,
            ),
            Column(
                "cell_code",
                _("Mã chi bộ"),
                required=True,
                max_length=40,
                example="TC-TP-1",
            ),
        ),
    ),
    QUALIFICATIONS: Spec(
        QUALIFICATIONS,
        "Trình độ",
        (
            Column("person_key", KEY_HEADER, "card", True, "40.012345", width=24),
            Column(
                "dimension",
                _("Lĩnh vực"),
                "choice",
                True,
                str(Dimension.PROFESSIONAL.label),
                DIMENSIONS,
                width=24,
            ),
            Column(
                "level",
                _("Trình độ"),
                "choice",
                True,
                "Đại học",
                LEVEL_CHOICES,
                width=24,
            ),
            Column(
                "status", _("Trạng thái"), "choice", False, "Đã có", STATUSES, width=12
            ),
            Column("expected_year", _("Năm dự kiến xong"), "year", width=12),
            Column("field", _("Chuyên ngành"), max_length=120, example="Luật"),
            Column(
                "institution",
                _("Cơ sở đào tạo"),
                max_length=200,
                example="Đại học Vinh",
                width=24,
            ),
            Column("year", _("Năm tốt nghiệp"), "year", example=2004, width=12),
        ),
    ),
    HOLDINGS: Spec(
        HOLDINGS,
        "Chức vụ",
        (
            Column("person_key", KEY_HEADER, "card", True, "40.012345", width=24),
            Column(
                "unit_code",
                _("Mã đơn vị"),
                required=True,
                max_length=40,
                example="TC-TP",
            ),
            Column(
                "position_code",
                _("Mã chức vụ"),
                required=True,
                max_length=40,
                example="party_secretary",
                width=20,
            ),
            Column(
                "valid_from",
                _("Từ ngày"),
                "date",
                True,
                datetime.date(2020, 10, 1),
                width=12,
            ),
            Column("valid_to", _("Đến ngày"), "date", width=12),
            Column("is_concurrent", _("Kiêm nhiệm"), "bool", False, "Không", YES_NO),
            Column("origin", _("Nguồn"), "choice", False, "Tại chỗ", ORIGINS, width=30),
        ),
    ),
}


def build_template(kind: str) -> bytes:
    """A blank workbook: Vietnamese header, one example row, lists for codes."""
    spec = SPECS[kind]
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
