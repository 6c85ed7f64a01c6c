# ruff: noqa: S608 — the SQL here is assembled from constants (snapshots.py); values are parameters.
"""Report 3: villages and residential groups covered by the Party (DOMAIN.md §2, §5).

Per commune-level unit: villages without a cell, villages without any party
member, village heads who are members, and members per cell (members on
31 December over the cells open that day), with the totals compared with
the comparison and base years.

A commune's row is official once its year is: the grassroots committee of a
commune approved, or, for a commune committee above grassroots (since
1 July 2025), every organization under it approved (assessments/snapshots.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from assessments import snapshots
from assessments.reports.common import (
    DELTA,
    INT,
    NUMBER,
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
from organizations.models import CELL_LIKE_LEVELS, Kind, Unit
from partyquality import numbers

SLUG = "coverage"
# The page shows the first rows of the per-commune tables; the files all.
PAGE_OPTIONS = {"listed": PAGE_ROWS}
TITLE = _("Báo cáo tình hình tổ chức đảng, đảng viên ở thôn, tổ dân phố")
# The years a reader may set beside the report's year; each is honoured.
YEAR_OPTIONS = ("compare", "base")

# Per commune-level unit of the year whose own row is in: its villages, its
# cells open on 31 December and the members in them.
# Summed per commune id first, then named and sorted: the names join the
# ~16,700 communes of the country, not its ~350,000 rows (sorting the rows by
# name spilled to disk, bench/RESULTS-reports.md).
COMMUNES_SQL = """
SELECT u.name, c.villages, c.without_cell, c.without_member, c.heads_members,
       c.cells, c.members, c.from_residence, c.from_figure, c.residential_cells
FROM (
    SELECT f.commune_id, sum(f.villages) AS villages,
           sum(f.villages_without_cell) AS without_cell,
           sum(f.villages_without_member) AS without_member,
           sum(f.village_heads_members) AS heads_members,
           sum(f.units) FILTER (WHERE f.open_at_end AND f.level = ANY(%(cell_like)s))
               AS cells,
           sum(f.members) AS members,
           sum(f.villages_members_from_residence) AS from_residence,
           sum(f.villages_members_from_figure) AS from_figure,
           sum(f.units) FILTER (WHERE f.open_at_end AND f.level = ANY(%(cell_like)s)
                                AND f.kind = ANY(%(residential)s)) AS residential_cells
    FROM {relation}
    GROUP BY f.commune_id
    HAVING bool_or(f.own AND f.open_at_end)
) c
JOIN organizations_unit u ON u.id = c.commune_id
ORDER BY u.sort_name, c.commune_id
"""
# The villages of those communes open on 31 December without a cell or
# without a party member that day (assessments/snapshots.py "villages").
VILLAGES = next(s for s in snapshots.SOURCES if s.name == "villages").rows
UNCOVERED_SQL = f"""
SELECT r.name, (SELECT name FROM organizations_unit WHERE id = r.commune_id),
       c.covering_cell_id IS NULL, coalesce({snapshots.WITHOUT_MEMBER}, false)
FROM {VILLAGES}
  AND r.commune_id IN (
        SELECT f.commune_id FROM {{relation}} WHERE f.own AND f.open_at_end)
  AND (c.covering_cell_id IS NULL OR {snapshots.WITHOUT_MEMBER})
ORDER BY (SELECT sort_name FROM organizations_unit WHERE id = r.commune_id),
         pq_vn_sort_key(r.name), r.id
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
    # Of the villages, those counted from members' residences, and those
    # from the year's figure the commune reported (the rest have neither).
    from_residence: int = 0
    from_figure: int = 0
    # Cells of villages and residential groups among the cells (Hoàn Lão:
    # "20 of 30 cells are residential").
    residential_cells: int = 0

    @property
    def residential(self) -> Ratio:
        return Ratio(self.residential_cells, self.cells)

    @property
    def heads(self) -> Ratio:
        return Ratio(self.heads_members, self.villages)

    @property
    def per_cell(self) -> float | None:
        return self.members / self.cells if self.cells else None

    def add(self, other: CommuneCoverage) -> None:
        for attr in (
            "villages",
            "without_cell",
            "without_member",
            "heads_members",
            "cells",
            "members",
            "from_residence",
            "from_figure",
            "residential_cells",
        ):
            setattr(self, attr, getattr(self, attr) + getattr(other, attr))


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
    provisional: bool = False
    approval: str | Later = ""
    # The totals of the comparison and base years, when asked for.
    others: dict[int, CommuneCoverage] = field(default_factory=dict)
    others_approval: str | Later = ""
    # The page's rows per table (``PAGE_OPTIONS``); None: all (the files).
    listed: int | None = None

    def tables(self) -> list[Table]:
        def cells(c: CommuneCoverage) -> list:
            return [
                c.name,
                c.villages,
                Ratio(c.without_cell, c.villages),
                Ratio(c.without_member, c.villages),
                c.heads,
                c.cells,
                c.residential,
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
                Column(str(_("Chi bộ thôn, tổ dân phố")), RATIO),
                Column(str(_("Số đảng viên")), INT),
                Column(str(_("Đảng viên bình quân/chi bộ")), NUMBER),
            ],
            rows=[cells(c) for c in self.communes],
            total=cells(self.total),
            approval=self.approval,
        )
        tables = [first_rows(per_commune, self.listed)]
        if self.others:
            tables.append(self.change_table())
        uncovered = Table(
            "uncovered",
            str(_("Danh sách thôn, tổ dân phố chưa có chi bộ hoặc chưa có đảng viên")),
            [
                Column(str(_("Thôn, tổ dân phố")), TEXT),
                Column(str(_("Đơn vị cấp xã")), TEXT),
                Column(str(_("Tình trạng")), TEXT),
            ],
            rows=[list(u) for u in self.uncovered],
            approval=self.approval,
        )
        tables.append(first_rows(uncovered, self.listed))
        if self.targets is not None and self.targets.rows:
            tables.append(self.targets)
        return tables

    def change_table(self) -> Table:
        """The totals against the comparison and base years, in points."""
        columns = [Column(str(_("Chỉ tiêu")), TEXT), Column(str(self.year), RATIO)]
        for y in self.others:
            columns += [Column(str(y), RATIO), Column(f"± {y}", DELTA)]
        table = Table(
            "change",
            str(_("So sánh với các năm trước")),
            columns,
            note=str(_("Chênh lệch tính bằng điểm phần trăm.")),
            approval=self.others_approval,
        )
        for label, pick in (
            (
                _("Thôn, TDP chưa có chi bộ"),
                lambda c: Ratio(c.without_cell, c.villages),
            ),
            (
                _("Thôn, TDP chưa có đảng viên"),
                lambda c: Ratio(c.without_member, c.villages),
            ),
            (_("Trưởng thôn là đảng viên"), lambda c: c.heads),
        ):
            row: list = [str(label), pick(self.total)]
            for other in self.others.values():
                row += [pick(other), delta(pick(self.total), pick(other))]
            table.rows.append(row)
        return table

    def charts(self) -> list[ChartSpec]:
        t = self.total
        if not t.villages:
            return []
        return [
            ChartSpec(
                str(_("Thôn, tổ dân phố (tỷ lệ %)")),
                bars=[
                    Bar(
                        str(_("Chưa có chi bộ")),
                        Ratio(t.without_cell, t.villages).value,
                    ),
                    Bar(
                        str(_("Chưa có đảng viên")),
                        Ratio(t.without_member, t.villages).value,
                    ),
                    Bar(str(_("Trưởng thôn là đảng viên")), t.heads.value),
                ],
            )
        ]


def communes(rows: YearRows) -> list[CommuneCoverage]:
    params: dict = {
        "cell_like": [str(lv) for lv in CELL_LIKE_LEVELS],
        "residential": [str(Kind.VILLAGE), str(Kind.RESIDENTIAL_GROUP)],
    }
    sql = COMMUNES_SQL.format(relation=rows.sums(params))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            CommuneCoverage(name, *(int(v or 0) for v in values))
            for name, *values in cursor.fetchall()
        ]


def _status(without_cell: bool, without_member: bool) -> str:
    if without_cell and without_member:
        return str(_("Chưa có chi bộ, chưa có đảng viên"))
    return str(_("Chưa có chi bộ") if without_cell else _("Chưa có đảng viên"))


SOURCE_NOTE = _(
    "“Chưa có đảng viên” tính theo nơi cư trú của đảng viên ở {residence} thôn, "
    "tổ dân phố; theo số đảng viên cư trú xã báo cáo năm {year} ở {figure}; "
    "{unknown} chưa có số liệu (không tính)."
)


def source_note(total: CommuneCoverage, year: int) -> str:
    """Where "without a party member" came from (issue #19 §2)."""
    unknown = total.villages - total.from_residence - total.from_figure
    return str(SOURCE_NOTE).format(
        residence=numbers.grouped(total.from_residence),
        figure=numbers.grouped(total.from_figure),
        unknown=numbers.grouped(unknown),
        year=year,
    )


def totals(found: list[CommuneCoverage]) -> CommuneCoverage:
    total = CommuneCoverage(str(_("Tổng cộng")))
    for c in found:
        total.add(c)
    return total


def approvals(
    scope: Scope,
    *,
    year: int,
    compare_year: int | None = None,
    base_year: int | None = None,
) -> dict[str, Later]:
    """Each table's approval line, by table key, as the report prints it
    (the page loads them after the figures: ``views.approvals``)."""
    now = scope.commune_approvals(year)
    lines = {"communes": now, "uncovered": now}
    if any(y and y != year for y in (compare_year, base_year)):
        lines["change"] = scope.approvals(year, compare_year, base_year)
    return lines


def build(
    *,
    root: Unit,
    year: int,
    compare_year: int | None = None,
    base_year: int | None = None,
    user=None,
    provisional: bool = False,
    listed: int | None = None,
) -> Coverage:  # type: ignore[no-untyped-def]
    """``listed``: the rows of each per-commune table the page shows (its
    ``PAGE_OPTIONS``); all of them when None (the files)."""
    scope = Scope.for_user(root, user, provisional=provisional)
    lines = approvals(scope, year=year, compare_year=compare_year, base_year=base_year)
    with transaction.atomic():
        now = scope.year(year)
        notes = []
        others: dict[int, CommuneCoverage] = {}
        for y in dict.fromkeys(v for v in (year, compare_year, base_year) if v):
            note = lineage_note(root, y, scope.roots_on(year_end(y)))
            if note:
                notes.append(note)
            if y != year:
                others[y] = totals(communes(scope.year(y)))
        found = communes(now)
        params: dict = {}
        sql = UNCOVERED_SQL.format(relation=now.sums(params))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            uncovered = [
                (name, commune, _status(without_cell, without_member))
                for name, commune, without_cell, without_member in cursor.fetchall()
            ]
        total = totals(found)
        notes.append(source_note(total, year))
        report = Coverage(
            slug=SLUG,
            title=str(TITLE),
            root=root,
            year=year,
            compare_year=compare_year,
            base_year=base_year,
            communes=found,
            total=total,
            uncovered=uncovered,
            notes=notes,
            provisional=provisional,
            approval=lines["communes"],
            others=others,
            others_approval=lines.get("change", ""),
            listed=listed,
        )
        report.targets = target_table(
            targets_for(root_id=root.pk, year=year, report=SLUG),
            {
                "village_head_member_share": report.total.heads,
                "villages_without_cell": report.total.without_cell,
                "villages_without_member": report.total.without_member,
            },
        )
    return report
