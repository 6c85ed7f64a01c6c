"""The tree workbook from a unit's page: export its subtree, import under it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from organizations.access import get_for_user, scope_reach
from organizations.models import Unit
from organizations.tree_export import tree_workbook
from organizations.tree_import import TREE_ROLES
from organizations.tree_spreadsheet import TREE
from partyquality import import_uploads, importing
from partyquality.http import AuthedRequest
from partyquality.xlsx import XLSX_CONTENT_TYPE


class TreeUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        try:
            importing.check_size(upload.size)
        except importing.ImportFileError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload


def may_import_under(user: object, unit: Unit) -> bool:
    """Administrators, and the board's officers under their own units as the
    tree stands today (dated access, issue #16: not a unit moved away)."""
    reach = scope_reach(user, roles=TREE_ROLES)  # type: ignore[arg-type]
    return reach is None or reach.now(unit.pk, timezone.localdate())


@require_http_methods(["GET", "POST"])
@login_required
def unit_tree_import(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_for_user(Unit.objects, user=request.user, pk=pk)
    if not may_import_under(request.user, unit) or unit.closed_on is not None:
        raise PermissionDenied
    form = TreeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        token = import_uploads.store_upload(
            user=request.user,
            kind=TREE,
            name=file.name,
            chunks=file.chunks(),
            within=unit.pk,
        )
        return redirect("imports:review", token=token)
    context = {
        "unit": unit,
        "form": form,
        "limit_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "organizations/unit_tree_import.html", context)


@require_GET
@login_required
def unit_tree_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """Today's tree under the unit: 404 to a former parent of a unit that
    moved away (issue #16), as for today's unit list."""
    unit = get_for_user(
        Unit.objects.visible_now(request.user), user=request.user, pk=pk
    )
    response = HttpResponse(tree_workbook(unit), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="he-thong-to-chuc-{unit.pk}.xlsx"'
    )
    return response
