"""Tree queries: a subtree as of a date, ancestors, lineage — one SQL query each.

Every query here is a single recursive CTE over ``UnitLink`` (indexed on
parent and dates), never a loop in Python: a province has ~12,000 units, the
country ~360,000 (DOMAIN.md §6).
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from partyquality.search import fold

LINK = "organizations_unitlink"
PRED = "organizations_unitevent_predecessors"
SUCC = "organizations_unitevent_successors"

# Units under any of the roots on a day (roots included).
SUBTREE_ON_DAY_SQL = f"""
WITH RECURSIVE sub(id) AS (
    SELECT unnest(%s::bigint[])
  UNION
    SELECT l.child_id FROM {LINK} l JOIN sub ON l.parent_id = sub.id
    WHERE l.valid_from <= %s AND (l.valid_to IS NULL OR l.valid_to > %s)
)
SELECT id FROM sub
"""

# Units that were ever under the roots, and the predecessors they absorbed:
# the reach of an assignment across the tree's whole history, so that a 2026
# commune officer can read 2024 data of the communes merged into theirs.
EVER_EDGES = f"""(
    SELECT parent_id, child_id FROM {LINK}
    UNION ALL
    SELECT s.unit_id AS parent_id, p.unit_id AS child_id
    FROM {SUCC} s JOIN {PRED} p ON p.unitevent_id = s.unitevent_id
)"""
SUBTREE_EVER_SQL = f"""
WITH RECURSIVE sub(id) AS (
    SELECT unnest(%s::bigint[])
  UNION
    SELECT e.child_id FROM {EVER_EDGES} e JOIN sub ON e.parent_id = sub.id
)
SELECT id FROM sub
"""

# Each unit's province (``Unit.province``): the open province whose reach
# holds it — the smaller id when a unit moved between provinces; none for a
# unit in no open province's reach. Only the rows that change are written (a
# trigger copies each change onto the unit's memberships).
PLACE_IN_PROVINCES_SQL = f"""
WITH RECURSIVE reach(province_id, id) AS (
    SELECT u.id, u.id FROM organizations_unit u
    WHERE u.level = 'province' AND u.opened_on <= %(day)s
      AND (u.closed_on IS NULL OR u.closed_on > %(day)s)
  UNION
    SELECT reach.province_id, e.child_id FROM {EVER_EDGES} e
    JOIN reach ON e.parent_id = reach.id
),
placed AS (SELECT id, min(province_id) AS province_id FROM reach GROUP BY id)
UPDATE organizations_unit u SET province_id = placed.province_id
FROM organizations_unit everyone LEFT JOIN placed ON placed.id = everyone.id
WHERE u.id = everyone.id AND u.province_id IS DISTINCT FROM placed.province_id
"""

ANCESTORS_ON_DAY_SQL = f"""
WITH RECURSIVE up(id, depth) AS (
    SELECT %s::bigint, 0
  UNION ALL
    SELECT l.parent_id, up.depth + 1 FROM {LINK} l JOIN up ON l.child_id = up.id
    WHERE l.valid_from <= %s AND (l.valid_to IS NULL OR l.valid_to > %s)
      AND up.depth < 50
)
SELECT id FROM up ORDER BY depth DESC
"""


# Is the unit under one of the roots on a day? Up the tree of that day; a
# unit that was merged or split away (a predecessor of a merger, a split or
# a reorganization) is followed to its successors on the event's day, so the
# records of the communes merged in 2025 stay with the commune they became.
# A move (the unit its own successor) is not followed: a unit that moved
# stays with its former parent only for what happened while it was there
# (issue #16, "dated access").
REACHED_ON_SQL = f"""
WITH RECURSIVE up(id, day, depth) AS (
    SELECT %(unit)s::bigint, %(day)s::date, 0
  UNION
    SELECT e.parent_id, COALESCE(e.at, up.day), up.depth + 1
    FROM (
        SELECT child_id, parent_id, valid_from, valid_to, NULL::date AS at
        FROM {LINK}
      UNION ALL
        SELECT p.unit_id, s.unit_id, NULL::date, ev.date, ev.date
        FROM {PRED} p
        JOIN {SUCC} s ON s.unitevent_id = p.unitevent_id AND s.unit_id <> p.unit_id
        JOIN organizations_unitevent ev ON ev.id = p.unitevent_id
    ) e
    JOIN up ON e.child_id = up.id
    WHERE (e.valid_from IS NULL OR e.valid_from <= up.day)
      AND (e.valid_to IS NULL OR e.valid_to > up.day)
      AND up.depth < 50
)
SELECT EXISTS (SELECT 1 FROM up WHERE id = ANY(%(roots)s::bigint[]))
"""


def reached_on(root_ids: list[int], unit_id: int, day: datetime.date) -> bool:
    """Whether ``unit_id`` was under one of ``root_ids`` on ``day`` (itself
    included), or became, by a merger or split after ``day``, a unit that was."""
    if not root_ids:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            REACHED_ON_SQL, {"unit": unit_id, "day": day, "roots": list(root_ids)}
        )
        return bool(cursor.fetchone()[0])


# The reach of roots with dates (issue #16, "dated access"): each unit ever
# under them with the days it was, the same walk as REACHED_ON_SQL taken from
# the top. A link gives its child the days it shares with its parent's; the
# predecessors of a merger or split (not of a move: a unit its own
# successor) get every day before the event when their successor was
# reached on the event's day, so a merged commune's past stays with the
# commune it became. ``whole``: reached on every day the unit existed — the
# common case, tested by id alone; the others carry their days.
DATED_REACH_SQL = f"""
WITH RECURSIVE down(id, span) AS (
    SELECT unnest(%(roots)s::bigint[]), daterange(NULL, NULL)
  UNION
    SELECT e.child_id, e.span
    FROM down CROSS JOIN LATERAL (
        SELECT l.child_id, down.span * daterange(l.valid_from, l.valid_to) AS span
        FROM {LINK} l
        WHERE l.parent_id = down.id
          -- Not ``&&``: that would walk the links' whole range index per row.
          AND NOT isempty(down.span * daterange(l.valid_from, l.valid_to))
      UNION ALL
        SELECT p.unit_id, daterange(NULL, ev.date)
        FROM {SUCC} s
        CROSS JOIN LATERAL (
            SELECT date FROM organizations_unitevent WHERE id = s.unitevent_id
        ) ev
        JOIN {PRED} p ON p.unitevent_id = s.unitevent_id AND p.unit_id <> s.unit_id
        WHERE s.unit_id = down.id AND down.span @> ev.date
    ) e
),
spans AS (SELECT id, range_agg(span) AS spans FROM down GROUP BY id)
SELECT spans.id, spans.spans @> daterange(u.opened_on, u.closed_on), spans.spans,
       u.closed_on
FROM spans CROSS JOIN LATERAL (
    SELECT opened_on, closed_on FROM organizations_unit WHERE id = spans.id
) u
ORDER BY spans.id
"""

Span = tuple[datetime.date | None, datetime.date | None]


def dated_reach(
    root_ids: list[int],
) -> tuple[list[int], dict[int, list[Span]], dict[int, datetime.date]]:
    """The units under the roots on every day of their life, and the others
    with the half-open periods ``[from, to)`` (None: unbounded) they were and,
    for those closed, the day they closed (a year's tree is the day before)."""
    whole: list[int] = []
    partial: dict[int, list[Span]] = {}
    closed: dict[int, datetime.date] = {}
    if not root_ids:
        return whole, partial, closed
    with connection.cursor() as cursor:
        cursor.execute(DATED_REACH_SQL, {"roots": list(root_ids)})
        for unit_id, is_whole, spans, closed_on in cursor.fetchall():
            if is_whole:
                whole.append(unit_id)
                continue
            partial[unit_id] = [(span.lower, span.upper) for span in spans]
            if closed_on is not None:
                closed[unit_id] = closed_on
    return whole, partial, closed


def subtree_ids_sql(root_ids: list[int], day: datetime.date) -> RawSQL:
    """A subquery of the ids of the roots and everything under them on ``day``."""
    return RawSQL(SUBTREE_ON_DAY_SQL, (list(root_ids), day, day))


# The units of one level under each root on the root's own day, with the
# root (``sheet_root``), by name: many grassroots organizations' cells at once
# (the board's classification import, issue #19). For ``Unit.objects.raw``.
SUBTREES_ON_DAYS_SQL = f"""
WITH RECURSIVE sub(root, id, day) AS (
    SELECT r, r, d FROM unnest(%s::bigint[], %s::date[]) AS t(r, d)
  UNION
    SELECT sub.root, l.child_id, sub.day FROM {LINK} l JOIN sub ON l.parent_id = sub.id
    WHERE l.valid_from <= sub.day AND (l.valid_to IS NULL OR l.valid_to > sub.day)
)
SELECT u.*, sub.root AS sheet_root FROM sub
JOIN organizations_unit u ON u.id = sub.id
WHERE u.level = %s ORDER BY u.sort_name, u.id
"""


def subtree_ever_ids_sql(root_ids: list[int]) -> RawSQL:
    return RawSQL(SUBTREE_EVER_SQL, (list(root_ids),))


def subtree_ever_ids(root_ids: list[int]) -> list[int]:
    """Ids of the roots, every unit ever under them and their predecessors."""
    with connection.cursor() as cursor:
        cursor.execute(SUBTREE_EVER_SQL, [list(root_ids)])
        return [row[0] for row in cursor.fetchall()]


# The same for the units under ``roots`` (ever) only, from their ancestors
# (ever): a unit's province is the smallest open province among them. What a
# change of the tree can move is under the units it names (a merger's old and
# new units, a moved unit): placing the country again took 2.3 s nationally.
PLACE_UNDER_SQL = f"""
WITH RECURSIVE under(id) AS (
    SELECT unnest(%(roots)s::bigint[])
  UNION
    SELECT e.child_id FROM {EVER_EDGES} e JOIN under ON e.parent_id = under.id
),
up(unit_id, ancestor_id) AS (
    SELECT id, id FROM under
  UNION
    SELECT up.unit_id, e.parent_id FROM {EVER_EDGES} e JOIN up ON e.child_id = up.ancestor_id
),
placed AS (
    SELECT up.unit_id AS id, min(p.id) AS province_id
    FROM up LEFT JOIN organizations_unit p ON p.id = up.ancestor_id
      AND p.level = 'province' AND p.opened_on <= %(day)s
      AND (p.closed_on IS NULL OR p.closed_on > %(day)s)
    GROUP BY up.unit_id
)
UPDATE organizations_unit u SET province_id = placed.province_id
FROM placed
WHERE u.id = placed.id AND u.province_id IS DISTINCT FROM placed.province_id
"""


def place_in_provinces(
    day: datetime.date | None = None, *, under: list[int] | None = None
) -> int:
    """Set the ``province`` of every unit (or of those ever ``under`` the
    given units) from the tree as of ``day`` (today); return how many units
    changed. Every change of the tree calls it with the units it names."""
    day = day or timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        if under is None:
            cursor.execute(PLACE_IN_PROVINCES_SQL, {"day": day})
        else:
            cursor.execute(PLACE_UNDER_SQL, {"day": day, "roots": list(under)})
        return cursor.rowcount


def ancestor_ids(unit_id: int, day: datetime.date) -> list[int]:
    """Ids from the top of the tree down to ``unit_id`` itself, on ``day``."""
    with connection.cursor() as cursor:
        cursor.execute(ANCESTORS_ON_DAY_SQL, [unit_id, day, day])
        return [row[0] for row in cursor.fetchall()]


# The top units and the children of the expanded ones, open on the day, each
# with its parent among them (NULL for a top unit): the unit filter of the
# lists shows the tree down to the chosen unit, not every unit at once.
OUTLINE_SQL = f"""
SELECT NULL::bigint AS parent_id, u.id, u.name
FROM organizations_unit u
WHERE (u.id = ANY(%(tops)s::bigint[]) OR (%(all_provinces)s AND u.level = 'province'))
  AND u.opened_on <= %(day)s AND (u.closed_on IS NULL OR u.closed_on > %(day)s)
UNION ALL
SELECT l.parent_id, u.id, u.name
FROM {LINK} l JOIN organizations_unit u ON u.id = l.child_id
WHERE l.parent_id = ANY(%(expanded)s::bigint[])
  AND l.valid_from <= %(day)s AND (l.valid_to IS NULL OR l.valid_to > %(day)s)
  AND u.opened_on <= %(day)s AND (u.closed_on IS NULL OR u.closed_on > %(day)s)
"""


def outline(
    *,
    tops: list[int],
    all_provinces: bool,
    expanded: list[int],
    day: datetime.date,
) -> list[tuple[int, str, int]]:
    """(id, name, depth) in tree order: the top units (``tops``, or every
    province), and under each unit of ``expanded`` its children, by name."""
    with connection.cursor() as cursor:
        cursor.execute(
            OUTLINE_SQL,
            {
                "tops": list(tops),
                "all_provinces": all_provinces,
                "expanded": list(expanded),
                "day": day,
            },
        )
        rows = cursor.fetchall()
    children: dict[int | None, list[tuple[str, int]]] = {}
    for parent_id, unit_id, name in rows:
        children.setdefault(parent_id, []).append((name, unit_id))
    result: list[tuple[int, str, int]] = []
    seen: set[int] = set()

    def walk(parent_id: int | None, depth: int) -> None:
        for name, unit_id in sorted(
            children.get(parent_id, []), key=lambda child: (fold(child[0]), child[1])
        ):
            if unit_id in seen:  # a unit listed as a top and as a child
                continue
            seen.add(unit_id)
            result.append((unit_id, name, depth))
            if unit_id in expanded:
                walk(unit_id, depth + 1)

    walk(None, 0)
    return result
