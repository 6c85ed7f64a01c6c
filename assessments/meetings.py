"""Cell meetings scored where the work is done (issue 18 item 8, first part).

The secretary records each meeting of a cell on the 100-point rubric of
Nghệ An QĐ 08-QĐ/TU (2021) as updated by QĐ 27-QĐ/TU (2023): preparation
20, attendance 10, conduct 45, following the rules 15, conclusions 10. The
review entry page shows each cell's count, average and band beside its level
(assessments.yearly.cell_meeting_years).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from assessments.models import CellMeeting, OrganizationReview
from assessments.selectors import _cells_of
from assessments.views import _can_edit, _organization_year
from assessments.yearly import cell_meeting_years
from organizations.models import Level, Unit
from partyquality.http import AuthedRequest
from partyquality.widgets import DayInput

WRONG_YEAR = gettext_lazy("Ngày họp phải thuộc năm {year}.")


class MeetingForm(forms.ModelForm):
    class Meta:
        model = CellMeeting
        fields = [
            "cell",
            "date",
            "is_thematic",
            "preparation",
            "attendance",
            "conduct",
            "rules",
            "conclusions",
        ]
        widgets = {"date": DayInput()}

    def __init__(self, *args, cells: list[Unit], year: int, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["cell"].queryset = Unit.objects.filter(
            pk__in=[c.pk for c in cells]
        ).order_by("sort_name", "id")
        self.fields["cell"].label = _("Chi bộ")

    def clean_date(self):  # type: ignore[no-untyped-def]
        day = self.cleaned_data["date"]
        if day.year != self.year:
            raise forms.ValidationError(WRONG_YEAR.format(year=self.year))
        return day


def _meeting_cells(organization: Unit, year: int) -> list[Unit]:
    """The cells that meet: the cells under a grassroots committee, or a
    grassroots cell itself (chi bộ cơ sở)."""
    if organization.level == Level.GRASSROOTS_CELL:
        return [organization]
    return _cells_of([organization], year)[organization.pk]


@require_http_methods(["GET", "POST"])
@login_required
def cell_meetings(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    organization, year = _organization_year(
        request, pk, year, write=request.method == "POST"
    )
    cells = _meeting_cells(organization, year)
    review = OrganizationReview.objects.filter(
        organization=organization, year=year
    ).first()
    # A submitted or approved year is closed: its figures were sent up.
    closed = review is not None and not review.is_open
    editable = not closed and _can_edit(request, organization, year)
    form = MeetingForm(request.POST or None, cells=cells, year=year)
    if request.method == "POST":
        if closed:
            messages.error(
                request, _("Năm đã trình hoặc đã duyệt: không ghi thêm buổi sinh hoạt.")
            )
            return redirect("assessments:cell_meetings", pk=pk, year=year)
        if form.is_valid():
            form.save()
            messages.success(request, _("Đã ghi buổi sinh hoạt."))
            return redirect("assessments:cell_meetings", pk=pk, year=year)
    meetings = (
        CellMeeting.objects.filter(cell__in=cells, date__year=year)
        .select_related("cell")
        .order_by("cell__sort_name", "cell_id", "date")
    )
    rollup = cell_meeting_years([c.pk for c in cells], year)
    context = {
        "organization": organization,
        "year": year,
        "form": form,
        "editable": editable,
        "meetings": meetings,
        "cells": [(c, rollup.get(c.pk)) for c in cells],
    }
    return render(request, "assessments/cellmeeting_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def cell_meeting_delete(
    request: AuthedRequest, pk: int, year: int, meeting: int
) -> HttpResponse:
    """Delete a meeting recorded by mistake, after a confirmation page (GET)
    naming it: the list's "Xóa" is a link, so one stray click deletes
    nothing. The audit trail keeps the row and who deleted it
    (assessments.audit_models.CellMeetingHistory)."""
    organization, year = _organization_year(request, pk, year, write=True)
    cells = _meeting_cells(organization, year)
    found = CellMeeting.objects.filter(
        pk=meeting, cell__in=cells, date__year=year
    ).first()
    if found is None:
        raise Http404
    review = OrganizationReview.objects.filter(
        organization=organization, year=year
    ).first()
    if review is not None and not review.is_open:
        messages.error(
            request, _("Năm đã trình hoặc đã duyệt: không xóa buổi sinh hoạt.")
        )
    elif request.method == "GET":
        context = {"organization": organization, "year": year, "meeting": found}
        return render(request, "assessments/cellmeeting_confirm_delete.html", context)
    else:
        found.delete()
        messages.success(
            request,
            _("Đã xóa buổi sinh hoạt ngày %(day)s của %(cell)s.")
            % {"day": found.date.strftime("%d/%m/%Y"), "cell": found.cell.name},
        )
    return redirect("assessments:cell_meetings", pk=pk, year=year)
