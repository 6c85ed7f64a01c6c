"""What every report shares: ratios kept as numerator and denominator, the
tables and charts the three renderings (page, workbook, PDF) draw, and the
scope of a report (a root's subtree on the tree as the year had it).

Percentages are never rounded here: a ``Ratio`` keeps both counts and the
templates round to one decimal at display (issue #5: "rounding to one decimal
happens only at display").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from organizations.models import Kind, Level, Unit
from partyquality.access import AnyUser, scope_filter

# Commune-level units: before 1 July 2025 the grassroots committee of a
# commune/ward/township; after it the new commune committee directly above
# grassroots (DOMAIN.md §2). Identified by kind, never by a fixed level.
COMMUNE_KINDS = (Kind.COMMUNE, Kind.WARD, Kind.TOWNSHIP, Kind.SPECIAL_ZONE)
COMMUNE_LEVELS = (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL, Level.SUPERIOR)


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


# Column kinds: how a cell is drawn and exported.
TEXT, INT, RATIO, DELTA, NUMBER = "text", "int", "ratio", "delta", "number"


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


@dataclass
class Bar:
    label: str
    value: float
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
    """The units a report counts: ``roots``' subtree on a day, as the user may see it."""

    root: Unit
    root_ids: list[int]
    visible: Q
    _ids: dict = field(default_factory=dict)

    @classmethod
    def for_user(cls, root: Unit, user: AnyUser | None) -> Scope:
        # scope_filter queries the user's assignments once; the Q it returns
        # is a subquery, so every later report query stays one query.
        visible = Q() if user is None else scope_filter(user, "id")
        return cls(root, [root.pk], visible)

    def roots_on(self, day: datetime.date) -> list[tuple[int, str]]:
        """The units standing for the roots on ``day``: the roots themselves if
        open, else the predecessors they were formed from (one query)."""
        with connection.cursor() as cursor:
            cursor.execute(LINEAGE_SQL, [self.root_ids, day, day, day])
            return [(row[0], row[1]) for row in cursor.fetchall()]

    def units(self, day: datetime.date, root_ids: list[int] | None = None) -> RawSQL:
        """The visible units of the subtree on ``day``, as a subquery over an
        array fetched once per (day, roots): the recursive walk runs once per
        report and date, not once per query."""
        roots = tuple(self.root_ids if root_ids is None else root_ids)
        key = (day, roots)
        if key not in self._ids:
            self._ids[key] = list(
                Unit.objects.subtree_of(list(roots), on=day)
                .filter(self.visible)
                .values_list("id", flat=True)
            )
        return RawSQL("SELECT unnest(%s::bigint[])", (self._ids[key],))


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
            measure=indicator.measure,
        )
        term = f"{target.from_year}–{target.to_year}"
        items: list[tuple[str, Any]]
        if indicator.per_commune:
            items = [
                (f"{target.description} — {name}", count)
                for name, count in (per_commune or {}).get(target.indicator, [])
            ]
        else:
            items = [(target.description, actuals.get(target.indicator))]
        for label, actual in items:
            value = actual.value if isinstance(actual, Ratio) else actual
            outcome = evaluate(
                None if value is None else float(value),
                min_value=target.min_value,
                max_value=target.max_value,
                min_exclusive=target.min_exclusive,
            )
            table.rows.append(
                [
                    label,
                    target.unit.name,
                    term,
                    bound,
                    actual,
                    ""
                    if outcome is None
                    else (_("Đạt") if outcome.met else _("Chưa đạt")),
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
