"""Spreadsheet import pages: templates, upload, dry run, confirm, rows in error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from members.import_jobs import import_job_start, upload_check_start
from members.import_mapping_views import decide
from members.import_steps import require_importer, stored_upload, upload_again_url
from members.models import ColumnMapping, ImportJob, UploadCheck
from members.spreadsheet_templates import KIND_LABELS
from partyquality import import_uploads, importing
from partyquality.dry_runs import PAGE_ROWS, DryRun
from partyquality.http import AuthedRequest
from partyquality.jobs import fail_stale
from partyquality.xlsx import XLSX_CONTENT_TYPE

IMPORTED = _(
    "Đã nhập {total} dòng: {new} thêm mới, {updated} cập nhật, {unchanged} không đổi."
)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại dữ liệu"), choices=())
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, importing.KINDS[k].label) for k in kinds]

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        try:
            importing.check_size(upload.size)
        except importing.ImportFileError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload


def _kind_label(kind: str) -> object:
    found = importing.KINDS.get(kind)
    return found.label if found else kind


def _number(value: int) -> str:
    """30.000 in Vietnamese, 30,000 in English."""
    return number_format(value, force_grouping=True)


@require_http_methods(["GET", "POST"])
@login_required
def upload(request: AuthedRequest) -> HttpResponse:
    kinds = [
        k
        for k, kind in importing.KINDS.items()
        if kind.listed and kind.allows(request.user)
    ]
    if not kinds:
        raise PermissionDenied
    # People first, in their usual order, then the kinds other apps register:
    # the browser preselects the first choice, and a secretary's members file
    # must not be read as a villages file (the registry is in app order).
    people = list(KIND_LABELS)
    kinds.sort(key=lambda k: people.index(k) if k in people else len(people))
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        token = import_uploads.store_upload(
            user=request.user,
            kind=form.cleaned_data["kind"],
            name=file.name,
            chunks=file.chunks(),
        )
        return redirect("imports:review", token=token)
    context = {
        "form": form,
        "kinds": [(k, importing.KINDS[k].label) for k in kinds],
        "limit_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "members/import_upload.html", context)


@require_GET
@login_required
def template(request: AuthedRequest) -> HttpResponse:
    kind = request.GET.get("loai", "")
    if kind not in importing.KINDS:
        raise Http404
    found = importing.KINDS[kind]
    response = HttpResponse(found.template(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{found.spec.filename}"'
    return response


def _dry_run(request: AuthedRequest, stored: import_uploads.StoredUpload) -> DryRun:
    """The stored file's check, kept beside it: a file of 100,000 rows takes
    tens of seconds to check, and its review is read page by page and its
    rows in error downloaded from what the check wrote once. Confirming
    always checks the file again against the database as it is then."""
    kept = stored.dry_run()
    if kept is None:
        import_uploads.check_upload(
            stored,
            user=request.user,
            saved=ColumnMapping.finder(request.user, stored.kind),
        )
        kept = stored.dry_run()
    if kept is None:  # (written a moment ago)
        raise Http404
    return kept


def _review_page(
    request: AuthedRequest, stored: import_uploads.StoredUpload, kept: DryRun
) -> HttpResponse:
    rows = kept.error_rows if request.GET.get("chi_loi") else kept.rows
    page = Paginator(rows or [], PAGE_ROWS).get_page(request.GET.get("page"))
    context = {
        "stored": stored,
        "kind_label": importing.KINDS[stored.kind].label,
        "row_header": importing.KINDS[stored.kind].row_header,
        "upload_url": upload_again_url(stored),
        "result": kept,
        "file_error": kept.file_error,
        "page": page,
        "mapping": _mapping_shown(stored),
        # The columns whose values as read are shown beside each row.
        "columns_read": (
            importing.KINDS[stored.kind].spec.headers
            if page.object_list and page.object_list[0].shown
            else []
        ),
    }
    return render(request, "members/import_review.html", context)


def _mapping_shown(stored: import_uploads.StoredUpload) -> list[tuple[str, str]]:
    """(the import's column, the file's header read for it), when the file
    was read through a mapping: the review shows it, and how to change it."""
    if not stored.mapping:
        return []
    return [
        (str(c.header), stored.mapping.get(c.key) or "")
        for c in importing.KINDS[stored.kind].spec.columns
    ]


def _checked_in_background(stored: import_uploads.StoredUpload) -> bool:
    """A large upload not checked yet (or checked too long ago)."""
    try:
        size = stored.path.stat().st_size
    except OSError:
        return False
    return size > settings.IMPORT_CHECK_IN_REQUEST_BYTES and not stored.has_dry_run()


def _checking_page(
    request: AuthedRequest, stored: import_uploads.StoredUpload, check: UploadCheck
) -> HttpResponse:
    """How far the check of a large upload is; the page asks again every
    second, and reloads as the review once the outcome is kept."""
    context = {
        "stored": stored,
        "kind_label": importing.KINDS[stored.kind].label,
        "check": check,
    }
    template = "members/import_checking.html"
    if request.htmx:
        template += "#status"
    return render(request, template, context)


@require_GET
@login_required
def review(request: AuthedRequest, token: str) -> HttpResponse:
    stored = stored_upload(request, token)
    if stored.needs_mapping():  # its check found headers of its own
        mapping_page = decide(request, stored, upload_again_url(stored))
        if mapping_page is not None:
            return mapping_page
    if _checked_in_background(stored):
        check = upload_check_start(
            user=request.user,
            stored=stored,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        return _checking_page(request, stored, check)
    if request.htmx and not request.htmx.boosted:
        # The checking page asking again: the outcome is kept, show it.
        return HttpResponseClientRefresh()
    kept = _dry_run(request, stored)
    if stored.needs_mapping():  # this check found headers of its own
        mapping_page = decide(request, stored, upload_again_url(stored))
        if mapping_page is not None:
            return mapping_page
        kept = _dry_run(request, stored)  # by the user's saved mapping
    return _review_page(request, stored, kept)


@require_POST
@login_required
def confirm(request: AuthedRequest, token: str) -> HttpResponse:
    """Queue the writing (a big file takes tens of seconds) and follow it."""
    stored = stored_upload(request, token)
    job = import_job_start(
        user=request.user,
        stored=stored,
        url=request.path,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    url = reverse("imports:job", args=[job.pk])
    if request.htmx:  # the confirm form is posted by htmx (no double submit)
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_GET
@login_required
def job(request: AuthedRequest, pk: int) -> HttpResponse:
    """How far the writing is; the page asks again every second until done."""
    require_importer(request)
    jobs = ImportJob.objects.filter(user=request.user)
    fail_stale(jobs.filter(pk=pk))
    job = get_object_or_404(jobs, pk=pk)
    require_importer(request, job.kind)
    context = {
        "job": job,
        "kind_label": _kind_label(job.kind),
        "rows": job.rows,
        "imported": (
            IMPORTED.format(**{k: _number(v) for k, v in job.counts.items()})
            if job.counts
            else ""
        ),
    }
    template = "members/import_job.html"
    if request.htmx:
        template += "#status"
    return render(request, template, context)


@require_GET
@login_required
def errors(request: AuthedRequest, token: str) -> HttpResponse:
    stored = stored_upload(request, token)
    if _checked_in_background(stored):  # its check expired: check it again
        return redirect("imports:review", token=token)
    workbook = _dry_run(request, stored).error_workbook
    if workbook is None:
        raise Http404
    # Written once by the check; served as a file.
    return FileResponse(
        workbook.open("rb"),
        as_attachment=True,
        filename=f"{_g('dong-loi')}-{stored.kind}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
