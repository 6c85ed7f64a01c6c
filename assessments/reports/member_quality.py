"""Report 2: party members — how many, who was admitted, how they were
classified, who was disciplined and who left (DOMAIN.md §5).

Members count where their dated ``CellPeriod`` puts them on 31 December, so a
member transferred mid-year counts in the cell they ended the year in, while
their classification stays with the cell it was given in. Events of the year
(admission, discipline, leaving) count in the cell where they happened; a
cell closed during the year counts under the unit that succeeded it, so a
merger during the year loses nothing (assessments/snapshots.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from assessments.reports.common import (
    DELTA,
    INT,
    RATIO,
    TEXT,
    Bar,
    ChartSpec,
    Column,
    Later,
    Ratio,
    Scope,
    Table,
    YearRows,
    delta,
    lineage_note,
    target_table,
    year_end,
)
from assessments.reports.organization_quality import (
    TIERS,
    labels_by_year,
    scale_notes,
)
from assessments.snapshots import LEFT, MEMBER_FORMS
from assessments.targets import targets_for
from members.models import DisciplineForm, MembershipStatus
from organizations.models import Unit
from partyquality import numbers

SLUG = "member_quality"
TITLE = _("Báo cáo chất lượng đảng viên")
# The years a reader may set beside the report's year; each is honoured.
YEAR_OPTIONS = ("compare", "base")


@dataclass
class YearFigures:
    members: int
    classified: int
    tiers: dict[int, int]
    # Members disciplined during the year, each form counted once a person.
    disciplined: int = 0

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
    provisional: bool = False
    approval: str | Later = ""
    levels_approval: str | Later = ""
    short_labels: dict[int, dict[int, str]] = field(default_factory=dict)

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
            approval=self.approval,
        )
        cols = [Column(str(_("Mức xếp loại")), TEXT), Column(str(self.year), RATIO)]
        for other in (self.compare_year, self.base_year):
            if other:
                cols += [Column(str(other), RATIO), Column(f"± {other}", DELTA)]
        note = str(_("Tỷ lệ tính trên số đảng viên được xếp loại: {n}.")).format(
            n=numbers.grouped(self.now.classified)
        )
        scales = scale_notes(self.short_labels, self.year)
        levels = Table(
            "levels",
            str(_("Kết quả xếp loại đảng viên năm {year}")).format(year=self.year),
            cols,
            note=" ".join([note, *scales]),
            approval=self.levels_approval,
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
            approval=self.approval,
        )
        status_labels = dict(MembershipStatus.choices)
        left = Table(
            "left",
            str(_("Ra khỏi Đảng theo lý do")),
            [Column(str(_("Lý do")), TEXT), Column(str(_("Số lượng")), INT)],
            rows=[[str(status_labels[s]), self.left.get(s, 0)] for s in LEFT],
            total=[str(_("Cộng")), sum(self.left.values())],
            approval=self.approval,
        )
        tables = [summary, levels, discipline, left]
        if self.targets is not None and self.targets.rows:
            tables.append(self.targets)
        return tables

    def charts(self) -> list[ChartSpec]:
        # A year with no classified member is left out, not drawn as 0 %.
        shown = [
            (str(y), f)
            for y, f in ((self.year, self.now), (self.compare_year, self.compare))
            if f is not None and f.classified
        ]
        if not shown:
            return []
        groups = [
            [Bar(self.tier_labels.get(t, str(t)), f.share(t).value) for t in TIERS]
            for _year, f in shown
        ]
        return [
            ChartSpec(
                str(_("Đảng viên theo mức xếp loại")),
                bars=groups[0],
                series=[name for name, _f in shown],
                groups=groups,
            )
        ]


MEMBER_SQL = """
SELECT {sums} FROM {relation}
"""
FIGURES = [
    "members",
    *(f"member_tier_{t}" for t in TIERS),
    "admitted",
    "admitted_women",
    "admitted_youth",
    "admitted_minority",
    *(f"disciplined_{f}" for f in MEMBER_FORMS),
    *(f"left_{s}" for s in LEFT),
]


def sums(rows: YearRows) -> dict[str, int]:
    """The year's member figures summed over the subtree (one query)."""
    params: dict = {}
    sql = MEMBER_SQL.format(
        relation=rows.sums(params),
        sums=", ".join(f"coalesce(sum(f.{name}), 0)::int" for name in FIGURES),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(zip(FIGURES, cursor.fetchone(), strict=True))


def year_figures(rows: YearRows) -> YearFigures:
    """Members on 31 December and the year's classification."""
    figures = sums(rows)
    tiers = {t: figures[f"member_tier_{t}"] for t in TIERS}
    disciplined = sum(figures[f"disciplined_{f}"] for f in MEMBER_FORMS)
    return YearFigures(figures["members"], sum(tiers.values()), tiers, disciplined)


def approvals(
    scope: Scope,
    *,
    year: int,
    compare_year: int | None = None,
    base_year: int | None = None,
) -> dict[str, Later]:
    """Each table's approval line, by table key, as the report prints it
    (the page loads them after the figures: ``views.approvals``)."""
    now = scope.approvals(year)
    levels = scope.approvals(year, compare_year, base_year)
    return {"summary": now, "levels": levels, "discipline": now, "left": now}


def build(
    *,
    root: Unit,
    year: int,
    compare_year: int | None = None,
    base_year: int | None = None,
    user=None,
    provisional: bool = False,
) -> MemberQuality:  # type: ignore[no-untyped-def]
    scope = Scope.for_user(root, user, provisional=provisional)
    lines = approvals(scope, year=year, compare_year=compare_year, base_year=base_year)
    with transaction.atomic():
        notes: list[str] = []
        shown: dict[int, dict[str, int]] = {}
        for y in dict.fromkeys(v for v in (year, compare_year, base_year) if v):
            shown[y] = sums(scope.year(y))
            note = lineage_note(root, y, scope.roots_on(year_end(y)))
            if note:
                notes.append(note)

        def figures(y: int | None) -> YearFigures | None:
            if not y:
                return None
            tiers = {t: shown[y][f"member_tier_{t}"] for t in TIERS}
            return YearFigures(shown[y]["members"], sum(tiers.values()), tiers)

        now = shown[year]
        labels = labels_by_year("member", list(shown))
        report = MemberQuality(
            slug=SLUG,
            title=str(TITLE),
            root=root,
            year=year,
            compare_year=compare_year,
            base_year=base_year,
            tier_labels={t: pair[0] for t, pair in labels[year].items()},
            now=figures(year),  # type: ignore[arg-type]
            compare=figures(compare_year),
            base=figures(base_year),
            admitted=now["admitted"],
            admitted_women=now["admitted_women"],
            admitted_youth=now["admitted_youth"],
            admitted_minority=now["admitted_minority"],
            disciplined={
                f: now[f"disciplined_{f}"]
                for f in MEMBER_FORMS
                if now[f"disciplined_{f}"]
            },
            left={s: now[f"left_{s}"] for s in LEFT if now[f"left_{s}"]},
            notes=notes,
            provisional=provisional,
            approval=lines["summary"],
            levels_approval=lines["levels"],
            short_labels={
                y: {t: pair[1] for t, pair in labels[y].items()} for y in shown
            },
        )
        report.targets = target_table(
            targets_for(root_id=root.pk, year=year, report=SLUG),
            {"member_good_share": report.now.good, "admitted": now["admitted"]},
        )
    return report
