# ruff: noqa: S608 — the SQL here is assembled from this module's constants
"""Rebuilding every yearly snapshot from the detailed tables and proving
they agree (``manage.py rebuild_snapshots``). Split from
assessments/snapshots.py, which re-exports these functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from assessments.snapshot_posts import POST_FIGURES, _write_posts, posts_standing
from assessments.snapshot_rollups import (
    ROLLUP_TABLE,
    stage_complete,
    under_complete,
    year_rollups_verify,
    year_rollups_write,
)
from assessments.snapshots import (
    GAP_TABLE,
    POST_TABLE,
    TOPS_CTE,
    UNIT_COLUMNS,
    UNIT_TABLE,
    _params,
    figures_sql,
    walk_sql,
)
from members.models import PositionGroup

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
        cursor.execute("SET LOCAL work_mem = '256MB'")
        for table in (GAP_TABLE, POST_TABLE, UNIT_TABLE):
            cursor.execute(f"DELETE FROM {table} WHERE year = %s", [year])
        _stage_year(cursor, year)
        stage_complete(cursor, year, REBUILD_WALK)
        say(f"{year}: cây tổ chức của năm đã dựng")
        # Each row is marked as it is written (an UPDATE of every row
        # afterwards wrote the table a second time).
        cursor.execute(
            f"INSERT INTO {UNIT_TABLE} ({', '.join(UNIT_COLUMNS)}, written_at, "
            f"rolled_up) SELECT rows.*, now(), {under_complete('rows')} "
            f"FROM ({_official_sql()}) AS rows",
            _params(year),
        )
        count = cursor.rowcount
        say(f"{year}: {count} dòng số liệu đơn vị")
        # A year's rows just written in bulk: without fresh statistics the
        # planner takes the table for what it was (empty, or one year), and
        # the per-commune range reads below and in the proof became scans of
        # the whole table per commune (the national proof: 996 s → 69 s).
        cursor.execute(f"ANALYZE {UNIT_TABLE}")
        cursor.execute(
            f"SELECT unit_id, path FROM {UNIT_TABLE} "
            "WHERE year = %(year)s AND kind = ANY(%(commune_kinds)s)",
            _params(year),
        )
        _write_posts(cursor, year, dict(cursor.fetchall()))
        say(f"{year}: chức danh cấp xã đã tính")
        communes = year_rollups_write(cursor, year)
        say(f"{year}: {communes} xã đủ duyệt đã tổng hợp")
        for table in (POST_TABLE, GAP_TABLE, ROLLUP_TABLE):
            cursor.execute(f"ANALYZE {table}")
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
        stage_complete(cursor, year, REBUILD_WALK)
        differences += [
            Difference(unit_id, what)
            for unit_id, what in year_rollups_verify(cursor, year)
        ]
    return differences[:limit]


# Group names for the reports' per-group tables, in display order.
POST_GROUPS = [g for g, _label in PositionGroup.choices]
