"""What every report shares: ratios kept as numerator and denominator, the
tables and charts the renderings (page, workbook, PDF, Word) draw, and the
scope of a report (a root's subtree on the tree as each year had it, read
from the yearly snapshots: assessments/reports/figures.py).

Percentages are never rounded here: a ``Ratio`` keeps both counts and the
renderings round at display (partyquality/numbers.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _

from assessments.reports.figures import Approval, YearRows
from assessments.snapshots import COMMUNE_KINDS, COMMUNE_LEVELS
from organizations.access import AnyUser, Reach, scope_reach
from organizations.models import Unit
from partyquality import numbers
from partyquality.lookups import IdArray

__all__ = ["COMMUNE_KINDS", "COMMUNE_LEVELS", "Approval", "Later", "YearRows"]


class Later:
    """A caption computed when it is first printed.

    The approval line ("50.334/53.010 tổ chức cơ sở đảng đã được duyệt")
    counts the grassroots organizations of the year's tree, approved or
    not, by walking that tree down to the complete communes (their rollups
    keep their counts): for the whole country, while many communes still
    wait, that walk can take as long as the figures
    (bench/RESULTS-reports.md). So a report carries it unevaluated: the
    page shows its figures and loads the lines afterwards
    (``views.approvals``, which computes the counts alone: each report's
    ``approvals``), while the workbook, the PDF and the Word copy print
    them, evaluated once.
    """

    def __init__(self, compute: Any) -> None:
        self._compute = compute
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = str(self._compute())
        return self._text

    def __repr__(self) -> str:
        return f"Later({self._text!r})"


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


@dataclass(frozen=True)
class Ratio:
    num: int
    den: int

    @property
    def value(self) -> float | None:
        """The fraction in percent, unrounded; None when there is no denominator."""
        return None if not self.den else 100.0 * self.num / self.den

    def __str__(self) -> str:
        value = self.value
        return "—" if value is None else f"{value:.1f}%".replace(".", ",")


def delta(now: Ratio | None, then: Ratio | None) -> float | None:
    """Change in percentage points, unrounded."""
    if now is None or then is None or now.value is None or then.value is None:
        return None
    return now.value - then.value


# Column kinds: how a cell is drawn and exported. A YEAR is a number never
# grouped (2025, not 2.025).
TEXT, INT, RATIO, DELTA, NUMBER, YEAR = (
    "text",
    "int",
    "ratio",
    "delta",
    "number",
    "year",
)


@dataclass
class Column:
    label: str
    kind: str = INT


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None
    note: str = ""
    # How much of each year shown is approved ("58/63 tổ chức cơ sở đảng đã
    # được duyệt"), printed beside the table in every rendering (``Later``:
    # the page loads it after the figures).
    approval: str | Later = ""


# The page lists the first rows of a long table (a report's ``PAGE_OPTIONS``):
# the country's per-commune tables are thousands of rows, megabytes of HTML
# that nobody reads on a screen (bench/RESULTS-reports.md); the files carry
# every row. Totals are computed from all rows before the cut.
PAGE_ROWS = 500


def first_rows(table: Table, listed: int | None) -> Table:
    """``table`` with its first ``listed`` rows and a line saying how many
    there are in all; unchanged when ``listed`` is None (the files)."""
    if listed is None or len(table.rows) <= listed:
        return table
    line = str(
        _(
            "Trang hiển thị {shown} dòng đầu trong {total} dòng; danh sách đầy đủ có trong tệp Excel, PDF và Word."
        )
    ).format(shown=numbers.grouped(listed), total=numbers.grouped(len(table.rows)))
    table.rows = table.rows[:listed]
    table.note = f"{table.note} {line}" if table.note else line
    return table


@dataclass
class Bar:
    label: str
    # None: no data that year — drawn as no bar at all, never as 0 %.
    value: float | None
    text: str = ""


@dataclass
class ChartSpec:
    title: str
    bars: list[Bar]
    unit: str = "%"
    # Several series share the labels (e.g. this year and the comparison year).
    series: list[str] = field(default_factory=list)
    groups: list[list[Bar]] = field(default_factory=list)


@dataclass
class Scope:
    """What a report counts: ``root``'s subtree in each year, from the yearly
    snapshots (official), or with the units not approved yet computed now
    (``provisional``, "tạm tính"), as the user may see it.

    A user whose reach holds the root on every day it existed sees its whole
    subtree in every year (the subtree of a day is reached that day), so the
    report reads ranges of the snapshot alone. Otherwise (a root that moved
    into or out of the user's reach, or one outside it: a test, a command)
    each year's rows are limited to the units the user reached in the tree
    of that year (dated access, issue #16; ``Reach.in_year``): a commune
    moved away in July counts for its former board up to the year before.
    """

    root: Unit
    provisional: bool = False
    # The user's dated reach, when it does not hold the root whole.
    reach: Reach | None = None
    _years: dict[int, YearRows] = field(default_factory=dict)
    _lineage: dict[datetime.date, list[tuple[int, str]]] = field(default_factory=dict)

    @classmethod
    def for_user(
        cls, root: Unit, user: AnyUser | None, *, provisional: bool = False
    ) -> Scope:
        reach = None if user is None else scope_reach(user)
        if reach is not None and root.pk in reach.whole_set:
            reach = None
        return cls(root, provisional, reach)

    def reach_in(self, year: int) -> IdArray | None:
        """The ids the user may see in ``year``'s rows; None: all of them."""
        if self.reach is None or self.reach.in_year(self.root.pk, year):
            return None
        moved = [unit for unit in self.reach.spans if self.reach.in_year(unit, year)]
        return IdArray([*self.reach.whole, *moved])

    def roots_on(self, day: datetime.date) -> list[tuple[int, str]]:
        """The units standing for the root on ``day``: the root itself if
        open, else the predecessors it was formed from (one query)."""
        if day not in self._lineage:
            with connection.cursor() as cursor:
                cursor.execute(LINEAGE_SQL, [[self.root.pk], day, day, day])
                self._lineage[day] = [(row[0], row[1]) for row in cursor.fetchall()]
        return self._lineage[day]

    def year(self, year: int) -> YearRows:
        """The figure rows of ``year`` (read lazily, once per report)."""
        if year not in self._years:
            self._years[year] = YearRows(
                year=year,
                roots=[r[0] for r in self.roots_on(year_end(year))],
                provisional=self.provisional,
                reach=self.reach_in(year),
            )
        return self._years[year]

    def approvals(self, *years: int | None) -> Later:
        """ "Năm 2025: 58/63 tổ chức cơ sở đảng đã được duyệt; năm 2024: …",
        counted when first printed."""
        shown = [y for y in dict.fromkeys(years) if y]

        def text() -> str:
            if len(shown) == 1:
                return str(self.year(shown[0]).approval)
            return "; ".join(
                _("Năm {year}: {approval}").format(
                    year=y, approval=self.year(y).approval
                )
                for y in shown
            )

        return Later(text)

    def commune_approvals(self, year: int) -> Later:
        """ "16/16 đơn vị cấp xã đủ số liệu đã duyệt; 58/63 …" (the coverage
        and cadre tables count per commune-level unit), counted when first
        printed."""

        def text() -> str:
            approval = self.year(year).approval
            return str(
                _("{communes}/{total} đơn vị cấp xã đủ số liệu đã duyệt; {approval}")
            ).format(
                communes=numbers.grouped(approval.communes_approved),
                total=numbers.grouped(approval.communes),
                approval=approval,
            )

        return Later(text)


# Walk back from the roots through tree events dated after ``day`` (merges,
# splits) to the units that were open on ``day``: a commune formed on
# 1 July 2025 stands, for 2024, for the communes merged into it.
LINEAGE_SQL = """
WITH RECURSIVE back(id) AS (
    SELECT unnest(%s::bigint[])
  UNION
    SELECT p.unit_id
    FROM back
    JOIN organizations_unitevent_successors s ON s.unit_id = back.id
    JOIN organizations_unitevent e ON e.id = s.unitevent_id AND e.date > %s
    JOIN organizations_unitevent_predecessors p ON p.unitevent_id = e.id
)
SELECT u.id, u.name FROM back JOIN organizations_unit u ON u.id = back.id
WHERE u.opened_on <= %s AND (u.closed_on IS NULL OR u.closed_on > %s)
ORDER BY u.name, u.id
"""


CHANGE_NOTE = _(
    "Tỷ lệ tính trên số được xếp loại; chênh lệch tính bằng điểm phần trăm."
)


def target_table(
    targets: list, actuals: dict[str, Any], per_commune: dict[str, list] | None = None
) -> Table:
    """Actual against target with the gap, one row per target (per commune
    for per-commune indicators, where ``per_commune[code]`` lists
    ``(commune name, count)``)."""
    from assessments.targets import INDICATORS, bound_text, evaluate

    table = Table(
        "targets",
        str(_("Thực hiện chỉ tiêu")),
        [
            Column(str(_("Chỉ tiêu")), TEXT),
            Column(str(_("Đơn vị")), TEXT),
            Column(str(_("Nhiệm kỳ")), TEXT),
            Column(str(_("Mức chỉ tiêu")), TEXT),
            Column(str(_("Thực hiện")), RATIO),
            Column(str(_("Đạt")), TEXT),
            Column(str(_("Chênh lệch")), NUMBER),
        ],
    )
    for target in targets:
        indicator = INDICATORS[target.indicator]
        bound = bound_text(
            min_value=target.min_value,
            max_value=target.max_value,
            min_exclusive=target.min_exclusive,
            max_exclusive=target.max_exclusive,
            measure=indicator.measure,
        )
        term = f"{target.from_year}–{target.to_year}"
        items: list[tuple[str, Any]]
        if indicator.per_commune:
            counts = (per_commune or {}).get(target.indicator, [])
            items = [(f"{target.description} — {name}", c) for name, c in counts]
            if len(counts) > 1:
                # The average per commune against the same target (Tân Kỳ:
                # "7.6 graduates per commune against 7–10").
                average = round(sum(c for _n, c in counts) / len(counts), 1)
                label = str(_("bình quân mỗi đơn vị cấp xã"))
                items.append((f"{target.description} — {label}", average))
        else:
            items = [(target.description, actuals.get(target.indicator))]
        for label, actual in items:
            value = actual.value if isinstance(actual, Ratio) else actual
            outcome = evaluate(
                None if value is None else float(value),
                min_value=target.min_value,
                max_value=target.max_value,
                min_exclusive=target.min_exclusive,
                max_exclusive=target.max_exclusive,
            )
            table.rows.append(
                [
                    label,
                    target.unit.name,
                    term,
                    bound,
                    actual,
                    "" if outcome is None else outcome.label,
                    None if outcome is None else outcome.gap,
                ]
            )
    return table


def lineage_note(root: Unit, year: int, roots: list[tuple[int, str]]) -> str | None:
    """Say so when a year's figures come from the units a root was formed from."""
    if [r[0] for r in roots] == [root.pk]:
        return None
    names = ", ".join(name for _id, name in roots if _id != root.pk)
    if not names:
        return None
    return str(
        _(
            "Số liệu năm {year} của {unit} gồm số liệu của các đơn vị tiền thân: {names}."
        )
    ).format(year=year, unit=root.name, names=names)
