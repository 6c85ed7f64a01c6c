"""The tree in Django admin, for administrators only (partyquality/admin.py
restricts the whole site). Tree changes belong in the event forms, which
record history; the admin is for corrections and for assignments."""

from __future__ import annotations

from django.contrib import admin

from organizations.models import (
    Assignment,
    ResidentialUnit,
    Unit,
    UnitEvent,
    UnitLink,
    UnitName,
)


class ParentLinkInline(admin.TabularInline):
    model = UnitLink
    fk_name = "child"
    extra = 0
    raw_id_fields = ["parent"]


class FormerNameInline(admin.TabularInline):
    model = UnitName
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "opened_on", "closed_on"]
    list_filter = ["level", "kind", "is_difficult_area"]
    search_fields = ["code", "name", "search_name"]
    date_hierarchy = "opened_on"
    inlines = [ParentLinkInline, FormerNameInline]


@admin.register(UnitLink)
class UnitLinkAdmin(admin.ModelAdmin):
    list_display = ["child", "parent", "valid_from", "valid_to"]
    raw_id_fields = ["child", "parent"]
    search_fields = ["child__name", "child__code", "parent__name", "parent__code"]
    list_select_related = ["child", "parent"]


@admin.register(UnitEvent)
class UnitEventAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "decision_number", "created_by"]
    list_filter = ["kind"]
    search_fields = ["decision_number", "note"]
    raw_id_fields = ["predecessors", "successors"]
    list_select_related = ["created_by"]


@admin.register(ResidentialUnit)
class ResidentialUnitAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "commune",
        "covering_cell",
        "head_is_party_member",
        "closed_on",
    ]
    list_filter = ["kind", "head_is_party_member"]
    search_fields = ["code", "name", "head_name"]
    raw_id_fields = ["commune", "covering_cell"]
    list_select_related = ["commune", "covering_cell"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name", "unit__code"]
    raw_id_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]
