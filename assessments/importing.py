"""Classifications from a spreadsheet, with a dry run, all or nothing.

Columns (header row, any order): "Mã chi bộ" or "Số thẻ đảng viên", "Năm",
"Mức", "Điểm", "Nhận xét". One upload is for one organization and year. The
rows go through the same services as the page (locking, scale of the year,
cells before their organization), inside one transaction that the dry run
rolls back: what the dry run reports is exactly what the import would do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from assessments import services
from assessments.models import ScaleLevel
from assessments.rules import Problem, check_sheet
from assessments.selectors import ReviewSheet, review_sheet
from members.models import Person
from organizations.models import Unit
from partyquality import spreadsheets

COL_CELL = "mã chi bộ"
COL_CARD = "số thẻ đảng viên"
COL_YEAR = "năm"
COL_LEVEL = "mức"
COL_SCORE = "điểm"
COL_REMARKS = "nhận xét"

MISSING_COLUMNS = "Thiếu cột: {columns}."
NO_KEY = "Cần mã chi bộ hoặc số thẻ đảng viên."
UNKNOWN_CELL = "Không có chi bộ mã “{value}” trong {organization} năm {year}."
UNKNOWN_CARD = "Không có đảng viên số thẻ “{value}” trong {organization} năm {year}."
WRONG_YEAR = "Năm phải là {year}."
UNKNOWN_LEVEL = "Mức “{value}” không có trong thang của năm {year}."
BAD_SCORE = "Điểm không hợp lệ: “{value}”."
DUPLICATE = "Trùng với dòng {row}."


@dataclass
class RowOutcome:
    number: int
    label: str
    outcome: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[RowOutcome]
    errors: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and all(not r.errors for r in self.rows)


def _norm(value: object) -> str:
    return str(value).strip().lower() if value is not None else ""


def _year_of(value: object) -> int | None:
    """A year from a cell: calamine reads every number as a float."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value or "").strip())
    except ValueError:
        return None


def _find_level(levels: list[ScaleLevel], value: str) -> ScaleLevel | None:
    v = value.strip().lower()
    for lv in levels:
        if v in {lv.code.lower(), lv.label.lower(), lv.short_label.lower()}:
            return lv
    return None


def read_rows(file: IO[bytes]) -> tuple[list[str], list[tuple[int, dict[str, object]]]]:
    """The header and the non-blank rows of the first visible sheet, read by
    the safe reader (limits checked first, parsing in a child process)."""
    try:
        rows = spreadsheets.read_rows(file)
        # The header: the first row not blank.
        first = next((v for _n, v in rows if any(x not in (None, "") for x in v)), [])
        header = [_norm(h) for h in first]
        data = []
        for number, values in rows:
            if all(v in (None, "") for v in values):
                continue
            data.append((number, dict(zip(header, values, strict=False))))
    except spreadsheets.SpreadsheetError as exc:
        raise ValidationError(exc.message) from None
    return header, data


def classifications_import(
    *, user: User, organization: Unit, year: int, file: IO[bytes], dry_run: bool
) -> ImportResult:
    try:
        header, data = read_rows(file)
    except ValidationError as exc:
        return ImportResult(rows=[], errors=list(exc.messages))
    missing = [c for c in (COL_YEAR, COL_LEVEL) if c not in header]
    if COL_CELL not in header and COL_CARD not in header:
        missing.append(f"{COL_CELL} / {COL_CARD}")
    if missing:
        return ImportResult(
            rows=[], errors=[MISSING_COLUMNS.format(columns=", ".join(missing))]
        )
    sheet = review_sheet(organization, year)
    outcomes, actions = _validate(sheet, data)
    result = ImportResult(rows=outcomes)
    if not result.ok:
        return result
    try:
        with transaction.atomic():
            for outcome, action in actions:
                try:
                    action(user)
                except ValidationError as exc:
                    outcome.errors.append((COL_LEVEL, " ".join(exc.messages)))
                    raise
            result.problems = check_sheet(review_sheet(organization, year))
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError:
        for outcome in result.rows:
            if not outcome.errors:
                outcome.outcome = "Không nhập (cả tệp bị hủy)"
        return result
    result.committed = not dry_run
    return result


def _validate(sheet: ReviewSheet, data):  # type: ignore[no-untyped-def]
    year = sheet.year
    org = sheet.organization
    cells = {
        u.code.lower(): u
        for u in Unit.objects.filter(
            pk__in=[r.unit_id for r in sheet.unit_rows if r.unit_id]
        )
    }
    members = {r.card_number.lower(): r for r in sheet.member_rows if r.card_number}
    people = {
        p.pk: p
        for p in Person.objects.filter(pk__in=[r.person_id for r in members.values()])
    }
    cell_units = {
        u.pk: u
        for u in Unit.objects.filter(pk__in={r.cell_id for r in members.values()})
    }
    seen: dict[str, int] = {}
    outcomes: list[RowOutcome] = []
    ordered: list[tuple[int, RowOutcome, object]] = []
    for number, row in data:
        cell_code = _norm(row.get(COL_CELL))
        card = _norm(row.get(COL_CARD))
        outcome = RowOutcome(number, cell_code or card)
        outcomes.append(outcome)
        target = None
        if card:
            member = members.get(card)
            if member is None:
                outcome.errors.append(
                    (
                        COL_CARD,
                        UNKNOWN_CARD.format(value=card, organization=org, year=year),
                    )
                )
            else:
                target = ("member", member)
                outcome.label = f"{member.name} ({member.card_number})"
        elif cell_code:
            unit = cells.get(cell_code)
            if unit is None:
                outcome.errors.append(
                    (
                        COL_CELL,
                        UNKNOWN_CELL.format(
                            value=cell_code, organization=org, year=year
                        ),
                    )
                )
            else:
                target = ("unit", unit)
                outcome.label = unit.name
        else:
            outcome.errors.append((COL_CELL, NO_KEY))
        row_year = _year_of(row.get(COL_YEAR))
        if row_year != year:
            outcome.errors.append((COL_YEAR, WRONG_YEAR.format(year=year)))
        levels = sheet.member_levels if card else sheet.org_levels
        level = _find_level(levels, str(row.get(COL_LEVEL) or ""))
        if level is None:
            outcome.errors.append(
                (
                    COL_LEVEL,
                    UNKNOWN_LEVEL.format(value=row.get(COL_LEVEL) or "", year=year),
                )
            )
        raw_score = row.get(COL_SCORE)
        score = None
        if raw_score not in (None, ""):
            try:
                score = Decimal(str(raw_score).replace(",", "."))
            except InvalidOperation:
                outcome.errors.append((COL_SCORE, BAD_SCORE.format(value=raw_score)))
        remarks = str(row.get(COL_REMARKS) or "").strip()
        key = f"{card or ''}|{cell_code or ''}"
        if key in seen:
            outcome.errors.append(
                (COL_CELL if cell_code else COL_CARD, DUPLICATE.format(row=seen[key]))
            )
        seen[key] = number
        if target is None or level is None or outcome.errors:
            continue
        kind, obj = target
        if kind == "member":
            person = people[obj.person_id]
            cell = cell_units[obj.cell_id]
            outcome.outcome = f"{level.label}"

            def action(
                user,
                person=person,
                cell=cell,
                level=level,
                score=score,
                remarks=remarks,
            ):  # type: ignore[no-untyped-def]
                services.member_classification_set(
                    user=user,
                    person=person,
                    cell=cell,
                    year=year,
                    level=level,
                    score=score,
                    remarks=remarks,
                )

            ordered.append((1, outcome, action))
        else:
            unit = obj
            outcome.outcome = f"{level.label}"

            def action(user, unit=unit, level=level, score=score, remarks=remarks):  # type: ignore[no-untyped-def]
                services.unit_classification_set(
                    user=user,
                    unit=unit,
                    year=year,
                    level=level,
                    score=score,
                    remarks=remarks,
                )

            # QĐ 124/366: cells before their organization.
            ordered.append((2 if unit.pk == org.pk else 0, outcome, action))
    ordered.sort(key=lambda t: t[0])
    return outcomes, [(o, a) for _p, o, a in ordered]
