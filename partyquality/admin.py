"""Django admin is for administrators only (issue #2 §4)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from partyquality.access import is_admin


def _admin_only(request: HttpRequest) -> bool:
    return bool(
        request.user.is_active and request.user.is_staff and is_admin(request.user)
    )


admin.site.has_permission = _admin_only  # type: ignore[method-assign]
admin.site.site_header = "PartyQuality"
