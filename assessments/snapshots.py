# ruff: noqa: S608 — the SQL here is assembled from this module's constants
# (figure names, table names, level codes), never from input; values are
# parameters.
"""Yearly snapshots (issue #15): an approved year's figures, written once.

``year_snapshot_write`` runs when the level above approves a grassroots
organization's year (``services.review_approve``): it places the
organization and every unit under it in the year's tree, computes their
figures from the detailed tables and writes them (assessments/
snapshot_models.py). ``year_snapshot_remove`` runs when the year is reopened.
Reports sum the rows of a year over a range of ``path``
(assessments/reports/figures.py); the detailed tables stay the source of
truth, and ``rebuild_snapshots`` rewrites every snapshot from them and
checks that they agree (``year_snapshots_verify``).

The year's tree is the tree on 31 December, as the reports have always
counted; a unit closed during the year (merged, reorganized) is placed under
the unit that succeeded it, else under its parent of its last day, so that
the admissions, discipline and departures of its months still count in the
subtree that carries it on (a merger during the year loses nothing).

A commune committee above grassroots (since 1 July 2025, QĐ 294-QĐ/TW) is
not reviewed itself: its own figures (villages, commune posts) are written
once every grassroots organization under it is approved.

The same SQL computes the figures of units not approved yet for the
"tạm tính" view (``live_rows_sql``): a figure is one column of
``UnitYearSnapshot`` and one line in ``SOURCES``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from assessments import standards
from members.ethnicities import KINH
from members.models import (
    DisciplineForm,
    Gender,
    MembershipStatus,
    Origin,
    PositionGroup,
    QualificationStatus,
)
from organizations.models import GRASSROOTS_LEVELS, Kind, Level

# Commune-level units: before 1 July 2025 the grassroots committee of a
# commune/ward/township; after it the new commune committee directly above
# grassroots (DOMAIN.md §2). Identified by kind, never by a fixed level.
COMMUNE_KINDS = (Kind.COMMUNE, Kind.WARD, Kind.TOWNSHIP, Kind.SPECIAL_ZONE)
COMMUNE_LEVELS = (Level.GRASSROOTS_COMMITTEE, Level.GRASSROOTS_CELL, Level.SUPERIOR)

UNIT_TABLE = "assessments_unityearsnapshot"
POST_TABLE = "assessments_postgroupyearsnapshot"
GAP_TABLE = "assessments_standardgapyearsnapshot"

LEFT = (
    MembershipStatus.RESIGNED,
    MembershipStatus.STRUCK_OFF,
    MembershipStatus.EXPELLED,
    MembershipStatus.DECEASED,
)
MEMBER_FORMS = (
    DisciplineForm.REPRIMAND,
    DisciplineForm.WARNING,
    DisciplineForm.REMOVAL,
    DisciplineForm.EXPULSION,
)
ROTATIONS = tuple(o for o in Origin.values if o != Origin.LOCAL)
UNIVERSITY_RANK = 4  # members/qualifications.py: đại học
INTERMEDIATE_RANK = 2  # trung cấp
POLITICAL_INTERMEDIATE_RANK = 2  # trung cấp lý luận chính trị


def year_span(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _params(year: int, **more: Any) -> dict[str, Any]:
    start, end = year_span(year)
    return {
        "year": year,
        "start": start,
        "end": end,
        "grassroots": [str(lv) for lv in GRASSROOTS_LEVELS],
        "commune_kinds": [str(k) for k in COMMUNE_KINDS],
        "commune_levels": [str(lv) for lv in COMMUNE_LEVELS],
        **more,
    }


# --- Placing units in the year's tree --------------------------------------

OPEN_AT_END = "(u.closed_on IS NULL OR u.closed_on > %(end)s)"
LINK_AT_END = "l.valid_from <= %(end)s AND (l.valid_to IS NULL OR l.valid_to > %(end)s)"
CLOSED_IN_YEAR = "u.closed_on > %(start)s AND u.closed_on <= %(end)s"
IS_COMMUNE = "(u.kind = ANY(%(commune_kinds)s) AND u.level = ANY(%(commune_levels)s))"
# The successor a unit closed during the year is placed under: the smallest,
# when a split gave several.
SUCCESSOR = """(
    SELECT min(s2.unit_id) FROM organizations_unitevent_predecessors p2
    JOIN organizations_unitevent_successors s2 ON s2.unitevent_id = p2.unitevent_id
    WHERE p2.unit_id = u.id AND s2.unit_id <> u.id)"""

# The units placed directly under the unit ``{parent}`` in the year's tree.
CHILDREN = f"""
    SELECT u.id FROM organizations_unitlink l
    JOIN organizations_unit u ON u.id = l.child_id
    WHERE l.parent_id = {{parent}} AND {LINK_AT_END}
      AND u.opened_on <= %(end)s AND {OPEN_AT_END}
  UNION ALL
    SELECT u.id FROM organizations_unitevent_successors s
    JOIN organizations_unitevent_predecessors p ON p.unitevent_id = s.unitevent_id
    JOIN organizations_unit u ON u.id = p.unit_id
    WHERE s.unit_id = {{parent}} AND {CLOSED_IN_YEAR} AND u.opened_on <= %(end)s
      AND {SUCCESSOR} = {{parent}}
  UNION ALL
    SELECT u.id FROM organizations_unitlink l
    JOIN organizations_unit u ON u.id = l.child_id
    WHERE l.parent_id = {{parent}} AND {CLOSED_IN_YEAR} AND u.opened_on <= %(end)s
      AND l.valid_from < u.closed_on
      AND (l.valid_to IS NULL OR l.valid_to >= u.closed_on)
      AND {SUCCESSOR} IS NULL
"""

# The unit ``{child}`` is placed under, in the same order of preference.
PARENT = f"""
    SELECT l.parent_id FROM organizations_unitlink l
    JOIN organizations_unit u ON u.id = l.child_id
    WHERE l.child_id = {{child}} AND {LINK_AT_END} AND {OPEN_AT_END}
  UNION ALL
    SELECT {SUCCESSOR} FROM organizations_unit u
    WHERE u.id = {{child}} AND {CLOSED_IN_YEAR} AND {SUCCESSOR} IS NOT NULL
  UNION ALL
    SELECT l.parent_id FROM organizations_unitlink l
    JOIN organizations_unit u ON u.id = l.child_id
    WHERE l.child_id = {{child}} AND {CLOSED_IN_YEAR}
      AND l.valid_from < u.closed_on
      AND (l.valid_to IS NULL OR l.valid_to >= u.closed_on)
"""

# Each root of %(roots)s with its path, grassroots organization and commune
# in the year's tree, read upwards (a handful of rows per root).
ROOTS_CTE = f"""
up(root_id, unit_id, depth) AS (
    SELECT r, r, 0 FROM unnest(%(roots)s::bigint[]) AS r
  UNION ALL
    SELECT up.root_id, p.parent_id, up.depth + 1
    FROM up CROSS JOIN LATERAL ({PARENT.format(child="up.unit_id")} LIMIT 1) p
    WHERE up.depth < 50
),
start AS (
    SELECT up.root_id AS unit_id,
           array_agg(up.unit_id ORDER BY up.depth DESC) AS path,
           (array_agg(up.unit_id ORDER BY up.depth)
                FILTER (WHERE u.level = ANY(%(grassroots)s)))[1] AS organization_id,
           (array_agg(up.unit_id ORDER BY up.depth)
                FILTER (WHERE {IS_COMMUNE}))[1] AS commune_id
    FROM up JOIN organizations_unit u ON u.id = up.unit_id
    GROUP BY up.root_id
)"""

# The top units of the year's tree (whole-year rebuilds start there).
TOPS_CTE = f"""
start AS (
    SELECT u.id AS unit_id, ARRAY[u.id] AS path,
           CASE WHEN u.level = ANY(%(grassroots)s) THEN u.id END AS organization_id,
           CASE WHEN {IS_COMMUNE} THEN u.id END AS commune_id
    FROM organizations_unit u
    WHERE u.opened_on <= %(end)s AND {OPEN_AT_END}
      AND NOT EXISTS (SELECT 1 FROM organizations_unitlink l
                      WHERE l.child_id = u.id AND {LINK_AT_END})
)"""

# Everything placed under the start rows, with its path, grassroots
# organization and commune in the year's tree.
WALK_CTE = f"""
walked(unit_id, path, level, kind, organization_id, commune_id, open_at_end) AS (
    SELECT s.unit_id, s.path, u.level, u.kind, s.organization_id, s.commune_id,
           {OPEN_AT_END}
    FROM start s JOIN organizations_unit u ON u.id = s.unit_id
  UNION ALL
    SELECT u.id, t.path || u.id, u.level, u.kind,
           CASE WHEN u.level = ANY(%(grassroots)s) THEN u.id ELSE t.organization_id END,
           CASE WHEN {IS_COMMUNE} THEN u.id ELSE t.commune_id END,
           {OPEN_AT_END}
    FROM walked t
    CROSS JOIN LATERAL ({CHILDREN.format(parent="t.unit_id")}) c
    JOIN organizations_unit u ON u.id = c.id
    WHERE cardinality(t.path) < 50 AND NOT u.id = ANY(t.path)
)"""


def walk_sql(start: str) -> str:
    """``WITH RECURSIVE …, walked AS (…)`` from the roots (``ROOTS_CTE``,
    parameter ``roots``) or the whole year's tree (``TOPS_CTE``)."""
    return f"WITH RECURSIVE {start},\n{WALK_CTE}"


# --- The figures -----------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Detailed rows that give figures to the unit they belong to.

    ``unit`` names the unit column of ``rows`` (a FROM … WHERE … over the
    detailed tables, with the parameters of ``_params``); each figure is a
    snapshot column and the aggregate that computes it.
    """

    name: str
    unit: str
    rows: str
    figures: dict[str, str]


def _each(column: str, values: Iterable[str], prefix: str, aggregate: str) -> dict:
    return {
        f"{prefix}{value}": f"{aggregate} FILTER (WHERE {column} = '{value}')"
        for value in values
    }


SOURCES = [
    Source(
        "classification",
        "uc.unit_id",
        """assessments_unitclassification uc
           JOIN assessments_scalelevel sl ON sl.id = uc.level_id
           WHERE uc.year = %(year)s""",
        {"tier": "min(sl.tier)", "classification_level_id": "min(uc.level_id)"},
    ),
    # Members count where their official cell period puts them on 31 December.
    Source(
        "members_at_end",
        "cp.cell_id",
        """members_cellperiod cp
           JOIN members_membership m ON m.id = cp.membership_id
           WHERE NOT cp.is_temporary AND cp.valid_from <= %(end)s
             AND (cp.valid_to IS NULL OR cp.valid_to > %(end)s)
             AND m.admitted_on <= %(end)s
             AND (m.ended_on IS NULL OR m.ended_on > %(end)s)""",
        {"members": "count(*)"},
    ),
    # A member's classification stays with the cell it was given in.
    Source(
        "member_classification",
        "mc.cell_id",
        """assessments_memberclassification mc
           JOIN assessments_scalelevel sl ON sl.id = mc.level_id
           WHERE mc.year = %(year)s""",
        {
            f"member_tier_{t}": f"count(*) FILTER (WHERE sl.tier = {t})"
            for t in range(1, 5)
        },
    ),
    # Admitted into the cell of the official period covering the admission.
    Source(
        "admissions",
        "cp.cell_id",
        """members_membership m
           JOIN members_cellperiod cp ON cp.membership_id = m.id
                AND NOT cp.is_temporary AND cp.valid_from <= m.admitted_on
                AND (cp.valid_to IS NULL OR cp.valid_to > m.admitted_on)
           JOIN members_person p ON p.id = m.person_id
           WHERE m.admitted_on BETWEEN %(start)s AND %(end)s""",
        {
            "admitted": "count(*)",
            "admitted_women": f"count(*) FILTER (WHERE p.gender = '{Gender.FEMALE}')",
            "admitted_youth": "count(*) FILTER (WHERE EXTRACT(YEAR FROM "
            "age(m.admitted_on, p.date_of_birth)) BETWEEN 18 AND 30)",
            "admitted_minority": f"count(*) FILTER (WHERE p.ethnicity <> '{KINH}')",
        },
    ),
    Source(
        "discipline",
        "d.unit_id",
        """members_discipline d
           WHERE NOT d.subject_is_unit AND d.date BETWEEN %(start)s AND %(end)s""",
        _each("d.form", MEMBER_FORMS, "disciplined_", "count(DISTINCT d.person_id)"),
    ),
    # Left from the cell of the official period covering (or ending on) the day.
    Source(
        "departures",
        "cp.cell_id",
        f"""members_membership m
           JOIN members_cellperiod cp ON cp.membership_id = m.id
                AND NOT cp.is_temporary AND cp.valid_from <= m.ended_on
                AND (cp.valid_to IS NULL OR cp.valid_to >= m.ended_on)
           WHERE m.ended_on BETWEEN %(start)s AND %(end)s
             AND m.status IN ({", ".join(f"'{s}'" for s in LEFT)})""",
        _each("m.status", LEFT, "left_", "count(DISTINCT m.id)"),
    ),
    # Villages of a commune-level unit open on 31 December (DOMAIN.md §2).
    Source(
        "villages",
        "r.commune_id",
        """organizations_residentialunit r
           WHERE r.opened_on <= %(end)s
             AND (r.closed_on IS NULL OR r.closed_on > %(end)s)""",
        {
            "villages": "count(*)",
            "villages_without_cell": "count(*) FILTER (WHERE r.covering_cell_id IS NULL)",
            "villages_without_member": "count(*) FILTER (WHERE r.party_member_count = 0)",
            "village_heads_members": "count(*) FILTER (WHERE r.head_is_party_member)",
        },
    ),
    Source(
        "rotations",
        "h.unit_id",
        """members_positionholding h
           WHERE h.valid_from BETWEEN %(start)s AND %(end)s""",
        _each("h.origin", ROTATIONS, "", "count(*)"),
    ),
    # Holders of a post on 31 December with a completed university degree
    # (the "7–10 graduates per commune" targets count people, not posts).
    Source(
        "university_cadres",
        "h.unit_id",
        f"""members_positionholding h
           WHERE h.valid_from <= %(end)s
             AND (h.valid_to IS NULL OR h.valid_to > %(end)s)
             AND EXISTS (
                 SELECT 1 FROM members_qualification q
                 WHERE q.person_id = h.person_id AND q.dimension = 'professional'
                   AND q.rank >= {UNIVERSITY_RANK}
                   AND q.status = '{QualificationStatus.COMPLETED}'
                   AND (q.year IS NULL OR q.year <= %(year)s))""",
        {"university_cadres": "count(DISTINCT h.person_id)"},
    ),
]
# Figures that are absent rather than 0 when nothing gives them.
NULLABLE = {"tier", "classification_level_id"}
PLACE_COLUMNS = [
    "year",
    "unit_id",
    "path",
    "level",
    "kind",
    "organization_id",
    "commune_id",
    "open_at_end",
]
FIGURES = [name for source in SOURCES for name in source.figures]
UNIT_COLUMNS = PLACE_COLUMNS + FIGURES


def figures_sql(walk: str, which: str) -> str:
    """A SELECT of snapshot rows (``UNIT_COLUMNS``) for the walked units that
    satisfy ``which`` (a condition on ``walked``)."""
    ctes = [f"units AS MATERIALIZED (SELECT * FROM walked WHERE {which})"]
    columns = ["%(year)s::smallint AS year"] + [f"units.{c}" for c in PLACE_COLUMNS[1:]]
    joins = []
    for source in SOURCES:
        figures = ",\n       ".join(f"{e} AS {n}" for n, e in source.figures.items())
        ctes.append(
            f"""{source.name} AS (
    SELECT {source.unit} AS unit_id,
       {figures}
    FROM {source.rows}
      AND {source.unit} IN (SELECT unit_id FROM units)
    GROUP BY 1)"""
        )
        joins.append(
            f"LEFT JOIN {source.name} ON {source.name}.unit_id = units.unit_id"
        )
        for name in source.figures:
            value = f"{source.name}.{name}"
            value = value if name in NULLABLE else f"coalesce({value}, 0)"
            columns.append(f"{value} AS {name}")
    return (
        f"{walk},\n"
        + ",\n".join(ctes)
        + "\nSELECT "
        + ",\n       ".join(columns)
        + "\nFROM units\n"
        + "\n".join(joins)
    )


# Which walked units have figures of their own to snapshot: those of a
# grassroots organization, and commune committees above grassroots.
HAS_FIGURES = (
    "(walked.organization_id IS NOT NULL OR walked.commune_id = walked.unit_id)"
)
# Units whose year is not in the snapshot: the "tạm tính" part of a report.
NOT_SNAPSHOT = f"""{HAS_FIGURES} AND NOT EXISTS (
    SELECT 1 FROM {UNIT_TABLE} s WHERE s.year = %(year)s
      AND s.unit_id = coalesce(walked.organization_id, walked.unit_id))"""


def live_rows_sql() -> str:
    """Rows like the snapshot's, computed now, for the units under
    %(roots)s whose year is not approved (the "tạm tính" figures)."""
    return figures_sql(walk_sql(ROOTS_CTE), NOT_SNAPSHOT)


# --- Commune-level posts against their standards (Decree 33/2023) ----------

POST_FIGURES = [
    "posts",
    "university",
    "intermediate",
    "political",
    "state_management",
    "studying",
    "standardized",
    *(f"missing_{d}" for d in standards.DIMENSIONS),
]

HOLDINGS_SQL = """
SELECT h.unit_id, h.person_id, p.full_name, h.position_id, pos.code, pos.group,
       u.is_difficult_area
FROM members_positionholding h
JOIN members_person p ON p.id = h.person_id
JOIN members_position pos ON pos.id = h.position_id
JOIN organizations_unit u ON u.id = h.unit_id
WHERE h.unit_id = ANY(%(units)s) AND h.valid_from <= %(end)s
  AND (h.valid_to IS NULL OR h.valid_to > %(end)s)
ORDER BY u.name, h.unit_id, pos.order, p.full_name, h.id
"""
QUALIFICATIONS_SQL = """
SELECT q.person_id, q.dimension, q.rank, q.status, q.expected_year, q.year, q.field
FROM members_qualification q
WHERE q.person_id = ANY(%(people)s) AND q.dimension = ANY(%(dimensions)s)
"""


@dataclass
class PostGroup:
    unit_id: int
    path: list[int]
    group: str
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(POST_FIGURES, 0)
    )


@dataclass
class Gap:
    unit_id: int
    path: list[int]
    person_id: int
    position_id: int
    dimension: str
    status: str
    expected_year: int | None


def posts_standing(
    cursor: Any, year: int, units: dict[int, list[int]]
) -> tuple[list[PostGroup], list[Gap]]:
    """The posts held on 31 December at the commune-level ``units`` (id →
    path), per position group, and who is below which standard; a person
    holding two posts counts in each."""
    if not units:
        return [], []
    _start, end = year_span(year)
    cursor.execute(HOLDINGS_SQL, {"units": list(units), "end": end})
    holdings = cursor.fetchall()
    people = sorted({row[1] for row in holdings})
    held: dict[int, list[standards.Held]] = defaultdict(list)
    if people:
        cursor.execute(
            QUALIFICATIONS_SQL,
            {"people": people, "dimensions": list(standards.DIMENSIONS)},
        )
        for person_id, dim, rank, status, expected, done, subject in cursor.fetchall():
            held[person_id].append(
                standards.Held(
                    dimension=dim,
                    rank=rank,
                    studying=status == QualificationStatus.STUDYING,
                    expected_year=expected,
                    year=done,
                    field=subject,
                )
            )
    requirements = standards.requirements_on(end)
    groups: dict[tuple[int, str], PostGroup] = {}
    gaps: list[Gap] = []
    for unit_id, person_id, _name, position_id, code, group, difficult in holdings:
        person_held = held.get(person_id, [])
        completed = [
            h
            for h in person_held
            if not h.studying and (h.year is None or h.year <= year)
        ]

        def best(dimension: str, completed: list = completed) -> int:
            return max(
                (h.rank for h in completed if h.dimension == dimension), default=-1
            )

        checks = standards.check(
            requirements.get(code), person_held, on=end, difficult_area=difficult
        )
        row = groups.setdefault(
            (unit_id, group), PostGroup(unit_id, units[unit_id], group)
        ).counts
        row["posts"] += 1
        row["university"] += best(standards.PROFESSIONAL) >= UNIVERSITY_RANK
        row["intermediate"] += best(standards.PROFESSIONAL) >= INTERMEDIATE_RANK
        row["political"] += best(standards.POLITICAL) >= POLITICAL_INTERMEDIATE_RANK
        row["state_management"] += best(standards.STATE_MANAGEMENT) >= 1
        row["studying"] += any(
            h.studying and h.expected_year is not None and h.expected_year >= year
            for h in person_held
        )
        row["standardized"] += all(
            c.status in (standards.MEETS, standards.NOT_REQUIRED)
            for c in checks.values()
        )
        for dimension, c in checks.items():
            if c.status in (standards.MISSING, standards.STUDYING):
                row[f"missing_{dimension}"] += 1
                gaps.append(
                    Gap(
                        unit_id,
                        units[unit_id],
                        person_id,
                        position_id,
                        dimension,
                        c.status,
                        c.expected_year,
                    )
                )
    return list(groups.values()), gaps


def _write_posts(cursor: Any, year: int, units: dict[int, list[int]]) -> None:
    from assessments.models import PostGroupYearSnapshot, StandardGapYearSnapshot

    groups, gaps = posts_standing(cursor, year, units)
    for model in (PostGroupYearSnapshot, StandardGapYearSnapshot):
        model.objects.filter(year=year, unit_id__in=list(units)).delete()
    PostGroupYearSnapshot.objects.bulk_create(
        PostGroupYearSnapshot(
            year=year,
            unit_id=g.unit_id,
            path=g.path,
            position_group=g.group,
            **g.counts,
        )
        for g in groups
    )
    StandardGapYearSnapshot.objects.bulk_create(
        StandardGapYearSnapshot(
            year=year,
            unit_id=g.unit_id,
            path=g.path,
            person_id=g.person_id,
            position_id=g.position_id,
            dimension=g.dimension,
            status=g.status,
            expected_year=g.expected_year,
        )
        for g in gaps
    )


# --- Writing and removing --------------------------------------------------

INSERT_UNITS = f"INSERT INTO {UNIT_TABLE} ({', '.join(UNIT_COLUMNS)}, written_at) "
COMMUNE_UNITS_SQL = f"""
SELECT unit_id, path FROM {UNIT_TABLE} s
WHERE s.year = %(year)s AND s.unit_id = ANY(%(units)s)
  AND s.kind = ANY(%(commune_kinds)s)
"""
DELETE_SQL = f"""
WITH gone AS (
    DELETE FROM {UNIT_TABLE} WHERE year = %(year)s AND {{which}} RETURNING unit_id
), posts AS (
    DELETE FROM {POST_TABLE} WHERE year = %(year)s
      AND unit_id IN (SELECT unit_id FROM gone)
), gaps AS (
    DELETE FROM {GAP_TABLE} WHERE year = %(year)s
      AND unit_id IN (SELECT unit_id FROM gone)
)
SELECT count(*) FROM gone
"""
# The commune committees above grassroots on the organization's path that
# have every grassroots organization under them approved (their own rows are
# then written).
COMPLETE_COMMUNES_SQL = f"""
WITH RECURSIVE communes AS (
    SELECT u.id FROM organizations_unit u
    WHERE u.id = ANY(%(path)s) AND {IS_COMMUNE}
      AND NOT u.level = ANY(%(grassroots)s)
), below(commune_id, id, level) AS (
    SELECT c.id, c.id, ''::varchar FROM communes c
  UNION ALL
    SELECT b.commune_id, u.id, u.level FROM below b
    JOIN organizations_unitlink l ON l.parent_id = b.id AND {LINK_AT_END}
    JOIN organizations_unit u ON u.id = l.child_id
         AND u.opened_on <= %(end)s AND {OPEN_AT_END}
    WHERE NOT b.level = ANY(%(grassroots)s)
)
SELECT c.id FROM communes c
WHERE NOT EXISTS (
    SELECT 1 FROM below b
    WHERE b.commune_id = c.id AND b.level = ANY(%(grassroots)s)
      AND NOT EXISTS (SELECT 1 FROM {UNIT_TABLE} s
                      WHERE s.year = %(year)s AND s.unit_id = b.id))
"""


def _write(cursor: Any, year: int, roots: list[int], which: str) -> int:
    """Write the rows of the units under ``roots`` that satisfy ``which``,
    then the posts of the commune-level ones; return the number of rows."""
    params = _params(year, roots=roots)
    # A unit another organization's snapshot holds (the year's tree was
    # corrected since that approval) moves to this one.
    moved = ", ".join(f"{c} = EXCLUDED.{c}" for c in UNIT_COLUMNS[2:])
    cursor.execute(
        INSERT_UNITS
        + "SELECT *, now() FROM ("
        + figures_sql(walk_sql(ROOTS_CTE), which)
        + ") AS rows "
        + f"ON CONFLICT (year, unit_id) DO UPDATE SET {moved}, written_at = now() "
        + "RETURNING unit_id",
        params,
    )
    written = [row[0] for row in cursor.fetchall()]
    cursor.execute(COMMUNE_UNITS_SQL, params | {"units": written})
    _write_posts(cursor, year, dict(cursor.fetchall()))
    return len(written)


def _plain_plans(cursor: Any) -> None:
    """The figures query joins its units to each source in the order written:
    searching every order of its nine joins cost the planner more than the
    query itself (15–30 ms against 1 ms for an organization), and JIT
    compilation is never worth it for a few hundred rows."""
    cursor.execute("SET LOCAL join_collapse_limit = 1")
    cursor.execute("SET LOCAL jit = off")


def year_snapshot_write(*, organization_id: int, year: int) -> int:
    """Write (or write again) the snapshot of a grassroots organization's
    approved year, and the own rows of the commune committees above it that
    this approval completes. Returns the number of unit rows written."""
    with transaction.atomic(), connection.cursor() as cursor:
        _plain_plans(cursor)
        _delete(cursor, year, "organization_id = %(organization)s", organization_id)
        written = _write(
            cursor,
            year,
            [organization_id],
            f"walked.organization_id = {int(organization_id)}",
        )
        cursor.execute(
            f"SELECT path FROM {UNIT_TABLE} WHERE year = %s AND unit_id = %s",
            [year, organization_id],
        )
        row = cursor.fetchone()
        if row is None:  # not in the year's tree (closed before it began)
            return written
        cursor.execute(COMPLETE_COMMUNES_SQL, _params(year, path=row[0]))
        for (commune_id,) in cursor.fetchall():
            _delete(cursor, year, "unit_id = %(organization)s", commune_id)
            written += _write(
                cursor, year, [commune_id], f"walked.unit_id = {int(commune_id)}"
            )
        return written


def year_snapshot_remove(*, organization_id: int, year: int) -> int:
    """Delete the snapshot of a year that leaves "approved", and the own
    rows of the commune committees above it (no longer complete)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT path FROM {UNIT_TABLE} WHERE year = %s AND unit_id = %s",
            [year, organization_id],
        )
        row = cursor.fetchone()
        removed = _delete(
            cursor, year, "organization_id = %(organization)s", organization_id
        )
        if row is not None:
            cursor.execute(
                DELETE_SQL.format(
                    which="organization_id IS NULL AND unit_id = ANY(%(path)s)"
                ),
                {"year": year, "path": row[0]},
            )
            removed += cursor.fetchone()[0]
        return removed


def _delete(cursor: Any, year: int, which: str, organization_id: int) -> int:
    cursor.execute(
        DELETE_SQL.format(which=which), {"year": year, "organization": organization_id}
    )
    return cursor.fetchone()[0]


# --- Rebuilding every snapshot and proving it ----------------------------

APPROVED_SQL = """
SELECT organization_id FROM assessments_organizationreview
WHERE year = %(year)s AND state = 'approved'
"""
REBUILD_WALK = "snapshot_rebuild_walk"
# Every unit of the year's tree whose figures are official: those of the
# approved organizations, and the commune committees above grassroots with
# no organization below them left unapproved.
OFFICIAL = f"""(walked.organization_id IN (SELECT organization_id FROM snapshot_approved)
    OR (walked.organization_id IS NULL AND walked.commune_id = walked.unit_id
        AND walked.unit_id NOT IN (
            SELECT unnest(w.path) FROM {REBUILD_WALK} w
            WHERE w.level = ANY(%(grassroots)s) AND w.open_at_end
              AND w.unit_id NOT IN (SELECT organization_id FROM snapshot_approved))))"""


def years_with_approvals() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT year FROM assessments_organizationreview "
            "WHERE state = 'approved' ORDER BY year"
        )
        return [row[0] for row in cursor.fetchall()]


def _stage_year(cursor: Any, year: int) -> None:
    """The whole year's tree and its approved organizations, in temporary
    tables dropped at commit (or by the next call inside the same
    transaction)."""
    params = _params(year)
    cursor.execute(f"DROP TABLE IF EXISTS {REBUILD_WALK}, snapshot_approved")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {REBUILD_WALK} ON COMMIT DROP AS "
        + walk_sql(TOPS_CTE)
        + " SELECT * FROM walked",
        params,
    )
    cursor.execute(f"CREATE INDEX ON {REBUILD_WALK} (unit_id)")
    cursor.execute(
        "CREATE TEMPORARY TABLE snapshot_approved ON COMMIT DROP AS " + APPROVED_SQL,
        params,
    )
    cursor.execute(f"ANALYZE {REBUILD_WALK}")
    cursor.execute("ANALYZE snapshot_approved")


def _official_sql() -> str:
    return figures_sql(f"WITH walked AS (SELECT * FROM {REBUILD_WALK})", OFFICIAL)


def year_snapshots_rebuild(
    year: int, *, say: Callable[[str], None] = lambda _m: None
) -> int:
    """Rewrite every snapshot of ``year`` from the detailed tables in a few
    set-wide statements; return the number of unit rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        _plain_plans(cursor)
        cursor.execute("SET LOCAL work_mem = '256MB'")
        for table in (GAP_TABLE, POST_TABLE, UNIT_TABLE):
            cursor.execute(f"DELETE FROM {table} WHERE year = %s", [year])
        _stage_year(cursor, year)
        say(f"{year}: cây tổ chức của năm đã dựng")
        cursor.execute(
            INSERT_UNITS + "SELECT *, now() FROM (" + _official_sql() + ") AS rows",
            _params(year),
        )
        count = cursor.rowcount
        say(f"{year}: {count} dòng số liệu đơn vị")
        cursor.execute(
            f"SELECT unit_id, path FROM {UNIT_TABLE} "
            "WHERE year = %(year)s AND kind = ANY(%(commune_kinds)s)",
            _params(year),
        )
        _write_posts(cursor, year, dict(cursor.fetchall()))
        say(f"{year}: chức danh cấp xã đã tính")
        return count


@dataclass
class Difference:
    unit_id: int
    what: str


def year_snapshots_verify(year: int, *, limit: int = 20) -> list[Difference]:
    """Compare the stored snapshot of ``year`` with what the detailed tables
    give now; an empty list means they agree."""
    differences: list[Difference] = []
    with transaction.atomic(), connection.cursor() as cursor:
        _plain_plans(cursor)
        cursor.execute("SET LOCAL work_mem = '256MB'")
        _stage_year(cursor, year)
        columns = [c for c in UNIT_COLUMNS if c != "year"]
        stored = ", ".join(f"s.{c}::text" for c in columns)
        fresh = ", ".join(f"f.{c}::text" for c in columns)
        cursor.execute(
            f"""WITH fresh AS ({_official_sql()})
            SELECT coalesce(s.unit_id, f.unit_id), s.unit_id IS NULL, f.unit_id IS NULL,
                   ARRAY[{stored}], ARRAY[{fresh}]
            FROM (SELECT * FROM {UNIT_TABLE} WHERE year = %(year)s) s
            FULL JOIN fresh f ON f.unit_id = s.unit_id
            WHERE ROW({stored}) IS DISTINCT FROM ROW({fresh})
            ORDER BY 1 LIMIT %(limit)s""",
            _params(year, limit=limit),
        )
        for unit_id, missing, extra, old, new in cursor.fetchall():
            if missing:
                differences.append(Difference(unit_id, "thiếu trong số liệu chốt"))
            elif extra:
                differences.append(Difference(unit_id, "thừa trong số liệu chốt"))
            else:
                changed = [
                    f"{c}: {a} → {b}"
                    for c, a, b in zip(columns, old, new, strict=True)
                    if a != b
                ]
                differences.append(Difference(unit_id, "; ".join(changed)))
        cursor.execute(
            f"SELECT unit_id, path FROM {UNIT_TABLE} "
            "WHERE year = %(year)s AND kind = ANY(%(commune_kinds)s)",
            _params(year),
        )
        groups, gaps = posts_standing(cursor, year, dict(cursor.fetchall()))
        cursor.execute(
            f"SELECT unit_id, position_group, {', '.join(POST_FIGURES)} FROM {POST_TABLE} "
            "WHERE year = %s",
            [year],
        )
        stored_posts = {(r[0], r[1]): list(r[2:]) for r in cursor.fetchall()}
        fresh_posts = {
            (g.unit_id, g.group): [g.counts[f] for f in POST_FIGURES] for g in groups
        }
        for key in sorted(set(stored_posts) | set(fresh_posts)):
            if stored_posts.get(key) != fresh_posts.get(key):
                differences.append(
                    Difference(key[0], f"chức danh nhóm {key[1]} khác số liệu chốt")
                )
        cursor.execute(f"SELECT count(*) FROM {GAP_TABLE} WHERE year = %s", [year])
        if cursor.fetchone()[0] != len(gaps):
            differences.append(
                Difference(0, "danh sách chưa đạt chuẩn khác số liệu chốt")
            )
    return differences[:limit]


# Group names for the reports' per-group tables, in display order.
POST_GROUPS = [g for g, _label in PositionGroup.choices]
