"""An upload kept between its dry run and its confirmation, bound to the
user who sent it, with the dry run's outcome beside it
(``partyquality/dry_runs.py``) and its rows in error as a workbook."""

from __future__ import annotations

import datetime
import json
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _g

from partyquality import column_mapping, dry_runs
from partyquality.importing import (
    ERROR_COLUMN,
    KINDS,
    HeaderMismatch,
    HeaderRead,
    ImportFileError,
    ImportResult,
    Progress,
    SavedMapping,
    import_file,
    no_progress,
)
from partyquality.spreadsheet_specs import normalise_header
from partyquality.xlsx import Sheet, write_workbook


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


UPLOAD_MAX_AGE = datetime.timedelta(days=1)
# How long a dry run's outcome is shown without checking the file again.
DRY_RUN_MAX_AGE = datetime.timedelta(minutes=30)


def store_upload(
    *,
    user: Any,
    kind: str,
    name: str,
    chunks: Iterable[bytes],
    within: int | None = None,
    page: str | None = None,
) -> str:
    """Save an upload as ``var/media/imports/<uuid>.xlsx`` bound to the user
    (and to the unit under which it is imported, ``within``, if any; ``page``:
    the page it was sent from, where a corrected file goes)."""
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
        "within": within,
        "page": page,
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
    within: int | None = None
    # A file whose headers are not the template's (issue #19 §7): its
    # headers and how they differ, found by its check, then the mapping it
    # is read by (``set_mapping``) and whether it was the user's saved one.
    columns: dict[str, Any] | None = None
    # The page the file was sent from (None: the imports page, or the tree's).
    page: str | None = None

    @property
    def mapping(self) -> dict[str, str | None] | None:
        return self.columns.get("mapping") if self.columns else None

    def needs_mapping(self) -> bool:
        """Its check found other headers than the template's, and no mapping
        has been chosen yet."""
        return self.columns is not None and not self.columns.get("mapping")

    def _write_columns(self, columns: dict[str, Any]) -> None:
        meta_path = self.path.with_suffix(".json")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["columns"] = columns
        meta_path.write_text(json.dumps(meta), encoding="utf-8")
        self.columns = columns

    def record_other_headers(
        self,
        headers: list[str],
        differs: str,
        repeated: dict[str, list[str]] | None = None,
    ) -> None:
        """Its check found these headers, not the template's (``differs``
        says how; ``repeated``: those over several columns, with their
        letters): the pages ask for a mapping."""
        self._write_columns(
            {"headers": headers, "differs": differs, "repeated": repeated or {}}
        )

    def read_by_saved_mapping(self, read: HeaderRead) -> None:
        """Its check found headers of its own and read them through the
        user's saved mapping for them, in the same pass over the file."""
        self._write_columns(
            {
                "headers": read.headers,
                "differs": read.differs,
                "repeated": read.repeated,
                "mapping": read.mapping,
                "saved": True,
            }
        )

    def set_mapping(self, mapping: dict[str, str | None], *, saved: bool) -> None:
        """Read the file by ``mapping`` from now on (column key → the file's
        header); ``saved``: the user's saved mapping, reused. The dry run of
        the file by the template's headers is forgotten."""
        self._write_columns(
            {**(self.columns or {}), "mapping": mapping, "saved": saved}
        )
        self.forget_dry_run()

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
            column_names=file_column_names(result),
            counts=result.counts,
            write_error_workbook=lambda path: write_error_workbook(result, path),
            notes=result.notes,
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
    stored: StoredUpload,
    *,
    user: Any,
    progress: Progress = no_progress,
    saved: SavedMapping | None = None,
) -> None:
    """Dry-run the stored upload and keep its outcome beside it (in the
    request for a small file, by the worker for a large one). A file with
    headers of its own is read through the user's mapping saved for them
    (``saved``) in the same pass, else the pages ask for a mapping."""
    try:
        result = import_file(
            stored.kind,
            stored.path,
            commit=False,
            user=user,
            within=stored.within,
            progress=progress,
            mapping=stored.mapping,
            saved=saved if stored.mapping is None else None,
        )
    except HeaderMismatch as exc:
        if stored.mapping is None:  # the pages ask for a mapping
            stored.record_other_headers(exc.headers, exc.message, exc.repeated)
        stored.keep_dry_run(None, str(exc.message))
        return
    except ImportFileError as exc:
        stored.keep_dry_run(None, str(exc.message))
        return
    if result.header is not None and result.header.saved:
        stored.read_by_saved_mapping(result.header)
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
    if meta.get("user_id") != user.pk or meta.get("kind") not in KINDS:
        raise Http404
    return StoredUpload(
        token,
        directory / f"{token}.xlsx",
        meta["kind"],
        meta["name"],
        meta.get("within"),
        meta.get("columns"),
        meta.get("page"),
    )


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


def file_column_names(result: ImportResult) -> dict[str, str]:
    """Our column's header → the file's, for a file read through a mapping
    (empty otherwise): its errors name the columns the user sees in their
    own file, on the review page and in the error workbook alike."""
    mapping = result.header.mapping if result.header is not None else None
    if mapping is None:
        return {}
    spec = KINDS[result.kind].spec
    return {str(c.header): mapping.get(c.key) or "" for c in spec.columns}


def write_error_workbook(result: ImportResult, path: Path) -> None:
    """The rows in error, as uploaded, with a column saying what to fix,
    written to ``path`` (streamed: a file may have 200,000 rows in error).
    A file read through a mapping comes back in its own layout (its headers,
    its order, its other columns; each error naming the file's column), to
    be fixed and sent again: its mapping is found again by its headers (the
    "Lỗi" column is left out)."""
    spec = KINDS[result.kind].spec
    header: list[Any] = list(spec.headers)
    kept = None  # the file's columns, but a "Lỗi" column it came back with
    named = file_column_names(result)
    if named and result.header is not None:
        kept = [
            i
            for i, v in enumerate(result.header.row)
            if not column_mapping.is_error_column(normalise_header(v))
        ]
        header = [_cell(result.header.row[i]) or "" for i in kept]

    def fix(row: Any) -> str:
        return (
            _g("Dòng %(n)s") % {"n": row.number}
            + " — "
            + "; ".join(f"{named.get(h) or h}: {text}" for h, text in row.errors)
        )

    rows = (
        [
            *(
                _cell(v)
                for v in (row.raw if kept is None else [row.original[i] for i in kept])
            ),
            fix(row),
        ]
        for row in result.error_rows
    )
    write_workbook(path, [Sheet(spec.sheet_title, [*header, str(ERROR_COLUMN)], rows)])


def _cell(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date()
    return value
