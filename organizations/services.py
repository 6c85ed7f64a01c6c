"""Changes of the tree, each a validated, atomic service that records its event.

Nothing is deleted: units close, links end, and ``UnitEvent`` keeps the
decision and the lineage (predecessors → successors) so reports can follow a
unit's series across the 2019–2021 and 2025 reorganizations (DOMAIN.md §2).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from organizations.closed_years import assert_open
from organizations.models import (
    EventKind,
    ResidentialCoverage,
    ResidentialMemberCount,
    ResidentialUnit,
    Unit,
    UnitEvent,
    UnitLink,
    UnitName,
    parent_level_problem,
)
from organizations.tree import ancestor_ids, place_in_provinces

ERR_PARENT_CLOSED = "Tổ chức cấp trên {parent} không hoạt động vào ngày {date}."
ERR_UNIT_CLOSED = "Tổ chức {unit} không hoạt động vào ngày {date}."
ERR_CYCLE = "Không thể chuyển {unit} vào {parent}: {parent} đang trực thuộc {unit}."
ERR_SAME_PARENT = "{unit} đã trực thuộc {parent}."
ERR_HAS_CHILDREN = (
    "Không thể giải thể {unit}: còn {count} tổ chức trực thuộc đang hoạt động; "
    "hãy chuyển hoặc giải thể chúng trước."
)
ERR_MERGE_NEEDS_TWO = "Hợp nhất cần ít nhất hai tổ chức."
ERR_MERGE_SUCCESSOR_IS_PREDECESSOR = (
    "Tổ chức nhận sáp nhập không được nằm trong danh sách bị sáp nhập."
)
ERR_SPLIT_NEEDS_TWO = "Chia tách cần ít nhất hai tổ chức mới."
ERR_SPLIT_CHILD_UNASSIGNED = (
    "Tổ chức trực thuộc {child} chưa được giao cho tổ chức mới nào."
)
ERR_SPLIT_CHILD_FOREIGN = "{child} không trực thuộc {unit} vào ngày {date}."
ERR_DECISION_REQUIRED = "Cần nhập số quyết định."
ERR_BEFORE_OPENING = "Ngày {date} trước ngày thành lập của {unit}."
ERR_NAME_UNCHANGED = "Tên mới trùng tên hiện tại."
ERR_ROOT_HAS_NO_PARENT = "Tổ chức {unit} không có tổ chức cấp trên để chuyển."


@dataclass
class NewUnit:
    """What a merge or split needs to open a new unit."""

    code: str
    name: str
    level: str
    kind: str
    is_difficult_area: bool = False
    children: list[Unit] = field(default_factory=list)


def _require_decision(decision_number: str) -> None:
    if not decision_number.strip():
        raise ValidationError({"decision_number": ERR_DECISION_REQUIRED})


def _require_years_open(day: datetime.date, *units: Unit | None) -> None:
    """A change of the tree on ``day`` moves cells (and their members) in or
    out of the grassroots organizations these units belong to, in that year's
    sheet and every later one: refused while one of those years is submitted
    or approved (organizations/closed_years.py, issue #16). Checked before
    anything is written, against the tree as it stands."""
    assert_open([u.pk for u in units if u is not None], day, field="date")


def _require_open(
    unit: Unit, day: datetime.date, message: str = ERR_UNIT_CLOSED
) -> None:
    if not unit.is_open_on(day):
        raise ValidationError(message.format(unit=unit, parent=unit, date=day))


def current_link(unit: Unit, day: datetime.date) -> UnitLink | None:
    return (
        UnitLink.objects.filter(child=unit, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .select_related("parent")
        .first()
    )


def open_children(unit: Unit, day: datetime.date) -> list[Unit]:
    # One filter() call: conditions on a multi-valued relation in separate
    # calls would each match a different link (a child moved away would count).
    return list(
        Unit.objects.filter(
            Q(parent_links__valid_to__isnull=True) | Q(parent_links__valid_to__gt=day),
            parent_links__parent=unit,
            parent_links__valid_from__lte=day,
        )
        .open_on(day)
        .order_by("code")
    )


def _require_parent_level(level: str, parent: Unit) -> None:
    """A unit of ``level`` put under ``parent`` by a form (a new unit, a
    move): the levels as the tree import checks them (models.ALLOWED_PARENTS,
    DOMAIN.md §2). A merge's or a split's children are not checked as they
    follow their unit: on 1 July 2025 the cells of the merged communes came
    under the new commune committee and became chi bộ cơ sở the same day."""
    wrong_level = parent_level_problem(level, parent.level, parent.code)
    if wrong_level:
        raise ValidationError(wrong_level)


def _link(child: Unit, parent: Unit, day: datetime.date) -> UnitLink:
    if not parent.is_open_on(day):
        raise ValidationError(ERR_PARENT_CLOSED.format(parent=parent, date=day))
    if day < child.opened_on:
        raise ValidationError(ERR_BEFORE_OPENING.format(date=day, unit=child))
    link = UnitLink(child=child, parent=parent, valid_from=day)
    link.full_clean()
    link.save()
    return link


def _end_link(child: Unit, day: datetime.date) -> UnitLink | None:
    link = current_link(child, day)
    if link is None:
        return None
    if link.valid_from == day:
        # Linked and unlinked on the same day: the link never held.
        link.delete()
    else:
        link.valid_to = day
        link.save(update_fields=["valid_to"])
    return link


def _create_unit(new: NewUnit, *, parent: Unit | None, day: datetime.date) -> Unit:
    if parent is not None:
        _require_parent_level(new.level, parent)
    unit = Unit(
        code=new.code,
        name=new.name,
        level=new.level,
        kind=new.kind,
        is_difficult_area=new.is_difficult_area,
        opened_on=day,
    )
    unit.full_clean(exclude=["search_name"])
    unit.save()
    if parent is not None:
        _link(unit, parent, day)
    return unit


def _close(unit: Unit, day: datetime.date) -> None:
    _end_link(unit, day)
    unit.closed_on = day
    unit.full_clean(exclude=["search_name", "code"])
    unit.save(update_fields=["closed_on"])


def _move_children(children: list[Unit], to: Unit, day: datetime.date) -> None:
    for child in children:
        _end_link(child, day)
        _link(child, to, day)


def _record(
    kind: str,
    *,
    day: datetime.date,
    decision_number: str,
    note: str,
    predecessors: list[Unit],
    successors: list[Unit],
    by: object | None,
) -> UnitEvent:
    event = UnitEvent.objects.create(
        kind=kind,
        date=day,
        decision_number=decision_number,
        note=note,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    event.predecessors.set(predecessors)
    event.successors.set(successors)
    # Every change of the tree goes through here: re-place the units it
    # touched in their provinces (the member list narrows by it, Unit.province).
    place_in_provinces(under=[u.pk for u in (*predecessors, *successors)])
    return event


@transaction.atomic
def organization_establish(
    *,
    new: NewUnit,
    parent: Unit | None,
    date: datetime.date,
    decision_number: str,
    note: str = "",
    by: object | None = None,
) -> Unit:
    _require_decision(decision_number)
    _require_years_open(date, parent)
    unit = _create_unit(new, parent=parent, day=date)
    _record(
        EventKind.ESTABLISH,
        day=date,
        decision_number=decision_number,
        note=note,
        predecessors=[],
        successors=[unit],
        by=by,
    )
    return unit


@transaction.atomic
def organization_move(
    *,
    unit: Unit,
    new_parent: Unit,
    date: datetime.date,
    decision_number: str,
    note: str = "",
    by: object | None = None,
) -> UnitEvent:
    """Put ``unit`` (with its whole subtree) under ``new_parent`` from ``date``."""
    _require_decision(decision_number)
    _require_open(unit, date)
    if not new_parent.is_open_on(date):
        raise ValidationError(ERR_PARENT_CLOSED.format(parent=new_parent, date=date))
    # No cycles: the new parent must not sit under the unit on that date.
    if unit.pk in ancestor_ids(new_parent.pk, date):
        raise ValidationError(ERR_CYCLE.format(unit=unit, parent=new_parent))
    link = current_link(unit, date)
    if link is not None and link.parent_id == new_parent.pk:
        raise ValidationError(ERR_SAME_PARENT.format(unit=unit, parent=new_parent))
    _require_parent_level(unit.level, new_parent)
    _require_years_open(date, unit, new_parent)
    _end_link(unit, date)
    _link(unit, new_parent, date)
    # The children keep their own links: the subtree moves with its history.
    return _record(
        EventKind.MOVE,
        day=date,
        decision_number=decision_number,
        note=note,
        predecessors=[unit],
        successors=[unit],
        by=by,
    )


@transaction.atomic
def organization_rename(
    *,
    unit: Unit,
    new_name: str,
    date: datetime.date,
    decision_number: str,
    note: str = "",
    by: object | None = None,
) -> UnitEvent:
    _require_decision(decision_number)
    _require_open(unit, date)
    if new_name.strip() == unit.name:
        raise ValidationError({"new_name": ERR_NAME_UNCHANGED})
    last = unit.former_names.order_by("-valid_to").first()
    UnitName.objects.create(
        unit=unit,
        name=unit.name,
        valid_from=last.valid_to if last else unit.opened_on,
        valid_to=date,
    )
    unit.name = new_name.strip()
    unit.save(update_fields=["name"])
    return _record(
        EventKind.RENAME,
        day=date,
        decision_number=decision_number,
        note=note,
        predecessors=[unit],
        successors=[unit],
        by=by,
    )


@transaction.atomic
def organization_merge(
    *,
    units: list[Unit],
    date: datetime.date,
    decision_number: str,
    into: Unit | None = None,
    new: NewUnit | None = None,
    parent: Unit | None = None,
    note: str = "",
    by: object | None = None,
) -> UnitEvent:
    """Merge ``units`` into an existing unit (sáp nhập) or a new one (hợp nhất).

    The merged units close on ``date``; their open children move under the
    successor; the event links predecessors to the successor. Nothing is deleted.
    """
    _require_decision(decision_number)
    if into is None and len(units) < 2:
        raise ValidationError(ERR_MERGE_NEEDS_TWO)
    if into is not None and into in units:
        raise ValidationError(ERR_MERGE_SUCCESSOR_IS_PREDECESSOR)
    for unit in units:
        _require_open(unit, date)
    if into is not None:
        _require_open(into, date)
    elif parent is None:
        link = current_link(units[0], date)
        parent = link.parent if link else None
    _require_years_open(date, *units, into, parent)
    children = [child for unit in units for child in open_children(unit, date)]
    # Close first, so the new unit may take over one of the old codes.
    for unit in units:
        _close(unit, date)
    if into is None:
        if new is None:
            raise ValueError("organization_merge needs either `into` or `new`")
        successor = _create_unit(new, parent=parent, day=date)
    else:
        successor = into
    _move_children(children, successor, date)
    return _record(
        EventKind.MERGE,
        day=date,
        decision_number=decision_number,
        note=note,
        predecessors=list(units),
        successors=[successor],
        by=by,
    )


@transaction.atomic
def organization_split(
    *,
    unit: Unit,
    parts: list[NewUnit],
    date: datetime.date,
    decision_number: str,
    note: str = "",
    by: object | None = None,
) -> UnitEvent:
    """Close ``unit`` and open ``parts`` under the same parent; every open
    child must be given to exactly one part."""
    _require_decision(decision_number)
    _require_open(unit, date)
    if len(parts) < 2:
        raise ValidationError(ERR_SPLIT_NEEDS_TWO)
    children = open_children(unit, date)
    assigned = [child for part in parts for child in part.children]
    for child in assigned:
        if child not in children:
            raise ValidationError(
                ERR_SPLIT_CHILD_FOREIGN.format(child=child, unit=unit, date=date)
            )
    for child in children:
        if child not in assigned:
            raise ValidationError(ERR_SPLIT_CHILD_UNASSIGNED.format(child=child))
    link = current_link(unit, date)
    parent = link.parent if link else None
    _require_years_open(date, unit, parent)
    _close(unit, date)
    successors = []
    for part in parts:
        successor = _create_unit(part, parent=parent, day=date)
        _move_children(part.children, successor, date)
        successors.append(successor)
    return _record(
        EventKind.SPLIT,
        day=date,
        decision_number=decision_number,
        note=note,
        predecessors=[unit],
        successors=successors,
        by=by,
    )


@transaction.atomic
def organization_reorganize(
    *,
    unit: Unit,
    new: NewUnit,
    date: datetime.date,
    decision_number: str,
    parent: Unit | None = None,
    note: str = "",
    by: object | None = None,
) -> UnitEvent:
    """Close ``unit`` and open its one successor ``new`` (another level or
    kind), under ``parent`` or the unit's own parent; children follow."""
    _require_decision(decision_number)
    _require_open(unit, date)
    if parent is None:
        link = current_link(unit, date)
        parent = link.parent if link else None
    _require_years_open(date, unit, parent)
    children = open_children(unit, date)
    # Close first, so the successor may keep the unit's code.
    _close(unit, date)
    successor = _create_unit(new, parent=parent, day=date)
    _move_children(children, successor, date)
    return _record(
        EventKind.REORGANIZE,
        day=date,
        decision_number=decision_number,
        note=note,
        predecessors=[unit],
        successors=[successor],
        by=by,
    )


@transaction.atomic
def organization_dissolve(
    *,
    unit: Unit,
    date: datetime.date,
    decision_number: str,
    note: str = "",
    by: object | None = None,
) -> UnitEvent:
    _require_decision(decision_number)
    _require_open(unit, date)
    children = open_children(unit, date)
    if children:
        raise ValidationError(ERR_HAS_CHILDREN.format(unit=unit, count=len(children)))
    _require_years_open(date, unit)
    _close(unit, date)
    return _record(
        EventKind.DISSOLVE,
        day=date,
        decision_number=decision_number,
        note=note,
        predecessors=[unit],
        successors=[],
        by=by,
    )


# --- Villages and residential groups (DOMAIN.md §2) -------------------------


@transaction.atomic
def residential_unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    commune: Unit,
    opened_on: datetime.date,
    covering_cell: Unit | None = None,
    head_name: str = "",
    head_is_party_member: bool = False,
    member_counts: dict[int, int] | None = None,
) -> ResidentialUnit:
    """A village with its coverage from its opening and, per year, the
    members living there as the commune reported them."""
    # Coverage figures from the opening on change (issue #16, closed years).
    assert_open(
        [u.pk for u in (commune, covering_cell) if u is not None],
        opened_on,
        field="opened_on",
    )
    village = ResidentialUnit(
        code=code, name=name, kind=kind, commune=commune, opened_on=opened_on
    )
    village.full_clean()
    village.save()
    ResidentialCoverage.objects.create(
        residential_unit=village,
        covering_cell=covering_cell,
        head_name=head_name,
        head_is_party_member=head_is_party_member,
        valid_from=opened_on,
    )
    ResidentialMemberCount.objects.bulk_create(
        ResidentialMemberCount(residential_unit=village, year=y, party_members=n)
        for y, n in (member_counts or {}).items()
    )
    return village


@transaction.atomic
def residential_coverage_change(
    *,
    village: ResidentialUnit,
    date: datetime.date,
    covering_cell: Unit | None,
    head_name: str = "",
    head_is_party_member: bool = False,
) -> ResidentialCoverage:
    """From ``date`` on, another cell (or none) covers the village, or its
    head changed: the open period ends that day, a new one starts. Refused
    inside a submitted or approved year of the commune, or before one (the
    coverage figures of that year would change; issue #16)."""
    covering = ResidentialCoverage.objects.filter(
        residential_unit=village, valid_to__isnull=True
    ).values_list("covering_cell_id", flat=True)
    units = {village.commune_id, *covering} | (
        {covering_cell.pk} if covering_cell else set()
    )
    assert_open([u for u in units if u is not None], date)
    ResidentialCoverage.objects.filter(
        residential_unit=village, valid_to__isnull=True, valid_from__lt=date
    ).update(valid_to=date)
    return ResidentialCoverage.objects.create(
        residential_unit=village,
        covering_cell=covering_cell,
        head_name=head_name,
        head_is_party_member=head_is_party_member,
        valid_from=date,
    )
