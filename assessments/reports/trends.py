"""Report 5: indicators over a span of years, across scale changes and mergers.

Classification levels are compared through their tier (fixtures/scales.json),
so the 2024 scale (QĐ 132/124) and the 2025 one (QĐ 366) line up. A unit
formed by a merger carries the series of the units it was formed from: for a
year before the merger, its figures are those of its predecessors on that
year's tree, and the report names them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from assessments.models import Scale
from assessments.reports.common import (
    INT,
    RATIO,
    TEXT,
    Bar,
    ChartSpec,
    Column,
    Ratio,
    Scope,
    Table,
)
from assessments.reports.member_quality import year_figures
from assessments.reports.organization_quality import tally
from organizations.models import Unit

SLUG = "trends"
TITLE = _("Báo cáo diễn biến chất lượng tổ chức đảng và đảng viên qua các năm")
DEFAULT_SPAN = 5


@dataclass
class YearRow:
    year: int
    scale: str
    organizations: int
    classified: int
    top: Ratio
    top_two: Ratio
    weak: Ratio
    members: int
    member_good: Ratio
    member_weak: Ratio


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

    def tables(self) -> list[Table]:
        return [
            Table(
                "years",
                str(_("Các chỉ tiêu qua các năm")),
                [
                    Column(str(_("Năm")), INT),
                    Column(str(_("Thang xếp loại")), TEXT),
                    Column(str(_("Tổ chức cơ sở đảng")), INT),
                    Column(str(_("Đã xếp loại")), INT),
                    Column(str(_("TCCSĐ xuất sắc")), RATIO),
                    Column(str(_("TCCSĐ hai mức cao nhất")), RATIO),
                    Column(str(_("TCCSĐ không hoàn thành")), RATIO),
                    Column(str(_("Đảng viên")), INT),
                    Column(str(_("ĐV tốt trở lên")), RATIO),
                    Column(str(_("ĐV không hoàn thành")), RATIO),
                ],
                rows=[
                    [
                        y.year,
                        y.scale,
                        y.organizations,
                        y.classified,
                        y.top,
                        y.top_two,
                        y.weak,
                        y.members,
                        y.member_good,
                        y.member_weak,
                    ]
                    for y in self.years
                ],
                note=str(
                    _(
                        "Các mức xếp loại của các thang khác nhau được so sánh theo bậc tương đương (bậc 1: xuất sắc, trong sạch vững mạnh; bậc 4: không hoàn thành nhiệm vụ, yếu kém)."
                    )
                ),
            )
        ]

    def charts(self) -> list[ChartSpec]:
        series = [str(_("TCCSĐ xuất sắc")), str(_("ĐV tốt trở lên"))]
        groups = [
            [Bar(str(y.year), y.top.value or 0.0) for y in self.years],
            [Bar(str(y.year), y.member_good.value or 0.0) for y in self.years],
        ]
        return [
            ChartSpec(
                str(_("Diễn biến qua các năm (tỷ lệ %)")),
                bars=groups[0],
                series=series,
                groups=groups,
            )
        ]


def build(
    *,
    root: Unit,
    year: int,
    compare_year: int | None = None,
    base_year: int | None = None,
    user=None,
) -> Trends:  # type: ignore[no-untyped-def]
    scope = Scope.for_user(root, user)
    first = base_year or compare_year or year - DEFAULT_SPAN + 1
    first = min(first, year)
    scales = list(
        Scale.objects.filter(subject="organization").values(
            "code", "regulation", "valid_from_year", "valid_to_year"
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
    for y in range(first, year + 1):
        orgs = tally(scope, y, notes)["grassroots"]
        members = year_figures(scope, y)
        years.append(
            YearRow(
                y,
                scale_of(y),
                orgs.total,
                orgs.classified,
                orgs.top,
                orgs.top_two,
                orgs.weak,
                members.members,
                members.good,
                members.share(4),
            )
        )
    return Trends(
        slug=SLUG,
        title=str(TITLE),
        root=root,
        year=year,
        compare_year=compare_year,
        base_year=first,
        years=years,
        notes=notes,
    )
