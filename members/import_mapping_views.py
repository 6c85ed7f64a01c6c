"""The column-mapping step of a spreadsheet import (issue #19 §7): a workbook
with its own headers is read through a mapping of each expected column to one
of its headers, suggested from the headers, confirmed once, saved for the
user and the kind, and reused the next time a file with the same headers
comes (``partyquality/column_mapping.py``).

The upload's check finds that its headers are not the template's (in the
request, or by the worker for a large file: the request never parses a
large file) and records them beside the upload; the review page then
reuses the saved mapping, or shows the mapping page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from members.import_steps import stored_upload, upload_again_url
from members.models import ColumnMapping
from partyquality import column_mapping, import_uploads, importing
from partyquality.http import AuthedRequest

NOT_IN_FILE_CHOICE = _("— không có trong tệp —")


class MappingForm(forms.Form):
    """One choice per column of the import: which of the file's headers."""

    def __init__(
        self,
        *args: Any,
        spec: Any,
        headers: list[str],
        repeated: dict[str, list[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.spec, self.headers, self.repeated = spec, headers, repeated or {}
        choices = [("", NOT_IN_FILE_CHOICE), *((h, h) for h in headers)]
        for column in spec.columns:
            self.fields[column.key] = forms.ChoiceField(
                label=column.header, choices=choices, required=False
            )

    @property
    def rows(self) -> list[tuple[forms.BoundField, bool]]:
        """Each column's choice, and whether the import needs that column."""
        return [(self[c.key], c.required) for c in self.spec.columns]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        mapping = {c.key: data.get(c.key) or None for c in self.spec.columns}
        found = column_mapping.problems(self.spec, self.headers, mapping, self.repeated)
        for key, message in found:
            self.add_error(key, message)
        data["mapping"] = mapping
        return data


def _saved(
    user: Any, stored: import_uploads.StoredUpload, headers: list[str]
) -> ColumnMapping | None:
    return ColumnMapping.objects.filter(
        user=user, kind=stored.kind, signature=column_mapping.signature(headers)
    ).first()


def decide(
    request: AuthedRequest, stored: import_uploads.StoredUpload, upload_url: str
) -> HttpResponse | None:
    """For an upload whose check found other headers than the template's:
    read it by the user's saved mapping for these headers (None: go on to
    its check), else show the mapping page with the suggestions."""
    headers = list((stored.columns or {}).get("headers", []))
    repeated = _repeated(stored)
    spec = importing.KINDS[stored.kind].spec
    saved = _saved(request.user, stored, headers)
    if saved is not None and not column_mapping.problems(
        spec, headers, saved.columns, repeated
    ):
        stored.set_mapping(saved.columns, saved=True)
        return None
    suggested = column_mapping.suggest(spec, headers)
    # A header over several columns is not suggested: the user picks.
    twice = {column_mapping.fold(h) for h in repeated}
    for key, header in suggested.items():
        if header is not None and column_mapping.fold(header) in twice:
            suggested[key] = None
    form = MappingForm(initial=suggested, spec=spec, headers=headers, repeated=repeated)
    return _page(request, stored, form, upload_url)


def _repeated(stored: import_uploads.StoredUpload) -> dict[str, list[str]]:
    """The file's headers found over several columns, with their letters."""
    return dict((stored.columns or {}).get("repeated") or {})


def _page(
    request: AuthedRequest,
    stored: import_uploads.StoredUpload,
    form: MappingForm,
    upload_url: str,
) -> HttpResponse:
    context = {
        "stored": stored,
        "kind_label": importing.KINDS[stored.kind].label,
        "form": form,
        "difference": (stored.columns or {}).get("differs"),
        "repeated": [
            (header, ", ".join(letters))
            for header, letters in _repeated(stored).items()
        ],
        "upload_url": upload_url,
    }
    return render(request, "members/import_mapping.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def mapping(request: AuthedRequest, token: str) -> HttpResponse:
    """Choose (or change) the file's column for each column of the import;
    saved for this user, this kind and these headers."""
    stored = stored_upload(request, token)
    if stored.columns is None:  # a template's headers, or not checked yet
        return redirect("imports:review", token=token)
    headers = list(stored.columns["headers"])
    spec = importing.KINDS[stored.kind].spec
    repeated = _repeated(stored)
    if request.method == "POST":
        form = MappingForm(request.POST, spec=spec, headers=headers, repeated=repeated)
        if form.is_valid():
            chosen = form.cleaned_data["mapping"]
            ColumnMapping.objects.update_or_create(
                user=request.user,
                kind=stored.kind,
                signature=column_mapping.signature(headers),
                defaults={"headers": headers, "columns": chosen},
            )
            stored.set_mapping(chosen, saved=False)
            return redirect("imports:review", token=token)
    else:
        saved = _saved(request.user, stored, headers)
        initial = (
            stored.mapping
            or (saved.columns if saved is not None else None)
            or column_mapping.suggest(spec, headers)
        )
        form = MappingForm(
            initial=initial, spec=spec, headers=headers, repeated=repeated
        )
    return _page(request, stored, form, upload_again_url(stored))
