"""A year's classifications of every organization, cell and member under a
unit, from one workbook (issue #19 §3): the board collects the communes'
results and loads them at once instead of one upload per organization.

Each row names its grassroots organization, then the cell (or the
organization itself) or the member's card number, with the level of the
year's scale. A year submitted or approved in any organization of the file
refuses the whole file with one message, before any row is read against the
database (organizations/closed_years.py). Then the file is checked as a
whole: the sheets of every organization of the file are read at once
(``selectors.review_sheets``), each row is checked in memory as the page's
services check an entry and each organization's review rules on its sheet as
the file would leave it, each broken rule reported on the row it concerns
(``assessments/board_plan.py``). The import writes in one transaction: the
organizations' review rows locked, the classifications created and updated
in bulk (the audit trail's triggers record each row, with the importer and
the page or command, as for the page's writes).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.board_plan import Planned, check_rules, plan_organization
from assessments.models import (
    MemberClassification,
    OrganizationReview,
    UnitClassification,
)
from assessments.selectors import review_sheets
from organizations.access import is_admin, scope_reach, scope_unit_ids
from organizations.closed_years import closed_years
from organizations.models import GRASSROOTS_LEVELS, Role, Unit
from partyquality.importing import Importer, ImportFileError, RowResult, _copy
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
    "Xếp loại của các tổ chức trong tệp đã thay đổi trong lúc nhập; không có gì "
    "được ghi, hãy tải tệp lên lại để kiểm tra."
)
UPDATED_FIELDS = ["level", "score", "conditions", "remarks", "updated_by", "updated_at"]
BATCH = 2_000

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


def may_import_classifications(user: Any) -> bool:
    return is_admin(user) or bool(scope_unit_ids(user, roles=BOARD_ROLES))


class ClassificationImporter(Importer):
    spec = SPEC

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        col = self.column
        self.plans: list[Planned] = []
        year = next((v["year"] for _r, v in parsed if v["year"]), None)
        if year is None:
            return
        self.year = year
        by_org: dict[str, list[tuple[RowResult, dict[str, Any]]]] = defaultdict(list)
        for row, v in parsed:
            row.label = v["card_number"] or v["cell_code"] or v["org_code"] or ""
            if v["year"] and v["year"] != year:
                row.error(col("year"), ONE_YEAR.format(year=year))
            elif v["org_code"]:
                by_org[v["org_code"]].append((row, v))
        organizations = self._organizations(by_org, year)
        self._refuse_closed(organizations, year)
        found = {
            code: org for code, org in organizations.items() if isinstance(org, Unit)
        }
        for code, rows in by_org.items():
            if code in found:
                continue
            message = (
                OUTSIDE_SCOPE.format(code=code)
                if organizations.get(code) == "outside"
                else UNKNOWN_ORGANIZATION.format(code=code, year=year)
            )
            for row, _v in rows:
                row.error(col("org_code"), message)
        self.progress("check", len(parsed) // 3, len(parsed))
        sheets = review_sheets(list(found.values()), year, in_page_order=False)
        self.progress("check", 2 * len(parsed) // 3, len(parsed))

        def report(row: RowResult, key: str, message: str) -> None:
            row.error(col(key), message)

        for code, org in found.items():
            sheet, rows = sheets[org.pk], by_org[code]
            planned = plan_organization(sheet, rows, report)
            check_rules(sheet, rows, planned, report)
            self.plans.extend(planned)
        # What the check read, to refuse the write if it changed meanwhile.
        self.unit_ids = sorted(
            {r.unit_id for s in sheets.values() for r in s.unit_rows}
        )
        self.person_ids = sorted(
            {r.person_id for s in sheets.values() for r in s.member_rows}
        )
        self.seen = _read(r.classification for s in sheets.values() for r in s.rows)
        self.progress("check", len(parsed), len(parsed))

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
        reach = scope_reach(self.user, roles=BOARD_ROLES) if self.user else None
        if reach is not None:
            # The tree of the year, as the review pages read it (dated
            # access, issue #16): an organization moved away is the former
            # board's for the years before, the new one's from its move.
            for code, unit in list(found.items()):
                if isinstance(unit, Unit) and not reach.in_year(unit.pk, year):
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

    def write(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        """Inside the run's transaction: the reviews of the organizations
        written to, created if need be and locked (as the services lock one),
        then the classifications in bulk — refused whole if a review was
        submitted or a classification changed since the check."""
        if not self.plans:
            return
        year = self.year
        org_ids = sorted({p.organization_id for p in self.plans})
        OrganizationReview.objects.bulk_create(
            [OrganizationReview(organization_id=i, year=year) for i in org_ids],
            ignore_conflicts=True,
        )
        reviews = list(
            # Only the reviews: the joined organizations stay free for the
            # rows that reference them (services._locked says why).
            OrganizationReview.objects.select_for_update(of=("self",))
            .filter(organization_id__any_of=org_ids, year=year)
            .select_related("organization")
            .order_by("pk")
        )
        closed = sorted(r.organization.name for r in reviews if not r.is_open)
        if closed:
            raise ImportFileError(
                str(YEAR_CLOSED).format(year=year, names=", ".join(closed))
            )
        if self._stored(year) != self.seen:
            raise ImportFileError(str(CHANGED_SINCE))
        now = timezone.now()
        user_id = getattr(self.user, "pk", None)
        # New classifications by COPY, as the members import writes people
        # (the audit triggers fire for each row all the same); the stored
        # ones changed through the models.
        for model, key, fields in (
            (UnitClassification, "unit_id", UPDATED_FIELDS),
            (MemberClassification, "person_id", [*UPDATED_FIELDS, "cell"]),
        ):
            mine = [
                p for p in self.plans if p.is_member == (model is MemberClassification)
            ]
            columns = [key, "year", "level_id", "score", "remarks", "conditions"]
            if model is MemberClassification:
                columns.append("cell_id")
            _copy(
                model._meta.db_table,
                [*columns, "updated_at", "updated_by_id"],
                (
                    (
                        p.sheet_row.person_id if p.is_member else p.sheet_row.unit_id,
                        year,
                        p.level.pk,
                        p.score,
                        p.remarks,
                        "{}",
                        *((p.sheet_row.cell_id,) if p.is_member else ()),
                        now,
                        user_id,
                    )
                    for p in mine
                    if p.stored is None
                ),
            )
            stored = [p.built(self.user) for p in mine if p.stored is not None]
            for obj in stored:
                obj.updated_at = now  # bulk_update leaves auto_now alone
            model.objects.bulk_update(stored, fields, batch_size=BATCH)
        self.progress("write", len(parsed), len(parsed))

    def _stored(self, year: int) -> tuple[int, int, Any]:
        """``_read`` of the classifications stored now for the units and
        members the check read."""
        found = (0, 0, None)
        for model, field, ids in (
            (UnitClassification, "unit_id", self.unit_ids),
            (MemberClassification, "person_id", self.person_ids),
        ):
            row = model.objects.filter(
                **{f"{field}__any_of": ids}, year=year
            ).aggregate(n=Count("pk"), ids=Sum("pk"), at=Max("updated_at"))
            found = (
                found[0] + row["n"],
                found[1] + (row["ids"] or 0),
                max((t for t in (found[2], row["at"]) if t is not None), default=None),
            )
        return found


def _read(classifications: Any) -> tuple[int, int, Any]:
    """How many classifications, the sum of their ids and the latest change:
    what the write compares to refuse a file checked against other data."""
    found = {(type(c), c.pk): c.updated_at for c in classifications if c is not None}
    return (
        len(found),
        sum(pk for _model, pk in found),
        max(found.values(), default=None),
    )
