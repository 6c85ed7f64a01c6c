"""Reads of the tree for pages: always scoped to the user."""

from __future__ import annotations

import datetime

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When

from organizations.access import AnyUser, scope_on_day
from organizations.models import (
    Level,
    ResidentialCoverage,
    ResidentialMemberCount,
    Unit,
    UnitEvent,
    UnitLink,
)


def _links_on(day: datetime.date) -> QuerySet[UnitLink]:
    return UnitLink.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def tree_roots(*, user: AnyUser, day: datetime.date) -> QuerySet[Unit]:
    """The top of what the user sees on ``day``: the units open that day whose
    parent that day the user cannot see. For an administrator, the tree's
    roots; for a 2026 commune officer looking at 2024, the old communes and
    organizations that became theirs."""
    # The units reached that day (issue #16): a unit that moved away is not a
    # root of its former parent's tree after the move. A root's parent is
    # asked of that day's reach too: one reached only another day (a unit
    # that moved) is not shown, so the unit under it is a root.
    reached = Unit.objects.filter(scope_on_day(user, "id", day))
    roots = reached.open_on(day).exclude(
        Exists(
            _links_on(day).filter(child=OuterRef("pk"), parent__in=reached.values("pk"))
        )
    )
    return _with_child_flag(roots, day)


def tree_children(*, user: AnyUser, parent: Unit, day: datetime.date) -> QuerySet[Unit]:
    children = (
        Unit.objects.filter(scope_on_day(user, "id", day))
        .open_on(day)
        .filter(Exists(_links_on(day).filter(child=OuterRef("pk"), parent=parent)))
    )
    return _with_child_flag(children, day)


def _with_child_flag(qs: QuerySet[Unit], day: datetime.date) -> QuerySet[Unit]:
    return qs.annotate(
        has_children=Exists(
            _links_on(day).filter(parent=OuterRef("pk"), child__opened_on__lte=day)
        )
    ).order_by(_LEVEL_ORDER, "sort_name", "id")


# Committees before cells, whatever the level codes spell alphabetically.
_LEVEL_ORDER = Case(
    *[When(level=level, then=Value(n)) for n, level in enumerate(Level.values)],
    default=Value(99),
)


def unit_parent_on(unit: Unit, day: datetime.date) -> Unit | None:
    link = _links_on(day).filter(child=unit).select_related("parent").first()
    return link.parent if link else None


def unit_events(
    unit: Unit, *, until: datetime.date | None = None
) -> QuerySet[UnitEvent]:
    """The unit's events, those up to ``until`` if given."""
    events = UnitEvent.objects.all()
    if until is not None:
        events = events.filter(date__lte=until)
    return (
        events.filter(Q(predecessors=unit) | Q(successors=unit))
        .distinct()
        .prefetch_related("predecessors", "successors")
        .order_by("-date", "-id")
    )


def unit_parent_history(
    unit: Unit, *, until: datetime.date | None = None
) -> QuerySet[UnitLink]:
    """The unit's parents in order, those begun by ``until`` if given."""
    links = unit.parent_links.all()
    if until is not None:
        links = links.filter(valid_from__lte=until)
    return links.select_related("parent").order_by("valid_from")


def unit_residential_coverage(
    unit: Unit, day: datetime.date
) -> QuerySet[ResidentialCoverage]:
    """On ``day``: the villages of a commune-level unit, or those a cell
    covers, each with its coverage and the members living there that year
    (the yearly figure)."""
    figure = ResidentialMemberCount.objects.filter(
        residential_unit=OuterRef("residential_unit"), year=day.year
    ).values("party_members")
    return (
        ResidentialCoverage.objects.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .filter(Q(residential_unit__commune=unit) | Q(covering_cell=unit))
        .select_related("residential_unit__commune", "covering_cell")
        .annotate(party_members=Subquery(figure[:1]))
        .order_by("residential_unit__code", "residential_unit_id")
    )


def visible_ids(user: AnyUser, ids: list[int]) -> set[int]:
    return set(
        Unit.objects.visible_to(user)
        .filter(pk__in=set(ids))
        .values_list("pk", flat=True)
    )
