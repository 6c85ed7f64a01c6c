"""A unit's page as a hub (partyquality.hub): each year's review of a
grassroots organization with its state, the campaigns of a board, and the
unit's reports, one click away like Odoo's related-record buttons."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils import timezone

from assessments.home import secretary_years
from assessments.progress import campaigns_above
from assessments.reports.registry import REPORTS
from assessments.reports.selectors import REPORTABLE_LEVELS
from organizations.access import last_year_reached, scope_reach
from organizations.models import GRASSROOTS_LEVELS, Level, Unit
from partyquality.hub import Section


def reviews_section(request: HttpRequest, unit: Unit) -> Section | None:
    if unit.level == Level.CELL:
        return None
    today = timezone.localdate()
    context: dict = {"unit": unit, "today": today}
    # A unit that moved away offers its former parent only the years whose
    # tree had it under them (issue #16): the same years its pages open.
    reached = reach_in_year(request.user, unit)
    if unit.level in GRASSROOTS_LEVELS:
        years = secretary_years([unit], today)[0][1]
        context["years"] = [y for y in years if reached(y.year)]
    else:
        # The unit sees the campaigns opened on or above it; the board of each
        # opens on this unit's part of the tree.
        campaigns = campaigns_above([unit]).select_related("unit")
        context["campaigns"] = [
            c for c in campaigns.order_by("-year", "-id")[:6] if reached(c.year)
        ]
    # Votes of confidence (QĐ 96-QĐ/TW) are the board officers' to enter, for
    # the cadres of a unit in their subtree; others who reach it read them.
    context["votes_year"] = last_year_reached(request.user, unit.pk, today.year)
    if unit.level in REPORTABLE_LEVELS:
        context["reports"] = [(slug, m.TITLE) for slug, m in REPORTS.items()]
        context["report_year"] = last_year_reached(
            request.user, unit.pk, today.year - 1
        )
    return Section("assessments/unit_hub.html", context, order=10)


def reach_in_year(user: object, unit: Unit) -> Callable[[int], bool]:
    """Whether the user reaches ``unit`` in a year's tree (no query once
    the reach is read)."""
    reach = scope_reach(user)  # type: ignore[arg-type]
    if reach is None:
        return lambda _year: True
    return lambda year: reach.in_year(unit.pk, year)
