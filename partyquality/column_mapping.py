"""A workbook with its own headers: which of its columns holds each column of
an import (issue #19 §7, "bring your own spreadsheet").

Boards keep lists exported from other programs, with their own headers in
their own order. Rather than retyping them into the template, the user maps
each expected column to one of the file's headers once; the mapping is saved
for that user and kind, keyed by the file's headers taken as a set
(``signature``), and reused the next time a file with the same headers comes
(``members.import_job_models.ColumnMapping``; the pages are in
``members/import_mapping_views.py``).

This module only knows headers: suggesting a mapping, checking one, and
turning one into the positions the reader takes each column from
(``partyquality/importing.py``).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from partyquality.spreadsheet_specs import Spec, normalise_header

# --- Messages (tests assert these texts) -----------------------------------

UNMAPPED_REQUIRED = _(
    "Cột “{column}” là bắt buộc: hãy chọn cột của tệp chứa “{column}”."
)
MAPPED_TWICE = _(
    "Cột “{header}” của tệp được chọn cho cả “{first}” và “{second}”; mỗi cột "
    "của tệp chỉ dùng cho một cột."
)
NOT_IN_FILE = _("Tệp không có cột “{header}”: hãy chọn lại.")
REPEATED_HEADER = _(
    "Tệp có nhiều cột cùng tiêu đề “{header}” (cột {letters}), không biết đọc cột "
    "nào cho “{column}”: hãy đặt tiêu đề khác nhau cho các cột đó trong tệp rồi "
    "tải lên lại."
)
# The error workbook's last column: a file sent back corrected is read
# without it, and keeps the headers its mapping was saved for.
ERROR_COLUMN = _("Lỗi")

# Headers other programs and offices use for our columns, by column key
# (the keys are shared by every kind: a card number is "card_number" in the
# members file and "person_key" where it identifies a person). Matched
# without case, spacing or accents.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "full_name": ("Họ tên", "Họ và tên đảng viên", "Tên đảng viên", "Họ tên khai sinh"),
    "gender": ("Giới", "Nam/Nữ", "Phái"),
    "date_of_birth": ("Ngày tháng năm sinh", "Sinh ngày", "Năm sinh", "NS"),
    "ethnicity": ("Dân tộc (thành phần)",),
    "home_village": ("Quê", "Nguyên quán"),
    "national_id": ("CCCD", "Căn cước công dân", "Số căn cước", "Số định danh"),
    "card_number": ("Số thẻ", "Số thẻ Đảng", "Thẻ đảng viên"),
    "admitted_on": ("Ngày kết nạp", "Ngày vào đảng", "Kết nạp ngày"),
    "full_member_on": ("Ngày công nhận chính thức", "Chính thức ngày"),
    "cell_code": ("Mã chi bộ sinh hoạt", "Chi bộ (mã)", "Mã CB"),
    "person_key": ("Số thẻ đảng viên", "Số CCCD", "Số thẻ", "CCCD"),
}


def fold(text: object) -> str:
    """A header without case, spacing or Vietnamese accents ("Ngày Sinh" and
    "ngay sinh" are the same header)."""
    decomposed = unicodedata.normalize("NFD", normalise_header(text))
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return bare.replace("đ", "d")


def is_error_column(name: str) -> bool:
    """The error workbook's column, in any language the application speaks."""
    names = {normalise_header("Lỗi"), normalise_header(ERROR_COLUMN)}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(normalise_header(ERROR_COLUMN))
    return name in names


def file_headers(header_row: Sequence[Any]) -> list[str]:
    """The file's header texts, as the user typed them: blank cells, the
    error workbook's column and a header's repeats left out."""
    found, seen = [], set()
    for value in header_row:
        name = normalise_header(value)
        if name and name not in seen and not is_error_column(name):
            seen.add(name)
            found.append(str(value).strip())
    return found


def repeated(header_row: Sequence[Any]) -> dict[str, list[str]]:
    """The headers found over more than one column of the file (as typed in
    the first), with those columns' letters: ``{"Ghi chú": ["C", "F"]}``."""
    letters: dict[str, list[str]] = {}
    typed: dict[str, str] = {}
    for index, value in enumerate(header_row):
        name = normalise_header(value)
        if name:
            letters.setdefault(name, []).append(get_column_letter(index + 1))
            typed.setdefault(name, str(value).strip())
    return {typed[n]: at for n, at in letters.items() if len(at) > 1}


def signature(headers: Iterable[str]) -> str:
    """The key a mapping is saved under: the file's headers as a set, so the
    same export with its columns moved still finds it (and so does its error
    workbook, whose "Lỗi" column is left out)."""
    names = sorted(
        {
            normalise_header(h)
            for h in headers
            if normalise_header(h) and not is_error_column(normalise_header(h))
        }
    )
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


def _names(spec: Spec, key: str) -> list[str]:
    """A column's header in each language the application speaks."""
    column = next(c for c in spec.columns if c.key == key)
    names = [str(column.header)]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.append(str(column.header))
    return names


def suggest(spec: Spec, headers: Sequence[str]) -> dict[str, str | None]:
    """Column key → the file's header suggested for it: the same header, then
    the same without case, spacing or accents, then a known synonym; each
    header suggested once, the better match first."""
    suggested: dict[str, str | None] = dict.fromkeys(c.key for c in spec.columns)
    taken: set[str] = set()
    tests = [
        lambda name, h: str(name).strip() == h,
        lambda name, h: fold(name) == fold(h),
    ]
    for test in tests:
        for column in spec.columns:
            if suggested[column.key] is not None:
                continue
            for header in headers:
                if header in taken:
                    continue
                if any(test(name, header) for name in _names(spec, column.key)):
                    suggested[column.key] = header
                    taken.add(header)
                    break
    for column in spec.columns:
        if suggested[column.key] is not None:
            continue
        known = {fold(s) for s in SYNONYMS.get(column.key, ())}
        for header in headers:
            if header not in taken and fold(header) in known:
                suggested[column.key] = header
                taken.add(header)
                break
    return suggested


def problems(
    spec: Spec,
    headers: Sequence[str],
    mapping: dict[str, str | None],
    repeats: dict[str, list[str]] | None = None,
) -> list[tuple[str, str]]:
    """What is wrong with a mapping, as (column key, message): a required
    column left unmapped, a header the file does not have, one header chosen
    for two columns, or a header the file has over several columns
    (``repeats``, from ``repeated``)."""
    found: list[tuple[str, str]] = []
    present = {normalise_header(h) for h in headers}
    twice = {normalise_header(h): (h, at) for h, at in (repeats or {}).items()}
    chosen: dict[str, str] = {}
    for column in spec.columns:
        header = mapping.get(column.key) or ""
        if not header:
            if column.required:
                found.append(
                    (column.key, str(UNMAPPED_REQUIRED).format(column=column.header))
                )
            continue
        if normalise_header(header) not in present:
            found.append((column.key, str(NOT_IN_FILE).format(header=header)))
            continue
        if normalise_header(header) in twice:
            typed, letters = twice[normalise_header(header)]
            message = str(REPEATED_HEADER).format(
                header=typed, letters=", ".join(letters), column=column.header
            )
            found.append((column.key, message))
            continue
        first = chosen.get(normalise_header(header))
        if first is not None:
            message = str(MAPPED_TWICE).format(
                header=header,
                first=next(c.header for c in spec.columns if c.key == first),
                second=column.header,
            )
            found.append((column.key, message))
            continue
        chosen[normalise_header(header)] = column.key
    return found


def positions(
    spec: Spec, header_row: Sequence[Any], mapping: dict[str, str | None]
) -> list[int | None]:
    """For each column of the spec, the position in the file of the header
    mapped to it (None: not in this file). The mapping has been checked."""
    at = {}
    for index, text in enumerate(header_row):
        name = normalise_header(text)
        if name and name not in at:
            at[name] = index
    return [
        at.get(normalise_header(mapping.get(c.key) or ""))
        if mapping.get(c.key)
        else None
        for c in spec.columns
    ]
