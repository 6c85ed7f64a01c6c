"""Importing the tree of organizations from one workbook (issue #19 §1).

Every row is a unit (``organizations/tree_spreadsheet.py``). The whole file is
checked before anything is written: codes unique among the units open at the
same time (in the file and on record), every parent and successor found by
its code among the units open on the day it is needed, no cycle, a unit's
life inside its parent's, levels under the levels they belong to, and every
unit on record that the file names within the importer's reach. Then it is
written in one transaction: new units, their dated links, an establishing
event each with its decision, and the closings (merger into the successor,
or dissolution) with theirs.

A unit on record is the one with the row's code opened on the row's opening
date. The file may close it (with its decision); any other difference is
refused and left to the unit's own pages (rename, move), which keep the
history a row cannot. Re-importing the same file changes nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from organizations.access import is_admin, scope_reach, scope_unit_ids
from organizations.closed_years import closed_message, closed_years
from organizations.models import (
    EventKind,
    Level,
    Role,
    Unit,
    UnitEvent,
    UnitLink,
    parent_level_problem,
)
from organizations.tree import place_in_provinces, subtree_ever_ids
from organizations.tree_spreadsheet import TREE_SPEC
from partyquality.importing import (
    DUPLICATE_IN_FILE,
    ERROR,
    NEW,
    REQUIRED,
    UNCHANGED,
    UPDATED,
    Importer,
    RowResult,
    _query,
)

UNKNOWN_PARENT = _("Không có tổ chức mã “{code}” hoạt động vào ngày {date}.")
OUTSIDE_SCOPE = _("Tổ chức “{code}” nằm ngoài phạm vi bạn được cập nhật.")
CODE_TAKEN = _("Mã “{code}” đang được một tổ chức khác dùng trong thời gian này.")
PARENT_REQUIRED = _("Cần mã tổ chức cấp trên (chỉ đảng bộ tỉnh không có cấp trên).")
PARENT_IN_SCOPE_REQUIRED = _("Cần mã tổ chức cấp trên thuộc phạm vi bạn được cập nhật.")
CLOSES_BEFORE_OPENING = _("Ngày kết thúc phải sau ngày thành lập.")
ONLY_WHEN_CLOSED = _("Chỉ điền khi tổ chức đã kết thúc (có ngày kết thúc).")
OUTLIVES_PARENT = _(
    "Tổ chức cấp trên “{code}” kết thúc ngày {date}; tổ chức này phải kết thúc "
    "trước hoặc cùng ngày đó."
)
CYCLE = _("Vòng lặp trực thuộc: {codes}.")
DIFFERS = _(
    "Khác với hồ sơ ({fields}); sửa bằng chức năng đổi tên, chuyển trực thuộc "
    "trên trang của tổ chức, không qua nhập tệp."
)
CLOSED_OTHERWISE = _("Tổ chức đã kết thúc ngày {date} theo hồ sơ.")
HAS_OPEN_CHILDREN = _(
    "Còn {count} tổ chức trực thuộc hoạt động sau ngày kết thúc; hãy kết thúc "
    "chúng trong cùng tệp."
)
SUCCESSOR_IS_SELF = _("Tổ chức kế tục không được là chính tổ chức này.")
IMPORT_NOTE = _("Nhập từ bảng tính")

# Roles that may load a tree under their unit: the board's officers and
# administrators (organizations/models.py Role).
TREE_ROLES = (Role.ADMIN, Role.OFFICER)
COMPARED = ("name", "level", "kind", "is_difficult_area")

UNITS_SQL = """
SELECT u.id, u.code, u.name, u.level, u.kind, u.opened_on, u.closed_on,
       u.is_difficult_area,
       (SELECT l.parent_id FROM organizations_unitlink l WHERE l.child_id = u.id
        ORDER BY l.valid_from DESC LIMIT 1)
FROM organizations_unit u WHERE u.code = ANY(%s)
"""
UNIT_KEYS = (
    "id",
    "code",
    "name",
    "level",
    "kind",
    "opened_on",
    "closed_on",
    "is_difficult_area",
    "parent_id",
)
OPEN_CHILDREN_SQL = """
SELECT l.parent_id, c.code, c.opened_on FROM organizations_unitlink l
JOIN organizations_unit c ON c.id = l.child_id
WHERE l.parent_id = ANY(%s) AND l.valid_to IS NULL AND c.closed_on IS NULL
"""
FAR_FUTURE = datetime.date.max


def may_import_tree(user: Any) -> bool:
    return is_admin(user) or bool(scope_unit_ids(user, roles=TREE_ROLES))


def _day(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _overlap(a: tuple[Any, Any], b: tuple[Any, Any]) -> bool:
    return a[0] < (b[1] or FAR_FUTURE) and b[0] < (a[1] or FAR_FUTURE)


def _label(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value))


class TreeImporter(Importer):
    spec = TREE_SPEC

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.within_id: int | None = getattr(self.within, "pk", self.within)
        self.operator = self.user is None and self.within_id is None

    # --- Scope ---------------------------------------------------------------

    def allowed(self) -> set[int] | None:
        """Units on record the file may name; None: any (the operator)."""
        if self.operator:
            return None
        ids = set(subtree_ever_ids([self.within_id])) if self.within_id else None
        reach = scope_reach(self.user, roles=TREE_ROLES) if self.user else None
        if reach is not None:
            # Today's tree (a closed unit's last day): a unit moved away from
            # the user, or coming under them only later, is out of reach
            # (dated access, issue #16).
            now = reach.now_ids(self.today)
            ids = now if ids is None else ids & now
        return ids or set()

    # --- Checking ------------------------------------------------------------

    def check_duplicates(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        """The same code twice in the file for overlapping periods."""
        by_code: dict[str, list[tuple[RowResult, dict[str, Any]]]] = defaultdict(list)
        for row, v in parsed:
            if v["code"] and v["opened_on"]:
                by_code[v["code"]].append((row, v))
        column = self.column("code")
        for rows in by_code.values():
            for i, (row, v) in enumerate(rows):
                for other, w in rows[:i]:
                    if _overlap(
                        (v["opened_on"], v["closed_on"]),
                        (w["opened_on"], w["closed_on"]),
                    ):
                        row.error(column, DUPLICATE_IN_FILE.format(other=other.number))
                        other.error(column, DUPLICATE_IN_FILE.format(other=row.number))

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        col = self.column
        for row, v in parsed:
            row.label = v["code"] or ""
            v["is_difficult_area"] = bool(v["is_difficult_area"])
            self._check_own_dates(row, v)
        codes = {
            v[key]
            for _r, v in parsed
            for key in ("code", "parent_code", "successor_code")
            if v[key]
        }
        on_record = [
            dict(zip(UNIT_KEYS, r, strict=True))
            for r in _query(UNITS_SQL, [sorted(codes)])
        ]
        self.progress("check", len(parsed) // 3, len(parsed))
        allowed = self.allowed()
        # Match rows to the units on record: same code, same opening date.
        by_key = {(u["code"], u["opened_on"]): u for u in on_record}
        matched: set[int] = set()
        for row, v in parsed:
            unit = by_key.get((v["code"], v["opened_on"]))
            v["_unit"] = unit
            if unit is None:
                continue
            matched.add(unit["id"])
            if allowed is not None and unit["id"] not in allowed:
                row.error(col("code"), OUTSIDE_SCOPE.format(code=v["code"]))
        # Candidates by code: rows of the file, and units on record not in it.
        candidates: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        for index, (_row, v) in enumerate(parsed):
            if v["code"] and v["opened_on"]:
                candidates[v["code"]].append(("row", index))
        for unit in on_record:
            if unit["id"] not in matched:
                candidates[unit["code"]].append(("unit", unit))
        self.parsed = parsed

        def period(node: tuple[str, Any]) -> tuple[datetime.date, Any]:
            kind, ref = node
            v = parsed[ref][1] if kind == "row" else ref
            return v["opened_on"], v["closed_on"]

        def find(code: str, day: datetime.date) -> tuple[str, Any] | None:
            for node in candidates.get(code, ()):
                opened, closed = period(node)
                if opened <= day < (closed or FAR_FUTURE):
                    return node
            return None

        for row, v in parsed:
            if v["code"] and v["opened_on"] and v["_unit"] is None:
                for node in candidates.get(v["code"], ()):
                    if node[0] == "unit" and _overlap(
                        period(node), (v["opened_on"], v["closed_on"])
                    ):
                        row.error(col("code"), CODE_TAKEN.format(code=v["code"]))
                        break
            self._resolve_parent(row, v, find, allowed)
            self._resolve_successor(row, v, find, allowed)
        self.progress("check", 2 * len(parsed) // 3, len(parsed))
        self._check_cycles(parsed)
        self._check_open_children(parsed)
        for row, v in parsed:
            if row.outcome != ERROR:
                self._outcome(row, v)
        self._refuse_closed_years(parsed)

    def _refuse_closed_years(
        self, parsed: list[tuple[RowResult, dict[str, Any]]]
    ) -> None:
        """A unit opened under a unit on record, closed, or merged into one
        moves cells in or out of a grassroots organization from that day on:
        refused where such a year is submitted or approved
        (organizations/closed_years.py, issue #16), and the whole file with it.
        A unit opened under a new row needs no check: its parent opens no
        later, and is checked (or is new itself, with no reviews)."""
        dated: list[tuple[RowResult, int, datetime.date, str]] = []
        for row, v in parsed:
            if row.outcome == NEW and (parent := self._parent_id(v)) is not None:
                dated.append((row, parent, v["opened_on"], "opened_on"))
            if row.outcome == UPDATED:
                dated.append((row, v["_unit"]["id"], v["closed_on"], "closed_on"))
            successor = v["_successor"]
            if row.outcome in (NEW, UPDATED) and successor is not None:
                values = self._node_values(successor)
                target = (
                    values["id"]
                    if successor[0] == "unit"
                    else (values["_unit"] or {}).get("id")
                )
                if target is not None:
                    dated.append((row, target, v["closed_on"], "successor_code"))
        if not dated:
            return
        since = min(day.year for _r, _u, day, _c in dated)
        closed = closed_years({unit for _r, unit, _d, _c in dated}, since=since)
        refused: set[int] = set()
        for row, unit, day, column in dated:
            years = [c for c in closed.get(unit, []) if c.year >= day.year]
            if years and row.number not in refused:
                refused.add(row.number)
                row.error(self.column(column), closed_message(years[0], day))

    def _check_own_dates(self, row: RowResult, v: dict[str, Any]) -> None:
        col = self.column
        if v["closed_on"] is None:
            for key in ("closing_decision", "successor_code"):
                if v[key]:
                    row.error(col(key), ONLY_WHEN_CLOSED)
            return
        if v["opened_on"] and v["closed_on"] <= v["opened_on"]:
            row.error(col("closed_on"), CLOSES_BEFORE_OPENING)
        if not v["closing_decision"]:
            row.error(col("closing_decision"), REQUIRED)

    def names(self, values: dict[str, Any]) -> dict[str, str]:
        parent = values.get("_parent")
        return {"parent_code": self._node_values(parent)["name"]} if parent else {}

    def _node_values(self, node: tuple[str, Any]) -> dict[str, Any]:
        kind, ref = node
        return self.parsed[ref][1] if kind == "row" else ref

    def _resolve_parent(
        self, row: RowResult, v: dict[str, Any], find: Any, allowed: set[int] | None
    ) -> None:
        col = self.column("parent_code")
        v["_parent"] = None
        level = v["level"]
        if not v["parent_code"]:
            if not self.operator:
                row.error(col, PARENT_IN_SCOPE_REQUIRED)
            elif level and level != Level.PROVINCE:
                row.error(col, PARENT_REQUIRED)
            return
        if not v["opened_on"]:
            return
        node = find(v["parent_code"], v["opened_on"])
        if node is None:
            row.error(
                col,
                UNKNOWN_PARENT.format(code=v["parent_code"], date=_day(v["opened_on"])),
            )
            return
        parent = self._node_values(node)
        if node[0] == "unit" and allowed is not None and parent["id"] not in allowed:
            row.error(col, OUTSIDE_SCOPE.format(code=v["parent_code"]))
            return
        v["_parent"] = node
        wrong_level = level and parent_level_problem(
            level, parent["level"], v["parent_code"]
        )
        if wrong_level:
            row.error(self.column("level"), wrong_level)
        ends = parent["closed_on"]
        if ends is not None and (v["closed_on"] is None or v["closed_on"] > ends):
            row.error(
                self.column("closed_on"),
                OUTLIVES_PARENT.format(code=v["parent_code"], date=_day(ends)),
            )

    def _resolve_successor(
        self, row: RowResult, v: dict[str, Any], find: Any, allowed: set[int] | None
    ) -> None:
        v["_successor"] = None
        code, day = v["successor_code"], v["closed_on"]
        if not code or day is None:
            return
        col = self.column("successor_code")
        if code == v["code"]:
            row.error(col, SUCCESSOR_IS_SELF)
            return
        node = find(code, day)
        if node is None:
            row.error(col, UNKNOWN_PARENT.format(code=code, date=_day(day)))
        elif node[0] == "unit" and allowed is not None and node[1]["id"] not in allowed:
            row.error(col, OUTSIDE_SCOPE.format(code=code))
        else:
            v["_successor"] = node

    def _check_cycles(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        """Rows whose parents, followed through the file, come back to them."""
        state: dict[int, int] = {}  # 1: being followed, 2: done
        for start in range(len(parsed)):
            path: list[int] = []
            index: int | None = start
            while index is not None and state.get(index) is None:
                state[index] = 1
                path.append(index)
                parent = parsed[index][1]["_parent"]
                index = parent[1] if parent and parent[0] == "row" else None
            if index is not None and state.get(index) == 1:
                loop = path[path.index(index) :]
                codes = " → ".join(parsed[i][1]["code"] for i in [*loop, index])
                for i in loop:
                    parsed[i][0].error(
                        self.column("parent_code"), CYCLE.format(codes=codes)
                    )
            for i in path:
                state[i] = 2

    def _check_open_children(
        self, parsed: list[tuple[RowResult, dict[str, Any]]]
    ) -> None:
        """A unit on record closed by the file leaves no open unit under it,
        unless the file closes that one too."""
        closing = {
            v["_unit"]["id"]: (row, v)
            for row, v in parsed
            if v["_unit"] and v["closed_on"] and v["_unit"]["closed_on"] is None
        }
        if not closing:
            return
        closed_in_file = {
            (v["code"], v["opened_on"]): v["closed_on"]
            for _r, v in parsed
            if v["closed_on"]
        }
        left: dict[int, int] = defaultdict(int)
        for parent_id, code, opened in _query(OPEN_CHILDREN_SQL, [sorted(closing)]):
            ends = closed_in_file.get((code, opened))
            if ends is None or ends > closing[parent_id][1]["closed_on"]:
                left[parent_id] += 1
        for parent_id, count in left.items():
            row, _v = closing[parent_id]
            row.error(self.column("closed_on"), HAS_OPEN_CHILDREN.format(count=count))

    def _parent_id(self, v: dict[str, Any]) -> int | None:
        node = v["_parent"]
        if node is None:
            return None
        values = self._node_values(node)
        if node[0] == "unit":
            return values["id"]
        return values["_unit"]["id"] if values["_unit"] else None

    def _outcome(self, row: RowResult, v: dict[str, Any]) -> None:
        unit = v["_unit"]
        if unit is None:
            row.outcome = NEW
            return
        differ = [
            str(self.column(key).header) for key in COMPARED if unit[key] != v[key]
        ]
        if self._parent_id(v) != unit["parent_id"]:
            differ.append(str(self.column("parent_code").header))
        if differ:
            row.error(self.column("code"), DIFFERS.format(fields=", ".join(differ)))
        elif unit["closed_on"] == v["closed_on"]:
            row.outcome = UNCHANGED
        elif unit["closed_on"] is not None:
            row.error(
                self.column("closed_on"),
                CLOSED_OTHERWISE.format(date=_day(unit["closed_on"])),
            )
        else:
            row.outcome = UPDATED
            row.changes = ["closed_on"]

    # --- Writing -------------------------------------------------------------

    def write(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        new = [(r, v) for r, v in parsed if r.outcome == NEW]
        closing = [(r, v) for r, v in parsed if r.outcome == UPDATED]
        units = Unit.objects.bulk_create(
            [
                Unit(
                    code=v["code"],
                    name=v["name"],
                    level=v["level"],
                    kind=v["kind"],
                    opened_on=v["opened_on"],
                    closed_on=v["closed_on"],
                    is_difficult_area=v["is_difficult_area"],
                )
                for _r, v in new
            ],
            batch_size=2000,
        )
        for (_r, v), unit in zip(new, units, strict=True):
            v["_unit"] = {"id": unit.pk, "closed_on": unit.closed_on}
        self.progress("write", len(parsed) // 4, len(parsed))
        for _r, v in closing:
            UnitLink.objects.filter(
                child_id=v["_unit"]["id"], valid_to__isnull=True
            ).update(valid_to=v["closed_on"])
            Unit.objects.filter(pk=v["_unit"]["id"]).update(closed_on=v["closed_on"])
        UnitLink.objects.bulk_create(
            [
                UnitLink(
                    child_id=v["_unit"]["id"],
                    parent_id=self._parent_id(v),
                    valid_from=v["opened_on"],
                    valid_to=v["closed_on"],
                )
                for _r, v in new
                if v["_parent"] is not None
            ],
            batch_size=5000,
        )
        self.progress("write", len(parsed) // 2, len(parsed))
        self._write_events(new, closing)
        tops = [
            v["_unit"]["id"]
            for _r, v in new
            if v["_parent"] is None or v["_parent"][0] == "unit"
        ]
        place_in_provinces(under=tops + [v["_unit"]["id"] for _r, v in closing])

    def _write_events(
        self,
        new: list[tuple[RowResult, dict[str, Any]]],
        closing: list[tuple[RowResult, dict[str, Any]]],
    ) -> None:
        """An establishing event per new unit; one merger per successor, day
        and decision (or a dissolution) for the units the file closes."""
        by = self.user if getattr(self.user, "is_authenticated", False) else None
        note = _g(str(IMPORT_NOTE))
        events: list[UnitEvent] = []
        predecessors: list[list[int]] = []
        successors: list[list[int]] = []
        for _r, v in new:
            events.append(
                UnitEvent(
                    kind=EventKind.ESTABLISH,
                    date=v["opened_on"],
                    decision_number=v["decision_number"],
                    note=note,
                    created_by=by,
                )
            )
            predecessors.append([])
            successors.append([v["_unit"]["id"]])
        ends: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for _r, v in [*new, *closing]:
            if v["closed_on"] is None:
                continue
            successor = v["_successor"]
            successor_id = None
            if successor is not None:
                values = self._node_values(successor)
                successor_id = (
                    values["id"] if successor[0] == "unit" else values["_unit"]["id"]
                )
            key = (successor_id, v["closed_on"], v["closing_decision"])
            ends[key].append(v["_unit"]["id"])
        for (successor_id, day, decision), ids in ends.items():
            events.append(
                UnitEvent(
                    kind=EventKind.MERGE if successor_id else EventKind.DISSOLVE,
                    date=day,
                    decision_number=decision,
                    note=note,
                    created_by=by,
                )
            )
            predecessors.append(ids)
            successors.append([successor_id] if successor_id else [])
        UnitEvent.objects.bulk_create(events, batch_size=2000)
        for through, lists in (
            (UnitEvent.predecessors.through, predecessors),
            (UnitEvent.successors.through, successors),
        ):
            through.objects.bulk_create(
                [
                    through(unitevent_id=event.pk, unit_id=unit_id)
                    for event, ids in zip(events, lists, strict=True)
                    for unit_id in ids
                ],
                batch_size=5000,
            )
