"""A unit's page as a hub (partyquality.hub): each year's review of a
grassroots organization with its state, the campaigns of a board, and the
unit's reports, one click away like Odoo's related-record buttons."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from assessments.home import secretary_years
from assessments.progress import campaigns_above
from assessments.reports.registry import REPORTS
from assessments.reports.selectors import REPORTABLE_LEVELS
from organizations.models import GRASSROOTS_LEVELS, Level, Unit
from partyquality.hub import Section


def reviews_section(request: HttpRequest, unit: Unit) -> Section | None:
    if unit.level == Level.CELL:
        return None
    today = timezone.localdate()
    context: dict = {"unit": unit, "today": today}
    if unit.level in GRASSROOTS_LEVELS:
        context["years"] = secretary_years([unit], today)[0][1]
    else:
        # The unit sees the campaigns opened on or above it; the board of each
        # opens on this unit's part of the tree.
        context["campaigns"] = list(
            campaigns_above([unit]).select_related("unit").order_by("-year", "-id")[:6]
        )
    # Votes of confidence (QĐ 96-QĐ/TW) are the board officers' to enter, for
    # the cadres of a unit in their subtree; others who reach it read them.
    context["votes_year"] = today.year
    if unit.level in REPORTABLE_LEVELS:
        context["reports"] = [(slug, m.TITLE) for slug, m in REPORTS.items()]
        context["report_year"] = today.year - 1
    return Section("assessments/unit_hub.html", context, order=10)
