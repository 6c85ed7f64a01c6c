"""What every step of a spreadsheet import's pages checks first (upload,
review, column mapping, confirm): who may import, the upload stored for this
user, and where a corrected file is sent again."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from organizations.access import can_write
from partyquality import import_uploads, importing
from partyquality.http import AuthedRequest


def require_importer(request: AuthedRequest, kind: str | None = None) -> None:
    """403 unless the user may import something (of ``kind``, if given)."""
    if kind is not None:
        allowed = kind in importing.KINDS and importing.KINDS[kind].allows(request.user)
    else:
        allowed = can_write(request.user) or any(
            k.allows(request.user) for k in importing.KINDS.values()
        )
    if not allowed:
        raise PermissionDenied


def stored_upload(request: AuthedRequest, token: str) -> import_uploads.StoredUpload:
    require_importer(request)
    stored = import_uploads.load_upload(user=request.user, token=token)
    require_importer(request, stored.kind)
    return stored


def upload_again_url(stored: import_uploads.StoredUpload) -> str:
    """Where to upload a corrected file: the page it was sent from (an
    organization's review), the unit's page for a file imported under a unit
    (the tree), else the upload page."""
    if stored.page:
        return stored.page
    if stored.within is not None:
        return reverse("organizations:unit_tree_import", args=[stored.within])
    return reverse("imports:upload")
