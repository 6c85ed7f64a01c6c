"""Model-criteria checklists entered where the work is done (issue 18 item 8).

Provinces set their own models for organizations and cells — Quảng Bình's
"five good, four no's" (5 tốt, 4 không), the "four good" cell (chi bộ 4
tốt) — as sets of items kept as data (DOMAIN.md §3: the items differ by
province). The secretary ticks, for the organization and each of its cells,
the items met in the year; a unit reaches the model when every item is met
(``assessments.yearly.criteria_achieved``). The review entry page shows each
unit's checklist beside its level (``assessments.yearly.criteria_years``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from assessments.meetings import _meeting_cells
from assessments.models import CriteriaItem, CriteriaResult, OrganizationReview
from assessments.views import _can_edit, _organization_year
from assessments.yearly import criteria_sets_for, criteria_years
from partyquality.http import AuthedRequest


class ChecklistForm(forms.Form):
    """One criteria set's items for one unit and year."""

    items = forms.ModelMultipleChoiceField(
        queryset=CriteriaItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Tiêu chí đạt"),
    )
    remarks = forms.CharField(
        required=False,
        max_length=2000,
        label=gettext_lazy("Nhận xét"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, criteria_set, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.criteria_set = criteria_set
        self.fields["items"].queryset = criteria_set.items.order_by("order", "id")
        self.fields["items"].label_from_instance = lambda item: item.text


@require_http_methods(["GET", "POST"])
@login_required
def checklists(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    organization, year = _organization_year(
        request, pk, year, write=request.method == "POST"
    )
    units = [organization] + [
        c for c in _meeting_cells(organization, year) if c.pk != organization.pk
    ]
    raw = request.POST.get("unit") or request.GET.get("unit") or str(organization.pk)
    unit = next((u for u in units if str(u.pk) == raw), None)
    if unit is None:
        raise Http404
    review = OrganizationReview.objects.filter(
        organization=organization, year=year
    ).first()
    # A submitted or approved year is closed: its figures were sent up.
    closed = review is not None and not review.is_open
    editable = not closed and _can_edit(request, organization, year)
    sets = list(criteria_sets_for(organization, year))
    results = {
        r.criteria_set_id: r
        for r in CriteriaResult.objects.filter(unit=unit, year=year).prefetch_related(
            "met_items"
        )
    }
    forms_ = []
    for criteria_set in sets:
        result = results.get(criteria_set.pk)
        initial = (
            {"items": list(result.met_items.all()), "remarks": result.remarks}
            if result
            else {}
        )
        data = request.POST if request.method == "POST" else None
        forms_.append(
            ChecklistForm(
                data,
                prefix=f"set-{criteria_set.pk}",
                criteria_set=criteria_set,
                initial=initial,
            )
        )
    here = reverse("assessments:checklists", args=[pk, year]) + f"?unit={unit.pk}"
    if request.method == "POST":
        if closed:
            messages.error(
                request, _("Năm đã trình hoặc đã duyệt: không sửa kết quả tiêu chí.")
            )
            return redirect(here)
        if all(f.is_valid() for f in forms_):
            with transaction.atomic():
                for f in forms_:
                    result, _created = CriteriaResult.objects.update_or_create(
                        criteria_set=f.criteria_set,
                        unit=unit,
                        year=year,
                        defaults={"remarks": f.cleaned_data["remarks"]},
                    )
                    result.met_items.set(f.cleaned_data["items"])
            messages.success(
                request,
                _("Đã ghi kết quả tiêu chí của %(name)s.") % {"name": unit.name},
            )
            return redirect(here)
    summary = criteria_years([u.pk for u in units], year)
    context = {
        "organization": organization,
        "year": year,
        "unit": unit,
        "units": [(u, summary.get(u.pk, [])) for u in units],
        "forms": forms_,
        "editable": editable,
    }
    return render(request, "assessments/checklists.html", context)
