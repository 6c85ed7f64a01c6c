"""Report 1: quality of grassroots organizations and cells (DOMAIN.md §5).

Counts by level and kind, the year's classification at each level, the share
at the top level, the top two levels and "weak / did not complete", the change
against the comparison year and a base year, and the list of weak units.
Levels are compared through their tier, so 2024 (QĐ 132/124) and 2025
(QĐ 366) line up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, FilteredRelation, Q
from django.utils.translation import gettext_lazy as _

from assessments.models import ScaleLevel
from assessments.reports.common import (
    CHANGE_NOTE,
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
from assessments.targets import targets_for
from organizations.models import Kind, Level, Unit

SLUG = "organization_quality"
TITLE = _("Báo cáo chất lượng tổ chức cơ sở đảng và chi bộ")

GROUPS = [
    ("committee", _("Đảng bộ cơ sở"), (Level.GRASSROOTS_COMMITTEE,)),
    ("grassroots_cell", _("Chi bộ cơ sở"), (Level.GRASSROOTS_CELL,)),
    (
        "grassroots",
        _("Tổ chức cơ sở đảng (cộng)"),
        (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL),
    ),
    ("cell", _("Chi bộ trực thuộc"), (Level.CELL,)),
]
COUNTED_LEVELS = (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL, Level.CELL)
TIERS = (1, 2, 3, 4)


@dataclass
class Tally:
    total: int = 0
    classified: int = 0
    tiers: dict[int, int] = field(default_factory=lambda: dict.fromkeys(TIERS, 0))

    def share(self, *tiers: int) -> Ratio:
        return Ratio(sum(self.tiers[t] for t in tiers), self.classified)

    @property
    def top(self) -> Ratio:
        return self.share(1)

    @property
    def top_two(self) -> Ratio:
        return self.share(1, 2)

    @property
    def weak(self) -> Ratio:
        return self.share(4)

    def add(self, other: Tally) -> None:
        self.total += other.total
        self.classified += other.classified
        for t in TIERS:
            self.tiers[t] += other.tiers[t]


@dataclass
class WeakUnit:
    name: str
    level: str
    kind: str
    label: str
    remarks: str


@dataclass
class OrganizationQuality:
    slug: str
    title: str
    root: Unit
    year: int
    compare_year: int | None
    base_year: int | None
    tier_labels: dict[int, str]
    by_kind: list[tuple[str, dict[str, int]]]
    groups: dict[str, Tally]
    compare: dict[str, Tally] | None
    base: dict[str, Tally] | None
    weak_units: list[WeakUnit]
    notes: list[str] = field(default_factory=list)
    targets: Table | None = None

    def tables(self) -> list[Table]:
        level_cols = [Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL, Level.CELL]
        counts = Table(
            "counts",
            str(_("Số lượng tổ chức theo loại hình")),
            [Column(str(_("Loại hình")), TEXT)]
            + [Column(str(Level(lv).label)) for lv in level_cols],
        )
        totals = dict.fromkeys(level_cols, 0)
        for kind_label, per_level in self.by_kind:
            counts.rows.append(
                [kind_label] + [per_level.get(lv, 0) for lv in level_cols]
            )
            for lv in level_cols:
                totals[lv] += per_level.get(lv, 0)
        counts.total = [str(_("Tổng số"))] + [totals[lv] for lv in level_cols]

        levels = Table(
            "levels",
            str(_("Kết quả xếp loại năm {year}")).format(year=self.year),
            [
                Column(str(_("Tổ chức")), TEXT),
                Column(str(_("Tổng số")), INT),
                Column(str(_("Đã xếp loại")), INT),
            ]
            + [Column(self.tier_labels.get(t, str(t)), RATIO) for t in TIERS]
            + [Column(str(_("Hai mức cao nhất")), RATIO)],
            note=str(CHANGE_NOTE),
        )
        for key, label, _levels in GROUPS:
            tally = self.groups[key]
            levels.rows.append(
                [str(label), tally.total, tally.classified]
                + [tally.share(t) for t in TIERS]
                + [tally.top_two]
            )

        change_cols = [Column(str(_("Tổ chức")), TEXT)]
        for name in (_("Xuất sắc"), _("Hai mức cao nhất"), _("Không hoàn thành")):
            change_cols.append(Column(f"{name} {self.year}", RATIO))
            if self.compare is not None:
                change_cols.append(Column(f"± {self.compare_year}", DELTA))
            if self.base is not None:
                change_cols.append(Column(f"± {self.base_year}", DELTA))
        change = Table(
            "change",
            str(_("So sánh với các năm trước")),
            change_cols,
            note=str(CHANGE_NOTE),
        )
        for key, label, _levels in GROUPS:
            row: list = [str(label)]
            for attr in ("top", "top_two", "weak"):
                now = getattr(self.groups[key], attr)
                row.append(now)
                if self.compare is not None:
                    row.append(delta(now, getattr(self.compare[key], attr)))
                if self.base is not None:
                    row.append(delta(now, getattr(self.base[key], attr)))
            change.rows.append(row)

        weak = Table(
            "weak",
            str(_("Danh sách tổ chức không hoàn thành nhiệm vụ, yếu kém")),
            [
                Column(str(_("Tổ chức")), TEXT),
                Column(str(_("Cấp")), TEXT),
                Column(str(_("Loại hình")), TEXT),
                Column(str(_("Xếp loại")), TEXT),
                Column(str(_("Nhận xét")), TEXT),
            ],
            rows=[
                [w.name, w.level, w.kind, w.label, w.remarks] for w in self.weak_units
            ],
        )
        tables = [counts, levels, change, weak]
        if self.targets is not None and self.targets.rows:
            tables.append(self.targets)
        return tables

    def charts(self) -> list[ChartSpec]:
        series = [str(self.year)]
        tallies = [self.groups["grassroots"]]
        if self.compare is not None:
            series.append(str(self.compare_year))
            tallies.append(self.compare["grassroots"])
        groups = [
            [
                Bar(self.tier_labels.get(t, str(t)), tally.share(t).value or 0.0)
                for t in TIERS
            ]
            for tally in tallies
        ]
        return [
            ChartSpec(
                str(_("Tổ chức cơ sở đảng theo mức xếp loại")),
                bars=groups[0],
                series=series,
                groups=groups,
            )
        ]


def tier_labels(subject: str, year: int) -> dict[int, str]:
    rows = ScaleLevel.objects.filter(
        Q(scale__valid_to_year__isnull=True) | Q(scale__valid_to_year__gte=year),
        scale__subject=subject,
        scale__valid_from_year__lte=year,
    ).values_list("tier", "label")
    return dict(rows)


def tally(scope: Scope, year: int, notes: list[str] | None = None) -> dict[str, Tally]:
    """Counts per level group and tier on the tree of ``year`` (two queries)."""
    roots = scope.roots_on(year_end(year))
    if notes is not None and (note := lineage_note(scope.root, year, roots)):
        notes.append(note)
    rows = (
        Unit.objects.filter(
            id__in=scope.units(year_end(year), [r[0] for r in roots]),
            level__in=COUNTED_LEVELS,
        )
        .annotate(
            cls=FilteredRelation(
                "classifications", condition=Q(classifications__year=year)
            )
        )
        .values("level")
        .annotate(
            total=Count("id"),
            classified=Count("cls__id"),
            **{f"t{t}": Count("id", filter=Q(cls__level__tier=t)) for t in TIERS},
        )
    )
    by_level = {
        r["level"]: Tally(r["total"], r["classified"], {t: r[f"t{t}"] for t in TIERS})
        for r in rows
    }
    result: dict[str, Tally] = {}
    for key, _label, levels in GROUPS:
        total = Tally()
        for lv in levels:
            if lv in by_level:
                total.add(by_level[lv])
        result[key] = total
    return result


def build(
    *,
    root: Unit,
    year: int,
    compare_year: int | None = None,
    base_year: int | None = None,
    user=None,
) -> OrganizationQuality:  # type: ignore[no-untyped-def]
    scope = Scope.for_user(root, user)
    notes: list[str] = []
    groups = tally(scope, year, notes)
    compare = tally(scope, compare_year, notes) if compare_year else None
    if base_year and base_year == compare_year:
        base = compare
    else:
        base = tally(scope, base_year, notes) if base_year else None
    roots = [r[0] for r in scope.roots_on(year_end(year))]
    units = Unit.objects.filter(
        id__in=scope.units(year_end(year), roots), level__in=COUNTED_LEVELS
    )
    kind_labels = dict(Kind.choices)
    per_kind: dict[str, dict[str, int]] = {}
    for row in units.values("kind", "level").annotate(n=Count("id")).order_by("kind"):
        per_kind.setdefault(row["kind"], {})[row["level"]] = row["n"]
    by_kind = [(str(kind_labels.get(k, k)), v) for k, v in per_kind.items()]
    level_labels = dict(Level.choices)
    weak_units = [
        WeakUnit(
            r["name"],
            str(level_labels.get(r["level"], r["level"])),
            str(kind_labels.get(r["kind"], r["kind"])),
            r["cls__level__label"],
            r["cls__remarks"],
        )
        for r in units.annotate(
            cls=FilteredRelation(
                "classifications", condition=Q(classifications__year=year)
            )
        )
        .filter(cls__level__tier=4)
        .values("name", "level", "kind", "cls__level__label", "cls__remarks")
        .order_by("name", "id")
    ]
    report = OrganizationQuality(
        slug=SLUG,
        title=str(TITLE),
        root=root,
        year=year,
        compare_year=compare_year,
        base_year=base_year,
        tier_labels=tier_labels("organization", year),
        by_kind=by_kind,
        groups=groups,
        compare=compare,
        base=base,
        weak_units=weak_units,
        notes=notes,
    )
    grassroots = report.groups["grassroots"]
    report.targets = target_table(
        targets_for(root_id=root.pk, year=year, report=SLUG),
        {"org_top_share": grassroots.top, "org_weak_share": grassroots.weak},
    )
    return report
