"""The part of the safe workbook reader that runs in a child process.

``partyquality/spreadsheets.py`` starts ``python -I spreadsheet_child.py
ARGUMENTS`` after its own checks. This file imports nothing of the project:
it limits its own memory (RLIMIT_AS), processor time (RLIMIT_CPU) and core
dumps first, then lets calamine read one sheet and writes the cells back to
its parent on stdout, a frame at a time (4-byte length, then a pickle of
plain values: text, numbers, booleans, None and ``datetime`` values, which
the parent unpickles with a reader that knows no other class).

Why a child: calamine (Rust) lays a sheet out as a dense rectangle, so one
cell at XFD1048576 asks for 512 GiB and the allocator aborts the whole
process (SIGABRT). Here that kills only this child; the parent turns its
death into a message and carries on serving.
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import sys
import unicodedata

ROWS_PER_FRAME = 1000


def _limit(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # it writes no file


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _send(out, message: tuple) -> None:  # type: ignore[no-untyped-def]
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(len(payload).to_bytes(4, "big"))
    out.write(payload)
    out.flush()


def main(arguments: dict) -> int:
    _limit(arguments["memory_bytes"], arguments["cpu_seconds"])
    out = os.fdopen(os.dup(1), "wb")
    # Nothing else may write on the frames' channel.
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    try:
        from python_calamine import CalamineError, CalamineWorkbook

        try:
            with open(arguments["path"], "rb") as source:
                # From the file's content, not its name: an upload is kept
                # as .xlsx whatever it really is.
                workbook = CalamineWorkbook.from_filelike(source)
            sheet = workbook.get_sheet_by_name(arguments["sheet"])
        except (CalamineError, OSError, ValueError, KeyError) as exc:
            _send(out, ("unreadable", type(exc).__name__))
            return 0
        start = sheet.start
        if start is None:
            _send(out, ("start", 0, 0, 0))
            _send(out, ("end",))
            return 0
        end = sheet.end or start
        rows, columns = end[0] + 1, end[1] + 1
        if (
            rows > arguments["rows"]
            or columns > arguments["columns"]
            or rows * columns > arguments["cells"]
        ):
            _send(out, ("too_large", rows, columns))
            return 0
        # python-calamine's rows start at row 1 (empty ones included), its
        # columns at the first one holding data: put them back in place.
        _send(out, ("start", 0, rows, columns))
        pad = [""] * start[1]
        frame = []
        for row in sheet.iter_rows():
            # Text in NFC, as everything typed into the application (the
            # keyboard may have written "Hương" as letters plus marks).
            values = [nfc(v) if type(v) is str else v for v in row]
            frame.append([*pad, *values] if pad else values)
            if len(frame) == ROWS_PER_FRAME:
                _send(out, ("rows", frame))
                frame = []
        if frame:
            _send(out, ("rows", frame))
        _send(out, ("end",))
        return 0
    except MemoryError:
        return 3
    except BrokenPipeError:  # the parent stopped reading
        return 4


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1])))
