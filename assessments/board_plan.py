"""The board's classification import checked in memory (issue #19 §3).

For each grassroots organization of the file, its year's sheet (built for
every organization at once, ``selectors.review_sheets``) is the map of its
cells, members and their current classifications. Each row is checked
against it as the page's services check one entry
(``services.unit_classification_set`` / ``member_classification_set``: the
level in the year's scale, the score in range and used by the scale, cells
before their organization, a member classified by one organization only),
then the planned levels are put on the sheet and its review rules
(``rules.check_sheet``) are checked as the page would check them after the
writes. Nothing here queries the database but for the rare member classified
in another organization: a province's 10,000 rows are checked in seconds
instead of ~80 ms a row through the services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessments import services
from assessments.models import MemberClassification, ScaleLevel, UnitClassification
from assessments.rules import check_sheet, suggest_level
from assessments.selectors import ReviewSheet, Row, grassroots_of
from partyquality.importing import ERROR, NEW, UNCHANGED, UPDATED, RowResult

SCORE_FIELD = UnitClassification._meta.get_field("score")

# --- Messages (tests assert these texts) -----------------------------------

NO_KEY = _("Cần mã chi bộ hoặc số thẻ đảng viên.")
UNKNOWN_CELL = _("Không có chi bộ mã “{value}” trong {organization} năm {year}.")
UNKNOWN_CARD = _("Không có đảng viên số thẻ “{value}” trong {organization} năm {year}.")
UNKNOWN_LEVEL = _("Mức “{value}” không có trong thang của năm {year}.")
BAD_SCORE = _("Điểm không hợp lệ: “{value}”.")
DUPLICATE = _("Trùng với dòng {row}.")

# (column key, message) recorded on a row.
Report = Callable[[RowResult, str, str], None]


@dataclass
class Checked:
    """A planned classification as the rules read it (``check_sheet``): a
    province's 200,000 rows are cheaper as these than as models."""

    level: ScaleLevel
    score: Decimal | None
    conditions: dict[str, Any] = field(default_factory=dict)


@dataclass
class Planned:
    """A row of the file that will write a classification."""

    row: RowResult
    sheet_row: Row
    organization_id: int
    year: int
    level: ScaleLevel
    score: Decimal | None
    remarks: str
    # What is stored now (None: a new classification).
    stored: UnitClassification | MemberClassification | None

    @property
    def is_member(self) -> bool:
        return self.sheet_row.person_id is not None

    def built(self, user: Any) -> UnitClassification | MemberClassification:
        """The classification to write (the stored one changed, or a new
        one), as ``services.*_classification_set`` would save it."""
        obj: UnitClassification | MemberClassification
        if self.is_member:
            obj = self.stored or MemberClassification(
                person_id=self.sheet_row.person_id, year=self.year
            )
            obj.cell_id = self.sheet_row.cell_id
        else:
            obj = self.stored or UnitClassification(
                unit_id=self.sheet_row.unit_id, year=self.year
            )
        obj.level = self.level
        obj.score = self.score
        obj.conditions = {}  # as the page's import: the file states none
        obj.remarks = self.remarks
        obj.updated_by = user
        return obj


def _score(text: str, scale: Any, year: int) -> tuple[Decimal | None, str]:
    """The score of a cell and the error, as the services check it."""
    if not text:
        return None, ""
    try:
        score = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None, BAD_SCORE.format(value=text)
    if not score.is_finite():
        return None, BAD_SCORE.format(value=text)
    if scale is None or not scale.uses_score:
        return None, services.SCORE_NOT_USED.format(year=year)
    if not Decimal(0) <= score <= Decimal(100):
        return None, services.SCORE_RANGE
    try:
        SCORE_FIELD.run_validators(score)  # 5 digits, 2 decimals
    except ValidationError as exc:
        return None, " ".join(exc.messages)
    return score, ""


def plan_organization(
    sheet: ReviewSheet,
    rows: list[tuple[RowResult, dict[str, Any]]],
    report: Report,
) -> list[Planned]:
    """Check one organization's rows against its sheet; the rows that will
    write, each row's outcome (new, updated, unchanged) and errors set."""
    year, org = sheet.year, sheet.organization
    units = {r.code.lower(): r for r in sheet.unit_rows if r.code}
    members = {r.card_number.lower(): r for r in sheet.member_rows if r.card_number}
    inside = {r.unit_id for r in sheet.unit_rows}
    seen: dict[str, int] = {}
    planned: list[Planned] = []
    # A level by its code, label or short label (any case), looked up once
    # per text.
    member_levels, org_levels = (
        _by_text(sheet.member_levels),
        _by_text(sheet.org_levels),
    )
    for row, v in rows:
        card = (v["card_number"] or "").strip().lower()
        cell_code = (v["cell_code"] or "").strip().lower()
        sheet_row = None
        if card:
            sheet_row = members.get(card)
            if sheet_row is None:
                report(
                    row,
                    "card_number",
                    UNKNOWN_CARD.format(value=card, organization=org, year=year),
                )
        elif cell_code:
            sheet_row = units.get(cell_code)
            if sheet_row is None:
                report(
                    row,
                    "cell_code",
                    UNKNOWN_CELL.format(value=cell_code, organization=org, year=year),
                )
        else:
            report(row, "cell_code", NO_KEY)
        key = f"{card}|{cell_code}"
        if key in seen:
            report(
                row,
                "cell_code" if cell_code and not card else "card_number",
                DUPLICATE.format(row=seen[key]),
            )
        seen[key] = row.number
        scale = sheet.member_scale if card else sheet.org_scale
        level = (member_levels if card else org_levels).get(
            (v["level"] or "").strip().lower()
        )
        if scale is None:
            report(row, "level", services.NO_SCALE.format(year=year))
        elif level is None:
            report(
                row,
                "level",
                UNKNOWN_LEVEL.format(value=v["level"] or "", year=year),
            )
        score, bad_score = _score(str(v["score"] or "").strip(), scale, year)
        if bad_score:
            report(row, "score", bad_score)
        current = sheet_row.classification if sheet_row is not None else None
        if (
            card
            and current is not None
            and current.cell_id not in inside
            and row.outcome != ERROR
        ):
            # A member transferred during the year is classified by one
            # organization only (services.member_classification_set).
            other = grassroots_of(current.cell, year)
            if other is None or other.pk != org.pk:
                report(
                    row,
                    "level",
                    services.CLASSIFIED_ELSEWHERE.format(
                        name=sheet_row.name,
                        organization=other.name if other else current.cell.name,
                        year=year,
                    ),
                )
        if row.outcome == ERROR or sheet_row is None or level is None:
            continue
        remarks = (v["remarks"] or "").strip()
        row.outcome = _outcome(current, level, score, remarks)
        if row.outcome != UNCHANGED:
            planned.append(
                Planned(row, sheet_row, org.pk, year, level, score, remarks, current)
            )
    _cells_first(sheet, rows, planned, report)
    return planned


def _by_text(levels: list[ScaleLevel]) -> dict[str, ScaleLevel]:
    found: dict[str, ScaleLevel] = {}
    for level in reversed(levels):  # the first level in scale order wins
        for text in (level.code, level.label, level.short_label):
            if text:
                found[text.lower()] = level
    return found


def _outcome(
    current: Any, level: ScaleLevel, score: Decimal | None, remarks: str
) -> str:
    if current is None:
        return NEW
    same = (
        current.level_id == level.pk
        and (current.remarks or "") == remarks
        and current.score == score
        and not current.conditions
    )
    return UNCHANGED if same else UPDATED


def _cells_first(
    sheet: ReviewSheet,
    rows: list[tuple[RowResult, dict[str, Any]]],
    planned: list[Planned],
    report: Report,
) -> None:
    """QĐ 124/366: the organization is classified after all its cells (the
    file's and those already classified)."""
    own = next((p for p in planned if p.sheet_row.is_organization), None)
    if own is None:
        return
    done = {p.sheet_row.unit_id for p in planned}
    pending = [
        r
        for r in sheet.unit_rows
        if not r.is_organization and r.classification is None and r.unit_id not in done
    ]
    if pending:
        report(
            own.row,
            "level",
            services.CELLS_FIRST.format(
                organization=sheet.organization.name, count=len(pending)
            ),
        )
        planned.remove(own)


def check_rules(
    sheet: ReviewSheet,
    rows: list[tuple[RowResult, dict[str, Any]]],
    planned: list[Planned],
    report: Report,
) -> None:
    """The organization's review rules on its sheet as it will be after the
    file: each broken rule on the row it concerns (the organization's own
    row, else its first, for the whole sheet's)."""
    by_key: dict[str, RowResult] = {}
    for p in planned:
        if p.row.outcome == ERROR:
            continue
        by_key[p.sheet_row.key] = p.row
        p.sheet_row.classification = Checked(p.level, p.score)  # type: ignore[assignment]
        scale = sheet.member_scale if p.is_member else sheet.org_scale
        levels = sheet.member_levels if p.is_member else sheet.org_levels
        p.sheet_row.suggested = (
            suggest_level(scale, p.score, None, levels=levels)
            if scale is not None and p.score is not None
            else None
        )
    code = sheet.organization.code.lower()
    own = next(
        (
            r
            for r, v in rows
            if (v["cell_code"] or "").lower() == code and not v["card_number"]
        ),
        rows[0][0],
    )
    for problem in check_sheet(sheet):
        report(by_key.get(problem.row, own), "level", problem.message)
    # The sheet now shows the planned levels: put back what is stored, for
    # ``Planned.built`` to change the stored rows.
    for p in planned:
        p.sheet_row.classification = p.stored
