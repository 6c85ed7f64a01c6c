"""The officer's pages of the yearly cycle: the approval inbox and the
completion board of a campaign, grouped by the level below the viewer."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessments.models import OrganizationReview, ReviewCampaign
from assessments.progress import (
    STATES,
    approval_scope,
    awaiting_approval,
    progress,
)
from assessments.selectors import campaigns_for
from organizations.access import is_admin, root_unit_ids, scope_on_day
from organizations.models import GRASSROOTS_LEVELS, Unit
from organizations.tree import ancestor_ids
from partyquality.http import AuthedRequest

INBOX_PAGE = 50


@require_GET
@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    """Submitted reviews in the officer's subtree, the longest waiting first;
    each opens its review page, where it is approved or returned. Anyone
    else finds it empty: only officers decide."""
    page = Paginator(awaiting_approval(request.user), INBOX_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "assessments/inbox.html", {"page": page})


def campaign_get(request: AuthedRequest, pk: int) -> ReviewCampaign:
    campaign = campaigns_for(request.user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def board_roots(
    request: AuthedRequest, campaign: ReviewCampaign, day: datetime.date
) -> tuple[list[Unit], list[Unit]]:
    """The units the board counts under, and the path from the campaign's
    unit down to the chosen one (for the way back up).

    ``?unit=`` drills down to a unit the viewer sees under the campaign's
    unit; without it, a viewer who reaches the campaign's unit starts there,
    one beneath it (a campaign opened above them) at their own units. A unit
    is seen as the tree stood at the end of the campaign's year: one moved
    away since is still counted by its former parent for that year, not by
    its new one (issue #16, dated access).
    """
    chosen = request.GET.get("unit", "")
    visible = Unit.objects.filter(scope_on_day(request.user, "id", day))
    if chosen.isdigit():
        unit = visible.filter(pk=int(chosen)).first()
        path = ancestor_ids(unit.pk, day) if unit else []
        if unit is None or campaign.unit_id not in path:
            raise Http404
        above = path[path.index(campaign.unit_id) : -1]
        crumbs = list(visible.filter(pk__in=above))
        crumbs.sort(key=lambda u: above.index(u.pk))
        return [unit], crumbs
    if is_admin(request.user) or visible.filter(pk=campaign.unit_id).exists():
        return [campaign.unit], []
    own = [
        u
        for u in Unit.objects.filter(pk__in=root_unit_ids(request.user))
        if campaign.unit_id in ancestor_ids(u.pk, day)
    ]
    return own, []


@require_GET
@login_required
def completion_board(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = campaign_get(request, pk)
    day = datetime.date(campaign.year, 12, 31)
    roots, crumbs = board_roots(request, campaign, day)
    built = progress(
        roots=roots,
        year=campaign.year,
        deadline=campaign.entry_deadline,
        user=request.user,
    )
    state = request.GET.get("state", "")
    rows = [r for r in built.rows if r.status == state] if state else built.rows
    approvable = set(
        OrganizationReview.objects.filter(
            approval_scope(request.user),
            year=campaign.year,
            pk__in=[r.review_id for r in rows if r.status == "submitted"],
        ).values_list("organization_id", flat=True)
    )
    context = {
        "campaign": campaign,
        "progress": built,
        "rows": rows,
        "roots": roots,
        "crumbs": crumbs,
        "states": STATES,
        "state": state,
        "approvable": approvable,
        "grassroots_levels": GRASSROOTS_LEVELS,
        "unit_param": request.GET.get("unit", ""),
    }
    return render(request, "assessments/reviewcampaign_board.html", context)
