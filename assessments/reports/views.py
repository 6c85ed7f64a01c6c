"""Report pages, downloads and background files."""

from __future__ import annotations

import datetime
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from assessments.models import ReportJob
from assessments.reports import rendering, selectors, unit_picker
from assessments.reports.common import Scope
from assessments.reports.forms import ReportFilterForm
from assessments.reports.registry import REPORTS
from assessments.reports.tasks import report_job_start
from organizations.access import can_act_on, reaches_on
from organizations.models import Unit
from partyquality.http import AuthedRequest
from partyquality.jobs import fail_stale


def _parse(request: AuthedRequest, slug: str):  # type: ignore[no-untyped-def]
    if slug not in REPORTS:
        raise Http404
    values = ReportFilterForm(request.GET).values()
    return REPORTS[slug], _root(request, values), values


def _root(request: AuthedRequest, values: dict) -> Unit:
    if values["unit"] is None:
        root = selectors.default_root(user=request.user)
        if root is None:
            raise Http404
        values["unit"] = root.pk
    # Read by its key, never through ``visible_to`` (whose filter sends the
    # whole reach, 369,000 ids for the country: ~300 ms a page). A unit's year
    # is reported to those above it that year (one that moved stays with its
    # former parent for the years it spent there, issue #16): that dated
    # test alone decides, and it holds only for units ever reached.
    root = get_object_or_404(Unit, pk=values["unit"])
    if not reaches_on(request.user, root.pk, datetime.date(values["year"], 12, 31)):
        raise Http404
    return root


# The parameters a move to another unit keeps (the report's years and its
# "tạm tính" option); anything else in the URL is not echoed back.
KEPT = ("year", "compare", "base", "provisional")


def page_url(slug: str) -> str:
    """Where the picker's links lead: the report being read, or the index."""
    return reverse("reports:report", args=[slug]) if slug else reverse("reports:index")


def _searching(request: AuthedRequest, values: dict, slug: str) -> dict:
    """The picker's search: its matches for ``?q=`` and how a match's link
    keeps the report's parameters."""
    kept = [(k, v) for k in KEPT for v in request.GET.getlist(k) if v][:8]
    text = request.GET.get("q", "").strip()[:100]
    matches = (
        unit_picker.units_matching(user=request.user, text=text, year=values["year"])
        if text
        else None
    )
    return {
        "kept": kept,
        "keep": urlencode(kept),
        "search_text": text,
        "matches": matches,
        "pick_url": page_url(slug),
        "pick_slug": slug,
        "search_url": reverse("reports:units"),
    }


def _picking(request: AuthedRequest, root: Unit, values: dict, slug: str) -> dict:
    """The unit picker's context: the path, the children and, for a search
    sent without JavaScript (``?q=``), its matches."""
    picker = unit_picker.picker_for(user=request.user, unit=root, year=values["year"])
    return {"picker": picker} | _searching(request, values, slug)


def _build(module, root: Unit, values: dict, user, *, page: bool = False):  # type: ignore[no-untyped-def]
    """The report's data; for the page with the module's ``PAGE_OPTIONS``
    (the first rows of a long named list: the files carry all of it)."""
    return module.build(
        root=root,
        year=values["year"],
        compare_year=values["compare"] if "compare" in module.YEAR_OPTIONS else None,
        base_year=values["base"] if "base" in module.YEAR_OPTIONS else None,
        user=user,
        provisional=values["provisional"],
        **(getattr(module, "PAGE_OPTIONS", {}) if page else {}),
    )


def file_name(slug: str, root: Unit, values: dict, ext: str) -> str:
    """``organization_quality-NA-2025[-tam-tinh].pdf``: a provisional copy
    says so in its name too."""
    mark = "-tam-tinh" if values["provisional"] else ""
    return f"{slug}-{root.code}-{values['year']}{mark}.{ext}"


@require_GET
@login_required
def index(request: AuthedRequest) -> HttpResponse:
    values = ReportFilterForm(request.GET).values()
    context = {
        "reports": [(slug, m.TITLE) for slug, m in REPORTS.items()],
        "values": values,
    }
    if values["unit"] is not None or selectors.default_root(user=request.user):
        root = _root(request, values)
        context |= {"root": root} | _picking(request, root, values, "")
    return render(request, "reports/report_index.html", context)


@require_GET
@login_required
def unit_search(request: AuthedRequest) -> HttpResponse:
    """The picker's search as one types (htmx): at most
    ``unit_picker.MATCHES_SHOWN`` units in the user's reach for the year.
    Without JavaScript the picker's form asks the report page itself
    (``?q=``), which shows the same list."""
    slug = request.GET.get("report", "")
    slug = slug if slug in REPORTS else ""
    values = ReportFilterForm(request.GET).values()
    context = _searching(request, values, slug)
    return render(request, "reports/_unit_picker.html#matches", context)


@require_GET
@login_required
def report(request: AuthedRequest, slug: str) -> HttpResponse:
    module, root, values = _parse(request, slug)
    built = _build(module, root, values, request.user, page=True)
    day = datetime.date(values["year"], 12, 31)
    context = rendering.context(built, later=True) | {
        "slug": slug,
        "values": values,
        "root": root,
        "reports": [(s, m.TITLE) for s, m in REPORTS.items()],
        "options": module.YEAR_OPTIONS,
        "large": selectors.is_large(root, day),
        "query": request.GET.urlencode(),
        "jobs": selectors.report_jobs_of(user=request.user)[:5],
        "can_queue": can_act_on(request.user, root.pk),
    }
    context |= _picking(request, root, values, slug)
    return render(request, "reports/report_detail.html", context)


@require_GET
@login_required
def approvals(request: AuthedRequest, slug: str) -> HttpResponse:
    """The approval line of each table of the page, loaded after its figures
    (``common.Later``): out-of-band swaps into the page's placeholders. Only
    the counts are computed, never the report's figures."""
    module, root, values = _parse(request, slug)
    scope = Scope.for_user(root, request.user, provisional=values["provisional"])
    found = module.approvals(
        scope,
        year=values["year"],
        compare_year=values["compare"] if "compare" in module.YEAR_OPTIONS else None,
        base_year=values["base"] if "base" in module.YEAR_OPTIONS else None,
    )
    return render(
        request,
        "reports/_approvals.html",
        {
            "lines": [(key, str(line)) for key, line in found.items()],
            "provisional": values["provisional"],
        },
    )


@require_GET
@login_required
def export(request: AuthedRequest, slug: str, fmt: str) -> HttpResponse:
    module, root, values = _parse(request, slug)
    if fmt not in rendering.DOWNLOADS:
        raise Http404
    day = datetime.date(values["year"], 12, 31)
    if fmt in rendering.DOCUMENTS and selectors.is_large(root, day):
        # Too large for a request: the page offers the background file instead.
        return redirect(
            reverse("reports:report", args=[slug]) + "?" + request.GET.urlencode()
        )
    content, content_type, ext = rendering.render(
        _build(module, root, values, request.user), fmt
    )
    response = HttpResponse(content, content_type=content_type)
    filename = file_name(slug, root, values, ext)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@login_required
def job_create(request: AuthedRequest, slug: str) -> HttpResponse:
    module, root, values = _parse(request, slug)
    if not can_act_on(request.user, root.pk):
        raise PermissionDenied  # a reader reads; files are asked by the others
    fmt = request.POST.get("format", "pdf")
    if fmt not in rendering.DOWNLOADS:
        fmt = "pdf"
    job = report_job_start(
        user=request.user,
        report=module.SLUG,
        root=root,
        year=values["year"],
        compare_year=values["compare"] if "compare" in module.YEAR_OPTIONS else None,
        base_year=values["base"] if "base" in module.YEAR_OPTIONS else None,
        provisional=values["provisional"],
        fmt=fmt,
    )
    return redirect("reports:job_detail", pk=job.pk)


@require_GET
@login_required
def job_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    jobs = selectors.report_jobs_of(user=request.user)
    fail_stale(jobs.filter(pk=pk))
    job = get_object_or_404(jobs, pk=pk)
    template = "reports/reportjob_detail.html"
    if request.htmx:
        template += "#status"
    return render(request, template, {"job": job, "title": REPORTS[job.report].TITLE})


@require_GET
@login_required
def job_download(request: AuthedRequest, pk: int) -> FileResponse:
    job: ReportJob = get_object_or_404(
        selectors.report_jobs_of(user=request.user).filter(file_path__gt=""), pk=pk
    )
    path = (Path(settings.MEDIA_ROOT) / job.file_path).resolve()
    if (
        not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        or not path.exists()
    ):
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
