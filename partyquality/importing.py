"""Importing spreadsheets: dry run, then all or nothing (issue #3 §3–4).

One pass reads the workbook (calamine in a child process, values only,
``partyquality/spreadsheets.py``), parses every row in Python, looks up what
exists with one query per chunk of keys and decides each row's outcome: new,
updated, unchanged, or its errors — each naming the row, the column's
Vietnamese header and what was expected. A file with any error writes
nothing. A confirmed file is written in one transaction. Re-importing the
same file finds every row unchanged.

This module holds what every kind of import shares: reading, parsing cells,
the run (``Importer``), the error workbook and the registry of kinds
(``register``), filled by
each app's ``AppConfig.ready`` so the pages and commands find the kinds of
apps above this layer without importing them.
"""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel
from psycopg import sql

from partyquality import spreadsheets
from partyquality.spreadsheet_specs import (
    Column,
    Spec,
    build_template,
    normalise_header,
)
from partyquality.text import UnsafeText, clean_name

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
BAD_YEAR = _("Cần một năm có 4 chữ số, ví dụ 2020.")
BAD_BOOL = _("Cần “Có” hoặc “Không”.")
BAD_COUNT = _("Cần một số nguyên không âm, ví dụ 12.")
DUPLICATE_IN_FILE = _("Trùng với dòng {other} trong tệp.")
WRITE_CONFLICT = _(
    "Dữ liệu đã thay đổi trong lúc nhập ({detail}); không có gì được ghi, hãy thử lại."
)
ERROR_COLUMN = _("Lỗi")
BAD_ID = _("Cần 12 chữ số.")

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


def no_progress(stage: str, done: int, total: int) -> None:
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


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _query(statement: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Raw lookups with array parameters (``= ANY(%s)``): one parameter per
    query instead of thousands, which psycopg would otherwise have to splice."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


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
        within: Any | None = None,
        today: datetime.date | None = None,
        progress: Progress = no_progress,
    ) -> None:
        self.today = today or timezone.localdate()
        self.user, self.within = user, within
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

    def column(self, key: str) -> Column:
        return next(c for c in self.spec.columns if c.key == key)

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        raise NotImplementedError

    def write(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        raise NotImplementedError


# --- The kinds of import --------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of import: its spreadsheet, its importer and its name."""

    importer: type[Importer]
    label: object
    # Who may upload it (the app knows: this layer has no access rules).
    may_import: Callable[[Any], bool]
    # Offered on the general upload page; the tree's own page is the unit's.
    listed: bool = True
    # The review's heading over each row's label (its key).
    row_header: object = _("Người")

    def allows(self, user: Any) -> bool:
        return self.may_import(user)

    @property
    def spec(self) -> Spec:
        return self.importer.spec

    def template(self) -> bytes:
        return build_template(self.spec)


KINDS: dict[str, Kind] = {}


def register(
    importer: type[Importer],
    label: object,
    *,
    may_import: Callable[[Any], bool],
    listed: bool = True,
    row_header: object = _("Người"),
) -> None:
    """Make an import kind known to the pages and commands (from an app's
    ``AppConfig.ready``)."""
    KINDS[importer.spec.kind] = Kind(importer, label, may_import, listed, row_header)


def import_file(
    kind: str,
    source: str | Path | IO[bytes],
    *,
    commit: bool,
    user: Any | None = None,
    within: Any | None = None,
    progress: Progress = no_progress,
) -> ImportResult:
    """Dry-run (``commit=False``) or import a workbook of ``kind``; all or nothing."""
    importer = KINDS[kind].importer(user=user, within=within, progress=progress)
    return importer.run(source, commit=commit)
