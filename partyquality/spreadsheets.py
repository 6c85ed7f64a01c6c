"""Reading an uploaded workbook without letting it hurt the server.

Every import reads its file through ``read_rows`` (issue #16): a 5 KB file
with one cell at XFD1048576 made calamine abort the web worker and the task
worker, and a 3.8 MB zip bomb took 3.4 GB of memory. So, in this order:

1. Checks before any parsing, on what the zip's central directory and two
   small XML parts declare: the file's size and kind (an .xls or a password-
   protected workbook is an OLE2 file, refused with how to resave it), the
   number of parts, their uncompressed size and compression ratio, the number
   of sheets, the first *visible* sheet (a hidden first sheet is skipped) and
   that sheet's declared ``<dimension>`` (rows, columns, cells).
2. Parsing in a child process (``partyquality/spreadsheet_child.py``) with a
   memory limit (RLIMIT_AS) and a time limit (RLIMIT_CPU in the child, a
   wall-clock deadline here): a file that lies in its declarations still only
   kills that child, and the caller gets a message, not a dead worker.

The messages say what is wrong and what to do, in the user's language; they
are module constants so tests assert their text.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import logging
import os
import pickle
import re
import resource
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

log = logging.getLogger(__name__)

CHILD = Path(__file__).with_name("spreadsheet_child.py")

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


# --- 2. Parsing in a child process ---------------------------------------------

MAX_FRAME_BYTES = 256 * MB


class _CellUnpickler(pickle.Unpickler):
    """Plain values and datetime's four types: the child sends nothing else,
    and a child subverted by a hostile file could send no other object."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in ("date", "datetime", "time", "timedelta"):
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")


class _ChildGone(Exception):
    pass


class _Frames:
    """Length-prefixed frames from the child's stdout, within a deadline."""

    def __init__(self, stream: IO[bytes], deadline: float) -> None:
        self.fd = stream.fileno()
        self.deadline = deadline
        self.buffer = bytearray()

    def _fill(self, size: int) -> None:
        while len(self.buffer) < size:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _w, _x = select.select([self.fd], [], [], remaining)
            if not ready:
                raise TimeoutError
            chunk = os.read(self.fd, max(size - len(self.buffer), 1 << 16))
            if not chunk:
                raise _ChildGone
            self.buffer += chunk

    def next(self) -> tuple[Any, ...]:
        self._fill(4)
        size = int.from_bytes(self.buffer[:4], "big")
        if size > MAX_FRAME_BYTES:
            raise _ChildGone
        self._fill(4 + size)
        payload = bytes(self.buffer[4 : 4 + size])
        del self.buffer[: 4 + size]
        return _CellUnpickler(io.BytesIO(payload)).load()


@dataclass
class ChildRun:
    """What the last child did (for logs and the benchmark)."""

    rows: int = 0
    seconds: float = 0.0
    peak_rss_bytes: int = 0
    status: str = ""


last_child = ChildRun()


def _child_environment() -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "RUST_BACKTRACE": "0",
        "LANG": "C.UTF-8",
    }


def _reap(pid: int, *, grace: float) -> tuple[int, Any]:
    """Wait for the child (killing it after ``grace`` seconds): its exit
    status and resource usage, peak memory included."""
    until = time.monotonic() + grace
    while True:
        try:
            reaped, status, usage = os.wait4(pid, os.WNOHANG)
        except ChildProcessError:  # reaped elsewhere (SIGCHLD ignored): unknown
            return 255 << 8, resource.getrusage(resource.RUSAGE_CHILDREN)
        if reaped:
            return status, usage
        if time.monotonic() >= until:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _pid, status, usage = os.wait4(pid, 0)
            return status, usage
        time.sleep(0.005)


def _parse_in_child(
    path: Path, sheet: SheetInfo, limits: Limits
) -> Iterator[tuple[int, list[Any]]]:
    arguments = {
        "path": str(path),
        "sheet": sheet.name,
        "rows": limits.rows,
        "columns": limits.columns,
        "cells": limits.cells,
        "memory_bytes": limits.memory_bytes,
        "cpu_seconds": limits.seconds,
    }
    run = ChildRun()
    started = time.monotonic()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(  # noqa: S603 — our own script, arguments as JSON
            [sys.executable, "-I", str(CHILD), json.dumps(arguments)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=_child_environment(),
            close_fds=True,
        )
        outcome = "died"
        try:
            frames = _Frames(child.stdout, started + limits.seconds)  # type: ignore[arg-type]
            yield from _receive(frames, sheet, limits, run)
            outcome = "finished"
        except TimeoutError:
            outcome = "too slow"
        except (_ChildGone, pickle.UnpicklingError, EOFError, ValueError):
            pass  # its exit status says why
        finally:
            # Also when the caller stops reading: the child never outlives us.
            child.stdout.close()  # type: ignore[union-attr]
            status, usage = _reap(child.pid, grace=5 if outcome == "finished" else 0)
            child.returncode = os.waitstatus_to_exitcode(status)
            run.seconds = time.monotonic() - started
            run.peak_rss_bytes = usage.ru_maxrss * 1024
            run.status = str(child.returncode)
            globals()["last_child"] = run
            errors.seek(0)
            detail = errors.read(2000).decode("utf-8", "replace").strip()
            log.info(
                "spreadsheet child on %s: exit %s, %d rows, %.1f s, peak %d MB %s",
                path.name,
                child.returncode,
                run.rows,
                run.seconds,
                run.peak_rss_bytes // MB,
                detail,
            )
    if outcome != "finished":
        raise _failure(child.returncode, outcome, limits)


def _receive(
    frames: _Frames, sheet: SheetInfo, limits: Limits, run: ChildRun
) -> Iterator[tuple[int, list[Any]]]:
    kind, *start = frames.next()
    if kind == "unreadable":
        raise SpreadsheetError(str(NOT_A_WORKBOOK))
    if kind == "too_large":  # over a limit its <dimension> did not declare
        rows, columns = start
        _check_declared_size(sheet.name, rows, columns, limits)
    if kind != "start":
        raise _ChildGone
    number = start[0] + 1  # the row number Excel shows
    while True:
        kind, *payload = frames.next()
        if kind == "end":
            return
        if kind != "rows":
            raise _ChildGone
        for values in payload[0]:
            yield number, values
            number += 1
            run.rows += 1


def _failure(code: int, outcome: str, limits: Limits) -> SpreadsheetError:
    if outcome == "too slow" or code in (-signal.SIGXCPU, -signal.SIGKILL):
        return SpreadsheetError(PARSER_TOO_SLOW.format(limit=limits.seconds))
    log.warning("spreadsheet child failed with exit status %s", code)
    if code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS, 3):
        # Rust's allocator aborts when RLIMIT_AS refuses it; Python raises
        # MemoryError (exit 3).
        return SpreadsheetError(
            PARSER_OUT_OF_MEMORY.format(limit=_number(limits.memory_bytes // MB))
        )
    return SpreadsheetError(str(PARSER_FAILED))


@contextlib.contextmanager
def _as_path(source: str | Path | IO[bytes]) -> Iterator[Path]:
    """A path to the workbook: the file itself, or a copy of an upload held
    in memory (the child reads a file)."""
    if isinstance(source, str | Path):
        yield Path(source)
        return
    temporary = getattr(source, "temporary_file_path", None)
    if temporary is not None:
        yield Path(temporary())
        return
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as copy:
        if hasattr(source, "seek"):
            source.seek(0)
        written = 0
        while chunk := source.read(1 << 20):
            written += len(chunk)
            check_size(written)  # a stream longer than it said
            copy.write(chunk)
        copy.flush()
        yield Path(copy.name)


def read_rows(
    source: str | Path | IO[bytes], *, limits: Limits | None = None
) -> Iterator[tuple[int, list[Any]]]:
    """(row number as Excel shows it, that row's cell values from column A)
    for each row of the workbook's first visible sheet, its header first.

    Raises ``SpreadsheetError`` with the user's message when the file is over
    a limit or cannot be read, at the first check it fails: before parsing
    when the file declares it, else when the child stops.
    """
    limits = limits or Limits.from_settings()
    with _as_path(source) as path:
        try:
            sheet = check_workbook(path, limits)
        except FileNotFoundError:
            raise
        except OSError:
            raise SpreadsheetError(str(NOT_A_WORKBOOK)) from None
        yield from _parse_in_child(path, sheet, limits)
