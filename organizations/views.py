"""Pages of the tree: browser (as of any date), unit list, unit page."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from organizations import forms, selectors, services
from organizations.access import (
    day_reached,
    get_for_user,
    is_admin,
    reached_until,
)
from organizations.filters import UnitFilter
from organizations.models import Unit
from organizations.tree_views import may_import_under
from partyquality.audit import history_for
from partyquality.http import AuthedRequest
from partyquality.hub import unit_sections
from partyquality.widgets import parse_day


def _as_of(request: AuthedRequest) -> datetime.date:
    return parse_day(request.GET.get("as_of", "")) or timezone.localdate()


@require_GET
@login_required
def tree(request: AuthedRequest) -> HttpResponse:
    day = _as_of(request)
    today = timezone.localdate()
    context = {
        "roots": selectors.tree_roots(user=request.user, day=day),
        "day": day,
        "today": today,
        "year_ends": [datetime.date(today.year - n, 12, 31) for n in (1, 2)],
    }
    return render(request, "organizations/unit_tree.html", context)


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
    units = Unit.objects.visible_now(request.user).order_by("sort_name", "id")
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
    # A unit that moved away is shown to its former parent as it was on its
    # last day with them (issue #16, dated access).
    day = day_reached(request.user, unit.pk, _as_of(request))
    if day is None:
        raise Http404
    if not unit.is_open_on(day):
        # Show a closed unit as it was on its last day, a future one on its first.
        day = (
            unit.opened_on
            if day < unit.opened_on or unit.closed_on is None
            else unit.closed_on - datetime.timedelta(days=1)
        )
    # Its former parent sees nothing of it dated after its last day with them
    # (issue #16): not its later events, parents or changes, not today's lists.
    until = reached_until(request.user, unit.pk)
    events = list(selectors.unit_events(unit, until=until))
    parent_history = list(selectors.unit_parent_history(unit, until=until))
    history = _history(unit)
    if until is not None:
        history = [e for e in history if timezone.localdate(e.at) <= until]
    context = {
        "unit": unit,
        "day": day,
        "parent": selectors.unit_parent_on(unit, day),
        "children": selectors.tree_children(user=request.user, parent=unit, day=day),
        "parent_history": parent_history,
        "events": events,
        "residential_units": selectors.unit_residential_coverage(unit, day),
        "former_names": unit.former_names.all(),
        "history": history,
        "reached_today": until is None,
        # Lineage and parents may lie outside the user's subtree: named, not linked.
        "linkable": selectors.visible_ids(
            request.user,
            [link.parent_id for link in parent_history]
            + [
                u.pk
                for e in events
                for u in [*e.predecessors.all(), *e.successors.all()]
            ],
        ),
        "can_edit_tree": is_admin(request.user),
        # Reviews and reports of the unit, from the apps above (partyquality.hub).
        "sections": [
            render_to_string(s.template, s.context, request)
            for s in unit_sections(request, unit)
        ],
        "can_import_tree": may_import_under(request.user, unit),
    }
    return render(request, "organizations/unit_detail.html", context)


# Events of the tree: administrators only. Outside the user's subtree the unit
# is a 404 like everywhere; inside it, anyone but an administrator gets 403.


def _admin_unit(request: AuthedRequest, pk: int) -> Unit:
    unit = get_for_user(Unit.objects, user=request.user, pk=pk)
    if not is_admin(request.user):
        raise PermissionDenied
    return unit


def _event_page(
    request: AuthedRequest,
    unit: Unit,
    form: forms.EventForm,
    run: Callable[[dict[str, Any]], Unit],
    *,
    title: str,
    done: str,
) -> HttpResponse:
    """Validate the form, run the service, show its refusal on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            target = run(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done)
            return redirect("organizations:unit_detail", target.pk)
    context = {"unit": unit, "form": form, "title": title}
    return render(request, "organizations/unit_event_form.html", context)


def _common(data: dict[str, Any], user: object) -> dict[str, Any]:
    return {
        "date": data["date"],
        "decision_number": data["decision_number"],
        "note": data["note"],
        "by": user,
    }


@require_http_methods(["GET", "POST"])
@login_required
def unit_establish(request: AuthedRequest, pk: int) -> HttpResponse:
    parent = _admin_unit(request, pk)
    form = forms.EstablishForm(request.POST or None, unit=parent)
    return _event_page(
        request,
        parent,
        form,
        lambda data: services.organization_establish(
            new=form.new_unit(), parent=parent, **_common(data, request.user)
        ),
        title=_("Thành lập tổ chức trực thuộc"),
        done=_("Đã thành lập tổ chức mới."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def unit_rename(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _admin_unit(request, pk)
    form = forms.RenameForm(request.POST or None, unit=unit)

    def run(data: dict[str, Any]) -> Unit:
        services.organization_rename(
            unit=unit, new_name=data["new_name"], **_common(data, request.user)
        )
        return unit

    return _event_page(
        request, unit, form, run, title=_("Đổi tên"), done=_("Đã đổi tên.")
    )


@require_http_methods(["GET", "POST"])
@login_required
def unit_move(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _admin_unit(request, pk)
    form = forms.MoveForm(request.POST or None, unit=unit)

    def run(data: dict[str, Any]) -> Unit:
        services.organization_move(
            unit=unit, new_parent=data["new_parent"], **_common(data, request.user)
        )
        return unit

    return _event_page(
        request,
        unit,
        form,
        run,
        title=_("Chuyển trực thuộc"),
        done=_("Đã chuyển tổ chức sang cấp trên mới."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def unit_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _admin_unit(request, pk)
    form = forms.MergeForm(request.POST or None, unit=unit)

    def run(data: dict[str, Any]) -> Unit:
        event = services.organization_merge(
            units=form.units(),
            into=data["into"],
            new=form.new_unit(),
            parent=data["parent"],
            **_common(data, request.user),
        )
        return event.successors.get()

    return _event_page(
        request,
        unit,
        form,
        run,
        title=_("Hợp nhất, sáp nhập"),
        done=_("Đã hợp nhất; các tổ chức cũ được lưu trong lịch sử."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def unit_split(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _admin_unit(request, pk)
    form = forms.SplitForm(request.POST or None, unit=unit)

    def run(data: dict[str, Any]) -> Unit:
        services.organization_split(
            unit=unit, parts=form.new_units(), **_common(data, request.user)
        )
        return unit

    return _event_page(
        request,
        unit,
        form,
        run,
        title=_("Chia tách"),
        done=_("Đã chia tách; tổ chức cũ được lưu trong lịch sử."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def unit_dissolve(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _admin_unit(request, pk)
    form = forms.DissolveForm(request.POST or None, unit=unit)

    def run(data: dict[str, Any]) -> Unit:
        services.organization_dissolve(unit=unit, **_common(data, request.user))
        return unit

    return _event_page(
        request, unit, form, run, title=_("Giải thể"), done=_("Đã giải thể tổ chức.")
    )


def _history(unit: Unit) -> list:
    return history_for(unit)
