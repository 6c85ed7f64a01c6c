"""Real .xlsx files for the import tests, written with openpyxl."""

from __future__ import annotations

import datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook

from members.spreadsheet_templates import SPECS


def xlsx(
    rows: list[list[Any]], *, kind: str = "members", header: list[str] | None = None
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header if header is not None else SPECS[kind].headers)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def member_row(n: int, *, cell: str = "TC-TP-1", **changes: Any) -> list[Any]:
    values = {
        "full_name": f"Nguyễn Văn Thử {n}",
        "gender": "Nữ" if n % 3 == 0 else "Nam",
        "date_of_birth": datetime.date(1970, 1, 1) + datetime.timedelta(days=97 * n),
        "ethnicity": "Kinh" if n % 10 else "Thái",
        "religion": "Không",
        "home_village": "Thanh Phong",
        "national_id": f"0400{n:08d}",
        "card_number": f"40.{n:06d}",
        "admitted_on": datetime.date(2010, 1, 1) + datetime.timedelta(days=n),
        "full_member_on": datetime.date(2011, 1, 1) + datetime.timedelta(days=n),
        "cell_code": cell,
    }
    values.update(changes)
    return [values[c.key] for c in SPECS["members"].columns]


def read_sheet(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]
