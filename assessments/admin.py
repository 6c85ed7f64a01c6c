"""Admin for scales, rules and yearly records. Classifications of a locked
(approved) year are read-only here too: the admin is a write path like any
other and goes through ``review_assert_open``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from assessments import models
from assessments.services import review_assert_open


@admin.register(models.Scale)
class ScaleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "subject", "valid_from_year", "valid_to_year"]


@admin.register(models.ScaleLevel)
class ScaleLevelAdmin(admin.ModelAdmin):
    list_display = ["scale", "order", "code", "label", "tier", "min_score"]
    list_filter = ["scale"]


@admin.register(models.ClassificationRule)
class ClassificationRuleAdmin(admin.ModelAdmin):
    list_display = ["scale", "kind", "share", "level_code", "is_active"]
    list_filter = ["scale", "kind"]


def _unit_of(obj: Any):  # type: ignore[no-untyped-def]
    return obj.unit if isinstance(obj, models.UnitClassification) else obj.cell


class LockedYearAdmin(admin.ModelAdmin):
    """Refuses changes and deletes of rows whose organization-year is locked."""

    readonly_fields = ["updated_at", "updated_by"]

    def _is_open(self, obj: Any) -> bool:
        try:
            review_assert_open(_unit_of(obj), obj.year)
        except ValidationError:
            return False
        return True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not self._is_open(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not self._is_open(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        # A new row for a locked year (or a row moved into one) is refused too.
        review_assert_open(_unit_of(obj), obj.year)
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            if not self._is_open(obj):
                messages.error(request, f"{obj}: năm đánh giá đã khóa.")
                return
        super().delete_queryset(request, queryset)


@admin.register(models.UnitClassification)
class UnitClassificationAdmin(LockedYearAdmin):
    list_display = ["unit", "year", "level", "score"]
    list_filter = ["year"]
    raw_id_fields = ["unit"]


@admin.register(models.MemberClassification)
class MemberClassificationAdmin(LockedYearAdmin):
    list_display = ["person", "year", "cell", "level", "score"]
    list_filter = ["year"]
    raw_id_fields = ["person", "cell"]


class TransitionInline(admin.TabularInline):
    model = models.ReviewTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "reason", "by", "at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# A submitted or approved review is the record of a decision; deleting it
# made the locked year editable again (issue #16).
KEPT_STATES = (models.ReviewState.SUBMITTED, models.ReviewState.APPROVED)
REVIEW_KEPT = _("{review}: hồ sơ đã trình hoặc đã duyệt không thể xóa.")


@admin.register(models.OrganizationReview)
class OrganizationReviewAdmin(admin.ModelAdmin):
    """Read-only: the workflow moves only through its services (logged).
    A submitted or approved review is never deleted, and a review's
    transitions are history (PROTECT): only an unused draft can go."""

    list_display = ["organization", "year", "state"]
    list_filter = ["year", "state"]
    inlines = [TransitionInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.state in KEPT_STATES:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # The bulk action asks no per-object permission: a kept review is
        # listed as protected, which refuses the whole deletion.
        deleted, counts, perms, protected = super().get_deleted_objects(objs, request)
        kept = [REVIEW_KEPT.format(review=o) for o in objs if o.state in KEPT_STATES]
        if kept and super().has_delete_permission(request):
            # Named as what it is, not as a permission the user lacks.
            perms = set(perms) - {str(self.opts.verbose_name)}
        return deleted, counts, perms, [*kept, *protected]


@admin.register(models.ReviewCampaign)
class ReviewCampaignAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "entry_deadline", "decision_deadline"]
    raw_id_fields = ["unit"]


@admin.register(models.ConfidenceVote)
class ConfidenceVoteAdmin(admin.ModelAdmin):
    list_display = ["person", "year", "voters", "high", "confidence", "low"]
    raw_id_fields = ["person", "unit"]


@admin.register(models.CellMeeting)
class CellMeetingAdmin(admin.ModelAdmin):
    list_display = [
        "cell",
        "date",
        "preparation",
        "attendance",
        "conduct",
        "rules",
        "conclusions",
    ]
    raw_id_fields = ["cell"]


class CriteriaItemInline(admin.TabularInline):
    model = models.CriteriaItem
    extra = 1


@admin.register(models.CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "valid_from_year", "valid_to_year"]
    inlines = [CriteriaItemInline]


class CriteriaCheckInline(admin.TabularInline):
    model = models.CriteriaCheck
    extra = 1


@admin.register(models.CriteriaResult)
class CriteriaResultAdmin(admin.ModelAdmin):
    list_display = ["criteria_set", "unit", "year"]
    raw_id_fields = ["unit"]
    inlines = [CriteriaCheckInline]


# Standards and targets (issue #5) are registered beside the reports.
from assessments.reports import admin as _reports_admin  # noqa: E402, F401
