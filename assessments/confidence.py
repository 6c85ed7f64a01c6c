"""Votes of confidence entered where the work is done (issue 18 item 8).

The board officer (Ban Tổ chức) records, for each cadre holding a post in a
unit of their subtree, the counts of a year's vote of confidence (lấy phiếu
tín nhiệm, QĐ 96-QĐ/TW 2023): how many were asked, how many voted high
confidence, confidence and low confidence. Over half low puts the cadre out
of the planning; two thirds or more low is considered for dismissal
(``ConfidenceVote.out_of_planning`` / ``dismissal``). The review entry page
shows the votes the rules flag beside the member (``flagged_votes``).

The page is the unit's: its own cadres, and a link down to each unit below
it, so a province's thousands of cadres are never one drop-down.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from assessments.models import ConfidenceVote
from assessments.selectors import day_in_year
from members.cadre_models import PositionHolding
from organizations.access import APPROVE_ROLES, get_for_user, reaches_on
from organizations.models import Unit
from organizations.selectors import tree_children
from partyquality.http import AuthedRequest

TOO_MANY = gettext_lazy(
    "Tổng số phiếu ({total}) vượt số người được lấy phiếu ({voters})."
)


def holdings_in_year(unit: Unit, year: int):  # type: ignore[no-untyped-def]
    """The posts held at the unit at some time of the year, by holder's name."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (
        PositionHolding.objects.filter(unit=unit, valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
        .select_related("person", "position")
        .order_by("person__sort_name", "id")
    )


class VoteForm(forms.Form):
    holding = forms.ModelChoiceField(
        queryset=PositionHolding.objects.none(), label=gettext_lazy("Cán bộ, chức vụ")
    )
    voters = forms.IntegerField(
        min_value=1, label=gettext_lazy("Số người được lấy phiếu")
    )
    high = forms.IntegerField(min_value=0, label=gettext_lazy("Tín nhiệm cao"))
    confidence = forms.IntegerField(min_value=0, label=gettext_lazy("Tín nhiệm"))
    low = forms.IntegerField(min_value=0, label=gettext_lazy("Tín nhiệm thấp"))

    def __init__(self, *args, holdings, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["holding"]
        field.queryset = holdings
        field.label_from_instance = lambda h: f"{h.person.full_name} — {h.position}"

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        counts = [data.get(k) for k in ("high", "confidence", "low")]
        voters = data.get("voters")
        if voters is not None and None not in counts and sum(counts) > voters:
            raise forms.ValidationError(
                TOO_MANY.format(total=sum(counts), voters=voters)
            )
        return data


def flagged_votes(person_ids: Iterable[int], year: int) -> dict[int, list]:
    """The year's votes that QĐ 96-QĐ/TW flags (over half low), by person, in
    one query, for the review entry page."""
    found: dict[int, list] = {}
    votes = ConfidenceVote.objects.filter(
        person_id__in=list(person_ids), year=year, low__gt=0
    ).order_by("position", "id")
    for vote in votes:
        if vote.out_of_planning:
            found.setdefault(vote.person_id, []).append(vote)
    return found


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@require_http_methods(["GET", "POST"])
@login_required
def confidence_votes(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    """404 outside the subtree; 403 to one who may not record (only the
    board officers approve and vote counts are theirs to enter)."""
    unit = get_for_user(Unit.objects, user=request.user, pk=pk)
    year = _year(year)
    # A year's votes belong to the level above the unit in that year's tree,
    # like the review pages (issue #16): after a move the former board reads
    # and enters the years it held, the new one those from the move on.
    day = day_in_year(unit, year)
    if not reaches_on(request.user, unit.pk, day):
        raise Http404
    editable = reaches_on(request.user, unit.pk, day, roles=APPROVE_ROLES)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    holdings = holdings_in_year(unit, year)
    form = VoteForm(request.POST or None, holdings=holdings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        holding = data["holding"]
        # Entered again, a vote is corrected rather than counted twice.
        ConfidenceVote.objects.update_or_create(
            person=holding.person,
            unit=unit,
            year=year,
            position=str(holding.position)[:200],
            defaults={k: data[k] for k in ("voters", "high", "confidence", "low")},
        )
        messages.success(
            request,
            _("Đã ghi kết quả lấy phiếu của %(name)s.")
            % {"name": holding.person.full_name},
        )
        return redirect("assessments:confidence_votes", pk=pk, year=year)
    votes = (
        ConfidenceVote.objects.filter(unit=unit, year=year)
        .select_related("person")
        .order_by("person__sort_name", "position", "id")
    )
    context = {
        "unit": unit,
        "year": year,
        "form": form,
        "editable": editable and holdings.exists(),
        "votes": votes,
        "children": tree_children(
            user=request.user, parent=unit, day=datetime.date(year, 12, 31)
        ).order_by("sort_name", "id"),
    }
    return render(request, "assessments/confidence_votes.html", context)
