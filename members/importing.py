"""Importing people from spreadsheets: dry run, then all or nothing (issue #3 §3–4).

One pass reads the workbook (calamine, values only), parses every
row in Python, looks up what exists with one query per chunk of keys (party
card numbers, national IDs, cell codes) and decides each row's outcome:
new, updated, unchanged, or its errors — each naming the row, the column's
Vietnamese header and what was expected. A file with any error writes
nothing. A confirmed file is written in one transaction: new members with
PostgreSQL ``COPY`` (ids reserved from the sequences first), changes with
batched updates. Re-importing the same file finds every row unchanged: the
natural key is the party card number, then the national ID.

The django-import-export resource in ``members/resources.py`` does the same
job row by row; it serves exports and is the benchmark's baseline.
"""

from __future__ import annotations

import datetime
import json
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel
from psycopg import sql

from members.models import (
    CARD_NUMBER_PATTERN,
    ERR_CARD_NUMBER_FORMAT,
    ERR_NATIONAL_ID_FORMAT,
    CellPeriod,
    MemberEventKind,
    Membership,
    MembershipStatus,
    Origin,
    Person,
    Position,
    PositionHolding,
    Qualification,
    QualificationStatus,
)
from members.qualifications import LEVEL_DIMENSION, LEVEL_RANK
from members.spreadsheet_templates import (
    HOLDINGS,
    MEMBERS,
    QUALIFICATIONS,
    SPECS,
    Column,
    Spec,
    normalise_header,
)
from organizations.models import CELL_LIKE_LEVELS, Unit
from partyquality import dry_runs, spreadsheets
from partyquality.text import UnsafeText, clean_name
from partyquality.xlsx import Sheet, write_workbook

# --- Messages (tests assert these texts) -----------------------------------

FILE_NOT_SPREADSHEET = spreadsheets.NOT_A_WORKBOOK
FILE_EMPTY = _("Tệp không có dòng dữ liệu nào.")
FILE_TOO_LARGE = spreadsheets.FILE_TOO_LARGE
MISSING_HEADERS = _("Thiếu cột: {names}. Hãy dùng tệp mẫu.")
UNKNOWN_HEADERS = _("Cột không có trong mẫu: {names}. Hãy dùng tệp mẫu.")
# A header of thousands of junk columns is named by its first few.
HEADERS_NAMED = 10
MORE_HEADERS = _("{names} và {n} cột khác")
DUPLICATE_HEADERS = _("Cột bị lặp: {names}.")

REQUIRED = _("Bắt buộc, đang để trống.")
BAD_DATE = _("Cần một ngày dạng ngày/tháng/năm, ví dụ 17/05/1980.")
FUTURE_DATE = _("Ngày không được sau hôm nay.")
BAD_CHOICE = _("Cần một giá trị trong danh mục (ví dụ: {examples}).")
TOO_LONG = _("Dài quá {n} ký tự.")
BAD_NATIONAL_ID = ERR_NATIONAL_ID_FORMAT  # the model's own message
BAD_CARD_NUMBER = ERR_CARD_NUMBER_FORMAT
BAD_YEAR = _("Cần một năm có 4 chữ số, ví dụ 2020.")
BAD_BOOL = _("Cần “Có” hoặc “Không”.")
NEED_KEY = _("Cần số thẻ đảng viên hoặc số CCCD để nhận diện người.")
DUPLICATE_IN_FILE = _("Trùng với dòng {other} trong tệp.")
UNKNOWN_CELL = _("Không có chi bộ đang hoạt động với mã “{code}”.")
NOT_A_CELL = _("Mã “{code}” là của {name}, không phải chi bộ.")
OUTSIDE_SCOPE = _("Đơn vị “{code}” nằm ngoài phạm vi bạn được cập nhật.")
FULL_BEFORE_ADMISSION = _("Ngày chính thức phải sau ngày vào Đảng.")
TOO_YOUNG = _("Người vào Đảng phải đủ 18 tuổi (Điều lệ Đảng, Điều 1).")
CELL_CHANGED = _(
    "Đảng viên đang sinh hoạt ở chi bộ “{code}”; chuyển sinh hoạt bằng chức năng "
    "chuyển sinh hoạt, không qua nhập tệp."
)
CELL_CHANGED_ELSEWHERE = _(
    "Đảng viên đang sinh hoạt ở chi bộ khác; chuyển sinh hoạt bằng chức năng "
    "chuyển sinh hoạt, không qua nhập tệp."
)
NATIONAL_ID_TAKEN = _("Số CCCD này đã thuộc người khác ({name}).")
MEMBER_LEFT = _("Đảng viên này đã ra khỏi Đảng; không cập nhật qua nhập tệp.")
ADMISSION_CHANGED = _(
    "Ngày vào Đảng khác với hồ sơ ({date}); sửa trên trang của đảng viên."
)
# Someone outside the user's reach is "not found", like no one (issue #16: a
# dry run told a secretary that a card number of another branch belonged to a
# party member, and named that member's cell).
PERSON_NOT_FOUND = _(
    "Không tìm thấy người có số thẻ đảng viên hoặc CCCD “{key}” trong phạm vi bạn "
    "được cập nhật."
)
KEY_NOT_USABLE = _(
    "Không nhập được số này trong phạm vi bạn được cập nhật. Hãy kiểm tra lại số; "
    "nếu số đúng, hãy đề nghị cấp ủy cấp trên xử lý."
)
UNKNOWN_UNIT = _("Không có tổ chức đang hoạt động với mã “{code}”.")
UNKNOWN_POSITION = _("Không có chức vụ với mã “{code}”.")
LEVEL_NOT_IN_DIMENSION = _("Trình độ này không thuộc lĩnh vực đã chọn.")
STUDYING_NEEDS_YEAR = _("Đang học thì cần năm dự kiến hoàn thành.")
END_BEFORE_START = _("Ngày thôi giữ chức vụ phải sau ngày bắt đầu.")
HOLDING_OVERLAP = _("Người này đã giữ chức vụ này trong khoảng thời gian đó.")
WRITE_CONFLICT = _(
    "Dữ liệu đã thay đổi trong lúc nhập ({detail}); không có gì được ghi, hãy thử lại."
)
ERROR_COLUMN = _("Lỗi")

NEW = "new"
UPDATED = "updated"
UNCHANGED = "unchanged"
ERROR = "error"

OUTCOME_LABELS = {
    NEW: _("Thêm mới"),
    UPDATED: _("Cập nhật"),
    UNCHANGED: _("Không đổi"),
    ERROR: _("Lỗi"),
}

CHUNK = 5_000


class ImportFileError(Exception):
    """The file as a whole cannot be read: the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class RowResult:
    number: int
    label: str = ""
    outcome: str = NEW
    errors: list[tuple[str, str]] = field(default_factory=list)
    raw: tuple[Any, ...] = ()
    changes: list[str] = field(default_factory=list)

    def error(self, column: Column | str, message: object) -> None:
        header = column if isinstance(column, str) else str(column.header)
        self.errors.append((header, str(message)))
        self.outcome = ERROR

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])


@dataclass
class ImportResult:
    kind: str
    rows: list[RowResult] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, UPDATED, UNCHANGED, ERROR), 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.outcome == ERROR]

    @property
    def has_errors(self) -> bool:
        return any(r.outcome == ERROR for r in self.rows)


Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


# --- Reading ----------------------------------------------------------------


def check_size(size: int) -> None:
    try:
        spreadsheets.check_size(size)
    except spreadsheets.SpreadsheetError as exc:
        raise ImportFileError(exc.message) from None


def _names(texts: list[str]) -> str:
    if len(texts) <= HEADERS_NAMED:
        return ", ".join(texts)
    return MORE_HEADERS.format(
        names=", ".join(texts[:HEADERS_NAMED]), n=len(texts) - HEADERS_NAMED
    )


def _header_index(spec: Spec, header: tuple[Any, ...]) -> list[int | None]:
    """For each column of the spec, its position in the file (None if absent)."""
    accepted: dict[str, int] = {}
    for position, column in enumerate(spec.columns):
        accepted[normalise_header(column.header)] = position
        with translation.override("vi"):
            accepted[normalise_header(column.header)] = position
    ignored = {normalise_header(ERROR_COLUMN), normalise_header("Lỗi")}
    found: list[int | None] = [None] * len(spec.columns)
    unknown, repeated = [], []
    for index, text in enumerate(header):
        name = normalise_header(text)
        if not name or name in ignored:
            continue
        position = accepted.get(name)
        if position is None:
            unknown.append(str(text).strip())
        elif found[position] is not None:
            repeated.append(str(text).strip())
        else:
            found[position] = index
    missing = [
        str(c.header)
        for c, at in zip(spec.columns, found, strict=True)
        if at is None and c.required
    ]
    if missing:
        raise ImportFileError(str(MISSING_HEADERS).format(names=", ".join(missing)))
    if unknown:
        raise ImportFileError(str(UNKNOWN_HEADERS).format(names=_names(unknown)))
    if repeated:
        raise ImportFileError(str(DUPLICATE_HEADERS).format(names=_names(repeated)))
    return found


def read_rows(
    spec: Spec, source: str | Path | IO[bytes]
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values in the spec's column order) for each non-blank row
    of the workbook's first visible sheet, read by the safe reader
    (``partyquality/spreadsheets.py``: limits checked first, then calamine in
    a child process).
    """
    try:
        yield from _read_rows(spec, spreadsheets.read_rows(source))
    except spreadsheets.SpreadsheetError as exc:
        raise ImportFileError(exc.message) from None


def _read_rows(
    spec: Spec, rows: Iterator[tuple[int, list[Any]]]
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    header = None
    for _number, values in rows:  # the header: the first row not blank
        if any(v not in (None, "") for v in values):
            header = values
            break
    if header is None:
        raise ImportFileError(str(FILE_EMPTY))
    positions = _header_index(spec, tuple(header))
    example = tuple(spec.example_row)
    width = len(header)
    for number, values in rows:
        if len(values) < width:
            values = [*values, *([None] * (width - len(values)))]
        ordered = tuple(values[at] if at is not None else None for at in positions)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in ordered):
            continue
        if _is_example(ordered, example):
            continue
        yield number, ordered


def _is_example(values: tuple[Any, ...], example: tuple[Any, ...]) -> bool:
    if values[0] != example[0]:
        return False

    def norm(v: Any) -> Any:
        if isinstance(v, datetime.datetime):
            return v.date()
        return None if v == "" else v

    return tuple(norm(v) for v in values) == example


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

    def parse(self, result: RowResult, raw: tuple[Any, ...]) -> dict[str, Any]:
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
        if kind == "id":

            def to_id(value: Any) -> Any:
                text = _text(value)
                if isinstance(value, int | float) and len(text) < 12:
                    text = text.zfill(12)  # Excel dropped the leading zeros
                if not (text.isdigit() and len(text) == 12):
                    if not text:
                        return None
                    raise _Bad(BAD_NATIONAL_ID)
                return text

            return to_id
        limit = column.max_length
        too_long = TOO_LONG.format(n=limit) if limit else ""
        card_format = (
            re.compile(CARD_NUMBER_PATTERN) if column.key == "card_number" else None
        )

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
                raise _Bad(BAD_CARD_NUMBER)
            return text or (None if kind != "text" else "")

        return to_text


# --- Scope --------------------------------------------------------------------


class Scope:
    """Which units the importing user may write to; None = the operator (CLI)."""

    def __init__(self, user: Any | None, within: Unit | None, today: datetime.date):
        self.user = user
        self.within = within
        self.today = today

    def writable(self, unit_ids: Iterable[int]) -> set[int]:
        from organizations.tree import subtree_ids_sql
        from partyquality.access import scope_filter

        ids = list(unit_ids)
        if not ids:
            return set()
        qs = Unit.objects.filter(pk__in=ids)
        if self.user is not None:
            qs = qs.filter(scope_filter(self.user, "id", write=True))
        if self.within is not None:
            qs = qs.filter(pk__in=subtree_ids_sql([self.within.pk], self.today))
        return set(qs.values_list("pk", flat=True))


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _query(statement: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Raw lookups with array parameters (``= ANY(%s)``): one parameter per
    query instead of thousands, which psycopg would otherwise have to splice."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _open_units(codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    rows = _query(
        "SELECT id, code, name, level, opened_on FROM organizations_unit "
        "WHERE code = ANY(%s) AND closed_on IS NULL",
        [sorted(set(codes))],
    )
    keys = ("id", "code", "name", "level", "opened_on")
    return {row[1]: dict(zip(keys, row, strict=True)) for row in rows}


MEMBERSHIP_SQL = (
    "SELECT m.id, m.person_id, m.card_number, m.admitted_on, m.full_member_on, "
    "m.ended_on, m.status, m.current_cell_id, u.code FROM members_membership m "
    "LEFT JOIN organizations_unit u ON u.id = m.current_cell_id "
)
MEMBERSHIP_KEYS = (
    "id",
    "person_id",
    "card_number",
    "admitted_on",
    "full_member_on",
    "ended_on",
    "status",
    "current_cell_id",
    "current_cell__code",
)


def _reserve_ids(table: str, count: int) -> list[int]:
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
            "FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with raw.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


# --- Importers ----------------------------------------------------------------


class Importer:
    spec: Spec

    def __init__(
        self,
        *,
        user: Any | None = None,
        within: Unit | None = None,
        today: datetime.date | None = None,
        progress: Progress = _no_progress,
    ) -> None:
        self.today = today or timezone.localdate()
        self.scope = Scope(user, within, self.today)
        self.progress = progress
        self.parser = RowParser(self.spec, self.today)

    def run(self, source: str | Path | IO[bytes], *, commit: bool) -> ImportResult:
        started = time.perf_counter()
        result = ImportResult(kind=self.spec.kind)
        parsed: list[tuple[RowResult, dict[str, Any]]] = []
        for number, raw in read_rows(self.spec, source):
            row = RowResult(number=number, raw=raw)
            parsed.append((row, self.parser.parse(row, raw)))
            result.rows.append(row)
            if len(parsed) % 10_000 == 0:
                self.progress("read", len(parsed), 0)
        if not parsed:
            raise ImportFileError(str(FILE_EMPTY))
        self.progress("read", len(parsed), len(parsed))
        self.check_duplicates(parsed)
        self.resolve(parsed)
        for row, _values in parsed:
            if row.outcome != ERROR:
                row.raw = ()  # keep raw cells only for the error workbook
        if commit and not result.has_errors:
            try:
                with transaction.atomic():
                    self.write(parsed)
            except IntegrityError as exc:
                detail = str(exc).splitlines()[0][:200]
                raise ImportFileError(WRITE_CONFLICT.format(detail=detail)) from exc
            result.written = True
        result.seconds = time.perf_counter() - started
        return result

    # Subclasses
    def key_columns(self) -> list[str]:
        return []

    def check_duplicates(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        columns = {c.key: c for c in self.spec.columns}
        for key in self.key_columns():
            seen: dict[Any, RowResult] = {}
            for row, values in parsed:
                value = self.duplicate_value(key, values)
                if value in (None, ""):
                    continue
                first = seen.get(value)
                if first is None:
                    seen[value] = row
                    continue
                column = columns[key]
                row.error(column, DUPLICATE_IN_FILE.format(other=first.number))
                first.error(column, DUPLICATE_IN_FILE.format(other=row.number))

    def duplicate_value(self, key: str, values: dict[str, Any]) -> Any:
        return values.get(key)

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        raise NotImplementedError

    def write(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        raise NotImplementedError

    # Shared lookups
    def writable_people(self, person_ids: Iterable[int]) -> set[int]:
        """The people among ``person_ids`` this import may touch: those with
        a cell or a position now in the writable units, and those with
        neither whose last cell was there (who left, or died, there)."""
        person_ids = set(person_ids)
        if self.scope.user is None and self.scope.within is None:
            return person_ids
        allowed: set[int] = set()
        for chunk in _chunks(sorted(person_ids)):
            now: dict[int, set[int]] = {}
            last: dict[int, int] = {}
            for person_id, unit_id, open_ in _query(
                "SELECT m.person_id, p.cell_id, p.valid_to IS NULL "
                "FROM members_cellperiod p JOIN members_membership m "
                "ON m.id = p.membership_id WHERE m.person_id = ANY(%s) "
                "ORDER BY p.valid_from, p.id",
                [chunk],
            ):
                last[person_id] = unit_id
                if open_:
                    now.setdefault(person_id, set()).add(unit_id)
            for person_id, unit_id in _query(
                "SELECT person_id, unit_id FROM members_positionholding "
                "WHERE person_id = ANY(%s) AND valid_to IS NULL",
                [chunk],
            ):
                now.setdefault(person_id, set()).add(unit_id)
            reach = dict(now)
            for person_id, unit_id in last.items():
                reach.setdefault(person_id, {unit_id})
            ok = self.scope.writable({u for units in reach.values() for u in units})
            allowed |= {p for p, units in reach.items() if units & ok}
        return allowed

    def column(self, key: str) -> Column:
        return next(c for c in self.spec.columns if c.key == key)

    def persons_by_key(self, keys: Iterable[str]) -> dict[str, int]:
        """Card number or national ID → person id (card numbers first)."""
        keys = sorted({k for k in keys if k})
        found: dict[str, int] = dict(
            _query(
                "SELECT card_number, person_id FROM members_membership "
                "WHERE card_number = ANY(%s)",
                [keys],
            )
        )
        rest = [k for k in keys if k not in found]
        found.update(
            _query(
                "SELECT national_id, id FROM members_person WHERE national_id = ANY(%s)",
                [rest],
            )
        )
        return found


PERSON_FIELDS = (
    "full_name",
    "gender",
    "date_of_birth",
    "ethnicity",
    "religion",
    "home_village",
    "national_id",
)


class MemberImporter(Importer):
    """Members: a person, their membership, its first cell period and admission.

    The first ``CellPeriod`` starts on the admission date (or the day the cell
    opened, if later): the import records the member's history as known, so
    reports for past years count them in that cell; a transfer recorded later
    closes it. Starting it on the import day instead would make every imported
    member vanish from the reports of earlier years.
    """

    spec = SPECS[MEMBERS]
    # The current cells of matched members that the rows may name.
    current_cells_shown: set[int]

    def key_columns(self) -> list[str]:
        return ["card_number", "national_id"]

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        col = self.column
        units = _open_units(v["cell_code"] for _r, v in parsed if v["cell_code"])
        writable = self.scope.writable(
            u["id"] for u in units.values() if u["level"] in CELL_LIKE_LEVELS
        )
        cards = sorted({v["card_number"] for _r, v in parsed if v["card_number"]})
        ids = sorted({v["national_id"] for _r, v in parsed if v["national_id"]})
        by_card: dict[str, dict[str, Any]] = {
            row[2]: dict(zip(MEMBERSHIP_KEYS, row, strict=True))
            for row in _query(MEMBERSHIP_SQL + "WHERE m.card_number = ANY(%s)", [cards])
        }
        by_national_id: dict[str, int] = dict(
            _query(
                "SELECT national_id, id FROM members_person WHERE national_id = ANY(%s)",
                [ids],
            )
        )
        person_ids = sorted(
            {m["person_id"] for m in by_card.values()} | set(by_national_id.values())
        )
        persons: dict[int, dict[str, Any]] = {}
        latest: dict[int, dict[str, Any]] = {}
        if person_ids:
            for row in _query(
                "SELECT id, full_name, gender, date_of_birth, ethnicity, religion, "
                "home_village, national_id FROM members_person WHERE id = ANY(%s)",
                [person_ids],
            ):
                persons[row[0]] = dict(zip(("id", *PERSON_FIELDS), row, strict=True))
            for row in _query(
                MEMBERSHIP_SQL + "WHERE m.person_id = ANY(%s) ORDER BY m.admitted_on",
                [person_ids],
            ):
                m = dict(zip(MEMBERSHIP_KEYS, row, strict=True))
                latest[m["person_id"]] = m
        reachable = self.writable_people(person_ids)
        self.current_cells_shown = self.scope.writable(
            m["current_cell_id"] for m in latest.values() if m["current_cell_id"]
        )
        self.progress("check", len(parsed), len(parsed))

        for row, v in parsed:
            row.label = v["full_name"] or ""
            code = v["cell_code"]
            unit = units.get(code) if code else None
            if code and unit is None:
                row.error(col("cell_code"), UNKNOWN_CELL.format(code=code))
            elif unit is not None and unit["level"] not in CELL_LIKE_LEVELS:
                row.error(
                    col("cell_code"), NOT_A_CELL.format(code=code, name=unit["name"])
                )
            elif unit is not None and unit["id"] not in writable:
                row.error(col("cell_code"), OUTSIDE_SCOPE.format(code=code))
            if not v["card_number"] and not v["national_id"]:
                row.error(col("card_number"), NEED_KEY)
            admitted, full = v["admitted_on"], v["full_member_on"]
            if admitted and full and full <= admitted:
                row.error(col("full_member_on"), FULL_BEFORE_ADMISSION)
            born = v["date_of_birth"]
            if born and admitted and admitted < _add_years(born, 18):
                row.error(col("admitted_on"), TOO_YOUNG)
            # Match: card number, then national ID.
            membership = by_card.get(v["card_number"]) if v["card_number"] else None
            person_id = membership["person_id"] if membership else None
            if person_id is not None and person_id not in reachable:
                # Someone else's member: say nothing of them (issue #16).
                row.error(col("card_number"), KEY_NOT_USABLE)
                continue
            if v["national_id"]:
                other = by_national_id.get(v["national_id"])
                if other is not None and other != person_id and other not in reachable:
                    row.error(col("national_id"), KEY_NOT_USABLE)
                    continue
                if other is not None and person_id is not None and other != person_id:
                    row.error(
                        col("national_id"),
                        NATIONAL_ID_TAKEN.format(name=persons[other]["full_name"]),
                    )
                    continue
                if person_id is None and other is not None:
                    person_id = other
                    candidate = latest.get(other)
                    if candidate is not None and (
                        candidate["ended_on"] is None
                        or (admitted and candidate["ended_on"] > admitted)
                    ):
                        membership = candidate
            v["_person_id"] = person_id
            v["_membership"] = membership
            v["_unit"] = unit
            if row.outcome == ERROR or person_id is None:
                continue
            self._compare(row, v, persons[person_id], membership)

    def _compare(
        self,
        row: RowResult,
        v: dict[str, Any],
        person: dict[str, Any],
        membership: dict[str, Any] | None,
    ) -> None:
        col = self.column
        v["_person"] = person
        changes = [
            f
            for f in PERSON_FIELDS
            if not (f == "national_id" and not v[f]) and person[f] != v[f]
        ]
        if membership is None:
            row.outcome = NEW  # new membership of a person already on file
            row.changes = changes
            return
        if membership["ended_on"] is not None or membership["status"] not in (
            MembershipStatus.PROBATIONARY,
            MembershipStatus.FULL,
            MembershipStatus.EXEMPTED,
        ):
            row.error(col("card_number"), MEMBER_LEFT)
            return
        if membership["current_cell_id"] != v["_unit"]["id"]:
            shown = membership["current_cell_id"] in self.current_cells_shown
            row.error(
                col("cell_code"),
                CELL_CHANGED.format(code=membership["current_cell__code"])
                if shown
                else CELL_CHANGED_ELSEWHERE,
            )
            return
        if membership["admitted_on"] != v["admitted_on"]:
            row.error(
                col("admitted_on"),
                ADMISSION_CHANGED.format(
                    date=membership["admitted_on"].strftime("%d/%m/%Y")
                ),
            )
            return
        if v["full_member_on"] != membership["full_member_on"]:
            changes.append("full_member_on")
        if v["card_number"] and membership["card_number"] != v["card_number"]:
            changes.append("card_number")
        row.changes = changes
        row.outcome = UPDATED if changes else UNCHANGED

    def write(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        now = timezone.now()
        new_people = [
            v for r, v in parsed if r.outcome == NEW and v["_person_id"] is None
        ]
        person_ids = _reserve_ids(Person._meta.db_table, len(new_people))
        for v, pid in zip(new_people, person_ids, strict=True):
            v["_person_id"] = pid
        self.progress("write", 0, len(parsed))
        _copy(
            Person._meta.db_table,
            ["id", *PERSON_FIELDS, "created_at", "updated_at"],
            (
                (
                    v["_person_id"],
                    v["full_name"],
                    v["gender"],
                    v["date_of_birth"],
                    v["ethnicity"],
                    v["religion"],
                    v["home_village"],
                    v["national_id"] or None,
                    now,
                    now,
                )
                for v in new_people
            ),
        )
        self.progress("write", len(parsed) // 4, len(parsed))
        new_members = [v for r, v in parsed if r.outcome == NEW]
        membership_ids = _reserve_ids(Membership._meta.db_table, len(new_members))
        for v, mid in zip(new_members, membership_ids, strict=True):
            v["_membership_id"] = mid
        _copy(
            Membership._meta.db_table,
            [
                "id",
                "person_id",
                "card_number",
                "admitted_on",
                "full_member_on",
                "status",
                "current_cell_id",
            ],
            (
                (
                    v["_membership_id"],
                    v["_person_id"],
                    v["card_number"] or None,
                    v["admitted_on"],
                    v["full_member_on"],
                    MembershipStatus.FULL
                    if v["full_member_on"]
                    else MembershipStatus.PROBATIONARY,
                    v["_unit"]["id"],
                )
                for v in new_members
            ),
        )
        self.progress("write", len(new_members) // 2, len(parsed))
        _copy(
            CellPeriod._meta.db_table,
            ["membership_id", "cell_id", "valid_from", "is_temporary"],
            (
                (
                    v["_membership_id"],
                    v["_unit"]["id"],
                    max(v["admitted_on"], v["_unit"]["opened_on"]),
                    False,
                )
                for v in new_members
            ),
        )
        self.progress("write", 3 * len(parsed) // 4, len(parsed))
        note = _g("Nhập từ bảng tính")
        events: list[tuple[Any, ...]] = []
        for v in new_members:
            events.append(
                (
                    v["_membership_id"],
                    MemberEventKind.ADMISSION,
                    v["admitted_on"],
                    "",
                    None,
                    v["_unit"]["id"],
                    note,
                    now,
                )
            )
            if v["full_member_on"]:
                events.append(
                    (
                        v["_membership_id"],
                        MemberEventKind.FULL_MEMBER,
                        v["full_member_on"],
                        "",
                        None,
                        None,
                        note,
                        now,
                    )
                )
        from members.models import MemberEvent

        _copy(
            MemberEvent._meta.db_table,
            [
                "membership_id",
                "kind",
                "date",
                "decision_number",
                "from_cell_id",
                "to_cell_id",
                "note",
                "created_at",
            ],
            events,
        )
        self.progress("write", len(parsed) - 1, len(parsed))
        self._write_updates(parsed, now, note)
        self.progress("write", len(parsed), len(parsed))

    def _write_updates(
        self, parsed: list[tuple[RowResult, dict[str, Any]]], now: Any, note: str
    ) -> None:
        from members.models import MemberEvent

        people: list[Person] = []
        memberships: list[Membership] = []
        events: list[MemberEvent] = []
        for row, v in parsed:
            if row.outcome in (NEW, UPDATED) and any(
                f in PERSON_FIELDS for f in row.changes
            ):
                person = Person(pk=v["_person_id"], updated_at=now)
                for f in PERSON_FIELDS:
                    setattr(person, f, v[f])
                person.national_id = v["national_id"] or v["_person"]["national_id"]
                people.append(person)
            if row.outcome != UPDATED:
                continue
            m = v["_membership"]
            if "full_member_on" in row.changes or "card_number" in row.changes:
                status = m["status"]
                if v["full_member_on"] and status == MembershipStatus.PROBATIONARY:
                    status = MembershipStatus.FULL
                    events.append(
                        MemberEvent(
                            membership_id=m["id"],
                            kind=MemberEventKind.FULL_MEMBER,
                            date=v["full_member_on"],
                            note=note,
                        )
                    )
                memberships.append(
                    Membership(
                        pk=m["id"],
                        full_member_on=v["full_member_on"],
                        card_number=v["card_number"] or m["card_number"],
                        status=status,
                    )
                )
        Person.objects.bulk_update(
            people, [*PERSON_FIELDS, "updated_at"], batch_size=2000
        )
        if memberships:
            Membership.objects.bulk_update(
                memberships,
                ["full_member_on", "card_number", "status"],
                batch_size=2000,
            )
        MemberEvent.objects.bulk_create(events, batch_size=2000)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class QualificationImporter(Importer):
    """Qualifications of people already on file; key: person, dimension, level, status."""

    spec = SPECS[QUALIFICATIONS]
    FIELDS = ("expected_year", "field", "institution", "year")

    def key_columns(self) -> list[str]:
        return ["person_key"]

    def duplicate_value(self, key: str, values: dict[str, Any]) -> Any:
        if not values["person_key"]:
            return None
        return (
            values["person_key"],
            values["dimension"],
            values["level"],
            values["status"] or QualificationStatus.COMPLETED,
        )

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        col = self.column
        people = self.persons_by_key(v["person_key"] for _r, v in parsed)
        writable = self.writable_people(people.values())
        existing: dict[tuple[int, str, str, str], Qualification] = {}
        for chunk in _chunks(sorted(set(people.values()))):
            for q in Qualification.objects.filter(person_id__in=chunk):
                existing[(q.person_id, q.dimension, q.level, q.status)] = q
        for row, v in parsed:
            row.label = v["person_key"] or ""
            v["status"] = v["status"] or QualificationStatus.COMPLETED
            if (
                v["level"]
                and v["dimension"]
                and LEVEL_DIMENSION[v["level"]] != v["dimension"]
            ):
                row.error(col("level"), LEVEL_NOT_IN_DIMENSION)
            if v["status"] == QualificationStatus.STUDYING and not v["expected_year"]:
                row.error(col("expected_year"), STUDYING_NEEDS_YEAR)
            person_id = people.get(v["person_key"]) if v["person_key"] else None
            if person_id not in writable:
                person_id = None
            if v["person_key"] and person_id is None:
                row.error(
                    col("person_key"), PERSON_NOT_FOUND.format(key=v["person_key"])
                )
            v["_person_id"] = person_id
            if row.outcome == ERROR:
                continue
            current = existing.get((person_id, v["dimension"], v["level"], v["status"]))
            v["_existing"] = current
            if current is None:
                row.outcome = NEW
            else:
                row.changes = [f for f in self.FIELDS if getattr(current, f) != v[f]]
                row.outcome = UPDATED if row.changes else UNCHANGED

    def write(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        new = [
            Qualification(
                person_id=v["_person_id"],
                dimension=v["dimension"],
                level=v["level"],
                rank=LEVEL_RANK[v["level"]],
                status=v["status"],
                expected_year=v["expected_year"],
                field=v["field"],
                institution=v["institution"],
                year=v["year"],
            )
            for r, v in parsed
            if r.outcome == NEW
        ]
        Qualification.objects.bulk_create(new, batch_size=2000)
        changed = []
        for r, v in parsed:
            if r.outcome == UPDATED:
                q = v["_existing"]
                for f in self.FIELDS:
                    setattr(q, f, v[f])
                changed.append(q)
        Qualification.objects.bulk_update(changed, list(self.FIELDS), batch_size=2000)


class HoldingImporter(Importer):
    """Position holdings; key: person, unit, position, start date."""

    spec = SPECS[HOLDINGS]
    FIELDS = ("valid_to", "is_concurrent", "origin")

    def key_columns(self) -> list[str]:
        return ["person_key"]

    def duplicate_value(self, key: str, values: dict[str, Any]) -> Any:
        if not values["person_key"]:
            return None
        return (
            values["person_key"],
            values["unit_code"],
            values["position_code"],
            values["valid_from"],
        )

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        col = self.column
        people = self.persons_by_key(v["person_key"] for _r, v in parsed)
        # A holder is someone within reach already; a cadre from elsewhere is
        # given a post by a board whose reach covers both.
        reachable = self.writable_people(people.values())
        people = {k: p for k, p in people.items() if p in reachable}
        units = _open_units(v["unit_code"] for _r, v in parsed if v["unit_code"])
        writable = self.scope.writable(u["id"] for u in units.values())
        positions = dict(
            Position.objects.filter(
                code__in={v["position_code"] for _r, v in parsed}
            ).values_list("code", "pk")
        )
        existing: dict[tuple[int, int, int], list[PositionHolding]] = {}
        for chunk in _chunks(sorted(set(people.values()))):
            for h in PositionHolding.objects.filter(person_id__in=chunk):
                existing.setdefault((h.person_id, h.unit_id, h.position_id), []).append(
                    h
                )
        for row, v in parsed:
            row.label = v["person_key"] or ""
            v["is_concurrent"] = bool(v["is_concurrent"])
            v["origin"] = v["origin"] or Origin.LOCAL
            person_id = people.get(v["person_key"]) if v["person_key"] else None
            if v["person_key"] and person_id is None:
                row.error(
                    col("person_key"), PERSON_NOT_FOUND.format(key=v["person_key"])
                )
            unit = units.get(v["unit_code"]) if v["unit_code"] else None
            if v["unit_code"] and unit is None:
                row.error(col("unit_code"), UNKNOWN_UNIT.format(code=v["unit_code"]))
            elif unit is not None and unit["id"] not in writable:
                row.error(col("unit_code"), OUTSIDE_SCOPE.format(code=v["unit_code"]))
            position_id = positions.get(v["position_code"])
            if v["position_code"] and position_id is None:
                row.error(
                    col("position_code"),
                    UNKNOWN_POSITION.format(code=v["position_code"]),
                )
            start, end = v["valid_from"], v["valid_to"]
            if start and end and end <= start:
                row.error(col("valid_to"), END_BEFORE_START)
            if row.outcome == ERROR:
                continue
            v["_person_id"], v["_unit_id"], v["_position_id"] = (
                person_id,
                unit["id"],  # type: ignore[index]
                position_id,
            )
            same_post = existing.get((person_id, unit["id"], position_id), [])  # type: ignore[index]
            current = next((h for h in same_post if h.valid_from == start), None)
            for other in same_post:
                if other is current:
                    continue
                if _overlaps(start, end, other.valid_from, other.valid_to):
                    row.error(col("valid_from"), HOLDING_OVERLAP)
                    break
            if row.outcome == ERROR:
                continue
            v["_existing"] = current
            if current is None:
                row.outcome = NEW
            else:
                row.changes = [f for f in self.FIELDS if getattr(current, f) != v[f]]
                row.outcome = UPDATED if row.changes else UNCHANGED

    def write(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        PositionHolding.objects.bulk_create(
            [
                PositionHolding(
                    person_id=v["_person_id"],
                    unit_id=v["_unit_id"],
                    position_id=v["_position_id"],
                    valid_from=v["valid_from"],
                    valid_to=v["valid_to"],
                    is_concurrent=v["is_concurrent"],
                    origin=v["origin"],
                )
                for r, v in parsed
                if r.outcome == NEW
            ],
            batch_size=2000,
        )
        changed = []
        for r, v in parsed:
            if r.outcome == UPDATED:
                h = v["_existing"]
                for f in self.FIELDS:
                    setattr(h, f, v[f])
                changed.append(h)
        PositionHolding.objects.bulk_update(changed, list(self.FIELDS), batch_size=2000)


def _overlaps(
    a_from: datetime.date,
    a_to: datetime.date | None,
    b_from: datetime.date,
    b_to: datetime.date | None,
) -> bool:
    return (a_to is None or b_from < a_to) and (b_to is None or a_from < b_to)


IMPORTERS: dict[str, type[Importer]] = {
    MEMBERS: MemberImporter,
    QUALIFICATIONS: QualificationImporter,
    HOLDINGS: HoldingImporter,
}


def import_file(
    kind: str,
    source: str | Path | IO[bytes],
    *,
    commit: bool,
    user: Any | None = None,
    within: Unit | None = None,
    progress: Progress = _no_progress,
) -> ImportResult:
    """Dry-run (``commit=False``) or import a workbook of ``kind``; all or nothing."""
    importer = IMPORTERS[kind](user=user, within=within, progress=progress)
    return importer.run(source, commit=commit)


def write_error_workbook(result: ImportResult, path: Path) -> None:
    """The rows in error, as uploaded, with a column saying what to fix,
    written to ``path`` (streamed: a file may have 200,000 rows in error)."""
    spec = SPECS[result.kind]
    rows = (
        [
            *(_cell(v) for v in row.raw),
            _g("Dòng %(n)s") % {"n": row.number}
            + " — "
            + "; ".join(f"{header}: {text}" for header, text in row.errors),
        ]
        for row in result.error_rows
    )
    write_workbook(
        path, [Sheet(spec.sheet_title, [*spec.headers, str(ERROR_COLUMN)], rows)]
    )


def _cell(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date()
    return value


# --- Keeping the upload between the dry run and the confirmation -----------


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


UPLOAD_MAX_AGE = datetime.timedelta(days=1)
# How long a dry run's outcome is shown without checking the file again.
DRY_RUN_MAX_AGE = datetime.timedelta(minutes=30)


def store_upload(*, user: Any, kind: str, name: str, chunks: Iterable[bytes]) -> str:
    """Save an upload as ``var/media/imports/<uuid>.xlsx`` bound to the user."""
    directory = _upload_dir()
    _forget_old_uploads(directory)
    token = uuid.uuid4().hex
    with (directory / f"{token}.xlsx").open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    meta = {
        "user_id": user.pk,
        "kind": kind,
        "name": name[:200],
        "created": timezone.now().isoformat(),
    }
    (directory / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


@dataclass
class StoredUpload:
    token: str
    path: Path
    kind: str
    name: str

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        self.path.with_suffix(".json").unlink(missing_ok=True)
        dry_runs.forget(self.path)

    def keep_dry_run(
        self, result: ImportResult | None, file_error: str | None = None
    ) -> None:
        """Keep the dry run's outcome for the review pages (``dry_run``): its
        rows by page and its error workbook, written once, here."""
        if result is None:
            dry_runs.keep(self.path, file_error=file_error)
            return
        dry_runs.keep(
            self.path,
            rows=result.rows,
            counts=result.counts,
            write_error_workbook=lambda path: write_error_workbook(result, path),
        )

    def forget_dry_run(self) -> None:
        dry_runs.forget(self.path)

    def has_dry_run(self) -> bool:
        """A kept outcome younger than ``DRY_RUN_MAX_AGE`` is there."""
        age = dry_runs.age(self.path)
        return age is not None and age <= DRY_RUN_MAX_AGE.total_seconds()

    def dry_run(self) -> dry_runs.DryRun | None:
        """The kept outcome, if it is younger than ``DRY_RUN_MAX_AGE``."""
        return dry_runs.read(self.path) if self.has_dry_run() else None


def check_upload(
    stored: StoredUpload, *, user: Any, progress: Progress = _no_progress
) -> None:
    """Dry-run the stored upload and keep its outcome beside it (in the
    request for a small file, by the worker for a large one)."""
    try:
        result = import_file(
            stored.kind, stored.path, commit=False, user=user, progress=progress
        )
    except ImportFileError as exc:
        stored.keep_dry_run(None, str(exc.message))
        return
    stored.keep_dry_run(result)


def load_upload(*, user: Any, token: str) -> StoredUpload:
    """The user's own stored upload, or 404 (another user's token is unknown)."""
    if not re.fullmatch(r"[0-9a-f]{32}", token):
        raise Http404
    directory = _upload_dir()
    meta_path = directory / f"{token}.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Http404 from None
    if meta.get("user_id") != user.pk or meta.get("kind") not in SPECS:
        raise Http404
    return StoredUpload(token, directory / f"{token}.xlsx", meta["kind"], meta["name"])


def _forget_old_uploads(directory: Path) -> None:
    limit = time.time() - UPLOAD_MAX_AGE.total_seconds()
    for path in directory.glob("*.json"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                path.with_suffix(".xlsx").unlink(missing_ok=True)
                dry_runs.forget(path.with_suffix(".xlsx"))
        except OSError:
            continue
