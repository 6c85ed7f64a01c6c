"""Report 2: party members — how many, who was admitted, how they were
classified, who was disciplined and who left (DOMAIN.md §5).

Members count where their dated ``CellPeriod`` puts them on 31 December, so a
member transferred mid-year counts in the cell they ended the year in, while
their classification stays with the cell it was given in. Events of the year
(admission, discipline, leaving) count in the root's subtree as it stood on
1 January or on 31 December, so a merger during the year loses nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Func, IntegerField, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from assessments.models import MemberClassification
from assessments.reports.common import (
    DELTA,
    INT,
    RATIO,
    TEXT,
    Bar,
    ChartSpec,
    Column,
    Ratio,
    Scope,
    Table,
    delta,
    lineage_note,
    target_table,
    year_end,
)
from assessments.reports.organization_quality import TIERS, tier_labels
from assessments.targets import targets_for
from members.ethnicities import KINH
from members.models import (
    CellPeriod,
    DisciplineForm,
    Gender,
    Membership,
    MembershipStatus,
)
from members.models import Discipline as DisciplineRow
from organizations.models import Unit

SLUG = "member_quality"
TITLE = _("Báo cáo chất lượng đảng viên")

LEFT = [
    MembershipStatus.RESIGNED,
    MembershipStatus.STRUCK_OFF,
    MembershipStatus.EXPELLED,
    MembershipStatus.DECEASED,
]
MEMBER_FORMS = [
    DisciplineForm.REPRIMAND,
    DisciplineForm.WARNING,
    DisciplineForm.REMOVAL,
    DisciplineForm.EXPULSION,
]


class AgeYears(Func):
    """Whole years between two dates (PostgreSQL ``age``)."""

    template = "EXTRACT(YEAR FROM age(%(expressions)s))::int"
    output_field = IntegerField()


@dataclass
class YearFigures:
    members: int
    classified: int
    tiers: dict[int, int]

    @property
    def good(self) -> Ratio:
        return Ratio(self.tiers[1] + self.tiers[2], self.classified)

    def share(self, tier: int) -> Ratio:
        return Ratio(self.tiers[tier], self.classified)


@dataclass
class MemberQuality:
    slug: str
    title: str
    root: Unit
    year: int
    compare_year: int | None
    base_year: int | None
    tier_labels: dict[int, str]
    now: YearFigures
    compare: YearFigures | None
    base: YearFigures | None
    admitted: int
    admitted_women: int
    admitted_youth: int
    admitted_minority: int
    disciplined: dict[str, int]
    left: dict[str, int]
    notes: list[str] = field(default_factory=list)
    targets: Table | None = None

    def tables(self) -> list[Table]:
        summary = Table(
            "summary",
            str(_("Số lượng đảng viên")),
            [
                Column(str(_("Chỉ tiêu")), TEXT),
                Column(str(_("Số lượng / tỷ lệ")), RATIO),
            ],
            rows=[
                [
                    str(_("Đảng viên đến 31/12/{y}")).format(y=self.year),
                    self.now.members,
                ],
                [str(_("Kết nạp trong năm")), self.admitted],
                [str(_("— trong đó nữ")), Ratio(self.admitted_women, self.admitted)],
                [
                    str(_("— trong đó từ 18 đến 30 tuổi")),
                    Ratio(self.admitted_youth, self.admitted),
                ],
                [
                    str(_("— trong đó người dân tộc thiểu số")),
                    Ratio(self.admitted_minority, self.admitted),
                ],
                [
                    str(_("Bị kỷ luật trong năm")),
                    Ratio(sum(self.disciplined.values()), self.now.members),
                ],
                [str(_("Ra khỏi Đảng trong năm")), sum(self.left.values())],
            ],
        )
        cols = [Column(str(_("Mức xếp loại")), TEXT), Column(str(self.year), RATIO)]
        if self.compare:
            cols += [
                Column(str(self.compare_year), RATIO),
                Column(f"± {self.compare_year}", DELTA),
            ]
        if self.base:
            cols += [
                Column(str(self.base_year), RATIO),
                Column(f"± {self.base_year}", DELTA),
            ]
        levels = Table(
            "levels",
            str(_("Kết quả xếp loại đảng viên năm {year}")).format(year=self.year),
            cols,
            note=str(
                _("Tỷ lệ tính trên số đảng viên được xếp loại: {n}.").format(
                    n=self.now.classified
                )
            ),
        )

        def row(label: str, pick) -> list:  # type: ignore[no-untyped-def]
            cells: list = [label, pick(self.now)]
            for other in (self.compare, self.base):
                if other:
                    cells += [pick(other), delta(pick(self.now), pick(other))]
            return cells

        for t in TIERS:
            levels.rows.append(
                row(self.tier_labels.get(t, str(t)), lambda f, t=t: f.share(t))
            )
        levels.rows.append(
            row(str(_("Hoàn thành tốt nhiệm vụ trở lên")), lambda f: f.good)
        )
        form_labels = dict(DisciplineForm.choices)
        discipline = Table(
            "discipline",
            str(_("Đảng viên bị kỷ luật theo hình thức")),
            [
                Column(str(_("Hình thức")), TEXT),
                Column(str(_("Số lượng, tỷ lệ")), RATIO),
            ],
            rows=[
                [
                    str(form_labels[f]),
                    Ratio(self.disciplined.get(f, 0), self.now.members),
                ]
                for f in MEMBER_FORMS
            ],
            total=[
                str(_("Cộng")),
                Ratio(sum(self.disciplined.values()), self.now.members),
            ],
        )
        status_labels = dict(MembershipStatus.choices)
        left = Table(
            "left",
            str(_("Ra khỏi Đảng theo lý do")),
            [Column(str(_("Lý do")), TEXT), Column(str(_("Số lượng")), INT)],
            rows=[[str(status_labels[s]), self.left.get(s, 0)] for s in LEFT],
            total=[str(_("Cộng")), sum(self.left.values())],
        )
        tables = [summary, levels, discipline, left]
        if self.targets is not None and self.targets.rows:
            tables.append(self.targets)
        return tables

    def charts(self) -> list[ChartSpec]:
        figures = [self.now] + ([self.compare] if self.compare else [])
        series = [str(self.year)] + ([str(self.compare_year)] if self.compare else [])
        groups = [
            [
                Bar(self.tier_labels.get(t, str(t)), f.share(t).value or 0.0)
                for t in TIERS
            ]
            for f in figures
        ]
        return [
            ChartSpec(
                str(_("Đảng viên theo mức xếp loại")),
                bars=groups[0],
                series=series,
                groups=groups,
            )
        ]


def _period_covers(day_field: str) -> Q:
    return Q(valid_from__lte=OuterRef(day_field)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gt=OuterRef(day_field))
    )


def year_figures(
    scope: Scope, year: int, notes: list[str] | None = None
) -> YearFigures:
    """Members on 31 December and the year's classification (three queries)."""
    day = year_end(year)
    roots = scope.roots_on(day)
    if notes is not None and (note := lineage_note(scope.root, year, roots)):
        notes.append(note)
    units = scope.units(day, [r[0] for r in roots])
    members = (
        CellPeriod.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day),
            is_temporary=False,
            valid_from__lte=day,
            cell_id__in=units,
            membership__admitted_on__lte=day,
        )
        .filter(Q(membership__ended_on__isnull=True) | Q(membership__ended_on__gt=day))
        # One official period per member at a time (the exclusion constraint
        # on CellPeriod), so a plain count needs no DISTINCT sort.
        .aggregate(n=Count("id"))["n"]
    )
    tiers = dict.fromkeys(TIERS, 0)
    for r in (
        MemberClassification.objects.filter(year=year, cell_id__in=units)
        .values("level__tier")
        .annotate(n=Count("id"))
    ):
        tiers[r["level__tier"]] = r["n"]
    return YearFigures(members, sum(tiers.values()), tiers)


def event_units(scope: Scope, year: int, field: str = "cell_id") -> Q:
    """``field`` in the root's subtree on 1 January or on 31 December of ``year``."""
    first = datetime.date(year, 1, 1)
    last = year_end(year)
    ids_first = [r[0] for r in scope.roots_on(first)]
    ids_last = [r[0] for r in scope.roots_on(last)]
    return Q(**{f"{field}__in": scope.units(first, ids_first)}) | Q(
        **{f"{field}__in": scope.units(last, ids_last)}
    )


def build(
    *,
    root: Unit,
    year: int,
    compare_year: int | None = None,
    base_year: int | None = None,
    user=None,
) -> MemberQuality:  # type: ignore[no-untyped-def]
    scope = Scope.for_user(root, user)
    notes: list[str] = []
    now = year_figures(scope, year, notes)
    compare = year_figures(scope, compare_year, notes) if compare_year else None
    if base_year and base_year == compare_year:
        base = compare
    else:
        base = year_figures(scope, base_year, notes) if base_year else None
    cells = event_units(scope, year)
    start, end = datetime.date(year, 1, 1), year_end(year)

    admitted = (
        Membership.objects.filter(admitted_on__range=(start, end))
        .filter(
            Exists(
                CellPeriod.objects.filter(
                    cells, _period_covers("admitted_on"), membership=OuterRef("pk")
                )
            )
        )
        .annotate(age=AgeYears("admitted_on", "person__date_of_birth"))
        .aggregate(
            total=Count("id"),
            women=Count("id", filter=Q(person__gender=Gender.FEMALE)),
            youth=Count("id", filter=Q(age__gte=18, age__lte=30)),
            minority=Count("id", filter=~Q(person__ethnicity=KINH)),
        )
    )
    unit_cells = event_units(scope, year, "unit_id")
    disciplined = {
        r["form"]: r["n"]
        for r in DisciplineRow.objects.filter(
            unit_cells, subject_is_unit=False, date__range=(start, end)
        )
        .values("form")
        .annotate(n=Count("person_id", distinct=True))
    }
    # The cell a member left from: the official period that covers (or ends
    # on) the day they left.
    left_from = CellPeriod.objects.filter(
        cells,
        Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("ended_on")),
        valid_from__lte=OuterRef("ended_on"),
        is_temporary=False,
        membership=OuterRef("pk"),
    )
    left = {
        r["status"]: r["n"]
        for r in Membership.objects.filter(
            Exists(left_from), status__in=LEFT, ended_on__range=(start, end)
        )
        .values("status")
        .annotate(n=Count("id"))
    }
    report = MemberQuality(
        slug=SLUG,
        title=str(TITLE),
        root=root,
        year=year,
        compare_year=compare_year,
        base_year=base_year,
        tier_labels=tier_labels("member", year),
        now=now,
        compare=compare,
        base=base,
        admitted=admitted["total"],
        admitted_women=admitted["women"],
        admitted_youth=admitted["youth"],
        admitted_minority=admitted["minority"],
        disciplined=disciplined,
        left=left,
        notes=notes,
    )
    report.targets = target_table(
        targets_for(root_id=root.pk, year=year, report=SLUG),
        {"member_good_share": now.good, "admitted": admitted["total"]},
    )
    return report
