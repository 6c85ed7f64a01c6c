"""Exporting a subtree in the tree workbook's format (issue #19 §1): importing
the file elsewhere — under another parent, or into another database where the
parent has the same code — builds the same units, links and lineage.

The format holds one parent per unit: a unit moved during its life is
written under its last parent. Each unit's opening decision is the event that
started it, its closing decision and successor the event that ended it (the
first successor by code, for a split).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from organizations.models import Unit
from organizations.tree import subtree_ever_ids
from organizations.tree_spreadsheet import TREE_SPEC
from partyquality.importing import _query
from partyquality.xlsx import Sheet, build_workbook

EXPORT_SQL = """
SELECT u.id, u.code, u.name, u.level, u.kind, u.opened_on, u.closed_on,
       u.is_difficult_area, u.sort_name,
       (SELECT l.parent_id FROM organizations_unitlink l WHERE l.child_id = u.id
        ORDER BY l.valid_from DESC LIMIT 1)
FROM organizations_unit u WHERE u.id = ANY(%s)
"""
KEYS = (
    "id",
    "code",
    "name",
    "level",
    "kind",
    "opened_on",
    "closed_on",
    "is_difficult_area",
    "sort_name",
    "parent_id",
)
# The decision that opened each unit (an event naming it as a successor only,
# on its opening day) and the one that closed it, with its successors.
OPENING_SQL = """
SELECT s.unit_id, min(e.decision_number)
FROM organizations_unitevent_successors s
JOIN organizations_unitevent e ON e.id = s.unitevent_id
JOIN organizations_unit u ON u.id = s.unit_id AND u.opened_on = e.date
WHERE s.unit_id = ANY(%s) AND NOT EXISTS (
    SELECT 1 FROM organizations_unitevent_predecessors p
    WHERE p.unitevent_id = e.id AND p.unit_id = s.unit_id)
GROUP BY s.unit_id
"""
CLOSING_SQL = """
SELECT p.unit_id, e.decision_number,
       (SELECT min(su.code) FROM organizations_unitevent_successors s
        JOIN organizations_unit su ON su.id = s.unit_id
        WHERE s.unitevent_id = e.id AND s.unit_id <> p.unit_id)
FROM organizations_unitevent_predecessors p
JOIN organizations_unitevent e ON e.id = p.unitevent_id
JOIN organizations_unit u ON u.id = p.unit_id AND u.closed_on = e.date
WHERE p.unit_id = ANY(%s)
ORDER BY p.unit_id, e.id
"""


def tree_rows(root: Unit) -> list[list[Any]]:
    """The rows of ``root`` and every unit ever under it, each parent before
    its children, children in Vietnamese name order."""
    ids = subtree_ever_ids([root.pk])
    units = {r[0]: dict(zip(KEYS, r, strict=True)) for r in _query(EXPORT_SQL, [ids])}
    parent_ids = {u["parent_id"] for u in units.values() if u["parent_id"]}
    codes = dict(
        _query(
            "SELECT id, code FROM organizations_unit WHERE id = ANY(%s)",
            [sorted(parent_ids)],
        )
    )
    opening = dict(_query(OPENING_SQL, [ids]))
    closing: dict[int, tuple[str, str | None]] = {}
    for unit_id, decision, successor in _query(CLOSING_SQL, [ids]):
        closing.setdefault(unit_id, (decision, successor))
    children: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for unit in units.values():
        inside = unit["id"] != root.pk and unit["parent_id"] in units
        children[unit["parent_id"] if inside else None].append(unit)
    rows: list[list[Any]] = []
    # The root first, then the predecessors it absorbed from elsewhere.
    stack = sorted(children[None], key=_order, reverse=True)
    stack.sort(key=lambda u: u["id"] == root.pk)  # (stable: popped first)
    seen: set[int] = set()
    while stack:
        unit = stack.pop()
        if unit["id"] in seen:  # (last parents that loop across the years)
            continue
        seen.add(unit["id"])
        decision, successor = closing.get(unit["id"], ("", None))
        rows.append(
            [
                unit["code"],
                unit["name"],
                unit["level"],
                unit["kind"],
                codes.get(unit["parent_id"], ""),
                unit["opened_on"],
                opening.get(unit["id"], ""),
                unit["closed_on"],
                decision if unit["closed_on"] else "",
                successor or "" if unit["closed_on"] else "",
                "Có" if unit["is_difficult_area"] else "Không",
            ]
        )
        stack.extend(sorted(children[unit["id"]], key=_order, reverse=True))
    return [_labels(row) for row in rows]


def _order(unit: dict[str, Any]) -> tuple[Any, ...]:
    return (unit["sort_name"], unit["opened_on"], unit["id"])


_LEVELS = dict(TREE_SPEC.columns[2].choices)
_KINDS = dict(TREE_SPEC.columns[3].choices)


def _labels(row: list[Any]) -> list[Any]:
    row[2], row[3] = _LEVELS.get(row[2], row[2]), _KINDS.get(row[3], row[3])
    return row


def tree_workbook(root: Unit) -> bytes:
    return build_workbook(
        [Sheet(TREE_SPEC.sheet_title, TREE_SPEC.headers, tree_rows(root))]
    )
