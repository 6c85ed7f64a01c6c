"""Reading an uploaded workbook without letting it hurt the server.

Every import reads its file through ``read_rows`` (issue #16): a 5 KB file
with one cell at XFD1048576 made calamine abort the web worker and the task
worker, and a 3.8 MB zip bomb took 3.4 GB of memory. So, in this order:

1. Checks before any parsing (``partyquality/spreadsheet_limits.py``), on what the zip's central directory and two
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
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

# The limits, the messages and the checks before parsing live beside this
# module; their names are read from here too (``spreadsheets.Limits``).
from partyquality.spreadsheet_limits import (  # noqa: F401 — re-exported
    FILE_TOO_LARGE,
    MB,
    NO_VISIBLE_SHEET,
    NOT_A_WORKBOOK,
    OLD_OR_LOCKED_WORKBOOK,
    PARSER_FAILED,
    PARSER_OUT_OF_MEMORY,
    PARSER_TOO_SLOW,
    TOO_MANY_CELLS,
    TOO_MANY_COLUMNS,
    TOO_MANY_PARTS,
    TOO_MANY_ROWS,
    TOO_MANY_SHEETS,
    UNCOMPRESSED_TOO_LARGE,
    UNUSUAL_COMPRESSION,
    Limits,
    SheetInfo,
    SpreadsheetError,
    _check_declared_size,
    _number,
    check_size,
    check_workbook,
)

log = logging.getLogger(__name__)

CHILD = Path(__file__).with_name("spreadsheet_child.py")


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
