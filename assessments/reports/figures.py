# ruff: noqa: S608 — SQL assembled from constants of assessments.snapshots;
# values are parameters.
"""What a report counts for one year: the snapshot rows of its subtree.

Official figures (the default) are the rows of ``UnitYearSnapshot`` written
when each organization's year was approved: one range of the ``(year,
path)`` index per root of the report, whatever the size of the subtree.
With "tạm tính" the units not approved yet are computed now by the same SQL
(``snapshots.live_rows_sql``) and added, once per report and year, from a
temporary table; the report says so everywhere it is shown (DOMAIN.md §8).

A report whose root is not inside a commune sums the rollups of the
complete communes in its range and the rows not rolled up
(``YearRows.sums``; assessments/snapshot_rollups.py): about one row per
commune and kind of unit rather than one per unit. Lists of units (the weak
ones, the named posts) read the rows themselves.

Beside every table a report prints how many grassroots organizations of the
subtree are approved ("58/63 tổ chức cơ sở đảng đã được duyệt"), counted on
the year's tree down to the complete communes, whose counts their rollups
keep.
"""

from __future__ import annotations

import datetime
import itertools
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from assessments import snapshot_posts, snapshots
from assessments.snapshot_posts import POST_FIGURES
from assessments.snapshot_rollups import ROLLUP_TABLE, SUM_COLUMNS, as_sums
from assessments.snapshots import (
    COMMUNE_KINDS,
    COMMUNE_LEVELS,
    GAP_TABLE,
    IS_COMMUNE,
    LINK_AT_END,
    OPEN_AT_END,
    POST_TABLE,
    ROOTS_CTE,
    UNIT_COLUMNS,
    UNIT_TABLE,
)
from partyquality import numbers
from partyquality.lookups import IdArray

_temporary = itertools.count(1)

# Each root's path, and whether a commune-level unit stands above it (its
# subtree is then part of a commune's rollup, never a whole one).
ROOT_PATHS_SQL = f"""
WITH RECURSIVE {ROOTS_CTE}
SELECT unit_id, path, EXISTS (
    SELECT 1 FROM organizations_unit u
    WHERE u.id = ANY(path[1:cardinality(path) - 1]) AND {IS_COMMUNE})
FROM start ORDER BY path
"""

# The grassroots organizations and commune-level units of the subtree on
# 31 December, walked from the roots down to grassroots level (not into the
# cells) and not into a commune whose rollup is written (all approved: its
# rollup counts them), and how many of them have their year in the
# snapshot. ``{visible}``: the user's reach when the root is not all theirs
# (the rollups are then not read).
APPROVAL_SQL = f"""
WITH RECURSIVE below(id, level, kind, rolled) AS (
    SELECT u.id, u.level, u.kind, {{rolled}} FROM organizations_unit u
    WHERE u.id = ANY(%(roots)s)
  UNION ALL
    SELECT u.id, u.level, u.kind, {{rolled}} FROM below b
    JOIN organizations_unitlink l ON l.parent_id = b.id AND {LINK_AT_END}
    JOIN organizations_unit u ON u.id = l.child_id
         AND u.opened_on <= %(end)s AND {OPEN_AT_END}
    WHERE NOT b.level = ANY(%(grassroots)s) AND NOT b.rolled
), counted AS (
    SELECT b.*, EXISTS (SELECT 1 FROM {UNIT_TABLE} s
                        WHERE s.year = %(year)s AND s.unit_id = b.id) AS approved
    FROM below b WHERE NOT b.rolled {{visible}}
), walked AS (
    SELECT count(*) FILTER (WHERE level = ANY(%(grassroots)s)) AS total,
           count(*) FILTER (WHERE level = ANY(%(grassroots)s) AND approved)
               AS approved,
           count(*) FILTER (WHERE kind = ANY(%(commune_kinds)s)
                              AND level = ANY(%(commune_levels)s)) AS communes,
           count(*) FILTER (WHERE kind = ANY(%(commune_kinds)s)
                              AND level = ANY(%(commune_levels)s) AND approved)
               AS communes_approved
    FROM counted
), rolled AS (
    SELECT coalesce(sum(r.total), 0) AS total,
           coalesce(sum(r.communes), 0) AS communes
    FROM below b
    -- Summed per complete commune, through the (year, unit) index (a plain
    -- join was planned as a scan of every rollup of the year).
    CROSS JOIN LATERAL (
        SELECT sum(r.units) FILTER (WHERE r.level = ANY(%(grassroots)s)
                                      AND r.open_at_end) AS total,
               sum(r.units) FILTER (WHERE r.own AND r.open_at_end
                                      AND r.kind = ANY(%(commune_kinds)s)
                                      AND r.level = ANY(%(commune_levels)s))
                   AS communes
        FROM {ROLLUP_TABLE} r WHERE r.year = %(year)s AND r.unit_id = b.id) r
    WHERE b.rolled
)
SELECT walked.total + rolled.total, walked.approved + rolled.total,
       walked.communes + rolled.communes,
       walked.communes_approved + rolled.communes
FROM walked, rolled
"""
ROLLED = f"""EXISTS (SELECT 1 FROM {ROLLUP_TABLE} r
                      WHERE r.year = %(year)s AND r.unit_id = u.id)"""


@dataclass(frozen=True)
class Approval:
    """How much of a year of the subtree is approved."""

    year: int
    approved: int
    total: int
    communes_approved: int = 0
    communes: int = 0

    @property
    def complete(self) -> bool:
        return self.approved == self.total

    def __str__(self) -> str:
        return _("{approved}/{total} tổ chức cơ sở đảng đã được duyệt").format(
            approved=numbers.grouped(self.approved), total=numbers.grouped(self.total)
        )


def upper(path: list[int]) -> list[int]:
    """The first path after every path that starts with ``path``."""
    return [*path[:-1], path[-1] + 1]


class YearRows:
    """The figure rows of a report's subtree in one year.

    ``roots``: the units open on 31 December that stand for the report's root
    that year (itself, or what it was formed from). ``reach``: the ids the
    user may see, when the root's subtree is not all theirs (else None).
    """

    def __init__(
        self,
        *,
        year: int,
        roots: list[int],
        provisional: bool,
        reach: IdArray | None = None,
    ) -> None:
        self.year = year
        self.roots = roots
        self.provisional = provisional
        self.reach = reach
        self._paths: list[list[int]] | None = None
        self._inside_commune = False
        self._live: str | None = None
        self._live_posts: tuple[str, str] | None = None
        self._approval: Approval | None = None

    # -- the subtree --------------------------------------------------------

    def params(self, **more: Any) -> dict[str, Any]:
        return snapshots._params(self.year, roots=self.roots, **more)

    @property
    def paths(self) -> list[list[int]]:
        """The roots' paths in the year's tree, none inside another's."""
        if self._paths is None:
            if not self.roots:
                self._paths = []
            else:
                with connection.cursor() as cursor:
                    cursor.execute(ROOT_PATHS_SQL, self.params())
                    found = cursor.fetchall()
                paths = [row[1] for row in found]
                self._inside_commune = any(row[2] for row in found)
                self._paths = [
                    p
                    for p in paths
                    if not any(o != p and p[: len(o)] == o for o in paths)
                ]
        return self._paths

    def _ranges(self, alias: str, params: dict[str, Any]) -> str:
        """``alias.path`` within one root's range, for any root."""
        if not self.paths:
            return "false"
        terms = []
        for i, path in enumerate(self.paths):
            params[f"lo{i}"], params[f"hi{i}"] = path, upper(path)
            terms.append(
                f"({alias}.path >= %(lo{i})s::bigint[] AND {alias}.path < %(hi{i})s::bigint[])"
            )
        return "(" + " OR ".join(terms) + ")"

    def _visible(self, alias: str, params: dict[str, Any]) -> str:
        if self.reach is None:
            return ""
        params["reach"] = self.reach.text
        return f" AND {alias}.unit_id = ANY(%(reach)s::bigint[])"

    # -- the rows -----------------------------------------------------------

    def relation(self, params: dict[str, Any]) -> str:
        """A FROM item ``f`` of the year's unit rows (``UNIT_COLUMNS``);
        adds its parameters to ``params``."""
        params.update(self.params())
        columns = ", ".join(UNIT_COLUMNS)
        official = (
            f"SELECT {columns} FROM {UNIT_TABLE} s WHERE s.year = %(year)s"
            f" AND {self._ranges('s', params)}{self._visible('s', params)}"
        )
        if not self.provisional:
            return f"({official}) AS f"
        return f"({official} UNION ALL SELECT {columns} FROM {self.live()}) AS f"

    @property
    def rolled(self) -> bool:
        """Whether the sums read the communes' rollups: the root is not
        inside a commune (a rollup is then wholly in its range or wholly
        out), and the user sees the whole subtree."""
        return bool(self.paths) and not self._inside_commune and self.reach is None

    def sums(self, params: dict[str, Any]) -> str:
        """A FROM item ``f`` to sum the year's figures over
        (``snapshot_rollups.SUM_COLUMNS``: ``units`` counts units, ``own``
        marks a commune's own row): the rollups of the complete communes in
        range and the rows not rolled up, else the rows; adds its
        parameters to ``params``."""
        params.update(self.params())
        ranges = self._ranges("s", params)
        rows = f"SELECT {as_sums('s')} FROM {UNIT_TABLE} s WHERE s.year = %(year)s"
        if self.rolled:
            official = (
                f"SELECT {', '.join(SUM_COLUMNS)} FROM {ROLLUP_TABLE} s"
                f" WHERE s.year = %(year)s AND {ranges}"
                f" UNION ALL {rows} AND NOT s.rolled_up AND {ranges}"
            )
        else:
            official = f"{rows} AND {ranges}{self._visible('s', params)}"
        if not self.provisional:
            return f"({official}) AS f"
        return f"({official} UNION ALL SELECT {as_sums('l')} FROM {self.live()} l) AS f"

    def live(self) -> str:
        """The temporary table of the rows computed now for the units not
        approved (once per report and year; dropped at commit)."""
        if self._live is None:
            name = f"pq_live_units_{next(_temporary)}"
            params = self.params()
            sql = snapshots.live_rows_sql()
            where = "WHERE true" + self._visible("live", params)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS "
                    f"SELECT * FROM ({sql}) AS live {where}",
                    params,
                )
            self._live = name
        return self._live

    def posts(self, params: dict[str, Any]) -> str:
        """A FROM item ``p`` of the posts per commune-level unit and group."""
        params.update(self.params())
        columns = ", ".join(["unit_id", "path", "position_group", *POST_FIGURES])
        official = (
            f"SELECT {columns} FROM {POST_TABLE} s WHERE s.year = %(year)s"
            f" AND {self._ranges('s', params)}{self._visible('s', params)}"
        )
        if not self.provisional:
            return f"({official}) AS p"
        posts, _gaps = self._live_post_tables()
        return f"({official} UNION ALL SELECT {columns} FROM {posts}) AS p"

    def gaps(self, params: dict[str, Any]) -> str:
        """A FROM item ``g`` of who is below which standard."""
        params.update(self.params())
        columns = (
            "unit_id, path, person_id, position_id, dimension, status, expected_year"
        )
        official = (
            f"SELECT {columns} FROM {GAP_TABLE} s WHERE s.year = %(year)s"
            f" AND {self._ranges('s', params)}{self._visible('s', params)}"
        )
        if not self.provisional:
            return f"({official}) AS g"
        _posts, gaps = self._live_post_tables()
        return f"({official} UNION ALL SELECT {columns} FROM {gaps}) AS g"

    def _live_post_tables(self) -> tuple[str, str]:
        if self._live_posts is None:
            n = next(_temporary)
            posts, gaps = f"pq_live_posts_{n}", f"pq_live_gaps_{n}"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT unit_id, path FROM {self.live()} "
                    "WHERE kind = ANY(%(commune_kinds)s)",
                    self.params(),
                )
                groups, found = snapshot_posts.posts_standing(
                    cursor, self.year, dict(cursor.fetchall())
                )
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {posts} ON COMMIT DROP AS "
                    f"SELECT unit_id, path, position_group, {', '.join(POST_FIGURES)} "
                    f"FROM {POST_TABLE} WITH NO DATA"
                )
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {gaps} ON COMMIT DROP AS "
                    "SELECT unit_id, path, person_id, position_id, dimension, status, "
                    f"expected_year FROM {GAP_TABLE} WITH NO DATA"
                )
                # One statement per table, the rows as one JSON parameter.
                cursor.execute(
                    f"INSERT INTO {posts} SELECT * FROM "
                    f"json_populate_recordset(NULL::{posts}, %s::json)",
                    [
                        json.dumps(
                            [
                                {
                                    "unit_id": g.unit_id,
                                    "path": g.path,
                                    "position_group": g.group,
                                    **g.counts,
                                }
                                for g in groups
                            ]
                        )
                    ],
                )
                cursor.execute(
                    f"INSERT INTO {gaps} SELECT * FROM "
                    f"json_populate_recordset(NULL::{gaps}, %s::json)",
                    [json.dumps([g.__dict__ for g in found])],
                )
            self._live_posts = (posts, gaps)
        return self._live_posts

    # -- how much is approved -----------------------------------------------

    @property
    def approval(self) -> Approval:
        if self._approval is None:
            if not self.roots:
                self._approval = Approval(self.year, 0, 0)
            else:
                params = self.params(
                    commune_kinds=[str(k) for k in COMMUNE_KINDS],
                    commune_levels=[str(lv) for lv in COMMUNE_LEVELS],
                )
                visible, rolled = "", ROLLED
                if self.reach is not None:
                    params["reach"] = self.reach.text
                    visible, rolled = "AND b.id = ANY(%(reach)s::bigint[])", "false"
                sql = APPROVAL_SQL.format(visible=visible, rolled=rolled)
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    total, approved, communes, communes_done = cursor.fetchone()
                self._approval = Approval(
                    self.year, approved, total, communes_done, communes
                )
        return self._approval


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)
