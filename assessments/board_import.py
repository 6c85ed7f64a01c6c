"""A year's classifications of every organization, cell and member under a
unit, from one workbook (issue #19 §3): the board collects the communes'
results and loads them at once instead of one upload per organization.

Each row names its grassroots organization, then the cell (or the
organization itself) or the member's card number, with the level of the
year's scale. The rows of each organization go through the same checks and
services as its own page (``assessments/importing.py`` ``_validate``: the
scale of the year, cells before their organization), in a transaction the
dry run rolls back; then that organization's review rules (``check_sheet``)
are checked and each broken rule is reported on the row it concerns. A year
submitted or approved in any organization of the file refuses the whole
file with one message, before any row is read against the database
(organizations/closed_years.py).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from assessments import importing as page_import
from assessments.rules import check_sheet
from assessments.selectors import review_sheet
from organizations.access import is_admin, scope_unit_ids
from organizations.closed_years import closed_years
from organizations.models import GRASSROOTS_LEVELS, Role, Unit
from partyquality.importing import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    Importer,
    ImportFileError,
    RowResult,
)
from partyquality.spreadsheet_specs import Column, Spec

CLASSIFICATIONS = "classifications"
LABEL = _("Xếp loại cả năm (nhiều tổ chức)")
BOARD_ROLES = (Role.ADMIN, Role.OFFICER, Role.SECRETARY)

ONE_YEAR = _("Một tệp cho một năm: các dòng trước là năm {year}.")
UNKNOWN_ORGANIZATION = _("Không có tổ chức cơ sở đảng mã “{code}” năm {year}.")
OUTSIDE_SCOPE = _("Tổ chức “{code}” nằm ngoài phạm vi bạn được cập nhật.")
YEAR_CLOSED = _(
    "Năm {year} đã trình hoặc đã được duyệt ở: {names}. Không nhập dòng nào; đề "
    "nghị cấp trên trả lại hoặc mở lại năm {year} rồi tải lên lại."
)
CHANGED_SINCE = _(
    "Dữ liệu đã thay đổi trong lúc nhập (dòng {n}: {message}); không có gì được "
    "ghi, hãy kiểm tra lại tệp."
)

SPEC = Spec(
    CLASSIFICATIONS,
    "Xếp loại",
    (
        Column(
            "org_code",
            _("Mã tổ chức cơ sở"),
            required=True,
            max_length=40,
            example="TC-TP",
        ),
        Column("cell_code", _("Mã chi bộ"), max_length=40, example="TC-TP-1"),
        Column("card_number", _("Số thẻ đảng viên"), "card", max_length=20),
        Column("year", _("Năm"), "year", True, 2024, width=8),
        Column(
            "level",
            _("Mức"),
            required=True,
            max_length=200,
            example="Hoàn thành tốt nhiệm vụ",
            width=30,
        ),
        Column("score", _("Điểm"), max_length=10, width=8),
        # The example row is skipped wherever it appears: its remark makes
        # sure no real row is taken for it.
        Column(
            "remarks",
            _("Nhận xét"),
            max_length=2000,
            example="(dòng ví dụ, được bỏ qua khi nhập)",
            width=40,
        ),
    ),
)
# The page import's columns (assessments/importing.py) → this file's.
COLUMNS = {
    page_import.COL_CELL: "cell_code",
    page_import.COL_CARD: "card_number",
    page_import.COL_YEAR: "year",
    page_import.COL_LEVEL: "level",
    page_import.COL_SCORE: "score",
    page_import.COL_REMARKS: "remarks",
}


def may_import_classifications(user: Any) -> bool:
    return is_admin(user) or bool(scope_unit_ids(user, roles=BOARD_ROLES))


class ClassificationImporter(Importer):
    spec = SPEC

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        col = self.column
        year = next((v["year"] for _r, v in parsed if v["year"]), None)
        if year is None:
            return
        by_org: dict[str, list[tuple[RowResult, dict[str, Any]]]] = defaultdict(list)
        for row, v in parsed:
            row.label = v["card_number"] or v["cell_code"] or v["org_code"] or ""
            if v["year"] and v["year"] != year:
                row.error(col("year"), ONE_YEAR.format(year=year))
            elif v["org_code"]:
                by_org[v["org_code"]].append((row, v))
        self._rows_of: dict[int, list[tuple[RowResult, dict[str, Any]]]] = {}
        organizations = self._organizations(by_org, year)
        self._refuse_closed(organizations, year)
        self.plans: list[tuple[Unit, list[tuple[RowResult, Any]]]] = []
        for code, rows in by_org.items():
            org = organizations.get(code)
            if org is None:
                for row, _v in rows:
                    row.error(
                        col("org_code"),
                        UNKNOWN_ORGANIZATION.format(code=code, year=year),
                    )
            elif org == "outside":
                for row, _v in rows:
                    row.error(col("org_code"), OUTSIDE_SCOPE.format(code=code))
            else:
                self._plan(org, year, rows)
        self.progress("check", len(parsed) // 2, len(parsed))
        # The services and each organization's rules, on a copy rolled back.
        with transaction.atomic():
            for org, actions in self.plans:
                for row, action in actions:
                    try:
                        with transaction.atomic():
                            action(self.user)
                    except ValidationError as exc:
                        row.error(col("level"), " ".join(exc.messages))
                self._report_rules(org, year, actions)
            transaction.set_rollback(True)

    def _organizations(
        self, by_org: dict[str, Any], year: int
    ) -> dict[str, Unit | str]:
        """Grassroots organizations open during the year, by code; "outside"
        for those beyond the importer's reach."""
        start, end = f"{year}-01-01", f"{year}-12-31"
        found: dict[str, Unit | str] = {}
        for unit in Unit.objects.filter(
            code__in=list(by_org), level__in=GRASSROOTS_LEVELS, opened_on__lte=end
        ).exclude(closed_on__lte=start):
            found[unit.code] = unit
        if self.user is not None and not is_admin(self.user):
            reach = set(scope_unit_ids(self.user, roles=BOARD_ROLES))
            for code, unit in list(found.items()):
                if isinstance(unit, Unit) and unit.pk not in reach:
                    found[code] = "outside"
        return found

    def _refuse_closed(self, organizations: dict[str, Unit | str], year: int) -> None:
        ids = [u.pk for u in organizations.values() if isinstance(u, Unit)]
        closed = closed_years(ids, since=year)
        names = sorted(
            {
                c.organization
                for years in closed.values()
                for c in years
                if c.year == year
            }
        )
        if names:
            raise ImportFileError(
                str(YEAR_CLOSED).format(year=year, names=", ".join(names))
            )

    def _plan(self, org: Unit, year: int, rows: list[tuple[RowResult, Any]]) -> None:
        sheet = review_sheet(org, year)
        data = [
            (
                row.number,
                {page: v[key] for page, key in COLUMNS.items()}
                | {page_import.COL_YEAR: year},
            )
            for row, v in rows
        ]
        outcomes, actions = page_import._validate(sheet, data)
        by_number = {row.number: (row, v) for row, v in rows}
        keys = {r.card_number.lower(): r for r in sheet.member_rows if r.card_number}
        units = {r.unit_id: r for r in sheet.unit_rows if r.unit_id}
        codes = dict(Unit.objects.filter(pk__in=units).values_list("code", "pk"))
        for outcome in outcomes:
            row, v = by_number[outcome.number]
            for header, message in outcome.errors:
                row.error(self.column(COLUMNS.get(header, "level")), message)
            sheet_row = (
                keys.get((v["card_number"] or "").lower())
                if v["card_number"]
                else units.get(codes.get(v["cell_code"]))
            )
            v["_key"] = sheet_row.key if sheet_row else ""
            if row.outcome != ERROR and sheet_row is not None:
                row.outcome = self._compare(sheet, sheet_row, v)
        planned = [
            (by_number[o.number][0], action)
            for o, action in actions
            if by_number[o.number][0].outcome != UNCHANGED
        ]
        self.plans.append((org, planned))
        self._rows_of[org.pk] = rows

    def _compare(self, sheet: Any, sheet_row: Any, v: dict[str, Any]) -> str:
        current = sheet_row.classification
        if current is None:
            return NEW
        levels = sheet.member_levels if v["card_number"] else sheet.org_levels
        level = page_import._find_level(levels, v["level"] or "")
        same = (
            level is not None
            and current.level_id == level.pk
            and (current.remarks or "") == (v["remarks"] or "")
            and str(current.score or "") == str(v["score"] or "").replace(",", ".")
        )
        return UNCHANGED if same else UPDATED

    def _report_rules(self, org: Unit, year: int, actions: list[Any]) -> None:
        """The organization's broken rules, each on the row it concerns (the
        organization's own row, else its first, for the whole sheet's)."""
        rows = self._rows_of.get(org.pk, [])
        if not rows:
            return
        own = next((r for r, v in rows if v["cell_code"] == org.code), rows[0][0])
        by_key = {v["_key"]: r for r, v in rows if v.get("_key")}
        for problem in check_sheet(review_sheet(org, year)):
            row = by_key.get(problem.row, own)
            row.error(self.column("level"), problem.message)

    def write(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        for _org, actions in self.plans:
            for row, action in actions:
                try:
                    action(self.user)
                except ValidationError as exc:
                    raise ImportFileError(
                        str(CHANGED_SINCE).format(
                            n=row.number, message=" ".join(exc.messages)
                        )
                    ) from exc
