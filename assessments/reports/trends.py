"""Report 5: indicators over a span of years, across scale changes and mergers.

Classification levels are compared through their tier (fixtures/scales.json),
so the 2013 scale (HD 27), the 2024 one (QĐ 132/124) and the 2025 one
(QĐ 366) line up; each year keeps the name of its own top level. A unit
formed by a merger carries the series of the units it was formed from: for a
year before the merger, its figures are those of its predecessors on that
year's tree, and the report names them. A year without figures is printed
"—" in the table and left out of the chart, never drawn as 0 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from assessments.models import Scale
from assessments.reports.common import (
    INT,
    RATIO,
    TEXT,
    YEAR,
    Bar,
    ChartSpec,
    Column,
    Later,
    Ratio,
    Scope,
    Table,
    lineage_note,
    year_end,
)
from assessments.reports.member_quality import year_figures
from assessments.reports.organization_quality import labels_by_year, tally
from organizations.models import Unit

SLUG = "trends"
TITLE = _("Báo cáo diễn biến chất lượng tổ chức đảng và đảng viên qua các năm")
DEFAULT_SPAN = 5
# The series starts at the base year; every year of it is shown, so a
# separate comparison year is not offered.
YEAR_OPTIONS = ("base",)


@dataclass
class YearRow:
    year: int
    scale: str
    top_label: str
    organizations: int
    classified: int
    top: Ratio
    top_two: Ratio
    weak: Ratio
    members: int
    member_good: Ratio
    member_weak: Ratio
    # Disciplined in the year against members on 31 December (DOMAIN.md §5).
    disciplined: Ratio = field(default_factory=lambda: Ratio(0, 0))


@dataclass
class Trends:
    slug: str
    title: str
    root: Unit
    year: int
    compare_year: int | None
    base_year: int | None
    years: list[YearRow]
    notes: list[str] = field(default_factory=list)
    targets: Table | None = None
    provisional: bool = False
    approval: str | Later = ""

    def tables(self) -> list[Table]:
        return [
            Table(
                "years",
                str(_("Các chỉ tiêu qua các năm")),
                [
                    Column(str(_("Năm")), YEAR),
                    Column(str(_("Thang xếp loại")), TEXT),
                    Column(str(_("Mức cao nhất của thang")), TEXT),
                    Column(str(_("Tổ chức cơ sở đảng")), INT),
                    Column(str(_("Đã xếp loại")), INT),
                    Column(str(_("TCCSĐ mức cao nhất")), RATIO),
                    Column(str(_("TCCSĐ hai mức cao nhất")), RATIO),
                    Column(str(_("TCCSĐ mức thấp nhất")), RATIO),
                    Column(str(_("Đảng viên")), INT),
                    Column(str(_("ĐV hai mức cao nhất")), RATIO),
                    Column(str(_("ĐV mức thấp nhất")), RATIO),
                    Column(str(_("ĐV bị kỷ luật")), RATIO),
                ],
                rows=[
                    [
                        y.year,
                        y.scale,
                        y.top_label,
                        y.organizations,
                        y.classified,
                        y.top,
                        y.top_two,
                        y.weak,
                        y.members,
                        y.member_good,
                        y.member_weak,
                        y.disciplined,
                    ]
                    for y in self.years
                ],
                note=str(
                    _(
                        "Các mức xếp loại của các thang khác nhau được so sánh theo bậc tương đương (bậc 1: xuất sắc, trong sạch vững mạnh; bậc 4: không hoàn thành nhiệm vụ, yếu kém)."
                    )
                ),
                approval=self.approval,
            )
        ]

    def charts(self) -> list[ChartSpec]:
        # Years without figures are left out; a year with one series only
        # draws that one.
        years = [
            y
            for y in self.years
            if y.top.value is not None or y.member_good.value is not None
        ]
        if not years:
            return []
        series = [str(_("TCCSĐ mức cao nhất")), str(_("ĐV hai mức cao nhất"))]
        groups = [
            [Bar(str(y.year), y.top.value) for y in years],
            [Bar(str(y.year), y.member_good.value) for y in years],
        ]
        return [
            ChartSpec(
                str(_("Diễn biến qua các năm (tỷ lệ %)")),
                bars=groups[0],
                series=series,
                groups=groups,
            )
        ]


def first_year(year: int, compare_year: int | None, base_year: int | None) -> int:
    """The series starts at the base year, else the comparison year, else
    five years back."""
    return min(base_year or compare_year or year - DEFAULT_SPAN + 1, year)


def approvals(
    scope: Scope,
    *,
    year: int,
    compare_year: int | None = None,
    base_year: int | None = None,
) -> dict[str, Later]:
    """Each table's approval line, by table key, as the report prints it
    (the page loads them after the figures: ``views.approvals``)."""
    first = first_year(year, compare_year, base_year)
    return {"years": scope.approvals(*range(first, year + 1))}


def build(
    *,
    root: Unit,
    year: int,
    compare_year: int | None = None,
    base_year: int | None = None,
    user=None,
    provisional: bool = False,
) -> Trends:  # type: ignore[no-untyped-def]
    """Every year from the base year (else the comparison year, else five
    years back) to ``year``; the comparison year is one of them."""
    scope = Scope.for_user(root, user, provisional=provisional)
    first = first_year(year, compare_year, base_year)
    scales = list(
        Scale.objects.filter(subject="organization").values(
            "regulation", "valid_from_year", "valid_to_year"
        )
    )

    def scale_of(y: int) -> str:
        for s in sorted(scales, key=lambda s: -s["valid_from_year"]):
            if s["valid_from_year"] <= y and (
                s["valid_to_year"] is None or s["valid_to_year"] >= y
            ):
                return s["regulation"]
        return ""

    notes: list[str] = []
    years: list[YearRow] = []
    labels = labels_by_year("organization", list(range(first, year + 1)))
    with transaction.atomic():
        for y in range(first, year + 1):
            rows = scope.year(y)
            note = lineage_note(root, y, scope.roots_on(year_end(y)))
            if note:
                notes.append(note)
            orgs = tally(rows)[0]["grassroots"]
            members = year_figures(rows)
            years.append(
                YearRow(
                    y,
                    scale_of(y),
                    labels[y][1][0],
                    orgs.total,
                    orgs.classified,
                    orgs.top,
                    orgs.top_two,
                    orgs.weak,
                    members.members,
                    members.good,
                    members.share(4),
                    Ratio(members.disciplined, members.members),
                )
            )
        approval = approvals(
            scope, year=year, compare_year=compare_year, base_year=base_year
        )["years"]
    return Trends(
        slug=SLUG,
        title=str(TITLE),
        root=root,
        year=year,
        compare_year=compare_year,
        base_year=first,
        years=years,
        notes=notes,
        provisional=provisional,
        approval=approval,
    )
