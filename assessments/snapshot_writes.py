# ruff: noqa: S608 — the SQL here is assembled from constants of
# assessments/snapshots.py (table names, level codes); values are parameters.
"""Writing and removing one organization's approved year (issue #15).

``year_snapshot_write`` runs when the level above approves a grassroots
organization's year (``services.review_approve``), ``year_snapshot_remove``
when the year is reopened. Both keep, beside the organization's rows, the
own rows of the commune committees above it (written once every grassroots
organization under them is approved) and the rollup of its commune
(assessments/snapshot_rollups.py). Split from assessments/snapshots.py,
which re-exports both.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from assessments.snapshot_posts import _write_posts
from assessments.snapshot_rollups import communes_roll
from assessments.snapshots import (
    GAP_TABLE,
    INSERT_UNITS,
    IS_COMMUNE,
    LINK_AT_END,
    OPEN_AT_END,
    POST_TABLE,
    ROOTS_CTE,
    UNIT_COLUMNS,
    UNIT_TABLE,
    _params,
    figures_sql,
    walk_sql,
)

COMMUNE_UNITS_SQL = f"""
SELECT unit_id, path FROM {UNIT_TABLE} s
WHERE s.year = %(year)s AND s.unit_id = ANY(%(units)s)
  AND s.kind = ANY(%(commune_kinds)s)
"""
# Returns how many rows went, and the units on the paths of those a rollup
# counted (that rollup is written again).
DELETE_SQL = f"""
WITH gone AS (
    DELETE FROM {UNIT_TABLE} WHERE year = %(year)s AND {{which}}
    RETURNING unit_id, path, rolled_up
), posts AS (
    DELETE FROM {POST_TABLE} WHERE year = %(year)s
      AND unit_id IN (SELECT unit_id FROM gone)
), gaps AS (
    DELETE FROM {GAP_TABLE} WHERE year = %(year)s
      AND unit_id IN (SELECT unit_id FROM gone)
)
SELECT (SELECT count(*) FROM gone),
       (SELECT array_agg(DISTINCT p) FROM gone, unnest(gone.path) AS p
        WHERE gone.rolled_up)
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


def _write(cursor: Any, year: int, roots: list[int], which: str) -> tuple[int, list]:
    """Write the rows of the units under ``roots`` that satisfy ``which``
    (one organization's units, or one commune committee), then the posts of
    the commune-level ones; return the number of rows and the units on the
    former paths of rolled-up rows that moved here."""
    params = _params(year, roots=roots)
    # A unit another organization's snapshot holds (the year's tree was
    # corrected since that approval) moves to this one; the rollup that
    # counted it where it was is written again.
    moved = ", ".join(f"{c} = EXCLUDED.{c}" for c in UNIT_COLUMNS[2:])
    cursor.execute(
        "WITH rows AS ("
        + figures_sql(walk_sql(ROOTS_CTE), which, per_unit=True)
        + f"), moved AS (SELECT s.path FROM {UNIT_TABLE} s WHERE s.year = %(year)s"
        " AND s.rolled_up AND s.unit_id IN (SELECT unit_id FROM rows)"
        "), written AS ("
        + INSERT_UNITS
        + "SELECT *, now() FROM rows "
        + f"ON CONFLICT (year, unit_id) DO UPDATE SET {moved}, written_at = now(), "
        "rolled_up = false RETURNING unit_id) "
        "SELECT (SELECT array_agg(unit_id) FROM written), "
        "(SELECT array_agg(DISTINCT p) FROM moved, unnest(moved.path) AS p)",
        params,
    )
    written, moved_from = cursor.fetchone()
    written = written or []
    cursor.execute(COMMUNE_UNITS_SQL, params | {"units": written})
    _write_posts(cursor, year, dict(cursor.fetchall()))
    return len(written), moved_from or []


def _delete(
    cursor: Any, year: int, which: str, organization_id: int
) -> tuple[int, list]:
    cursor.execute(
        DELETE_SQL.format(which=which), {"year": year, "organization": organization_id}
    )
    count, rolled = cursor.fetchone()
    return count, rolled or []


def _path(cursor: Any, year: int, unit_id: int) -> list[int] | None:
    cursor.execute(
        f"SELECT path FROM {UNIT_TABLE} WHERE year = %s AND unit_id = %s",
        [year, unit_id],
    )
    row = cursor.fetchone()
    return None if row is None else row[0]


def year_snapshot_write(*, organization_id: int, year: int) -> int:
    """Write (or write again) the snapshot of a grassroots organization's
    approved year, the own rows of the commune committees above it that
    this approval completes, and its commune's rollup when the commune is
    complete. Returns the number of unit rows written."""
    with transaction.atomic(), connection.cursor() as cursor:
        _count, touched = _delete(
            cursor, year, "organization_id = %(organization)s", organization_id
        )
        written, moved_from = _write(
            cursor,
            year,
            [organization_id],
            f"walked.organization_id = {int(organization_id)}",
        )
        touched += moved_from
        path = _path(cursor, year, organization_id)
        if path is not None:  # else not in the year's tree (closed before it)
            cursor.execute(COMPLETE_COMMUNES_SQL, _params(year, path=path))
            for (commune_id,) in cursor.fetchall():
                _count, rolled = _delete(
                    cursor, year, "unit_id = %(organization)s", commune_id
                )
                count, moved_from = _write(
                    cursor, year, [commune_id], f"walked.unit_id = {int(commune_id)}"
                )
                written += count
                touched += rolled + moved_from
        communes_roll(cursor, year, paths=[path] if path else [], ids=touched)
        return written


def year_snapshot_remove(*, organization_id: int, year: int) -> int:
    """Delete the snapshot of a year that leaves "approved", the own rows
    of the commune committees above it (no longer complete) and its
    commune's rollup."""
    with transaction.atomic(), connection.cursor() as cursor:
        path = _path(cursor, year, organization_id)
        removed, touched = _delete(
            cursor, year, "organization_id = %(organization)s", organization_id
        )
        if path is not None:
            cursor.execute(
                DELETE_SQL.format(
                    which="organization_id IS NULL AND unit_id = ANY(%(path)s)"
                ),
                {"year": year, "path": path},
            )
            count, rolled = cursor.fetchone()
            removed += count
            touched += rolled or []
        communes_roll(cursor, year, paths=[path] if path else [], ids=touched)
        return removed
