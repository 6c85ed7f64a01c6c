"""Report 4: commune-level cadres and civil servants against their standards
(DOMAIN.md §4–5, Decree 33/2023/NĐ-CP).

Counts the posts held on 31 December at commune-level units of the subtree
(a person holding two posts counts in each), per commune and per position
group: university or higher, intermediate professional or higher,
intermediate political theory or higher, state management; studying now; not
yet standardized per dimension, with the named list of who lacks what and when
they expect to finish; the year's rotations by direction; targets.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from assessments import standards
from assessments.reports.common import (
    COMMUNE_KINDS,
    INT,
    RATIO,
    TEXT,
    Bar,
    ChartSpec,
    Column,
    Ratio,
    Scope,
    Table,
    lineage_note,
    target_table,
    year_end,
)
from assessments.targets import targets_for
from members.models import (
    Origin,
    PositionGroup,
    PositionHolding,
    Qualification,
    QualificationStatus,
)
from organizations.models import Unit

SLUG = "cadre_standardization"
TITLE = _("Báo cáo chất lượng, chuẩn hóa đội ngũ cán bộ, công chức cấp xã")

UNIVERSITY = 4
INTERMEDIATE = 2
POLITICAL_INTERMEDIATE = 2


@dataclass
class Counts:
    name: str
    posts: int = 0
    university: int = 0
    intermediate: int = 0
    political: int = 0
    state_management: int = 0
    studying: int = 0
    standardized: int = 0
    missing: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(standards.DIMENSIONS, 0)
    )

    def row(self) -> list:
        return [
            self.name,
            self.posts,
            Ratio(self.university, self.posts),
            Ratio(self.intermediate, self.posts),
            Ratio(self.political, self.posts),
            Ratio(self.state_management, self.posts),
            self.studying,
            Ratio(self.standardized, self.posts),
        ] + [self.missing[d] for d in standards.DIMENSIONS]


@dataclass
class Gap:
    person: str
    position: str
    commune: str
    dimension: str
    status: str
    expected_year: int | None


@dataclass
class CadreStandardization:
    slug: str
    title: str
    root: Unit
    year: int
    compare_year: int | None
    base_year: int | None
    communes: list[Counts]
    groups: list[Counts]
    total: Counts
    gaps: list[Gap]
    rotations: dict[str, int]
    notes: list[str] = field(default_factory=list)
    targets: Table | None = None

    @staticmethod
    def _columns(first: str) -> list[Column]:
        return [
            Column(first, TEXT),
            Column(str(_("Số chức danh")), INT),
            Column(str(_("Đại học trở lên")), RATIO),
            Column(str(_("Chuyên môn trung cấp trở lên")), RATIO),
            Column(str(_("LLCT trung cấp trở lên")), RATIO),
            Column(str(_("Quản lý nhà nước")), RATIO),
            Column(str(_("Đang học")), INT),
            Column(str(_("Đạt chuẩn đủ các mặt")), RATIO),
        ] + [
            Column(
                str(_("Chưa chuẩn: {d}")).format(d=standards.DIMENSION_LABELS[d]), INT
            )
            for d in standards.DIMENSIONS
        ]

    def tables(self) -> list[Table]:
        groups = Table(
            "groups",
            str(_("Theo nhóm chức danh")),
            self._columns(str(_("Nhóm chức danh"))),
            rows=[g.row() for g in self.groups],
            total=self.total.row(),
            note=str(
                _(
                    "Người giữ hai chức danh được tính ở mỗi chức danh; tiêu chuẩn theo chức danh tại ngày 31/12/{y}."
                )
            ).format(y=self.year),
        )
        communes = Table(
            "communes",
            str(_("Theo đơn vị cấp xã")),
            self._columns(str(_("Đơn vị cấp xã"))),
            rows=[c.row() for c in self.communes],
            total=self.total.row(),
        )
        origin_labels = dict(Origin.choices)
        rotations = Table(
            "rotations",
            str(_("Luân chuyển, tăng cường trong năm {y}")).format(y=self.year),
            [Column(str(_("Nguồn")), TEXT), Column(str(_("Số lượt")), INT)],
            rows=[
                [str(origin_labels[o]), self.rotations.get(o, 0)]
                for o in Origin.values
                if o != Origin.LOCAL
            ],
            total=[str(_("Cộng")), sum(self.rotations.values())],
        )
        gaps = Table(
            "gaps",
            str(_("Danh sách cán bộ, công chức chưa đạt chuẩn")),
            [
                Column(str(_("Họ và tên")), TEXT),
                Column(str(_("Chức danh")), TEXT),
                Column(str(_("Đơn vị cấp xã")), TEXT),
                Column(str(_("Mặt chưa đạt")), TEXT),
                Column(str(_("Tình trạng")), TEXT),
                Column(str(_("Năm dự kiến đạt")), INT),
            ],
            rows=[
                [
                    g.person,
                    g.position,
                    g.commune,
                    g.dimension,
                    g.status,
                    g.expected_year,
                ]
                for g in self.gaps
            ],
        )
        tables = [groups, communes, rotations]
        if self.targets is not None and self.targets.rows:
            tables.append(self.targets)
        tables.append(gaps)
        return tables

    def charts(self) -> list[ChartSpec]:
        t = self.total
        return [
            ChartSpec(
                str(_("Trình độ cán bộ, công chức cấp xã (tỷ lệ %)")),
                bars=[
                    Bar(
                        str(_("Đại học trở lên")),
                        Ratio(t.university, t.posts).value or 0,
                    ),
                    Bar(
                        str(_("Chuyên môn trung cấp+")),
                        Ratio(t.intermediate, t.posts).value or 0,
                    ),
                    Bar(
                        str(_("LLCT trung cấp+")),
                        Ratio(t.political, t.posts).value or 0,
                    ),
                    Bar(
                        str(_("Quản lý nhà nước")),
                        Ratio(t.state_management, t.posts).value or 0,
                    ),
                    Bar(str(_("Đạt chuẩn")), Ratio(t.standardized, t.posts).value or 0),
                ],
            )
        ]


def build(
    *,
    root: Unit,
    year: int,
    compare_year: int | None = None,
    base_year: int | None = None,
    user=None,
) -> CadreStandardization:  # type: ignore[no-untyped-def]
    scope = Scope.for_user(root, user)
    day = year_end(year)
    roots = scope.roots_on(day)
    notes = [n for n in [lineage_note(root, year, roots)] if n]
    units = scope.units(day, [r[0] for r in roots])
    holdings = PositionHolding.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day),
        valid_from__lte=day,
        unit_id__in=units,
        unit__kind__in=COMMUNE_KINDS,
    )
    rows = list(
        holdings.values(
            "person_id",
            "person__full_name",
            "position__code",
            "position__name",
            "position__group",
            "unit_id",
            "unit__name",
            "unit__is_difficult_area",
        ).order_by("unit__name", "unit_id", "position__order", "person__full_name")
    )
    held: dict[int, list[standards.Held]] = defaultdict(list)
    for q in Qualification.objects.filter(
        person_id__in=holdings.values("person_id"), dimension__in=standards.DIMENSIONS
    ).values_list(
        "person_id", "dimension", "rank", "status", "expected_year", "year", "field"
    ):
        held[q[0]].append(
            standards.Held(
                dimension=q[1],
                rank=q[2],
                studying=q[3] == QualificationStatus.STUDYING,
                expected_year=q[4],
                year=q[5],
                field=q[6],
            )
        )
    requirements = standards.requirements_on(day)
    by_group: dict[str, Counts] = {
        g: Counts(str(label)) for g, label in PositionGroup.choices
    }
    by_commune: dict[int, Counts] = {}
    total = Counts(str(_("Tổng cộng")))
    gaps: list[Gap] = []
    university_per_commune: dict[int, set[int]] = defaultdict(set)
    civil_servants = Counts("civil_servant")
    elected = Counts("elected")
    for r in rows:
        person_held = held.get(r["person_id"], [])
        completed = [
            h
            for h in person_held
            if not h.studying and (h.year is None or h.year <= year)
        ]

        def best(dimension: str, completed=completed) -> int:
            return max(
                (h.rank for h in completed if h.dimension == dimension), default=-1
            )

        checks = standards.check(
            requirements.get(r["position__code"]),
            person_held,
            on=day,
            difficult_area=r["unit__is_difficult_area"],
        )
        commune = by_commune.setdefault(r["unit_id"], Counts(r["unit__name"]))
        targets_of_row = [by_group[r["position__group"]], commune, total]
        if r["position__group"] == PositionGroup.CIVIL_SERVANT:
            targets_of_row.append(civil_servants)
        if r["position__group"] == PositionGroup.ELECTED:
            targets_of_row.append(elected)
        studying_now = any(
            h.studying and h.expected_year is not None and h.expected_year >= year
            for h in person_held
        )
        standardized = all(
            c.status in (standards.MEETS, standards.NOT_REQUIRED)
            for c in checks.values()
        )
        if best(standards.PROFESSIONAL) >= UNIVERSITY:
            university_per_commune[r["unit_id"]].add(r["person_id"])
        for counts in targets_of_row:
            counts.posts += 1
            counts.university += best(standards.PROFESSIONAL) >= UNIVERSITY
            counts.intermediate += best(standards.PROFESSIONAL) >= INTERMEDIATE
            counts.political += best(standards.POLITICAL) >= POLITICAL_INTERMEDIATE
            counts.state_management += best(standards.STATE_MANAGEMENT) >= 1
            counts.studying += studying_now
            counts.standardized += standardized
            for dimension, c in checks.items():
                if c.status in (standards.MISSING, standards.STUDYING):
                    counts.missing[dimension] += 1
        for dimension, c in checks.items():
            if c.status in (standards.MISSING, standards.STUDYING):
                gaps.append(
                    Gap(
                        r["person__full_name"],
                        r["position__name"],
                        r["unit__name"],
                        str(standards.DIMENSION_LABELS[dimension]),
                        str(standards.STATUS_LABELS[c.status]),
                        c.expected_year,
                    )
                )
    start = datetime.date(year, 1, 1)
    rotations = {
        r["origin"]: r["n"]
        for r in PositionHolding.objects.filter(
            unit_id__in=units, valid_from__range=(start, day)
        )
        .exclude(origin=Origin.LOCAL)
        .values("origin")
        .annotate(n=Count("id"))
    }
    report = CadreStandardization(
        slug=SLUG,
        title=str(TITLE),
        root=root,
        year=year,
        compare_year=compare_year,
        base_year=base_year,
        communes=list(by_commune.values()),
        groups=[
            g for key, g in by_group.items() if g.posts or key != PositionGroup.OTHER
        ],
        total=total,
        gaps=gaps,
        rotations=rotations,
        notes=notes,
    )
    report.targets = target_table(
        targets_for(root_id=root.pk, year=year, report=SLUG),
        {
            "cadre_university_share": Ratio(total.university, total.posts),
            "civil_servant_intermediate_share": Ratio(
                civil_servants.intermediate, civil_servants.posts
            ),
            "cadre_political_share": Ratio(elected.political, elected.posts),
        },
        per_commune={
            "commune_university_cadres": [
                (c.name, len(university_per_commune.get(unit_id, ())))
                for unit_id, c in by_commune.items()
            ]
        },
    )
    return report
