"""Which organization a campaign is opened for: the same picker as the report
pages (assessments/reports/unit_picker.py), over the units the officer
approves today — provinces and superiors, never a drop-down of all of them
(4,454 on the national synthetic set for an officer of the country)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from assessments.reports.unit_picker import (
    CHILDREN_SHOWN,
    PickedUnit,
    Picker,
    tree_picker,
    units_named,
)
from organizations.access import APPROVE_ROLES, AnyUser, root_unit_ids, scope_reach
from organizations.models import Level, Unit

# The levels a campaign is opened on: above the grassroots organizations,
# whose years it collects (the form never offered grassroots units or cells).
CAMPAIGN_LEVELS = (Level.PROVINCE, Level.SUPERIOR)


def _unit_id(value: str | None) -> int | None:
    if value and value.isascii() and value.isdigit() and int(value) < 2**63:
        return int(value)
    return None


def campaign_picking(
    *, user: AnyUser, units: QuerySet[Unit], data: Any
) -> tuple[Unit | None, dict]:
    """The unit chosen (``?unit=``, else the officer's own unit) among
    ``units`` (those the officer opens campaigns for), and the picker's
    context: the path above it, its children, the matches of ``?q=``."""
    today = timezone.localdate()
    chosen_id = _unit_id(data.get("unit"))
    chosen = units.filter(pk=chosen_id).first() if chosen_id else None
    if chosen is None and chosen_id is None:
        chosen = units.filter(pk__in=root_unit_ids(user)).order_by("sort_name").first()
    reach = scope_reach(user, roles=APPROVE_ROLES)
    if chosen is not None:
        picker = tree_picker(
            unit=chosen,
            day=today,
            levels=CAMPAIGN_LEVELS,
            shown=None if reach is None else (lambda pk: reach.holds(pk, today)),
        )
    else:
        picker = _tops(units, today)
    text = str(data.get("q", "")).strip()[:100]

    def shown(pk: int, closed_on: datetime.date | None) -> bool:
        return closed_on is None or closed_on > today

    return chosen, {
        "root": chosen,
        "picker": picker,
        "pick_url": reverse("assessments:campaign_open"),
        "keep": "",
        "kept": [],
        "search_text": text,
        "matches": units_named(units.open_on(today), text, shown) if text else None,
    }


def _tops(units: QuerySet[Unit], day: datetime.date) -> Picker:
    """For an administrator, who has no unit of their own: the provinces."""
    rows = list(
        units.open_on(day)
        .filter(level=Level.PROVINCE)
        .order_by("sort_name", "id")
        .values_list("id", "name", "level")[: CHILDREN_SHOWN + 1]
    )
    return Picker(
        path=[],
        children=[PickedUnit(*row) for row in rows[:CHILDREN_SHOWN]],
        more_children=len(rows) > CHILDREN_SHOWN,
    )
