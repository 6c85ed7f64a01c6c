"""A dry run's outcome, written once beside its upload and read a page at a time.

The check of an upload (in the request for a small file, by the worker for a
large one, ``members/import_jobs.py``) writes here:

- ``<token>.rows.jsonl``: one line per row (number, label, outcome, errors),
  and ``<token>.errors.jsonl`` the rows in error alone;
- ``<token>-errors.xlsx``: the rows in error as uploaded, with what to fix,
  built here once (write-only, streamed to the file);
- ``<token>.dryrun``, last, in JSON: the counts, the file's error if any, and
  where each page of 200 rows starts in the two row files.

The review page then reads the small summary and seeks to its page (issue
#16: it used to unpickle the whole 200,000-row dry run in each web worker, and
build the error workbook inside the request: over 120 s and ~730 MB).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

PAGE_ROWS = 200


@dataclass
class KeptRow:
    number: int
    label: str
    outcome: str
    outcome_label: str
    errors: list[tuple[str, str]]
    shown: tuple[str, ...] = ()  # each column's value as read, if the kind says


class KeptRows(Sequence[KeptRow]):
    """The rows of one file, read from disk by page (for ``Paginator``)."""

    def __init__(self, path: Path, count: int, offsets: list[int]) -> None:
        self.path, self.count, self.offsets = path, count, offsets

    def __len__(self) -> int:
        return self.count

    @overload
    def __getitem__(self, index: int) -> KeptRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[KeptRow]: ...
    def __getitem__(self, index: int | slice) -> KeptRow | list[KeptRow]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(self.count)
        if start >= stop:
            return []
        rows: list[KeptRow] = []
        with self.path.open("rb") as file:
            file.seek(self.offsets[start // PAGE_ROWS])
            skip = start % PAGE_ROWS
            for line in file:
                if skip:
                    skip -= 1
                    continue
                number, label, outcome, label_of_outcome, errors, shown = json.loads(
                    line
                )
                rows.append(
                    KeptRow(
                        number,
                        label,
                        outcome,
                        label_of_outcome,
                        [tuple(e) for e in errors],
                        tuple(shown),
                    )
                )
                if len(rows) == stop - start:
                    break
        return rows


@dataclass
class DryRun:
    """What the review page shows above the rows."""

    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    file_error: str | None = None
    rows: KeptRows | None = None
    error_rows: KeptRows | None = None
    error_workbook: Path | None = None
    # What the check says about the file besides its rows (a skipped row).
    notes: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.counts.get("error"))


class _RowFile:
    """Appends rows as JSON lines, noting where every page starts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = path.open("wb")
        self.count = 0
        self.offsets: list[int] = []

    def add(self, line: bytes) -> None:
        if self.count % PAGE_ROWS == 0:
            self.offsets.append(self.file.tell())
        self.file.write(line)
        self.count += 1

    def close(self) -> None:
        self.file.close()


def _paths(base: Path) -> dict[str, Path]:
    return {
        "summary": base.with_suffix(".dryrun"),
        "rows": base.with_suffix(".rows.jsonl"),
        "errors": base.with_suffix(".errors.jsonl"),
        "workbook": base.with_name(f"{base.stem}-errors.xlsx"),
    }


def keep(
    base: Path,
    *,
    rows: Iterable[Any] = (),
    counts: dict[str, int] | None = None,
    file_error: str | None = None,
    write_error_workbook: Callable[[Path], None] | None = None,
    notes: Sequence[str] = (),
    column_names: Mapping[str, str] | None = None,
) -> None:
    """Write the outcome of checking ``base`` (the upload's path): its rows
    (objects with number, label, outcome, outcome_label, errors and perhaps
    shown), or the error that stopped the whole file. ``column_names``: our
    column's header → the file's, for a file read through a mapping, so each
    error names the column as the user's file calls it."""
    names = column_names or {}
    paths = _paths(base)
    forget(base)
    summary: dict[str, Any] = {
        "file_error": file_error,
        "counts": counts or {},
        "notes": [str(n) for n in notes],
    }
    if file_error is None:
        everything, in_error = _RowFile(paths["rows"]), _RowFile(paths["errors"])
        try:
            for row in rows:
                line = (
                    json.dumps(
                        [
                            row.number,
                            row.label,
                            row.outcome,
                            str(row.outcome_label),
                            [
                                [names.get(str(h)) or str(h), str(m)]
                                for h, m in row.errors
                            ],
                            [str(v) for v in getattr(row, "shown", ())],
                        ],
                        ensure_ascii=False,
                    ).encode()
                    + b"\n"
                )
                everything.add(line)
                if row.errors:
                    in_error.add(line)
        finally:
            everything.close()
            in_error.close()
        summary.update(
            total=everything.count,
            offsets=everything.offsets,
            error_total=in_error.count,
            error_offsets=in_error.offsets,
        )
        if in_error.count and write_error_workbook is not None:
            partial = paths["workbook"].with_suffix(".partial")
            write_error_workbook(partial)
            os.replace(partial, paths["workbook"])
    # The summary last: a review finding it finds everything else written.
    partial = paths["summary"].with_suffix(".partial")
    partial.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, paths["summary"])


def age(base: Path) -> float | None:
    """Seconds since the outcome was kept, without reading it (a page
    polling a check asks every second); None if there is none."""
    try:
        return time.time() - _paths(base)["summary"].stat().st_mtime
    except OSError:
        return None


def read(base: Path) -> DryRun | None:
    """The kept outcome's summary, with its rows ready to be read by page."""
    paths = _paths(base)
    try:
        summary = json.loads(paths["summary"].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    outcome = DryRun(
        counts=summary["counts"],
        total=summary.get("total", 0),
        file_error=summary["file_error"],
        notes=summary.get("notes", []),
    )
    if outcome.file_error is None:
        outcome.rows = KeptRows(paths["rows"], outcome.total, summary["offsets"])
        outcome.error_rows = KeptRows(
            paths["errors"], summary["error_total"], summary["error_offsets"]
        )
        if paths["workbook"].exists():
            outcome.error_workbook = paths["workbook"]
    return outcome


def forget(base: Path) -> None:
    for path in _paths(base).values():
        path.unlink(missing_ok=True)
