"""The limits on an uploaded workbook, their messages, and the checks made
before any of its cells is parsed (issue #16).

What the zip's central directory and two small XML parts declare: the file's
size and kind (an .xls or a password-protected workbook is an OLE2 file,
refused with how to resave it), the number of parts, their uncompressed size
and compression ratio, the number of sheets, the first *visible* sheet (a
hidden first sheet is skipped) and that sheet's declared ``<dimension>``
(rows, columns, cells). ``partyquality/spreadsheets.py`` runs these, then
parses the cells in a child process.

The messages say what is wrong and what to do, in the user's language; they
are module constants so tests assert their text.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

# --- Messages (tests assert these texts) -----------------------------------

FILE_TOO_LARGE = _("Tệp lớn quá giới hạn {limit} MB.")
NOT_A_WORKBOOK = _(
    "Tệp không phải bảng tính Excel (.xlsx). Hãy lưu tệp dưới dạng .xlsx rồi tải lên lại."
)
OLD_OR_LOCKED_WORKBOOK = _(
    "Tệp là bảng tính Excel 97–2003 (.xls) hoặc có đặt mật khẩu. Hãy mở tệp bằng "
    "Excel, bỏ mật khẩu nếu có, chọn Lưu thành → Sổ làm việc Excel (.xlsx) rồi tải "
    "lên lại."
)
UNUSUAL_COMPRESSION = _(
    "Tệp nén bất thường: phần “{part}” giải nén ra lớn gấp {ratio} lần (tối đa "
    "{limit} lần). Tệp này không được đọc; hãy mở bằng Excel, lưu lại dưới dạng "
    ".xlsx rồi tải lên lại."
)
UNCOMPRESSED_TOO_LARGE = _(
    "Tệp giải nén ra {size} MB, quá giới hạn {limit} MB. Hãy chia thành nhiều tệp "
    "nhỏ hơn."
)
TOO_MANY_PARTS = _(
    "Tệp có {parts} phần, bất thường với một bảng tính (tối đa {limit})."
)
TOO_MANY_SHEETS = _("Tệp có {sheets} trang tính, tối đa {limit}.")
NO_VISIBLE_SHEET = _("Tệp không có trang tính nào đang hiện để nhập.")
TOO_MANY_ROWS = _(
    "Trang tính “{sheet}” kéo dài đến dòng {rows}; mỗi lần nhập tối đa {limit} "
    "dòng. Hãy xóa các dòng thừa ở cuối trang tính hoặc chia thành nhiều tệp."
)
TOO_MANY_COLUMNS = _(
    "Trang tính “{sheet}” kéo dài đến cột {letter} ({columns} cột); tối đa {limit} "
    "cột. Hãy xóa các cột thừa bên phải vùng dữ liệu (kể cả cột trống có định dạng)."
)
TOO_MANY_CELLS = _(
    "Vùng dữ liệu của trang tính “{sheet}” ({letter}{rows}) có {cells} ô; tối đa "
    "{limit} ô. Hãy xóa các dòng, cột thừa hoặc chia thành nhiều tệp."
)
PARSER_OUT_OF_MEMORY = _(
    "Không đọc được tệp: bảng tính cần hơn {limit} MB bộ nhớ để đọc (thường do có "
    "ô ở rất xa vùng dữ liệu, ví dụ XFD1048576). Hãy chép vùng dữ liệu cần nhập "
    "sang một tệp mới rồi tải lên lại."
)
PARSER_TOO_SLOW = _(
    "Không đọc xong tệp trong {limit} giây. Hãy chia thành nhiều tệp nhỏ hơn rồi "
    "tải lên lại."
)
PARSER_FAILED = _(
    "Không đọc được tệp: trình đọc bảng tính dừng bất thường. Hãy mở tệp bằng "
    "Excel, lưu lại dưới dạng .xlsx rồi tải lên lại."
)


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; ``message`` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Limits -------------------------------------------------------------------

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    bytes: int  # the file as uploaded
    uncompressed_bytes: int  # all its parts, as the zip declares them
    ratio: int  # uncompressed / compressed, for parts over RATIO_FROM_BYTES
    parts: int
    sheets: int
    rows: int  # the last row of the sheet read, header included
    columns: int
    cells: int  # rows x columns: calamine allocates that rectangle
    memory_bytes: int  # the child's address space (RLIMIT_AS)
    seconds: int  # the child's processor time and wall-clock time

    @classmethod
    def from_settings(cls, **changes: int) -> Limits:
        limits = cls(
            bytes=settings.IMPORT_MAX_BYTES,
            uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            parts=2000,
            sheets=settings.IMPORT_MAX_SHEETS,
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cells=settings.IMPORT_MAX_CELLS,
            memory_bytes=settings.IMPORT_PARSE_MEMORY_MB * MB,
            seconds=settings.IMPORT_PARSE_SECONDS,
        )
        return replace(limits, **changes)


# A small part (styles, a sheet of a few rows) can compress 100:1 honestly.
RATIO_FROM_BYTES = 1 * MB
# workbook.xml and its relationships: a list of sheets, never this large.
SMALL_PART_BYTES = 1 * MB
# The sheet's <dimension> comes before its data (ECMA-376 §18.3.1.99).
DIMENSION_WITHIN_BYTES = 64 * 1024


def _number(value: float) -> str:
    return number_format(value, force_grouping=True)


def _mb(size: int) -> str:
    megabytes = round(size / MB, 1)
    return _number(int(megabytes) if megabytes.is_integer() else megabytes)


def check_size(size: int, limits: Limits | None = None) -> None:
    """Refuse a file larger than the limit, before reading any of it."""
    limits = limits or Limits.from_settings()
    if size > limits.bytes:
        raise SpreadsheetError(FILE_TOO_LARGE.format(limit=_mb(limits.bytes)))


# --- 1. Checks before parsing ---------------------------------------------------

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EOCD = struct.Struct("<4s4H2LH")
NS_REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_REL_DOC_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"


@dataclass(frozen=True)
class SheetInfo:
    """The sheet an import reads: the workbook's first visible worksheet."""

    name: str
    part: str  # its zip entry, e.g. xl/worksheets/sheet1.xml
    rows: int | None  # as its <dimension> declares (None: not declared)
    columns: int | None


def _zip_entries_declared(path: Path) -> int:
    """The entry count of the end-of-central-directory record, read before
    zipfile builds an object per entry."""
    size = path.stat().st_size
    with path.open("rb") as file:
        file.seek(max(0, size - EOCD.size - 65535))
        tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + EOCD.size > len(tail):
        raise SpreadsheetError(str(NOT_A_WORKBOOK))
    return EOCD.unpack_from(tail, at)[5]


def _read_small_part(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise SpreadsheetError(str(NOT_A_WORKBOOK)) from None
    if info.file_size > SMALL_PART_BYTES:
        raise SpreadsheetError(str(NOT_A_WORKBOOK))
    with archive.open(info) as part:
        data = part.read(SMALL_PART_BYTES + 1)
    # No document type, no entities (billion laughs): a real workbook has none.
    if len(data) > SMALL_PART_BYTES or b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise SpreadsheetError(str(NOT_A_WORKBOOK))
    try:
        return ElementTree.fromstring(data)  # noqa: S314 — size-capped, no DTD
    except ElementTree.ParseError:
        raise SpreadsheetError(str(NOT_A_WORKBOOK)) from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _first_visible_sheet(archive: zipfile.ZipFile, limits: Limits) -> tuple[str, str]:
    """(name, zip entry) of the first visible worksheet, in the workbook's order."""
    workbook = _read_small_part(archive, "xl/workbook.xml")
    sheets = [e for e in workbook.iter() if _local(e.tag) == "sheet"]
    if len(sheets) > limits.sheets:
        raise SpreadsheetError(
            TOO_MANY_SHEETS.format(
                sheets=_number(len(sheets)), limit=_number(limits.sheets)
            )
        )
    relations = _read_small_part(archive, "xl/_rels/workbook.xml.rels")
    targets = {
        e.get("Id"): (e.get("Target") or "", e.get("Type") or "")
        for e in relations.iter()
        if _local(e.tag) == "Relationship"
    }
    for sheet in sheets:
        if sheet.get("state", "visible") != "visible":
            continue
        relation = sheet.get(f"{{{NS_REL_DOC}}}id") or sheet.get(
            f"{{{NS_REL_DOC_STRICT}}}id"
        )
        target, kind = targets.get(relation, ("", ""))
        if not kind.endswith("/worksheet"):
            continue  # a chart sheet, or a broken link
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        return sheet.get("name") or "", os.path.normpath(part)
    raise SpreadsheetError(str(NO_VISIBLE_SHEET))


_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Z$]*\d*)(?::([A-Z$]*\d*))?\""
)
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _declared_dimension(
    archive: zipfile.ZipFile, part: str
) -> tuple[int | None, int | None]:
    """(last row, last column) from the sheet's <dimension ref="A1:K2001">."""
    with archive.open(part) as sheet:
        head = sheet.read(DIMENSION_WITHIN_BYTES)
    found = _DIMENSION.search(head)
    if found is None:
        return None, None
    last = (found.group(2) or found.group(1)).decode("ascii")
    cell = _CELL.match(last)
    if cell is None:
        return None, None
    return int(cell.group(2)), _column_number(cell.group(1))


def _check_declared_size(sheet: str, rows: int, columns: int, limits: Limits) -> None:
    if columns > limits.columns:
        raise SpreadsheetError(
            TOO_MANY_COLUMNS.format(
                sheet=sheet,
                letter=get_column_letter(min(columns, 18278)),
                columns=_number(columns),
                limit=_number(limits.columns),
            )
        )
    if rows > limits.rows:
        raise SpreadsheetError(
            TOO_MANY_ROWS.format(
                sheet=sheet, rows=_number(rows), limit=_number(limits.rows)
            )
        )
    if rows * columns > limits.cells:
        raise SpreadsheetError(
            TOO_MANY_CELLS.format(
                sheet=sheet,
                letter=get_column_letter(columns),
                rows=rows,
                cells=_number(rows * columns),
                limit=_number(limits.cells),
            )
        )


def check_workbook(path: str | Path, limits: Limits | None = None) -> SheetInfo:
    """Everything that can be known about ``path`` without parsing its cells;
    raises ``SpreadsheetError`` at the first thing over a limit."""
    limits = limits or Limits.from_settings()
    path = Path(path)
    check_size(path.stat().st_size, limits)
    with path.open("rb") as file:
        magic = file.read(8)
    if magic == OLE2_MAGIC:
        raise SpreadsheetError(str(OLD_OR_LOCKED_WORKBOOK))
    if not magic.startswith(ZIP_MAGIC):
        raise SpreadsheetError(str(NOT_A_WORKBOOK))
    entries = _zip_entries_declared(path)
    if entries > limits.parts:
        raise SpreadsheetError(
            TOO_MANY_PARTS.format(parts=_number(entries), limit=_number(limits.parts))
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetError(str(NOT_A_WORKBOOK)) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.parts:
            raise SpreadsheetError(
                TOO_MANY_PARTS.format(
                    parts=_number(len(infos)), limit=_number(limits.parts)
                )
            )
        for info in infos:
            if info.flag_bits & 0x1:  # an encrypted part
                raise SpreadsheetError(str(NOT_A_WORKBOOK))
            if (
                info.file_size > RATIO_FROM_BYTES
                and info.file_size > limits.ratio * max(info.compress_size, 1)
            ):
                raise SpreadsheetError(
                    UNUSUAL_COMPRESSION.format(
                        part=info.filename,
                        ratio=_number(info.file_size // max(info.compress_size, 1)),
                        limit=_number(limits.ratio),
                    )
                )
        total = sum(info.file_size for info in infos)
        if total > limits.uncompressed_bytes:
            raise SpreadsheetError(
                UNCOMPRESSED_TOO_LARGE.format(
                    size=_mb(total), limit=_mb(limits.uncompressed_bytes)
                )
            )
        name, part = _first_visible_sheet(archive, limits)
        if part not in archive.NameToInfo:
            raise SpreadsheetError(str(NOT_A_WORKBOOK))
        try:
            rows, columns = _declared_dimension(archive, part)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise SpreadsheetError(str(NOT_A_WORKBOOK)) from None
    if rows is not None and columns is not None:
        _check_declared_size(name, rows, columns, limits)
    return SheetInfo(name=name, part=part, rows=rows, columns=columns)
