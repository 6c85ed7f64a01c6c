# ruff: noqa: S608 — the SQL here is assembled from constants of this module
# and assessments/snapshots.py (column and table names, level codes);
# values are parameters.
"""Per-commune rollups of the yearly snapshots (issue #15).

A report of the whole country summed every unit row of the year (~350,000
rows, twice or more per report: bench/RESULTS-reports.md). Once every
grassroots organization under a commune is approved, its rows do not change
until one of them is reopened; so they are summed then, once, into
``CommuneYearRollup`` rows keyed by the commune's path, and the rows are
marked ``rolled_up``. A report whose root is not inside a commune sums the
rollups of its range plus the rows not rolled up (agencies and enterprises
outside communes, communes still waiting): about one rollup row per commune
and kind of unit instead of every unit (assessments/reports/figures.py).

Only a commune no other commune contains in the year's tree is rolled up (a
ward's grassroots committee inside a new commune is counted in the new
commune's rollup, as a commune of its own: ``commune_id`` is kept), so a
row is in at most one rollup. Whatever writes or deletes rows under a
commune calls ``communes_roll``, which removes the commune's rollup and
writes it again if the commune is still complete; ``rebuild_snapshots``
rewrites every rollup from the rows and ``rollups_verify`` proves them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from assessments.snapshots import (
    FIGURES,
    IS_COMMUNE,
    LINK_AT_END,
    NULLABLE,
    OPEN_AT_END,
    UNIT_TABLE,
    _params,
)

ROLLUP_TABLE = "assessments_communeyearrollup"
TIERS = (1, 2, 3, 4)
# What the reports tell apart; the rest is summed.
GROUPS = ["commune_id", "level", "kind", "open_at_end", "own"]
COUNTS = ["units", *(f"unit_tier_{t}" for t in TIERS)]
SUMMED = [f for f in FIGURES if f not in NULLABLE]
SUM_COLUMNS = GROUPS + COUNTS + SUMMED


def as_sums(alias: str) -> str:
    """The columns ``SUM_COLUMNS`` of one snapshot row ``alias`` (one unit,
    counted at its tier)."""
    return ", ".join(
        [
            *(f"{alias}.{g}" for g in GROUPS[:-1]),
            f"coalesce({alias}.unit_id = {alias}.commune_id, false) AS own",
            "1 AS units",
            *(
                f"coalesce(({alias}.tier = {t})::int, 0) AS unit_tier_{t}"
                for t in TIERS
            ),
            *(f"{alias}.{f}" for f in SUMMED),
        ]
    )


def upper_sql(path: str) -> str:
    """The first path after every path that starts with ``path`` (in SQL;
    ``reports.figures.upper`` in Python)."""
    return f"({path}[1:cardinality({path}) - 1] || ({path}[cardinality({path})] + 1))"


# The rollup rows of the communes ``{communes}`` (a FROM item ``c`` with
# ``commune_id`` and ``path``), from their stored rows.
ROLLUP_SELECT = f"""
SELECT %(year)s::smallint AS year, c.commune_id AS unit_id, c.path,
       {", ".join(f"d.{g}" for g in GROUPS)},
       {", ".join(f"sum(d.{n})::int AS {n}" for n in COUNTS + SUMMED)}
FROM {{communes}}
CROSS JOIN LATERAL (
    SELECT {as_sums("s")} FROM {UNIT_TABLE} s
    WHERE s.year = %(year)s AND s.path >= c.path AND s.path < {upper_sql("c.path")}
) d
GROUP BY c.commune_id, c.path, {", ".join(f"d.{g}" for g in GROUPS)}
"""
ROLLUP_INSERT = (
    f"INSERT INTO {ROLLUP_TABLE} (year, unit_id, path, {', '.join(SUM_COLUMNS)}, "
    f"written_at) SELECT *, now() FROM ({ROLLUP_SELECT}) AS rollup"
)
# Mark (or unmark) the rows under the communes ``{communes}``.
FLAG_SQL = f"""
UPDATE {UNIT_TABLE} s SET rolled_up = %(rolled)s FROM {{communes}}
WHERE s.year = %(year)s AND s.path >= c.path AND s.path < {upper_sql("c.path")}
  AND s.rolled_up <> %(rolled)s
"""
ONE_COMMUNE = "(SELECT %(commune)s::bigint AS commune_id, %(path)s::bigint[] AS path) c"

# The first commune-level unit on a path of the year's tree, and its depth.
OUTER_SQL = f"""
SELECT p.id, p.n FROM unnest(%(path)s::bigint[]) WITH ORDINALITY AS p(id, n)
JOIN organizations_unit u ON u.id = p.id
WHERE {IS_COMMUNE}
ORDER BY p.n LIMIT 1
"""
# A commune's year is complete when its own row is in and every grassroots
# organization under it on 31 December is approved (the commune itself,
# when it is one).
COMPLETE_SQL = f"""
WITH RECURSIVE below(id, level) AS (
    SELECT u.id, u.level FROM organizations_unit u WHERE u.id = %(commune)s
  UNION ALL
    SELECT u.id, u.level FROM below b
    JOIN organizations_unitlink l ON l.parent_id = b.id AND {LINK_AT_END}
    JOIN organizations_unit u ON u.id = l.child_id
         AND u.opened_on <= %(end)s AND {OPEN_AT_END}
    WHERE NOT b.level = ANY(%(grassroots)s)
)
SELECT EXISTS (SELECT 1 FROM {UNIT_TABLE} s
               WHERE s.year = %(year)s AND s.unit_id = %(commune)s)
   AND NOT EXISTS (
        SELECT 1 FROM below b
        WHERE b.level = ANY(%(grassroots)s)
          AND NOT EXISTS (SELECT 1 FROM {UNIT_TABLE} s
                          WHERE s.year = %(year)s AND s.unit_id = b.id))
"""


def communes_roll(
    cursor: Any, year: int, *, paths: Iterable[list[int]], ids: Iterable[int] = ()
) -> None:
    """Write again the rollups touched by a change: that of the outermost
    commune on each of ``paths``, and every rollup whose commune is among
    ``ids`` (the units on the paths of rolled-up rows just deleted or
    moved). Each is removed, then written if its commune is complete."""
    communes: dict[int, list[int]] = {}
    for path in {tuple(p) for p in paths}:
        cursor.execute(OUTER_SQL, _params(year, path=list(path)))
        found = cursor.fetchone()
        if found is not None:
            communes[found[0]] = list(path[: found[1]])
    ids = sorted(set(ids))
    if ids:
        cursor.execute(
            f"SELECT DISTINCT unit_id, path FROM {ROLLUP_TABLE} "
            "WHERE year = %s AND unit_id = ANY(%s)",
            [year, ids],
        )
        communes.update(cursor.fetchall())
    for commune, path in sorted(communes.items()):
        params = _params(year, commune=commune, path=path)
        cursor.execute(
            f"DELETE FROM {ROLLUP_TABLE} WHERE year = %(year)s AND unit_id = %(commune)s",
            params,
        )
        cursor.execute(COMPLETE_SQL, params)
        complete = cursor.fetchone()[0]
        if complete:
            cursor.execute(ROLLUP_INSERT.format(communes=ONE_COMMUNE), params)
        # Only the rows whose mark changes are written.
        cursor.execute(
            FLAG_SQL.format(communes=ONE_COMMUNE), params | {"rolled": complete}
        )


# --- The whole year (rebuild_snapshots) -------------------------------------

COMPLETE_TABLE = "snapshot_complete_communes"


def stage_complete(cursor: Any, year: int, walk: str) -> None:
    """The outermost communes of the year's tree ``walk`` (a staged table of
    ``snapshots.walk_sql``) with every grassroots organization under them
    approved (``snapshot_approved``), in a temporary table."""
    cursor.execute(f"DROP TABLE IF EXISTS {COMPLETE_TABLE}")
    cursor.execute(
        f"""CREATE TEMPORARY TABLE {COMPLETE_TABLE} ON COMMIT DROP AS
        WITH waiting AS (
            SELECT DISTINCT p.id FROM {walk} g CROSS JOIN unnest(g.path) AS p(id)
            WHERE g.level = ANY(%(grassroots)s) AND g.open_at_end
              AND g.unit_id NOT IN (SELECT organization_id FROM snapshot_approved)
        )
        SELECT w.unit_id AS commune_id, w.path FROM {walk} w
        WHERE w.unit_id = w.commune_id
          AND w.unit_id NOT IN (SELECT id FROM waiting)
          AND NOT EXISTS (
              SELECT 1 FROM {walk} a
              WHERE a.unit_id = ANY(w.path[1:cardinality(w.path) - 1])
                AND a.unit_id = a.commune_id)""",
        _params(year),
    )
    cursor.execute(f"CREATE INDEX ON {COMPLETE_TABLE} (commune_id)")
    cursor.execute(f"ANALYZE {COMPLETE_TABLE}")


def under_complete(alias: str) -> str:
    """Whether the row ``alias`` stands under a complete commune
    (``stage_complete``): its ``rolled_up`` mark."""
    return (
        f"EXISTS (SELECT 1 FROM unnest({alias}.path) AS p(id) "
        f"JOIN {COMPLETE_TABLE} c ON c.commune_id = p.id)"
    )


def year_rollups_write(cursor: Any, year: int) -> int:
    """Every rollup of the year from its stored rows, written marked
    (``under_complete``) after ``stage_complete``; returns the number of
    communes rolled up."""
    communes = f"{COMPLETE_TABLE} c"
    params = _params(year)
    cursor.execute(f"DELETE FROM {ROLLUP_TABLE} WHERE year = %(year)s", params)
    cursor.execute(ROLLUP_INSERT.format(communes=communes), params)
    cursor.execute(f"SELECT count(*) FROM {COMPLETE_TABLE}")
    return cursor.fetchone()[0]


def year_rollups_verify(cursor: Any, year: int) -> list[tuple[int, str]]:
    """Compare the stored rollups of ``year`` with the complete communes
    (``stage_complete``) and the sums of their rows; an empty list means
    they agree. Each difference: (commune or unit id, what)."""
    params = _params(year)
    found: list[tuple[int, str]] = []
    cursor.execute(
        f"""SELECT coalesce(c.commune_id, r.unit_id), c.commune_id IS NULL
        FROM {COMPLETE_TABLE} c
        FULL JOIN (SELECT DISTINCT unit_id FROM {ROLLUP_TABLE}
                   WHERE year = %(year)s) r ON r.unit_id = c.commune_id
        WHERE c.commune_id IS NULL OR r.unit_id IS NULL ORDER BY 1""",
        params,
    )
    for unit_id, extra in cursor.fetchall():
        found.append(
            (unit_id, "tổng hợp xã thừa" if extra else "thiếu tổng hợp xã đã đủ duyệt")
        )
    # The sums of the communes both complete and rolled up (the others are
    # named above).
    keys = ["unit_id", *GROUPS]
    values = COUNTS + SUMMED
    cursor.execute(
        f"""WITH both_ AS (
            SELECT * FROM {COMPLETE_TABLE} WHERE commune_id IN (
                SELECT unit_id FROM {ROLLUP_TABLE} WHERE year = %(year)s)),
        fresh AS ({ROLLUP_SELECT.format(communes="both_ c")}),
        stored AS (SELECT * FROM {ROLLUP_TABLE} WHERE year = %(year)s
                   AND unit_id IN (SELECT commune_id FROM both_))
        SELECT DISTINCT coalesce(s.unit_id, f.unit_id)
        FROM stored s FULL JOIN fresh f USING ({", ".join(keys)})
        WHERE ROW({", ".join(f"s.{v}" for v in values)})
              IS DISTINCT FROM ROW({", ".join(f"f.{v}" for v in values)})
        ORDER BY 1""",
        params,
    )
    found += [(row[0], "tổng hợp xã khác số liệu các đơn vị") for row in cursor]
    cursor.execute(
        f"""SELECT s.unit_id FROM {UNIT_TABLE} s
        WHERE s.year = %(year)s AND s.rolled_up <> {under_complete("s")}
        ORDER BY 1 LIMIT 20""",
        params,
    )
    found += [(row[0], "đánh dấu đã tổng hợp sai") for row in cursor.fetchall()]
    return found
