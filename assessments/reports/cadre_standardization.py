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

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from assessments import snapshot_posts, standards
from assessments.reports.common import (
    DELTA,
    INT,
    PAGE_ROWS,
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
    YearRows,
    delta,
    first_rows,
    lineage_note,
    target_table,
    year_end,
)
from assessments.snapshots import ROTATIONS
from assessments.targets import targets_for
from members.models import Origin, PositionGroup
from organizations.models import Unit
from partyquality import numbers

SLUG = "cadre_standardization"
TITLE = _("Báo cáo chất lượng, chuẩn hóa đội ngũ cán bộ, công chức cấp xã")
# The years a reader may set beside the report's year; each is honoured.
YEAR_OPTIONS = ("compare", "base")


@dataclass
class Counts:
    name: str
    posts: int = 0
    university: int = 0
    intermediate: int = 0
    political: int = 0
    political_elementary: int = 0
    state_management: int = 0
    studying: int = 0
    studying_university: int = 0
    studying_political: int = 0
    standardized: int = 0
    missing: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(standards.DIMENSIONS, 0)
    )

    def add(self, other: Counts) -> None:
        for attr in (
            "posts",
            "university",
            "intermediate",
            "political",
            "political_elementary",
            "state_management",
            "studying",
            "studying_university",
            "studying_political",
            "standardized",
        ):
            setattr(self, attr, getattr(self, attr) + getattr(other, attr))
        for d in standards.DIMENSIONS:
            self.missing[d] += other.missing[d]

    def row(self) -> list:
        return [
            self.name,
            self.posts,
            Ratio(self.university, self.posts),
            Ratio(self.intermediate, self.posts),
            Ratio(self.political, self.posts),
            Ratio(self.political_elementary, self.posts),
            Ratio(self.state_management, self.posts),
            self.studying,
            self.studying_university,
            self.studying_political,
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
    # Rows of the named list in the subtree; ``gaps`` holds the first
    # ``listed`` of them when the page asked for fewer.
    gaps_total: int = 0
    notes: list[str] = field(default_factory=list)
    targets: Table | None = None
    provisional: bool = False
    approval: str | Later = ""
    # The totals of the comparison and base years, when asked for.
    others: dict[int, Counts] = field(default_factory=dict)
    others_approval: str | Later = ""
    # The page's rows per table (``PAGE_OPTIONS``); None: all (the files).
    listed: int | None = None

    @staticmethod
    def _columns(first: str) -> list[Column]:
        return [
            Column(first, TEXT),
            Column(str(_("Số chức danh")), INT),
            Column(str(_("Đại học trở lên")), RATIO),
            Column(str(_("Chuyên môn trung cấp trở lên")), RATIO),
            Column(str(_("LLCT trung cấp trở lên")), RATIO),
            Column(str(_("LLCT sơ cấp")), RATIO),
            Column(str(_("Quản lý nhà nước")), RATIO),
            Column(str(_("Đang học")), INT),
            Column(str(_("Đang học đại học")), INT),
            Column(str(_("Đang học LLCT trung cấp trở lên")), INT),
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
            approval=self.approval,
        )
        communes = Table(
            "communes",
            str(_("Theo đơn vị cấp xã")),
            self._columns(str(_("Đơn vị cấp xã"))),
            rows=[c.row() for c in self.communes],
            total=self.total.row(),
            approval=self.approval,
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
            approval=self.approval,
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
                Column(str(_("Năm dự kiến đạt")), YEAR),
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
            note=""
            if len(self.gaps) >= self.gaps_total
            else str(
                _(
                    "Trang hiển thị {shown} dòng đầu trong {total} dòng; danh sách đầy đủ có trong tệp Excel, PDF và Word."
                )
            ).format(
                shown=numbers.grouped(len(self.gaps)),
                total=numbers.grouped(self.gaps_total),
            ),
            approval=self.approval,
        )
        tables = [groups]
        if self.others:
            tables.append(self.change_table())
        tables += [first_rows(communes, self.listed), rotations]
        if self.targets is not None and self.targets.rows:
            tables.append(self.targets)
        tables.append(gaps)
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
        for label, attr in (
            (_("Đại học trở lên"), "university"),
            (_("Chuyên môn trung cấp trở lên"), "intermediate"),
            (_("LLCT trung cấp trở lên"), "political"),
            (_("Đạt chuẩn đủ các mặt"), "standardized"),
        ):

            def pick(c: Counts, attr: str = attr) -> Ratio:
                return Ratio(getattr(c, attr), c.posts)

            row: list = [str(label), pick(self.total)]
            for other in self.others.values():
                row += [pick(other), delta(pick(self.total), pick(other))]
            table.rows.append(row)
        return table

    def charts(self) -> list[ChartSpec]:
        t = self.total
        if not t.posts:
            return []
        return [
            ChartSpec(
                str(_("Trình độ cán bộ, công chức cấp xã (tỷ lệ %)")),
                bars=[
                    Bar(
                        str(_("Đại học trở lên")),
                        Ratio(t.university, t.posts).value,
                    ),
                    Bar(
                        str(_("Chuyên môn trung cấp+")),
                        Ratio(t.intermediate, t.posts).value,
                    ),
                    Bar(
                        str(_("LLCT trung cấp+")),
                        Ratio(t.political, t.posts).value,
                    ),
                    Bar(
                        str(_("Quản lý nhà nước")),
                        Ratio(t.state_management, t.posts).value,
                    ),
                    Bar(str(_("Đạt chuẩn")), Ratio(t.standardized, t.posts).value),
                ],
            )
        ]


POSTS_SQL = """
SELECT {key}, {sums}
FROM {relation}
{join}
GROUP BY {key}
ORDER BY {order}
"""
# The first rows are those of the first communes by name: the subtree's gap
# rows are read once with their commune (``gap``, read twice, so kept), the
# communes holding the first ``listed`` of them picked, and only their rows
# joined to the people. Ordered and limited in one step, the country's page
# walked the name index of all 369,000 units looking for communes with gaps
# (~0.4 s, bench/RESULTS-reports.md).
GAPS_SQL = """
WITH gap AS (
    SELECT g.*, u.name AS unit_name, u.sort_name AS unit_sort
    FROM {relation}
    JOIN organizations_unit u ON u.id = g.unit_id
), listed_units AS (
    SELECT DISTINCT unit_id FROM (
        SELECT unit_id FROM gap ORDER BY unit_sort, unit_id LIMIT %(listed)s
    ) first
)
SELECT p.full_name, pos.name, g.unit_name, g.dimension, g.status, g.expected_year
FROM gap g
JOIN listed_units USING (unit_id)
JOIN members_person p ON p.id = g.person_id
JOIN members_position pos ON pos.id = g.position_id
ORDER BY g.unit_sort, g.unit_id, pos.order, p.sort_name, g.person_id,
         array_position(%(dimensions)s, g.dimension::text)
LIMIT %(listed)s
"""
GAPS_COUNT_SQL = """
SELECT count(*) FROM {relation}
"""
# The page lists the first rows of the named list: the whole country's is
# tens of thousands of rows (~0.9 s to read, bench/RESULTS-reports.md) that
# nobody reads on a screen; the files carry all of it.
PAGE_OPTIONS = {"listed": PAGE_ROWS}
UNIT_SQL = """
SELECT {sums} FROM {relation}
"""
UNIVERSITY_SQL = """
SELECT u.name, f.university_cadres
FROM {relation} JOIN organizations_unit u ON u.id = f.commune_id
WHERE f.own AND f.kind = ANY(%(commune_kinds)s) AND f.open_at_end
ORDER BY u.sort_name, f.commune_id
"""


def _counts(name: str, values: list[int]) -> Counts:
    figures = dict(
        zip(snapshot_posts.POST_FIGURES, (int(v or 0) for v in values), strict=True)
    )
    return Counts(
        name,
        posts=figures["posts"],
        university=figures["university"],
        intermediate=figures["intermediate"],
        political=figures["political"],
        political_elementary=figures["political_elementary"],
        state_management=figures["state_management"],
        studying=figures["studying"],
        studying_university=figures["studying_university"],
        studying_political=figures["studying_political"],
        standardized=figures["standardized"],
        missing={d: figures[f"missing_{d}"] for d in standards.DIMENSIONS},
    )


def posts_by(rows: YearRows, by: str) -> list[Counts]:
    """Posts summed per position group (``by="group"``) or per commune."""
    params: dict = {}
    relation = rows.posts(params)
    sums = ", ".join(f"sum(p.{f})" for f in snapshot_posts.POST_FIGURES)
    if by == "group":
        sql = POSTS_SQL.format(
            key="p.position_group", sums=sums, relation=relation, join="", order="1"
        )
    else:
        sql = POSTS_SQL.format(
            key="u.name, u.sort_name, p.unit_id",
            sums=sums,
            relation=relation,
            join="JOIN organizations_unit u ON u.id = p.unit_id",
            order="u.sort_name, p.unit_id",
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if by == "group":
        return [_counts(key, values) for key, *values in found]
    return [_counts(name, values) for name, _key, _unit, *values in found]


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
    lines = {"groups": now, "communes": now, "rotations": now, "gaps": now}
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
) -> CadreStandardization:  # type: ignore[no-untyped-def]
    """``listed``: how many rows of the named list to read (the page's
    ``PAGE_OPTIONS``); all of them when None (the files)."""
    scope = Scope.for_user(root, user, provisional=provisional)
    lines = approvals(scope, year=year, compare_year=compare_year, base_year=base_year)
    with transaction.atomic():
        now = scope.year(year)
        notes = []
        others: dict[int, Counts] = {}
        for y in dict.fromkeys(v for v in (year, compare_year, base_year) if v):
            note = lineage_note(root, y, scope.roots_on(year_end(y)))
            if note:
                notes.append(note)
            if y != year:
                total = Counts(str(y))
                for g in posts_by(scope.year(y), "group"):
                    total.add(g)
                others[y] = total
        per_group = {g.name: g for g in posts_by(now, "group")}
        labels = dict(PositionGroup.choices)
        groups = []
        total = Counts(str(_("Tổng cộng")))
        for key, label in labels.items():
            counts = per_group.get(key, Counts(str(label)))
            counts.name = str(label)
            total.add(counts)
            if counts.posts or key != PositionGroup.OTHER:
                groups.append(counts)
        communes = posts_by(now, "commune")
        params: dict = {"dimensions": list(standards.DIMENSIONS), "listed": listed}
        status_labels = standards.STATUS_LABELS
        with connection.cursor() as cursor:
            cursor.execute(GAPS_SQL.format(relation=now.gaps(params)), params)
            gaps = [
                Gap(
                    person,
                    position,
                    commune,
                    str(standards.DIMENSION_LABELS[dimension]),
                    str(status_labels[status]),
                    expected,
                )
                for person, position, commune, dimension, status, expected in (
                    cursor.fetchall()
                )
            ]
            gaps_total = len(gaps)
            if listed is not None and gaps_total >= listed:
                params = {}
                cursor.execute(GAPS_COUNT_SQL.format(relation=now.gaps(params)), params)
                gaps_total = cursor.fetchone()[0]
            params = {}
            rotations_sql = UNIT_SQL.format(
                sums=", ".join(f"coalesce(sum(f.{o}), 0)::int" for o in ROTATIONS),
                relation=now.sums(params),
            )
            cursor.execute(rotations_sql, params)
            rotations = {
                o: n for o, n in zip(ROTATIONS, cursor.fetchone(), strict=True) if n
            }
            params = {}
            cursor.execute(UNIVERSITY_SQL.format(relation=now.sums(params)), params)
            university = cursor.fetchall()
        report = CadreStandardization(
            slug=SLUG,
            title=str(TITLE),
            root=root,
            year=year,
            compare_year=compare_year,
            base_year=base_year,
            communes=communes,
            groups=groups,
            total=total,
            gaps=gaps,
            gaps_total=gaps_total,
            rotations=rotations,
            notes=notes,
            provisional=provisional,
            approval=lines["groups"],
            others=others,
            others_approval=lines.get("change", ""),
            listed=listed,
        )
        civil = per_group.get(PositionGroup.CIVIL_SERVANT, Counts(""))
        elected = per_group.get(PositionGroup.ELECTED, Counts(""))
        report.targets = target_table(
            targets_for(root_id=root.pk, year=year, report=SLUG),
            {
                "cadre_university_share": Ratio(total.university, total.posts),
                "civil_servant_intermediate_share": Ratio(
                    civil.intermediate, civil.posts
                ),
                "cadre_political_share": Ratio(elected.political, elected.posts),
            },
            per_commune={"commune_university_cadres": university},
        )
    return report
