"""Turning an import's cells into typed values (``partyquality/importing.py``),
and back into what the dry run shows beside each row (issue #19 §7: the
values as read, so a secretary sees that "03/04/1975" became 3 April).

Dates are read day first (dd/mm/yyyy), as Vietnamese documents write them;
coded columns take the label or the code. Each bad cell gives a message
naming what was expected; the caller adds the row and the column.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel

from partyquality.spreadsheet_specs import Column, Spec, normalise_header
from partyquality.text import UnsafeText, clean_name

# --- Messages (tests assert these texts) -----------------------------------

REQUIRED = _("Bắt buộc, đang để trống.")
BAD_DATE = _("Cần một ngày dạng ngày/tháng/năm, ví dụ 17/05/1980.")
FUTURE_DATE = _("Ngày không được sau hôm nay.")
BAD_CHOICE = _("Cần một giá trị trong danh mục (ví dụ: {examples}).")
TOO_LONG = _("Dài quá {n} ký tự.")
BAD_YEAR = _("Cần một năm có 4 chữ số, ví dụ 2020.")
BAD_BOOL = _("Cần “Có” hoặc “Không”.")
BAD_COUNT = _("Cần một số nguyên không âm, ví dụ 12.")
BAD_ID = _("Cần 12 chữ số.")

# --- Parsing cells ------------------------------------------------------------

_DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(value: Any) -> datetime.date | None:
    """A date from a cell: Excel date, serial number, dd/mm/yyyy, d-m-yyyy, yyyy-mm-dd."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:
            converted = from_excel(value)
            if isinstance(converted, datetime.datetime):
                return converted.date()
        raise ValueError(value)
    text = str(value).strip()
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d", text) else text
    match = _ISO_RE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return datetime.date(year, month, day)
    match = _DATE_RE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return datetime.date(year, month, day)
    raise ValueError(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Bad(Exception):
    """A cell that does not hold what its column expects."""


class RowParser:
    """Turns raw cells into typed values, recording errors on the row.

    One small function per column, chosen once: the parser runs over a
    million cells for a 100,000-row file.
    """

    def __init__(self, spec: Spec, today: datetime.date) -> None:
        self.spec = spec
        self.today = today
        self.columns = [
            (c, c.key, self._converter(c), None if c.kind != "text" else "")
            for c in spec.columns
        ]

    def parse(self, result: Any, raw: tuple[Any, ...]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for (column, key, convert, blank), value in zip(self.columns, raw, strict=True):
            if value is None or value == "":
                if column.required:
                    result.error(column, REQUIRED)
                values[key] = blank
                continue
            try:
                values[key] = convert(value)
            except _Bad as bad:
                result.error(column, bad.args[0])
                values[key] = blank
        return values

    def _converter(self, column: Column) -> Callable[[Any], Any]:
        kind, today = column.kind, self.today
        if kind == "date":

            def to_date(value: Any) -> Any:
                if type(value) is datetime.date:
                    day = value
                else:
                    try:
                        day = parse_date(value)
                    except (ValueError, OverflowError):
                        raise _Bad(BAD_DATE) from None
                if day is None:
                    return None
                if day > today:
                    raise _Bad(FUTURE_DATE)
                return day

            return to_date
        if kind in ("choice", "bool"):
            table = column.lookup()
            exact = {label: code for code, label in column.choices}
            examples = ", ".join(label for _c, label in column.choices[:4])
            message = (
                BAD_BOOL if kind == "bool" else BAD_CHOICE.format(examples=examples)
            )

            def to_code(value: Any) -> Any:
                code = exact.get(value) if type(value) is str else None
                if code is None:
                    code = table.get(normalise_header(_text(value)))
                if code is None:
                    if not _text(value):
                        if column.required:
                            raise _Bad(REQUIRED)
                        return None
                    raise _Bad(message)
                return code == "1" if kind == "bool" else code

            return to_code
        if kind == "year":

            def to_year(value: Any) -> Any:
                text = _text(value)
                if not (
                    text.isdigit() and len(text) == 4 and 1900 <= int(text) <= 2100
                ):
                    raise _Bad(BAD_YEAR)
                return int(text)

            return to_year
        if kind == "count":

            def to_count(value: Any) -> Any:
                text = _text(value)
                if not text.isdigit() or len(text) > 9:
                    raise _Bad(BAD_COUNT)
                return int(text)

            return to_count
        if kind == "id":
            bad_id = column.pattern_message or BAD_ID

            def to_id(value: Any) -> Any:
                text = _text(value)
                if isinstance(value, int | float) and len(text) < 12:
                    text = text.zfill(12)  # Excel dropped the leading zeros
                if not (text.isdigit() and len(text) == 12):
                    if not text:
                        return None
                    raise _Bad(bad_id)
                return text

            return to_id
        limit = column.max_length
        too_long = TOO_LONG.format(n=limit) if limit else ""
        card_format = re.compile(column.pattern) if column.pattern else None

        def to_text(value: Any) -> Any:
            try:
                text = clean_name(value) if type(value) is str else _text(value)
            except UnsafeText as unsafe:
                raise _Bad(unsafe.message) from None
            if limit and len(text) > limit:
                raise _Bad(too_long)
            if not text and column.required:
                raise _Bad(REQUIRED)
            if card_format is not None and text and not card_format.match(text):
                raise _Bad(column.pattern_message)
            return text or (None if kind != "text" else "")

        return to_text


# --- Values as read ---------------------------------------------------------

# A date as read, in words: "03/04/1975" shows as 3 April, never 4 March.
# English names the month ({month_name}) where Vietnamese numbers it, so the
# two strings use different fields: the flag below keeps msgfmt's check (the
# CI's compilemessages) from requiring {month} in the translation.
# xgettext:no-python-brace-format
DATE_AS_READ = _("{day} tháng {month} năm {year}")
YES = _("Có")
NO = _("Không")


def _masked(text: str) -> str:
    """A CCCD is never shown whole (DOMAIN.md §4, sensitive): its province
    code and last digits are enough to see it was read with its zeros."""
    return f"{text[:3]}••••••{text[-3:]}" if len(text) > 6 else text


class ValuesAsRead:
    """Each column's value of a row as the import understood it, for the dry
    run (issue #19 §7): dates in words, coded columns by their label, codes
    with the name they resolve to (``names``), the cell as typed where it
    could not be read.

    One small function per column, chosen once, and each date written once:
    a dry run shows a million values for a 100,000-row file."""

    def __init__(self, spec: Spec) -> None:
        from django.utils.dates import MONTHS

        words = str(DATE_AS_READ)
        months = {m: str(name) for m, name in MONTHS.items()}
        dates: dict[datetime.date, str] = {}

        def date(value: datetime.date, _name: str | None) -> str:
            text = dates.get(value)
            if text is None:
                text = dates[value] = words.format(
                    day=value.day,
                    month=value.month,
                    month_name=months[value.month],
                    year=value.year,
                )
            return text

        self.date = date
        self.yes, self.no = str(YES), str(NO)
        self.columns = [(c.key, self._shower(c)) for c in spec.columns]

    def _shower(self, column: Column) -> Callable[[Any, str | None], str]:
        if column.kind == "date":
            return self.date
        if column.kind == "bool":
            yes, no = self.yes, self.no
            return lambda value, _name: yes if value else no
        if column.choices:
            labels = dict(column.choices)
            return lambda value, _name: labels.get(str(value), str(value))
        if column.kind == "id":
            return lambda value, _name: _masked(str(value))
        return lambda value, name: f"{value} ({name})" if name else str(value)

    def row(
        self, raw: tuple[Any, ...], values: dict[str, Any], names: dict[str, str]
    ) -> tuple[str, ...]:
        shown = []
        for (key, show), cell in zip(self.columns, raw, strict=True):
            value = values.get(key)
            if value is None or value == "":
                # Blank, or not understood (the row's error says why).
                shown.append("" if cell is None or cell == "" else _text(cell))
            else:
                shown.append(show(value, names.get(key)))
        return tuple(shown)
