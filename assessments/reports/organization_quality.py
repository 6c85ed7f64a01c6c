"""Report 1: quality of grassroots organizations and cells (DOMAIN.md §5).

Counts by level and kind, the year's classification at each level, the share
at the top level, the top two levels and "weak / did not complete", the change
against the comparison year and a base year, and the list of weak units.
Levels are compared through their tier, so 2024 (QĐ 132/124) and 2025
(QĐ 366) line up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from assessments.models import ScaleLevel
from assessments.reports.common import (
    CHANGE_NOTE,
    DELTA,
    INT,
    PAGE_ROWS,
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
    first_rows,
    lineage_note,
    target_table,
    year_end,
)
from assessments.targets import targets_for
from organizations.models import Kind, Level, Unit

SLUG = "organization_quality"
# The page shows the first rows of the list of weak units; the files all.
PAGE_OPTIONS = {"listed": PAGE_ROWS}
TITLE = _("Báo cáo chất lượng tổ chức cơ sở đảng và chi bộ")
# The years a reader may set beside the report's year; each is honoured.
YEAR_OPTIONS = ("compare", "base")

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
    # "Tạm tính": drafts and submitted years computed now, not approved.
    provisional: bool = False
    # "58/63 tổ chức cơ sở đảng đã được duyệt" for the year, and for every
    # year of the comparison table.
    approval: str | Later = ""
    change_approval: str | Later = ""
    # Each year's own abbreviations of its levels (TSVM in 2013, HTXSNV now).
    short_labels: dict[int, dict[int, str]] = field(default_factory=dict)
    # The page's rows of the list of weak units (``PAGE_OPTIONS``); None: all.
    listed: int | None = None

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
        counts.approval = levels_approval = self.approval

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
            approval=levels_approval,
        )
        for key, label, _levels in GROUPS:
            tally = self.groups[key]
            levels.rows.append(
                [str(label), tally.total, tally.classified]
                + [tally.share(t) for t in TIERS]
                + [tally.top_two]
            )

        # Each year's headings from its own scale: 2013 compares its "Trong
        # sạch, vững mạnh" (TSVM) with 2025's "Hoàn thành xuất sắc" (HTXSNV)
        # through their common tier (DOMAIN.md §3).
        mine = self.short_labels.get(self.year, {})
        change_cols = [Column(str(_("Tổ chức")), TEXT)]
        for tiers in ((1,), (1, 2), (4,)):
            name = (
                mine.get(tiers[0], str(tiers[0]))
                if len(tiers) == 1
                else str(_("Hai mức cao nhất"))
            )
            change_cols.append(Column(f"{name} {self.year}", RATIO))
            for other in (self.compare_year, self.base_year):
                if other is None:
                    continue
                theirs = self.short_labels.get(other, {}).get(tiers[0])
                heading = f"± {other}"
                if len(tiers) == 1 and theirs and theirs != name:
                    heading += f" ({theirs})"
                change_cols.append(Column(heading, DELTA))
        change = Table(
            "change",
            str(_("So sánh với các năm trước")),
            change_cols,
            note=str(CHANGE_NOTE),
            approval=self.change_approval,
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
            approval=self.approval,
        )
        tables = [counts, levels, change, first_rows(weak, self.listed)]
        if self.targets is not None and self.targets.rows:
            tables.append(self.targets)
        return tables

    def charts(self) -> list[ChartSpec]:
        # A year nobody classified (or approved) is left out, not drawn as 0 %.
        shown = [
            (str(y), t["grassroots"])
            for y, t in (
                (self.year, self.groups),
                (self.compare_year, self.compare),
            )
            if t is not None and t["grassroots"].classified
        ]
        if not shown:
            return []
        groups = [
            [Bar(self.tier_labels.get(t, str(t)), tally.share(t).value) for t in TIERS]
            for _year, tally in shown
        ]
        return [
            ChartSpec(
                str(_("Tổ chức cơ sở đảng theo mức xếp loại")),
                bars=groups[0],
                series=[name for name, _tally in shown],
                groups=groups,
            )
        ]


def labels_by_year(
    subject: str, years: list[int]
) -> dict[int, dict[int, tuple[str, str]]]:
    """Each year's own level labels and abbreviations by tier, from the
    scale in force that year (QĐ 366 for 2025, "Trong sạch, vững mạnh" for
    2013); "Bậc n" when no scale covers the year (one query)."""
    rows = list(
        ScaleLevel.objects.filter(scale__subject=subject)
        .order_by("scale__valid_from_year")
        .values_list(
            "scale__valid_from_year",
            "scale__valid_to_year",
            "tier",
            "label",
            "short_label",
        )
    )
    result = {}
    for year in years:
        labels = {t: (str(_("Bậc {tier}")).format(tier=t),) * 2 for t in TIERS}
        for start, end, tier, label, short in rows:
            if start <= year and (end is None or end >= year):
                labels[tier] = (label, short or label)
        result[year] = labels
    return result


def tier_labels(subject: str, year: int, *, short: bool = False) -> dict[int, str]:
    """The level labels (or abbreviations) of ``year``'s own scale by tier."""
    labels = labels_by_year(subject, [year])[year]
    return {t: pair[1 if short else 0] for t, pair in labels.items()}


def scale_notes(short_labels: dict[int, dict[int, str]], year: int) -> list[str]:
    """For each other year shown on a scale of its own, its levels by tier:
    the table's rows carry ``year``'s names, compared through the tiers."""
    mine = short_labels.get(year)
    return [
        str(
            _("Năm {year} xếp loại theo thang riêng, so sánh theo bậc: {levels}.")
        ).format(
            year=other,
            levels=", ".join(
                f"{tier}. {label}" for tier, label in sorted(labels.items())
            ),
        )
        for other, labels in short_labels.items()
        if other != year and labels != mine
    ]


TALLY_SQL = """
SELECT f.level, f.kind, sum(f.units), {classified},
       {tiers}
FROM {relation}
WHERE f.open_at_end AND f.level = ANY(%(counted)s)
GROUP BY f.level, f.kind
"""

WEAK_SQL = """
SELECT u.name, f.level, f.kind, sl.label, coalesce(uc.remarks, '')
FROM {relation}
JOIN organizations_unit u ON u.id = f.unit_id
JOIN assessments_scalelevel sl ON sl.id = f.classification_level_id
LEFT JOIN assessments_unitclassification uc
     ON uc.unit_id = f.unit_id AND uc.year = %(year)s
WHERE f.tier = 4 AND f.open_at_end AND f.level = ANY(%(counted)s)
ORDER BY u.sort_name, u.id
"""


def tally(
    rows: YearRows,
) -> tuple[dict[str, Tally], dict[str, dict[str, int]]]:
    """Counts per level group and tier, and units per kind and level, of the
    year's rows (one query)."""
    params: dict = {"counted": [str(lv) for lv in COUNTED_LEVELS]}
    sql = TALLY_SQL.format(
        relation=rows.sums(params),
        classified=" + ".join(f"sum(f.unit_tier_{t})" for t in TIERS),
        tiers=", ".join(f"sum(f.unit_tier_{t})" for t in TIERS),
    )
    by_level: dict[str, Tally] = {}
    per_kind: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for level, kind, total, classified, *tiers in cursor.fetchall():
            by_level.setdefault(level, Tally()).add(
                Tally(total, classified, dict(zip(TIERS, tiers, strict=True)))
            )
            per_kind.setdefault(kind, {})[level] = total
    result: dict[str, Tally] = {}
    for key, _label, levels in GROUPS:
        total = Tally()
        for lv in levels:
            if lv in by_level:
                total.add(by_level[lv])
        result[key] = total
    return result, per_kind


def weak_units(rows: YearRows) -> list[WeakUnit]:
    params: dict = {"counted": [str(lv) for lv in COUNTED_LEVELS]}
    sql = WEAK_SQL.format(relation=rows.relation(params))
    kind_labels = dict(Kind.choices)
    level_labels = dict(Level.choices)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            WeakUnit(
                name,
                str(level_labels.get(level, level)),
                str(kind_labels.get(kind, kind)),
                label,
                remarks,
            )
            for name, level, kind, label, remarks in cursor.fetchall()
        ]


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
    change = scope.approvals(year, compare_year, base_year)
    return {"counts": now, "levels": now, "change": change, "weak": now}


def build(
    *,
    root: Unit,
    year: int,
    compare_year: int | None = None,
    base_year: int | None = None,
    user=None,
    provisional: bool = False,
    listed: int | None = None,
) -> OrganizationQuality:  # type: ignore[no-untyped-def]
    """``listed``: the rows of the list of weak units the page shows (its
    ``PAGE_OPTIONS``); all of them when None (the files)."""
    scope = Scope.for_user(root, user, provisional=provisional)
    lines = approvals(scope, year=year, compare_year=compare_year, base_year=base_year)
    with transaction.atomic():
        notes: list[str] = []
        shown: dict[int, tuple[dict[str, Tally], dict[str, dict[str, int]]]] = {}
        for y in dict.fromkeys(v for v in (year, compare_year, base_year) if v):
            shown[y] = tally(scope.year(y))
            note = lineage_note(root, y, scope.roots_on(year_end(y)))
            if note:
                notes.append(note)
        groups, per_kind = shown[year]
        kind_labels = dict(Kind.choices)
        by_kind = [(str(kind_labels.get(k, k)), v) for k, v in sorted(per_kind.items())]
        labels = labels_by_year("organization", list(shown))
        report = OrganizationQuality(
            slug=SLUG,
            title=str(TITLE),
            root=root,
            year=year,
            compare_year=compare_year,
            base_year=base_year,
            tier_labels={t: pair[0] for t, pair in labels[year].items()},
            by_kind=by_kind,
            groups=groups,
            compare=shown[compare_year][0] if compare_year else None,
            base=shown[base_year][0] if base_year else None,
            weak_units=weak_units(scope.year(year)),
            notes=notes,
            provisional=provisional,
            approval=lines["counts"],
            change_approval=lines["change"],
            short_labels={
                y: {t: pair[1] for t, pair in labels[y].items()} for y in shown
            },
            listed=listed,
        )
        grassroots = report.groups["grassroots"]
        report.targets = target_table(
            targets_for(root_id=root.pk, year=year, report=SLUG),
            {"org_top_share": grassroots.top, "org_weak_share": grassroots.weak},
        )
    return report
