"""The admin site's title. Who may open it (administrators only, issue #2
§4) is decided with the assignments, in organizations/admin.py."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from partyquality.models import RecordAccess

admin.site.site_header = "PartyQuality"


@admin.register(RecordAccess)
class RecordAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "model", "count", "path"]
    list_filter = ["action", "model"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
