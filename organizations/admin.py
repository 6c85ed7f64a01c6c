"""The tree in Django admin, for administrators only (``_admin_only``
restricts the whole site, issue #2 §4). Tree changes belong in the event forms, which
record history; the admin is for corrections and for assignments."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from organizations.access import is_admin
from organizations.models import (
    Assignment,
    ResidentialCoverage,
    ResidentialMemberCount,
    ResidentialUnit,
    Unit,
    UnitEvent,
    UnitLink,
    UnitName,
)
from organizations.tree import place_in_provinces


def _admin_only(request: HttpRequest) -> bool:
    return bool(
        request.user.is_active and request.user.is_staff and is_admin(request.user)
    )


admin.site.has_permission = _admin_only  # type: ignore[method-assign]


class ParentLinkInline(admin.TabularInline):
    model = UnitLink
    fk_name = "child"
    extra = 0
    raw_id_fields = ["parent"]


class FormerNameInline(admin.TabularInline):
    model = UnitName
    extra = 0


def _replace(unit_ids: list[int | None]) -> None:
    """Re-place the units ever under those a correction touched in their
    provinces (``Unit.province``), as the event services do: the province
    copies of memberships and holdings (members/0014, 0015) follow, and
    province officers keep seeing what the tree says."""
    place_in_provinces(under=[pk for pk in unit_ids if pk is not None])


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "opened_on", "closed_on"]
    list_filter = ["level", "kind", "is_difficult_area"]
    search_fields = ["code", "name", "search_name"]
    date_hierarchy = "opened_on"
    inlines = [ParentLinkInline, FormerNameInline]

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        _replace([form.instance.pk])  # its parent links may have changed


@admin.register(UnitLink)
class UnitLinkAdmin(admin.ModelAdmin):
    list_display = ["child", "parent", "valid_from", "valid_to"]
    raw_id_fields = ["child", "parent"]
    search_fields = ["child__name", "child__code", "parent__name", "parent__code"]
    list_select_related = ["child", "parent"]

    def save_model(
        self, request: HttpRequest, obj: UnitLink, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        _replace([obj.child_id, form.initial.get("child")])

    def delete_model(self, request: HttpRequest, obj: UnitLink) -> None:
        child = obj.child_id
        super().delete_model(request, obj)
        _replace([child])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        children = list(queryset.values_list("child_id", flat=True))
        super().delete_queryset(request, queryset)
        _replace(children)


@admin.register(UnitEvent)
class UnitEventAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "decision_number", "created_by"]
    list_filter = ["kind"]
    search_fields = ["decision_number", "note"]
    raw_id_fields = ["predecessors", "successors"]
    list_select_related = ["created_by"]

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        event = form.instance
        _replace(
            [
                *event.predecessors.values_list("pk", flat=True),
                *event.successors.values_list("pk", flat=True),
            ]
        )


class CoverageInline(admin.TabularInline):
    model = ResidentialCoverage
    extra = 0
    raw_id_fields = ["covering_cell"]


class MemberCountInline(admin.TabularInline):
    model = ResidentialMemberCount
    extra = 0


@admin.register(ResidentialUnit)
class ResidentialUnitAdmin(admin.ModelAdmin):
    """Villages are imported by commune and cell codes (imports page); the
    admin corrects one, with its dated coverage and yearly figures."""

    list_display = ["code", "name", "kind", "commune", "opened_on", "closed_on"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["commune"]
    list_select_related = ["commune"]
    inlines = [CoverageInline, MemberCountInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name", "unit__code"]
    raw_id_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]
