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

This module holds the tables' names, the figures and the SQL that computes
them; the modules beside it import from here, never the other way:
snapshot_writes.py (``year_snapshot_write``/``_remove``), snapshot_posts.py
(commune posts against their standards), snapshot_rollups.py (per-commune
sums) and snapshot_rebuild.py (``year_snapshots_rebuild``/``_verify``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from members.ethnicities import KINH
from members.models import (
    DisciplineForm,
    Gender,
    MembershipStatus,
    Origin,
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


# A village of the "villages" source without a party member on 31 December.
WITHOUT_MEMBER = (
    "CASE WHEN lives.known THEN lives.living = 0 ELSE f.party_members = 0 END"
)

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
    # Villages of a commune-level unit open on 31 December (DOMAIN.md §2),
    # with their coverage that day. "Without a party member": from where
    # members live on 31 December where the commune records residences
    # (members.Residence), else from the year's figure the commune reported
    # (organizations.ResidentialMemberCount); a village with neither is not
    # counted, and the report says how many came from which.
    Source(
        "villages",
        "r.commune_id",
        """organizations_residentialunit r
           LEFT JOIN organizations_residentialcoverage c
                ON c.residential_unit_id = r.id AND c.valid_from <= %(end)s
                AND (c.valid_to IS NULL OR c.valid_to > %(end)s)
           LEFT JOIN organizations_residentialmembercount f
                ON f.residential_unit_id = r.id AND f.year = %(year)s
           CROSS JOIN LATERAL (
               SELECT EXISTS (
                   SELECT 1 FROM members_residence s
                   JOIN organizations_residentialunit sr
                        ON sr.id = s.residential_unit_id
                   WHERE sr.commune_id = r.commune_id AND s.valid_from <= %(end)s
                     AND (s.valid_to IS NULL OR s.valid_to > %(end)s)) AS known,
                   (SELECT count(DISTINCT m.id) FROM members_residence s
                    JOIN members_membership m ON m.person_id = s.person_id
                    WHERE s.residential_unit_id = r.id AND s.valid_from <= %(end)s
                      AND (s.valid_to IS NULL OR s.valid_to > %(end)s)
                      AND m.admitted_on <= %(end)s
                      AND (m.ended_on IS NULL OR m.ended_on > %(end)s)) AS living
           ) lives
           WHERE r.opened_on <= %(end)s
             AND (r.closed_on IS NULL OR r.closed_on > %(end)s)""",
        {
            "villages": "count(*)",
            "villages_without_cell": "count(*) FILTER (WHERE c.covering_cell_id IS NULL)",
            "villages_without_member": f"count(*) FILTER (WHERE {WITHOUT_MEMBER})",
            "village_heads_members": "count(*) FILTER (WHERE c.head_is_party_member)",
            "villages_members_from_residence": "count(*) FILTER (WHERE lives.known)",
            "villages_members_from_figure": "count(*) FILTER (WHERE NOT lives.known "
            "AND f.party_members IS NOT NULL)",
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


def figures_sql(walk: str, which: str, *, per_unit: bool = False) -> str:
    """A SELECT of snapshot rows (``UNIT_COLUMNS``) for the walked units that
    satisfy ``which`` (a condition on ``walked``).

    ``per_unit`` (one organization's approval, the "tạm tính" units: a few
    hundred units): each source is read from each unit's own rows, through
    the index on its unit column (a LATERAL subquery per unit), whatever the
    size of the tables. Otherwise (a whole year's rebuild: every unit of the
    country) each source is aggregated over its table once and joined to
    the units by unit id. Both forms compute the same figures from the same
    ``SOURCES``; the rebuild's proof (``year_snapshots_verify``) compares
    them."""
    ctes = [f"units AS MATERIALIZED (SELECT * FROM walked WHERE {which})"]
    columns = ["%(year)s::smallint AS year"] + [f"units.{c}" for c in PLACE_COLUMNS[1:]]
    joins = []
    for source in SOURCES:
        figures = ",\n       ".join(f"{e} AS {n}" for n, e in source.figures.items())
        if per_unit:
            joins.append(
                f"""LEFT JOIN LATERAL (
    SELECT {figures}
    FROM {source.rows}
      AND {source.unit} = units.unit_id) {source.name} ON true"""
            )
        else:
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
    return figures_sql(walk_sql(ROOTS_CTE), NOT_SNAPSHOT, per_unit=True)


INSERT_UNITS = f"INSERT INTO {UNIT_TABLE} ({', '.join(UNIT_COLUMNS)}, written_at) "
