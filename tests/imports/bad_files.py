"""Hostile and careless workbooks, written by the tests themselves (issue #16).

Each is a real file a user could upload: openpyxl, xlwt and zipfile write
them the way Excel's own parts look, only with the one thing wrong.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from typing import Any

from openpyxl import Workbook

from members.spreadsheet_templates import SPECS


def _save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def far_cell() -> bytes:
    """The template's header and one cell at XFD1048576 (~5 KB): its
    <dimension> says A1:XFD1048576."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(SPECS["members"].headers)
    sheet["XFD1048576"] = "x"
    return _save(workbook)


def _rewrite_part(content: bytes, name: str, change: Any) -> bytes:
    source = zipfile.ZipFile(BytesIO(content))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == name:
                data = change(data)
            target.writestr(info.filename, data)
    return buffer.getvalue()


def far_cell_undeclared() -> bytes:
    """The far cell without its <dimension>: nothing to see before parsing,
    and calamine asks for 512 GiB (it aborted the web worker)."""
    return _rewrite_part(
        far_cell(),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml),
    )


def _bare_workbook(sheet_xml: Any, sheets: str | None = None) -> bytes:
    """A minimal .xlsx whose sheet XML is written by ``sheet_xml(file)``."""
    sheets = sheets or '<sheet name="S" sheetId="1" r:id="rId1"/>'
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType='
            '"application/vnd.openxmlformats-package.relationships+xml"/><Default '
            'Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats'
            '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            "schemas.openxmlformats.org/officeDocument/2006/relationships/"
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats'
            '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            "schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
            '" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            sheet_xml(part)
    return buffer.getvalue()


def zip_bomb(rows: int = 2_000_000) -> bytes:
    """A few hundred KB that unpack to ``rows`` identical rows (~100 bytes
    each: 200 MB for the default), compressed ~300 times."""
    row = (
        b'<row><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>y'
        b"</t></is></c><c><v>1</v></c></row>"
    )
    chunk = row * 10_000

    def write(part: Any) -> None:
        part.write(
            b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats'
            b'.org/spreadsheetml/2006/main"><sheetData>'
        )
        for _ in range(rows // 10_000):
            part.write(chunk)
        part.write(b"</sheetData></worksheet>")

    return _bare_workbook(write)


def with_doctype() -> bytes:
    """A workbook part declaring entities (the billion-laughs shape)."""
    return _rewrite_part(
        far_cell(),
        "xl/workbook.xml",
        lambda xml: xml.replace(
            b"<workbook",
            b'<!DOCTYPE lol [<!ENTITY lol "lol">]><workbook',
            1,
        ),
    )


def hidden_first_sheet(visible_rows: list[list[Any]]) -> bytes:
    """A hidden first sheet of junk, then the members' sheet."""
    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "An"
    hidden.append(["Cột lạ", "Khác"])
    hidden.append(["không được nhập", 1])
    hidden.sheet_state = "hidden"
    data = workbook.create_sheet("Đảng viên")
    data.append(SPECS["members"].headers)
    for row in visible_rows:
        data.append(row)
    return _save(workbook)


def only_hidden_sheets() -> bytes:
    return _rewrite_part(
        hidden_first_sheet([]),
        "xl/workbook.xml",
        lambda xml: xml.replace(b'state="visible"', b'state="veryHidden"'),
    )


def huge_header(columns: int = 16_384) -> bytes:
    """The template's header followed by thousands of junk column names."""
    workbook = Workbook()
    sheet = workbook.active
    headers = SPECS["members"].headers
    sheet.append([*headers, *(f"Cột {n}" for n in range(columns - len(headers)))])
    return _save(workbook)


def many_sheets(count: int) -> bytes:
    workbook = Workbook()
    for n in range(count - 1):
        workbook.create_sheet(f"Trang {n}")
    return _save(workbook)


def real_xls(rows: list[list[Any]]) -> bytes:
    """An Excel 97–2003 (.xls, BIFF8) workbook with the template's header."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Dang vien")
    for column, header in enumerate(SPECS["members"].headers):
        sheet.write(0, column, header)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is not None:
                sheet.write(number, column, str(value))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
