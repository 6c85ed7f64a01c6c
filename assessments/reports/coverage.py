"""Report 3: villages and residential groups covered by the Party (DOMAIN.md §2, §5).

Per commune-level unit: villages without a cell, villages without any party
member, village heads who are members, and members per cell (members on
31 December over the cells open that day).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from assessments.reports.common import (
    COMMUNE_KINDS,
    COMMUNE_LEVELS,
    INT,
    NUMBER,
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
from organizations.models import CELL_LIKE_LEVELS, ResidentialUnit, Unit

SLUG = "coverage"
TITLE = _("Báo cáo tình hình tổ chức đảng, đảng viên ở thôn, tổ dân phố")

# Cells and members on ``day`` under each commune-level unit: one recursive
# walk down the dated links that carries the commune's id to every unit.
PER_COMMUNE_SQL = """
WITH RECURSIVE sub(id, commune_id) AS (
    SELECT id, id FROM organizations_unit WHERE id IN ({communes})
  UNION
    SELECT l.child_id, sub.commune_id
    FROM organizations_unitlink l JOIN sub ON l.parent_id = sub.id
    WHERE l.valid_from <= %s AND (l.valid_to IS NULL OR l.valid_to > %s)
), open_sub AS (
    SELECT sub.id, sub.commune_id, u.level FROM sub
    JOIN organizations_unit u ON u.id = sub.id
    WHERE u.opened_on <= %s AND (u.closed_on IS NULL OR u.closed_on > %s)
)
SELECT s.commune_id,
       COUNT(DISTINCT s.id) FILTER (WHERE s.level = ANY(%s)) AS cells,
       COUNT(DISTINCT cp.membership_id) AS members
FROM open_sub s
LEFT JOIN members_cellperiod cp ON cp.cell_id = s.id
     AND NOT cp.is_temporary AND cp.valid_from <= %s
     AND (cp.valid_to IS NULL OR cp.valid_to > %s)
     AND EXISTS (SELECT 1 FROM members_membership m WHERE m.id = cp.membership_id
                 AND m.admitted_on <= %s AND (m.ended_on IS NULL OR m.ended_on > %s))
GROUP BY s.commune_id
"""


@dataclass
class CommuneCoverage:
    name: str
    villages: int = 0
    without_cell: int = 0
    without_member: int = 0
    heads_members: int = 0
    cells: int = 0
    members: int = 0

    @property
    def heads(self) -> Ratio:
        return Ratio(self.heads_members, self.villages)

    @property
    def per_cell(self) -> float | None:
        return self.members / self.cells if self.cells else None


@dataclass
class Coverage:
    slug: str
    title: str
    root: Unit
    year: int
    compare_year: int | None
    base_year: int | None
    communes: list[CommuneCoverage]
    total: CommuneCoverage
    uncovered: list[tuple[str, str, str]]
    notes: list[str] = field(default_factory=list)
    targets: Table | None = None

    def tables(self) -> list[Table]:
        def cells(c: CommuneCoverage) -> list:
            return [
                c.name,
                c.villages,
                Ratio(c.without_cell, c.villages),
                Ratio(c.without_member, c.villages),
                c.heads,
                c.cells,
                c.members,
                c.per_cell,
            ]

        per_commune = Table(
            "communes",
            str(_("Thôn, tổ dân phố theo đơn vị cấp xã")),
            [
                Column(str(_("Đơn vị cấp xã")), TEXT),
                Column(str(_("Số thôn, TDP")), INT),
                Column(str(_("Chưa có chi bộ")), RATIO),
                Column(str(_("Chưa có đảng viên")), RATIO),
                Column(str(_("Trưởng thôn là đảng viên")), RATIO),
                Column(str(_("Số chi bộ")), INT),
                Column(str(_("Số đảng viên")), INT),
                Column(str(_("Đảng viên bình quân/chi bộ")), NUMBER),
            ],
            rows=[cells(c) for c in self.communes],
            total=cells(self.total),
        )
        uncovered = Table(
            "uncovered",
            str(_("Danh sách thôn, tổ dân phố chưa có chi bộ hoặc chưa có đảng viên")),
            [
                Column(str(_("Thôn, tổ dân phố")), TEXT),
                Column(str(_("Đơn vị cấp xã")), TEXT),
                Column(str(_("Tình trạng")), TEXT),
            ],
            rows=[list(u) for u in self.uncovered],
        )
        tables = [per_commune, uncovered]
        if self.targets is not None and self.targets.rows:
            tables.append(self.targets)
        return tables

    def charts(self) -> list[ChartSpec]:
        t = self.total
        return [
            ChartSpec(
                str(_("Thôn, tổ dân phố (tỷ lệ %)")),
                bars=[
                    Bar(
                        str(_("Chưa có chi bộ")),
                        Ratio(t.without_cell, t.villages).value or 0,
                    ),
                    Bar(
                        str(_("Chưa có đảng viên")),
                        Ratio(t.without_member, t.villages).value or 0,
                    ),
                    Bar(str(_("Trưởng thôn là đảng viên")), t.heads.value or 0),
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
) -> Coverage:  # type: ignore[no-untyped-def]
    scope = Scope.for_user(root, user)
    day = year_end(year)
    roots = scope.roots_on(day)
    notes = [n for n in [lineage_note(root, year, roots)] if n]
    communes_qs = Unit.objects.filter(
        id__in=scope.units(day, [r[0] for r in roots]),
        kind__in=COMMUNE_KINDS,
        level__in=COMMUNE_LEVELS,
    )
    villages = ResidentialUnit.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day),
        opened_on__lte=day,
        commune_id__in=communes_qs.values("id"),
    )
    by_commune: dict[int, CommuneCoverage] = {
        r["id"]: CommuneCoverage(r["name"])
        for r in communes_qs.values("id", "name").order_by("name", "id")
    }
    for r in villages.values("commune_id").annotate(
        villages=Count("id"),
        without_cell=Count("id", filter=Q(covering_cell__isnull=True)),
        without_member=Count("id", filter=Q(party_member_count=0)),
        heads_members=Count("id", filter=Q(head_is_party_member=True)),
    ):
        c = by_commune[r["commune_id"]]
        c.villages, c.without_cell = r["villages"], r["without_cell"]
        c.without_member, c.heads_members = r["without_member"], r["heads_members"]
    communes_sql, communes_params = communes_qs.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            PER_COMMUNE_SQL.format(communes=communes_sql),
            [
                *communes_params,
                day,
                day,
                day,
                day,
                [str(lv) for lv in CELL_LIKE_LEVELS],
                day,
                day,
                day,
                day,
            ],
        )
        for commune_id, cells, members in cursor.fetchall():
            if commune_id in by_commune:
                by_commune[commune_id].cells = cells
                by_commune[commune_id].members = members
    total = CommuneCoverage(str(_("Tổng cộng")))
    for c in by_commune.values():
        for attr in (
            "villages",
            "without_cell",
            "without_member",
            "heads_members",
            "cells",
            "members",
        ):
            setattr(total, attr, getattr(total, attr) + getattr(c, attr))
    uncovered = [
        (
            r["name"],
            r["commune__name"],
            str(_("Chưa có chi bộ"))
            if r["covering_cell_id"] is None
            else str(_("Chưa có đảng viên")),
        )
        for r in villages.filter(
            Q(covering_cell__isnull=True) | Q(party_member_count=0)
        )
        .values("name", "commune__name", "covering_cell_id")
        .order_by("commune__name", "name")
    ]
    report = Coverage(
        slug=SLUG,
        title=str(TITLE),
        root=root,
        year=year,
        compare_year=compare_year,
        base_year=base_year,
        communes=list(by_commune.values()),
        total=total,
        uncovered=uncovered,
        notes=notes,
    )
    report.targets = target_table(
        targets_for(root_id=root.pk, year=year, report=SLUG),
        {
            "village_head_member_share": total.heads,
            "villages_without_cell": total.without_cell,
            "villages_without_member": total.without_member,
        },
    )
    return report
