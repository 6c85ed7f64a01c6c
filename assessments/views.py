"""Pages of the yearly review: home, entry page per organization and year,
workflow actions, completion board, import, history and audit list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import services
from assessments.campaign_units import campaign_picking
from assessments.confidence import flagged_votes
from assessments.copying import levels_copy_from_last_year
from assessments.forms import CampaignForm, ImportForm, ReasonForm, RowForm
from assessments.importing import REVIEW_CLASSIFICATIONS
from assessments.models import (
    MemberClassification,
    OrganizationReview,
    ReviewCampaign,
    ReviewState,
    RuleKind,
    UnitClassification,
)
from assessments.progress import approval_scope
from assessments.rules import check_sheet
from assessments.selectors import (
    approvable_units,
    campaigns_for,
    can_approve_unit,
    day_in_year,
    review_sheet,
    reviews_of,
    secretary_organizations,
)
from assessments.yearly import cell_meeting_years, criteria_years
from members.models import Person
from organizations.access import (
    APPROVE_ROLES,
    WRITE_ROLES,
    can_approve,
    get_for_user,
    reaches_on,
)
from organizations.models import GRASSROOTS_LEVELS, Unit
from partyquality import import_uploads
from partyquality.audit import history_matching, record_access
from partyquality.http import AuthedRequest
from partyquality.models import AccessAction


def _organization(request: AuthedRequest, pk: int) -> Unit:
    unit = get_for_user(Unit.objects, user=request.user, pk=pk)
    if unit.level not in GRASSROOTS_LEVELS:
        raise Http404
    return unit


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _organization_year(
    request: AuthedRequest,
    pk: int,
    year: int,
    *,
    write: bool = False,
    approve: bool = False,
) -> tuple[Unit, int]:
    """The organization and year asked for, if the user reaches the
    organization as the tree stood that year (``day_in_year``): a year of an
    organization that moved belongs to the level above it had then (issue
    #16, dated access). 404 outside; 403 to one who reads but may not write
    (or approve) that year: writes too follow the year's tree, not today's
    (``Unit.writable_by``), so a year belongs to one level above."""
    organization = _organization(request, pk)
    year = _year(year)
    day = day_in_year(organization, year)
    if not reaches_on(request.user, organization.pk, day):
        raise Http404
    roles = WRITE_ROLES if write else APPROVE_ROLES if approve else None
    if roles and not reaches_on(request.user, organization.pk, day, roles=roles):
        raise PermissionDenied
    return organization, year


def _can_edit(request: AuthedRequest, organization: Unit, year: int) -> bool:
    day = day_in_year(organization, year)
    return reaches_on(request.user, organization.pk, day, roles=WRITE_ROLES)


@require_GET
@login_required
def review_home(request: AuthedRequest) -> HttpResponse:
    organizations = secretary_organizations(request.user)
    this_year = timezone.localdate().year
    campaign_years = set(
        ReviewCampaign.objects.values_list("year", flat=True).distinct()
    )
    years = sorted(campaign_years | {this_year - 1})[-3:]
    reviews = reviews_of(organizations)
    rows = [
        (org, [(year, reviews.get((org.pk, year))) for year in years])
        for org in organizations
    ]
    context = {
        "rows": rows,
        "years": years,
        "campaigns": campaigns_for(request.user),
        "can_open": approvable_units(request.user).exists(),
    }
    return render(request, "assessments/review_home.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def campaign_open(request: AuthedRequest) -> HttpResponse:
    units = (
        approvable_units(request.user)
        .visible_to(request.user)
        .exclude(level__in=GRASSROOTS_LEVELS)
        .exclude(level="cell")
        .order_by("sort_name", "id")
    )
    can_open = units.exists()
    if request.method == "POST" and not can_open:
        raise PermissionDenied
    chosen, picking = campaign_picking(
        user=request.user,
        units=units,
        data=request.POST if request.method == "POST" else request.GET,
    )
    form = CampaignForm(request.POST or None, units=units, initial={"unit": chosen})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_open(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("assessments:completion_board", pk=campaign.pk)
    return render(
        request,
        "assessments/reviewcampaign_form.html",
        {"form": form, "can_open": can_open} | picking,
    )


def _mark_rows(sheet, problems) -> None:  # type: ignore[no-untyped-def]
    """Each row that breaks a rule carries the message, beside it on the page.
    The quota is broken by the organization as a whole: the rows at the
    limited level carry it, since changing one of them is the remedy."""
    quota = next(
        (r for r in sheet.member_rules if r.kind == RuleKind.EXCELLENT_QUOTA), None
    )
    for problem in problems:
        if problem.row:
            rows = [sheet.row(problem.row)]
        elif problem.kind == RuleKind.EXCELLENT_QUOTA and quota is not None:
            rows = [
                r
                for r in sheet.member_rows
                if r.classification and r.classification.level.code == quota.level_code
            ]
        else:
            rows = []
        for row in rows:
            if row is not None:
                row.problems.append(problem.message)


def _sheet_context(request: AuthedRequest, organization: Unit, year: int) -> dict:
    sheet = review_sheet(organization, year)
    editable = sheet.is_open and _can_edit(request, organization, year)
    problems = check_sheet(sheet)
    _mark_rows(sheet, problems)
    # Each cell's meetings of the year (Nghệ An QĐ 08/27), beside its level.
    meetings = cell_meeting_years([r.unit_id for r in sheet.unit_rows], year)
    # The year's model-criteria checklists (DOMAIN.md §3), beside the level.
    checklists = criteria_years([r.unit_id for r in sheet.unit_rows], year)
    for row in sheet.unit_rows:
        row.meetings = meetings.get(row.unit_id)
        row.checklists = checklists.get(row.unit_id, [])
    # Votes of confidence that QĐ 96-QĐ/TW flags, beside the member.
    votes = flagged_votes([r.person_id for r in sheet.member_rows], year)
    for row in sheet.member_rows:
        row.flagged_votes = votes.get(row.person_id, [])
    return {
        "sheet": sheet,
        "organization": organization,
        "year": year,
        "editable": editable,
        "problems": problems,
        "missing": sheet.missing(),
        "can_approve": can_approve_unit(request.user, organization, year),
        "transitions": (
            sheet.review.transitions.select_related("by") if sheet.review else []
        ),
        "reason_form": ReasonForm(),
        "states": ReviewState,
    }


@require_http_methods(["GET", "POST"])
@login_required
def review_entry(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    """The secretary's page; officers read it. Posting it saves every row (no JS)."""
    organization, year = _organization_year(
        request, pk, year, write=request.method == "POST"
    )
    if request.method == "POST":
        errors = _save_all(request, organization, year)
        for error in errors:
            messages.error(request, error)
        if not errors:
            messages.success(request, _("Đã lưu."))
        return redirect("assessments:review_entry", pk=pk, year=year)
    context = _sheet_context(request, organization, year)
    record_access(
        request=request,
        action=AccessAction.VIEW,
        model=Person,
        ids=[r.person_id for r in context["sheet"].member_rows],
    )
    return render(request, "assessments/review_entry.html", context)


def _save_row(request: AuthedRequest, sheet, row) -> list[str]:  # type: ignore[no-untyped-def]
    levels = sheet.org_levels if row.unit_id else sheet.member_levels
    form = RowForm(request.POST, prefix=row.key, levels=levels)
    if not form.is_valid():
        return [f"{row.name}: {e}" for errs in form.errors.values() for e in errs]
    data = form.cleaned_data
    scale = sheet.org_scale if row.unit_id else sheet.member_scale
    # QĐ 366 conditions only mean something on scored scales.
    conditions = form.conditions() if scale and scale.uses_score else {}
    try:
        if row.unit_id:
            services.unit_classification_set(
                user=request.user,
                unit=Unit.objects.get(pk=row.unit_id),
                year=sheet.year,
                level=data["level"],
                score=data["score"],
                conditions=conditions,
                remarks=data["remarks"],
            )
        else:
            services.member_classification_set(
                user=request.user,
                person=Person.objects.get(pk=row.person_id),
                cell=Unit.objects.get(pk=row.cell_id),
                year=sheet.year,
                level=data["level"],
                score=data["score"],
                conditions=conditions,
                remarks=data["remarks"],
            )
    except ValidationError as exc:
        return [f"{row.name}: {m}" for m in exc.messages]
    return []


def _row_changed(request: AuthedRequest, row) -> bool:  # type: ignore[no-untyped-def]
    c = row.classification
    posted = request.POST.get(f"{row.key}-level", "")
    before = str(c.level_id) if c else ""
    fields = ("score", "remarks", "tasks_all_done", "tasks_exceeded")
    if posted != before:
        return True
    if c is None:
        return False
    current = {
        "score": "" if c.score is None else str(c.score),
        "remarks": c.remarks,
        "tasks_all_done": "on" if (c.conditions or {}).get("tasks_all_done") else "",
        "tasks_exceeded": "on" if (c.conditions or {}).get("tasks_exceeded") else "",
    }
    return any(
        request.POST.get(f"{row.key}-{f}", "").strip() != current[f].strip()
        and not (
            f == "score" and _same_number(request.POST.get(f"{row.key}-{f}"), c.score)
        )
        for f in fields
    )


def _same_number(raw, value) -> bool:  # type: ignore[no-untyped-def]
    from decimal import Decimal, InvalidOperation

    try:
        return value is not None and Decimal(raw) == value
    except (InvalidOperation, TypeError):
        return False


def _save_all(request: AuthedRequest, organization: Unit, year: int) -> list[str]:
    sheet = review_sheet(organization, year)
    errors: list[str] = []
    # Cells first, then members, the organization last (QĐ 124/366 order).
    rows = [r for r in sheet.unit_rows if not r.is_organization]
    rows += sheet.member_rows + [r for r in sheet.unit_rows if r.is_organization]
    for row in rows:
        if not row.moved_out and _row_changed(request, row):
            errors.extend(_save_row(request, sheet, row))
    return errors


@require_POST
@login_required
def review_save_row(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    """htmx: save one row as it changes; answers the row and the rule checks."""
    organization, year = _organization_year(request, pk, year, write=True)
    sheet = review_sheet(organization, year)
    row = sheet.row(request.POST.get("row", ""))
    if row is None:
        raise Http404
    errors = _save_row(request, sheet, row)
    if not request.htmx:
        for error in errors:
            messages.error(request, error)
        return redirect("assessments:review_entry", pk=pk, year=year)
    context = _sheet_context(request, organization, year)
    context["row"] = context["sheet"].row(row.key)
    context["row_errors"] = errors
    context["saved"] = not errors
    return render(request, "assessments/review_entry.html#row_saved", context)


@require_POST
@login_required
def review_copy_last_year(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    """Fill the empty rows with last year's levels, for the secretary to edit."""
    organization, year = _organization_year(request, pk, year, write=True)
    try:
        copied = levels_copy_from_last_year(
            user=request.user, organization=organization, year=year
        )
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        if copied:
            messages.success(
                request,
                _(
                    "Đã chép mức năm %(last)d cho %(n)d dòng còn trống. "
                    "Sửa những dòng đã thay đổi rồi trình."
                )
                % {"last": year - 1, "n": copied},
            )
        else:
            messages.warning(
                request,
                _("Không có mức nào của năm %(last)d để chép vào các dòng còn trống.")
                % {"last": year - 1},
            )
    return _back(pk, year)


def _review(request: AuthedRequest, pk: int, year: int) -> OrganizationReview:
    organization, year = _organization_year(request, pk, year, approve=True)
    review = OrganizationReview.objects.filter(
        organization=organization, year=year
    ).first()
    if review is None:
        raise Http404
    if not can_approve_unit(request.user, organization, year):
        raise PermissionDenied
    return review


def _back(pk: int, year: int) -> HttpResponse:
    return redirect("assessments:review_entry", pk=pk, year=year)


@require_POST
@login_required
def review_submit(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    # (A year of 99999 was an OverflowError deep in the sheet: a 500.)
    organization, year = _organization_year(request, pk, year, write=True)
    try:
        services.review_submit(user=request.user, organization=organization, year=year)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("Đã trình cấp trên."))
    return _back(pk, year)


def _reason_action(request: AuthedRequest, pk: int, year: int, action) -> HttpResponse:  # type: ignore[no-untyped-def]
    review = _review(request, pk, year)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, services.REASON_REQUIRED)
        return _back(pk, year)
    try:
        action(user=request.user, review=review, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return _back(pk, year)


@require_POST
@login_required
def review_return(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    return _reason_action(request, pk, year, services.review_return)


@require_POST
@login_required
def review_reopen(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    return _reason_action(request, pk, year, services.review_reopen)


@require_POST
@login_required
def review_approve(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    review = _review(request, pk, year)
    try:
        services.review_approve(user=request.user, review=review)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("Đã duyệt và khóa năm đánh giá."))
    return _back(pk, year)


def _campaign(request: AuthedRequest, pk: int) -> ReviewCampaign:
    campaign = campaigns_for(request.user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


@require_POST
@login_required
def bulk_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    # A campaign opened above an officer still lists their organizations:
    # each review is checked against the officer's own subtree below.
    if not can_approve(request.user):
        raise PermissionDenied
    ids = [int(i) for i in request.POST.getlist("review") if i.isdigit()]
    # Of the organizations under the officer in the tree of the year (#16).
    reviews = OrganizationReview.objects.filter(
        approval_scope(request.user), pk__in=ids, year=campaign.year
    ).select_related("organization")
    approved = services.review_bulk_approve(user=request.user, reviews=reviews)
    messages.success(request, _("Đã duyệt %(n)d tổ chức.") % {"n": len(approved)})
    url = reverse("assessments:completion_board", args=[pk])
    unit = request.POST.get("unit", "")
    return redirect(f"{url}?unit={unit}" if unit.isdigit() else url)


@require_http_methods(["GET", "POST"])
@login_required
def classification_import(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    organization, year = _organization_year(
        request, pk, year, write=request.method == "POST"
    )
    review = OrganizationReview.objects.filter(
        organization=organization, year=year
    ).first()
    # A submitted or approved year takes no import: say so before any upload,
    # not row by row after it.
    closed = review is not None and not review.is_open
    if request.method == "POST" and closed:
        messages.error(request, _closed_message(review))
        return redirect("assessments:classification_import", pk=pk, year=year)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        # Checked and confirmed on the imports pages (the column mapping, the
        # dry run, the rows in error), then back to this page for another.
        file = form.cleaned_data["file"]
        token = import_uploads.store_upload(
            user=request.user,
            kind=REVIEW_CLASSIFICATIONS,
            name=file.name,
            chunks=file.chunks(),
            within=organization.pk,
            page=request.path,
        )
        return redirect("imports:review", token=token)
    context = {
        "form": form,
        "organization": organization,
        "year": year,
        "closed_message": _closed_message(review) if closed else "",
    }
    return render(request, "assessments/classification_import.html", context)


def _closed_message(review: OrganizationReview) -> str:
    if review.state == ReviewState.APPROVED:
        return _(
            "Năm %(year)d đã được cấp trên duyệt và khóa: không nhập được. "
            "Muốn sửa, cấp trên phải mở lại năm này."
        ) % {"year": review.year}
    return _(
        "Năm %(year)d đã trình cấp trên, đang chờ duyệt: không nhập được. "
        "Nếu cần sửa, cấp trên trả lại thì nhập lại được."
    ) % {"year": review.year}


@require_GET
@login_required
def review_history(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    organization, year = _organization_year(request, pk, year)
    sheet = review_sheet(organization, year)
    history = sorted(
        history_matching(
            UnitClassification,
            unit_id__in=[r.unit_id for r in sheet.unit_rows],
            year=year,
        )
        + history_matching(
            MemberClassification,
            person_id__in=[r.person_id for r in sheet.member_rows],
            year=year,
        ),
        key=lambda e: e.at,
        reverse=True,
    )
    record_access(
        request=request,
        action=AccessAction.VIEW,
        model=Person,
        ids=[r.person_id for r in sheet.member_rows],
    )
    context = {
        "organization": organization,
        "year": year,
        "history": history,
        "transitions": sheet.review.transitions.select_related("by")
        if sheet.review
        else [],
    }
    return render(request, "assessments/review_history.html", context)
