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
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from psycopg import sql

from partyquality import column_mapping, spreadsheets
from partyquality.import_cells import (  # noqa: F401 — re-exported
    BAD_BOOL,
    BAD_CHOICE,
    BAD_COUNT,
    BAD_DATE,
    BAD_ID,
    BAD_YEAR,
    FUTURE_DATE,
    REQUIRED,
    TOO_LONG,
    RowParser,
    ValuesAsRead,
    parse_date,
)
from partyquality.spreadsheet_specs import (
    Column,
    Spec,
    build_template,
    normalise_header,
)

# --- Messages (tests assert these texts) -----------------------------------

FILE_NOT_SPREADSHEET = spreadsheets.NOT_A_WORKBOOK
FILE_EMPTY = _("Tệp không có dòng dữ liệu nào.")
# The template's example row is skipped, and the dry run says so.
EXAMPLE_SKIPPED = _("Dòng {n} là dòng ví dụ của tệp mẫu: bỏ qua, không nhập.")
FILE_TOO_LARGE = spreadsheets.FILE_TOO_LARGE
MISSING_HEADERS = _("Thiếu cột: {names}. Hãy dùng tệp mẫu.")
UNKNOWN_HEADERS = _("Cột không có trong mẫu: {names}. Hãy dùng tệp mẫu.")
# A header of thousands of junk columns is named by its first few.
HEADERS_NAMED = 10
MORE_HEADERS = _("{names} và {n} cột khác")
DUPLICATE_HEADERS = _("Cột bị lặp: {names}.")

DUPLICATE_IN_FILE = _("Trùng với dòng {other} trong tệp.")
WRITE_CONFLICT = _(
    "Dữ liệu đã thay đổi trong lúc nhập ({detail}); không có gì được ghi, hãy thử lại."
)
# The error workbook's last column ("Lỗi"), skipped when a file comes back.
ERROR_COLUMN = column_mapping.ERROR_COLUMN

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


class HeaderMismatch(ImportFileError):
    """The file's headers are not the template's: it may be read through a
    mapping of its own headers (``partyquality/column_mapping.py``)."""

    def __init__(self, message: str, header: Iterable[Any]) -> None:
        super().__init__(message)
        self.headers = column_mapping.file_headers(list(header))
        # Headers found over several columns, with their letters: a mapping
        # cannot choose one of them (column_mapping.REPEATED_HEADER).
        self.repeated = column_mapping.repeated(list(header))


@dataclass(slots=True)
class RowResult:
    number: int
    label: str = ""
    outcome: str = NEW
    errors: list[tuple[str, str]] = field(default_factory=list)
    raw: tuple[Any, ...] = ()
    # The row in the file's own layout, when it was read through a mapping:
    # its error workbook comes back in that layout (``write_error_workbook``).
    original: tuple[Any, ...] = ()
    changes: list[str] = field(default_factory=list)
    # Each column's value as read, for the dry run (import_cells.ValuesAsRead).
    shown: tuple[str, ...] = ()

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
    example_row: int | None = None  # the template's example, skipped
    header: HeaderRead | None = None

    @property
    def notes(self) -> list[str]:
        """What the dry run says about the file besides its rows."""
        if self.example_row is None:
            return []
        return [str(EXAMPLE_SKIPPED).format(n=self.example_row)]

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
# Column key → the header of the file's column that holds it.
Mapping = dict[str, str | None]
# The user's saved mapping for a file's headers, or None (members.ColumnMapping).
SavedMapping = Callable[[list[str]], Mapping | None]


@dataclass
class HeaderRead:
    """How the file's header row was read: by the template's headers, or
    through a mapping — the one given, or the user's saved one for these
    headers, found while reading (``saved``), so a large file is read once."""

    row: list[Any]
    mapping: Mapping | None = None
    saved: bool = False
    # How the headers differ from the template's (when read by a saved one).
    differs: str = ""
    headers: list[str] = field(default_factory=list)
    repeated: dict[str, list[str]] = field(default_factory=dict)


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


def _header_index(
    spec: Spec, header: tuple[Any, ...], mapping: Mapping | None = None
) -> list[int | None]:
    """For each column of the spec, its position in the file (None if absent):
    by the template's headers, or by the user's ``mapping`` (column key → the
    file's header, ``partyquality/column_mapping.py``)."""
    if mapping is not None:
        wrong = column_mapping.problems(
            spec,
            column_mapping.file_headers(header),
            mapping,
            column_mapping.repeated(header),
        )
        if wrong:
            raise ImportFileError(" ".join(message for _key, message in wrong))
        return column_mapping.positions(spec, header, mapping)
    # The template's headers in any language the application speaks: a
    # file from the English template imports for a Vietnamese user.
    accepted: dict[str, int] = {}
    for position, column in enumerate(spec.columns):
        accepted[normalise_header(column.header)] = position
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
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
        message = str(MISSING_HEADERS).format(names=", ".join(missing))
        raise HeaderMismatch(message, header)
    if unknown:
        raise HeaderMismatch(str(UNKNOWN_HEADERS).format(names=_names(unknown)), header)
    if repeated:
        message = str(DUPLICATE_HEADERS).format(names=_names(repeated))
        raise HeaderMismatch(message, header)
    return found


def read_rows(
    spec: Spec,
    source: str | Path | IO[bytes],
    mapping: Mapping | None = None,
    skipped: Callable[[int], None] | None = None,
    saved: SavedMapping | None = None,
    on_header: Callable[[HeaderRead], None] | None = None,
) -> Iterator[tuple[int, tuple[Any, ...], tuple[Any, ...]]]:
    """(row number, values in the spec's column order, the row as laid out
    in the file when read through a mapping, else ()) for each non-blank row
    of the workbook's first visible sheet, read by the safe reader
    (``partyquality/spreadsheets.py``: limits checked first, then calamine in
    a child process). Headers other than the template's are read through
    ``mapping``, or the one ``saved`` finds for them.
    """
    try:
        yield from _read_rows(
            spec, spreadsheets.read_rows(source), mapping, skipped, saved, on_header
        )
    except spreadsheets.SpreadsheetError as exc:
        raise ImportFileError(exc.message) from None


def _positions(
    spec: Spec, header: tuple[Any, ...], mapping: Mapping | None, saved: Any
) -> tuple[list[int | None], HeaderRead]:
    if mapping is not None:
        return _header_index(spec, header, mapping), HeaderRead(list(header), mapping)
    try:
        return _header_index(spec, header), HeaderRead(list(header))
    except HeaderMismatch as exc:
        found = saved(exc.headers) if saved is not None else None
        if found is None or column_mapping.problems(
            spec, exc.headers, found, exc.repeated
        ):
            raise
        read = HeaderRead(
            list(header), found, True, exc.message, exc.headers, exc.repeated
        )
        return column_mapping.positions(spec, header, found), read


def _read_rows(
    spec: Spec,
    rows: Iterator[tuple[int, list[Any]]],
    mapping: Mapping | None = None,
    skipped: Callable[[int], None] | None = None,
    saved: SavedMapping | None = None,
    on_header: Callable[[HeaderRead], None] | None = None,
) -> Iterator[tuple[int, tuple[Any, ...], tuple[Any, ...]]]:
    header = None
    for _number, values in rows:  # the header: the first row not blank
        if any(v not in (None, "") for v in values):
            header = values
            break
    if header is None:
        raise ImportFileError(str(FILE_EMPTY))
    positions, read = _positions(spec, tuple(header), mapping, saved)
    if on_header is not None:
        on_header(read)
    mapped = read.mapping is not None
    example = tuple(spec.example_row)
    width = len(header)
    # The template's columns in the template's order (most files): a slice,
    # not a lookup per cell — a province's file is a million cells.
    in_order = positions == list(range(len(positions)))
    count = len(positions)
    for number, values in rows:
        if len(values) < width:
            values = [*values, *([None] * (width - len(values)))]
        if in_order:
            ordered = tuple(values[:count])
        else:
            ordered = tuple(values[at] if at is not None else None for at in positions)
        first = ordered[0]
        if not (type(first) is str and first.strip()) and all(
            v is None or (isinstance(v, str) and not v.strip()) for v in ordered
        ):
            continue
        if _is_example(ordered, example):
            if skipped is not None:
                skipped(number)
            continue
        yield number, ordered, tuple(values[:width]) if mapped else ()


def _is_example(values: tuple[Any, ...], example: tuple[Any, ...]) -> bool:
    if values[0] != example[0]:
        return False

    def norm(v: Any) -> Any:
        if isinstance(v, datetime.datetime):
            return v.date()
        return None if v == "" else v

    return tuple(norm(v) for v in values) == example


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

    def run(
        self,
        source: str | Path | IO[bytes],
        *,
        commit: bool,
        mapping: Mapping | None = None,
        saved: SavedMapping | None = None,
    ) -> ImportResult:
        started = time.perf_counter()
        result = ImportResult(kind=self.spec.kind)
        parsed: list[tuple[RowResult, dict[str, Any]]] = []

        def skipped(number: int) -> None:
            result.example_row = number

        def on_header(read: HeaderRead) -> None:
            result.header = read

        rows = read_rows(self.spec, source, mapping, skipped, saved, on_header)
        for number, raw, original in rows:
            row = RowResult(number=number, raw=raw, original=original)
            parsed.append((row, self.parser.parse(row, raw)))
            result.rows.append(row)
            if len(parsed) % 10_000 == 0:
                self.progress("read", len(parsed), 0)
        if not parsed:
            raise ImportFileError(" ".join([str(FILE_EMPTY), *result.notes]))
        self.progress("read", len(parsed), len(parsed))
        self.check_duplicates(parsed)
        self.resolve(parsed)
        if not commit or result.has_errors:  # the rows will be shown
            as_read = ValuesAsRead(self.spec)
            for row, values in parsed:
                row.shown = as_read.row(row.raw, values, self.names(values))
        for row, _values in parsed:
            if row.outcome != ERROR:
                row.raw = row.original = ()  # kept for the error workbook only
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

    def names(self, values: dict[str, Any]) -> dict[str, str]:
        """Column key → the name its code resolved to (a cell's code to the
        cell's name), shown beside the code in the dry run."""
        return {}

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
    mapping: Mapping | None = None,
    saved: SavedMapping | None = None,
) -> ImportResult:
    """Dry-run (``commit=False``) or import a workbook of ``kind``; all or
    nothing. A workbook with its own headers is read through ``mapping``
    (column key → the file's header), or through the mapping ``saved``
    finds for its headers (``result.header`` says which)."""
    importer = KINDS[kind].importer(user=user, within=within, progress=progress)
    return importer.run(source, commit=commit, mapping=mapping, saved=saved)
