"""Pages of the tree: browser (as of any date), unit list, unit page."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from organizations import selectors
from organizations.filters import UnitFilter
from organizations.models import Unit
from partyquality.access import get_for_user, is_admin
from partyquality.http import AuthedRequest


def _as_of(request: AuthedRequest) -> datetime.date:
    raw = request.GET.get("as_of", "")
    try:
        return datetime.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@require_GET
@login_required
def tree(request: AuthedRequest) -> HttpResponse:
    day = _as_of(request)
    roots = selectors.tree_roots(user=request.user, day=day)
    return render(request, "organizations/unit_tree.html", {"roots": roots, "day": day})


@require_GET
@login_required
def tree_children(request: AuthedRequest, pk: int) -> HttpResponse:
    day = _as_of(request)
    parent = get_for_user(Unit.objects, user=request.user, pk=pk)
    children = selectors.tree_children(user=request.user, parent=parent, day=day)
    return render(
        request,
        "organizations/unit_tree.html#children",
        {"children": children, "parent": parent, "day": day},
    )


@require_GET
@login_required
def unit_list(request: AuthedRequest) -> HttpResponse:
    units = Unit.objects.visible_to(request.user).order_by("name", "id")
    unit_filter = UnitFilter(request.GET, queryset=units)
    page = Paginator(unit_filter.qs, 50).get_page(request.GET.get("page"))
    template = "organizations/unit_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, {"filter": unit_filter, "page": page})


@require_GET
@login_required
def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_for_user(Unit.objects, user=request.user, pk=pk)
    today = timezone.localdate()
    day = (
        _as_of(request)
        if unit.is_open_on(_as_of(request))
        else (unit.closed_on - datetime.timedelta(days=1) if unit.closed_on else today)
    )
    context = {
        "unit": unit,
        "day": day,
        "parent": selectors.unit_parent_on(unit, day),
        "children": selectors.tree_children(user=request.user, parent=unit, day=day),
        "parent_history": selectors.unit_parent_history(unit),
        "events": selectors.unit_events(unit),
        "residential_units": unit.residential_units.order_by("name").select_related(
            "covering_cell"
        ),
        "former_names": unit.former_names.all(),
        "can_edit_tree": is_admin(request.user),
    }
    return render(request, "organizations/unit_detail.html", context)
